package app.concord.collab;

import app.concord.ot.TextOperation;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.ErrorCode;
import app.concord.protocol.ServerMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A restore asked for without a connection (a script over HTTP): made exactly as a client of
 * its own would make it, so it passes every check a live one does. It joins the document as a
 * fresh client, sends the changes from {@code base} back to the restored revision as one
 * {@code op} with {@code restore}, made against {@code base} (so the server transforms it past
 * whatever was applied since, as any edit), waits for the answer and leaves. The others see
 * a short visit by its author.
 */
public final class ScriptedRestore {

    private ScriptedRestore() {
    }

    /**
     * Restores revision {@code rev} of the document that {@code id} names, as seen at
     * revision {@code base}, by the author of {@code secret} (null: the author of the fresh client).
     *
     * @return the revision the restore made
     * @throws ProtocolException      with the code the protocol answers (a read-only id, a revision
     *                                after {@code base}, a document that would grow too large)
     * @throws StaleRevisionException when {@code base} or {@code rev} is not stored
     * @throws TimeoutException       when no answer came within {@code timeoutMillis}
     */
    public static int run(LiveDocuments documents, ScheduledExecutorService timers, String id, String docId, int base, int rev,
            String secret, String name, long timeoutMillis) throws TimeoutException, InterruptedException {
        TextOperation op = documents.history().changes(docId, base, rev).operation();
        CompletableFuture<ServerMessage> answer = new CompletableFuture<>();
        Connection connection = new Connection() {
            @Override
            public void send(ServerMessage message) {
                if (message instanceof ServerMessage.Ack || message instanceof ServerMessage.Error) {
                    answer.complete(message);
                }
            }

            @Override
            public void close(int code, String reason) {
                answer.complete(new ServerMessage.Error(ErrorCode.SERVER_ERROR, "the connection closed: " + reason));
            }
        };
        ProtocolSession session = new ProtocolSession(documents, id, connection, timers);
        try {
            session.receive(new ClientMessage.Join("restore-" + DocumentIds.fresh(), name, null, secret, false));
            session.receive(new ClientMessage.Op(base, 1, op, rev));
            ServerMessage result = answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
            if (result instanceof ServerMessage.Error error) {
                throw new ProtocolException(error.code(), error.message());
            }
            return ((ServerMessage.Ack) result).rev();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            session.ended();
        }
    }
}
