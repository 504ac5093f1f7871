package app.concord.protocol;

import java.util.Optional;

/**
 * The error codes of PROTOCOL.md "Errors", each with the WebSocket close code that follows
 * it ({@code 0}: the connection stays open).
 */
public enum ErrorCode {
    BAD_MESSAGE("bad-message", 1008),
    BAD_OP("bad-op", 1008),
    TOO_LARGE("too-large", 1009),
    READ_ONLY("read-only", 0),
    RATE_LIMITED("rate-limited", 1008),
    SERVER_ERROR("server-error", 1011);

    private final String wire;
    private final int closeCode;

    ErrorCode(String wire, int closeCode) {
        this.wire = wire;
        this.closeCode = closeCode;
    }

    /** The code as sent in the {@code error} message. */
    public String wire() {
        return wire;
    }

    /** The WebSocket close code sent after the error, or 0 when the connection stays open. */
    public int closeCode() {
        return closeCode;
    }

    public boolean closes() {
        return closeCode != 0;
    }

    /** The code sent as {@code wire}, if there is one. */
    public static Optional<ErrorCode> fromWire(String wire) {
        for (ErrorCode code : values()) {
            if (code.wire.equals(wire)) {
                return Optional.of(code);
            }
        }
        return Optional.empty();
    }
}
