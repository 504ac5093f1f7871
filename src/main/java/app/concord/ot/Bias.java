package app.concord.ot;

/** Which side of an insert made exactly at a position that position ends up on. */
public enum Bias {
    /** The position stays before the inserted text, as a peer's cursor does. */
    BEFORE,
    /** The position moves past the inserted text, as the typist's own cursor does. */
    AFTER
}
