package app.concord.ot;

/**
 * An operation that cannot be applied or combined as asked: a malformed component,
 * a base length that does not match the document, or a split surrogate pair.
 * The message is meant for people and names the offending component or position.
 */
public class InvalidOperationException extends IllegalArgumentException {

    public InvalidOperationException(String message) {
        super(message);
    }
}
