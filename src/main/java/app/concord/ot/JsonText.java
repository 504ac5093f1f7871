package app.concord.ot;

/**
 * The one rule for writing a string as JSON, used by the wire codec and by
 * {@link TextOperation#toString()}: quote, backslash, newline, carriage return and tab get
 * their short escapes, other control characters and U+2028/U+2029 (line breaks to
 * JavaScript) are written as <code>&#92;u00XX</code>; a surrogate pair is kept as is, and a lone
 * surrogate (which accepted text never holds) is escaped rather than trusted, so the output
 * is always valid UTF-8 once encoded.
 */
public final class JsonText {

    private JsonText() {
    }

    /** Appends {@code s} to {@code out} as a JSON string, quotes included. */
    public static void quote(String s, StringBuilder out) {
        out.append('"');
        int start = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String escape = null;
            if (c == '"') {
                escape = "\\\"";
            } else if (c == '\\') {
                escape = "\\\\";
            } else if (c == '\n') {
                escape = "\\n";
            } else if (c == '\r') {
                escape = "\\r";
            } else if (c == '\t') {
                escape = "\\t";
            } else if (c < 0x20 || c == '\u2028' || c == '\u2029'
                    || (Character.isSurrogate(c) && !pairedAt(s, i))) {
                escape = String.format("\\u%04x", (int) c);
            } else if (Character.isHighSurrogate(c)) {
                i++;
            }
            if (escape != null) {
                out.append(s, start, i).append(escape);
                start = i + 1;
            }
        }
        out.append(s, start, n).append('"');
    }

    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
}
