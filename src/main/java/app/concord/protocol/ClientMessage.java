package app.concord.protocol;

import app.concord.ot.Range;
import app.concord.ot.TextOperation;
import java.util.List;

/** A message from a client (PROTOCOL.md "Client to server"), decoded and validated. */
public sealed interface ClientMessage {

    /**
     * First message on every connection. {@code rev} is null when the client has no revision
     * yet; {@code author}, the client's secret (an extension), is null when it sent none;
     * {@code batch}: the client takes several messages in one {@code batch} frame (PROTOCOL.md
     * "Extension: batches").
     */
    record Join(String client, String name, Integer rev, String author, boolean batch) implements ClientMessage {
        /** A join without the extensions: no author secret, one message per frame. */
        public Join(String client, String name, Integer rev) {
            this(client, name, rev, null, false);
        }

        /** Never shows the secret, so that a logged message cannot leak it. */
        @Override
        public String toString() {
            return "Join[client=" + client + ", name=" + name + ", rev=" + rev + ", author=" + (author == null ? "none" : "(secret)")
                    + ", batch=" + batch + "]";
        }
    }

    /**
     * An operation made against {@code rev}, the client's {@code seq}-th; {@code restore} (an
     * extension) is the revision whose text it makes, when it restores one, else null.
     */
    record Op(int rev, long seq, TextOperation ops, Integer restore) implements ClientMessage {
        public Op(int rev, long seq, TextOperation ops) {
            this(rev, seq, ops, null);
        }
    }

    /** The client's selection at revision {@code rev}. */
    record Cursor(int rev, List<Range> ranges) implements ClientMessage {
    }

    record Ping() implements ClientMessage {
    }

    /**
     * A frame that is not a valid message: what the server answers with {@code error}
     * before closing. Decoding yields this instead of throwing, so that the answer is the
     * same on every WebSocket implementation.
     */
    record Invalid(ErrorCode code, String message) implements ClientMessage {
    }
}
