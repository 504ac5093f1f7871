package app.concord.examples;

import app.concord.client.ClientOptions;
import app.concord.client.Concord;
import app.concord.client.ConnectionState;
import app.concord.client.DocumentListener;
import app.concord.client.RemoteChange;
import app.concord.client.RemoteDocument;
import app.concord.protocol.Peer;
import java.net.URI;
import java.util.concurrent.CountDownLatch;

/**
 * Prints a document, then every change to it as it happens, with who made it, and who comes
 * and goes. Stops with Ctrl-C.
 *
 * <pre>java app.concord.examples.Watch http://localhost:8080/ notes</pre>
 */
public final class Watch {

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Watch <server, e.g. http://localhost:8080/> <document id>");
            System.exit(2);
        }
        CountDownLatch closed = new CountDownLatch(1);
        DocumentListener printer = new DocumentListener() {
            @Override
            public void changed(RemoteChange change) {
                System.out.printf("-- revision %d by %s: %s%n", change.revision(), change.author(), change.operation());
            }

            @Override
            public void peerJoined(Peer peer) {
                System.out.printf("-- %s (%s) opened the document%n", peer.name(), peer.client());
            }

            @Override
            public void peerLeft(Peer peer) {
                System.out.printf("-- %s left%n", peer.name());
            }

            @Override
            public void stateChanged(ConnectionState state, Throwable cause) {
                System.out.printf("-- %s%s%n", state, cause == null ? "" : " (" + cause.getMessage() + ")");
                if (state == ConnectionState.CLOSED) {
                    closed.countDown();
                }
            }
        };
        ClientOptions options = ClientOptions.defaults().name("Watcher");
        try (RemoteDocument doc = Concord.connect(URI.create(args[0]), args[1], options, printer)) {
            System.out.printf("%s at revision %d:%n%s%n", doc.id(), doc.revision(), doc.text());
            Runtime.getRuntime().addShutdownHook(new Thread(doc::close));
            closed.await();
        }
    }
}
