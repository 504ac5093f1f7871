package app.concord.collab;

import app.concord.protocol.ErrorCode;

/** A request the protocol refuses, with the error code the client is answered with. */
public class ProtocolException extends RuntimeException {

    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** A refusal caused by an earlier {@code failure} of the server, which the refusal reports. */
    public ProtocolException(ErrorCode code, String message, Throwable failure) {
        super(message, failure, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
