package app.concord.collab;

import app.concord.protocol.ErrorCode;

/**
 * What a {@link ProtocolSession} tells its transport about the messages it handles, for
 * operators' figures (latency from receipt to ack, refusals by code, server errors). Called on
 * the thread that handles the message; implementations must be quick and must not throw.
 */
public interface SessionEvents {

    /** Hears nothing. */
    SessionEvents NONE = new SessionEvents() {
    };

    /** An {@code op} with {@code seq} arrived at {@code nanos} ({@link System#nanoTime()}). */
    default void operationReceived(long seq, long nanos) {
    }

    /** The {@code op} with {@code seq} was refused with {@code code}. */
    default void operationRefused(long seq, ErrorCode code) {
    }

    /** The session answered {@code server-error}; the failure was logged as {@code incidentId}. */
    default void serverError(String incidentId) {
    }
}
