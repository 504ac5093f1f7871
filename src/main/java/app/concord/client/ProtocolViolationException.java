package app.concord.client;

/**
 * The server sent something protocol v1 does not allow: a frame that is not a valid message,
 * or one that does not fit this replica (a revision out of order, an acknowledgement of
 * nothing). The document reports it, drops the connection and resumes on a new one.
 */
public class ProtocolViolationException extends ConcordException {

    public ProtocolViolationException(String message, Throwable cause) {
        super(message, cause);
    }
}
