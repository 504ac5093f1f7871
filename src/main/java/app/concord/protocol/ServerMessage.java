package app.concord.protocol;

import app.concord.ot.Authorship;
import app.concord.ot.Range;
import java.util.List;
import java.util.Map;

/** A message to a client (PROTOCOL.md "Server to client"). */
public sealed interface ServerMessage {

    /**
     * Answer to {@code join}: either {@code text} (a snapshot at {@code rev}) or {@code ops}
     * (every revision after the client's), the other being null. For a client that joined
     * with {@code author} (an extension), {@code author} is its public author id,
     * {@code authorship} the runs of the text at {@code rev} and {@code authors} every author
     * of the document; all three are null otherwise.
     */
    record Welcome(String doc, String client, int rev, String text, List<Revision> ops, List<Peer> peers,
            boolean readOnly, String author, Authorship authorship, Map<String, AuthorProfile> authors)
            implements ServerMessage {

        public Welcome(String doc, String client, int rev, String text, List<Revision> ops, List<Peer> peers,
                boolean readOnly) {
            this(doc, client, rev, text, ops, peers, readOnly, null, null, null);
        }

        /** This welcome with the authorship extension. */
        public Welcome withAuthorship(String author, Authorship authorship, Map<String, AuthorProfile> authors) {
            return new Welcome(doc, client, rev, text, ops, peers, readOnly, author, authorship, authors);
        }
    }

    record Ack(int rev, long seq) implements ServerMessage {
    }

    /** Another client's operation, as applied: it made revision {@code revision.rev()}. */
    record Op(Revision revision) implements ServerMessage {
    }

    record Cursor(String client, int rev, List<Range> ranges) implements ServerMessage {
    }

    record PeerJoined(Peer peer) implements ServerMessage {
    }

    record PeerLeft(String client) implements ServerMessage {
    }

    record Pong() implements ServerMessage {
    }

    /**
     * A refusal; {@code id}, for a {@code server-error} only (else null), names the failure in
     * the server's log (a protocol extension, PROTOCOL.md "Errors").
     */
    record Error(ErrorCode code, String message, String id) implements ServerMessage {
        public Error(ErrorCode code, String message) {
            this(code, message, null);
        }
    }

    /**
     * Several messages in one frame, to be handled in order as if each had come on its own: only
     * for a client that asked for batches at {@code join} (PROTOCOL.md "Extension: batches").
     */
    record Batch(List<ServerMessage> messages) implements ServerMessage {
    }

    /**
     * A message already encoded as {@code json}: a broadcast is encoded once and the same
     * frame handed to every receiver.
     */
    record Encoded(String json) implements ServerMessage {
    }
}
