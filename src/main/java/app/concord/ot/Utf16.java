package app.concord.ot;

/** Surrogate-pair checks over UTF-16 text, shared by validation and position mapping. */
final class Utf16 {

    private Utf16() {
    }

    /** True when a boundary at {@code pos} would fall between the halves of a surrogate pair. */
    static boolean splitsPair(CharSequence text, int pos) {
        return pos > 0 && pos < text.length()
                && Character.isHighSurrogate(text.charAt(pos - 1))
                && Character.isLowSurrogate(text.charAt(pos));
    }

    /** Index of the first unpaired surrogate in {@code s}, or -1 when {@code s} is well-formed. */
    static int firstUnpairedSurrogate(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
