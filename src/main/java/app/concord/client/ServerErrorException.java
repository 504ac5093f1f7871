package app.concord.client;

import app.concord.protocol.ErrorCode;

/**
 * The server answered with an {@code error} message (PROTOCOL.md "Errors"). {@link #code()}
 * says which; {@link #serverMessage()} is the server's explanation, for people.
 */
public class ServerErrorException extends ConcordException {

    private final ErrorCode code;
    private final String serverMessage;

    public ServerErrorException(ErrorCode code, String serverMessage) {
        super("the server answered " + code.wire() + ": " + serverMessage);
        this.code = code;
        this.serverMessage = serverMessage;
    }

    public ErrorCode code() {
        return code;
    }

    public String serverMessage() {
        return serverMessage;
    }
}
