package app.concord.ot;

/**
 * One step of a {@link TextOperation}'s walk over a document. Lengths count UTF-16
 * code units. Inside a {@link TextOperation} every component has a positive length.
 */
public sealed interface Component permits Component.Retain, Component.Insert, Component.Delete {

    /** Code units this component spans: kept, inserted or removed. */
    int length();

    /** Keep the next {@code count} code units. Wire form: the positive integer {@code count}. */
    record Retain(int count) implements Component {
        @Override
        public int length() {
            return count;
        }
    }

    /** Insert {@code text} at the current position. Wire form: the string itself. */
    record Insert(String text) implements Component {
        @Override
        public int length() {
            return text.length();
        }
    }

    /** Remove the next {@code count} code units. Wire form: the negative integer {@code -count}. */
    record Delete(int count) implements Component {
        @Override
        public int length() {
            return count;
        }
    }
}
