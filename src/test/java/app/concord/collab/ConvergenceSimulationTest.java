package app.concord.collab;

import app.concord.protocol.Revision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.ClientDocument.Outgoing;
import app.concord.client.ClientDocument;
import app.concord.ot.Authorship;
import app.concord.ot.AuthorshipBuffer;
import app.concord.ot.TextOperation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Several {@link ClientDocument}s and one {@link DocumentAuthority} connected by in-memory
 * channels, FIFO in each direction as a WebSocket is, with a seeded scheduler that picks
 * which channel delivers next, who edits, and who loses their connection.
 *
 * <p>Law: at quiescence every replica holds the authority's text at its revision, and every
 * edit took effect exactly once. Every edit inserts unique tokens (some with surrogate
 * pairs) or deletes whole tokens, so the final text must be exactly the tokens inserted
 * minus those deleted, each once.
 *
 * <p>A disconnect drops what the server had not yet sent; what the client had sent is
 * either lost or, at random, still processed by the server later (a "zombie" connection),
 * possibly after the client rejoined and resent it, which makes the resend a duplicate.
 *
 * <p>Authorship law: the server's authorship, kept op by op, covers the text, and every code
 * unit is by the author of the operation that inserted it, except text a restore brought back,
 * which keeps the author it had in the restored revision. Since only a token's creator ever
 * types it, and a restore brings a token back with its authors then, every code unit of a
 * token is its creator's either way. In the second run clients also restore earlier
 * revisions (when they have nothing unacknowledged, as the protocol asks), and resend an
 * unacknowledged restore as first sent; there, deleted tokens come back, so the exactly-once
 * check gives way to the laws that still hold.
 */
class ConvergenceSimulationTest {

    private static final long BASE_SEED = 0x51A7_0000L;
    private static final int SEEDS = 200;
    private static final int STEPS = 300;
    private static final Pattern TOKEN = Pattern.compile("\\[\\d+\\.\\d+[^\\[\\]]*\\]");

    @Test
    void everyReplicaConvergesOnTheAuthoritysTextWithEveryEditOnce() {
        Totals totals = simulate(BASE_SEED, false);
        // The paths this test exists for were all taken, so a change that skips them shows here.
        assertTrue(totals.reconnects > 100, totals.toString());
        assertTrue(totals.duplicates > 0, totals.toString());
        assertTrue(totals.ownEntriesInCatchUp > 0, totals.toString());
        assertTrue(totals.ownEntriesAsRemote > 0, totals.toString());
        assertTrue(totals.offlineEdits > 0, totals.toString());
    }

    @Test
    void restoresConvergeAndRestoredTextKeepsItsAuthors() {
        Totals totals = simulate(BASE_SEED + 1_000_000, true);
        assertTrue(totals.restores > 200, totals.toString());
        assertTrue(totals.restoresResent > 0, totals.toString());
        assertTrue(totals.restoresTransformed > 50, totals.toString());
    }

    private static Totals simulate(long baseSeed, boolean restores) {
        Totals totals = new Totals();
        for (int i = 0; i < SEEDS; i++) {
            long seed = baseSeed + i;
            Simulation simulation = new Simulation(seed, totals, restores);
            try {
                simulation.run();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("simulation fails for seed " + seed + " (replay: new Simulation(" + seed
                        + "L, ...)) at step " + simulation.step + ": " + e.getMessage() + "\nauthority text: "
                        + simulation.authority.text(), e);
            }
        }
        return totals;
    }

    private static final class Totals {
        int reconnects;
        int duplicates;
        int ownEntriesInCatchUp;
        int ownEntriesAsRemote;
        int offlineEdits;
        int restores;
        int restoresResent;
        int restoresTransformed;

        @Override
        public String toString() {
            return "reconnects " + reconnects + ", duplicate ops " + duplicates + ", own entries in catch-ups "
                    + ownEntriesInCatchUp + ", own entries broadcast " + ownEntriesAsRemote + ", offline edits " + offlineEdits
                    + ", restores " + restores + " (resent " + restoresResent + ", transformed " + restoresTransformed + ")";
        }
    }

    /** An op; {@code restore} is the revision it restores, or null. */
    private record OpMessage(int rev, long seq, TextOperation op, Integer restore) {
    }

    private record AckMessage(int rev, long seq) {
    }

    private record RemoteMessage(int rev, String client, long seq, TextOperation op) {
    }

    private record WelcomeMessage(List<Revision> ops) {
    }

    /** One WebSocket: a FIFO channel each way. Once closed, the client hears nothing more on it. */
    private static final class Connection {
        final Client owner;
        final ArrayDeque<OpMessage> toServer = new ArrayDeque<>();
        final ArrayDeque<Object> toClient = new ArrayDeque<>();
        boolean open = true;
        boolean welcomed;

        Connection(Client owner, boolean welcomed) {
            this.owner = owner;
            this.welcomed = welcomed;
        }
    }

    private static final class Client {
        final int index;
        final ClientDocument doc;
        Connection connection;
        int tokens;
        /** The last restore this client sent, resent as it was while unacknowledged. */
        OpMessage restoring;

        Client(int index) {
            this.index = index;
            this.doc = new ClientDocument("c" + index, 0, "");
        }

        String id() {
            return doc.client();
        }

        String author() {
            return "A" + index;
        }
    }

    private static final class Simulation {
        final Random random;
        final Totals totals;
        final DocumentAuthority authority = DocumentAuthority.empty("sim", 1 << 20);
        final List<Client> clients = new ArrayList<>();
        /** Every connection the server may still read from: the open ones and closed ones with unread messages. */
        final List<Connection> serverSide = new ArrayList<>();
        final Set<String> inserted = new HashSet<>();
        final Set<String> deleted = new HashSet<>();
        final boolean restores;
        /** The server's authorship, kept op by op, and the text and authorship of every revision. */
        final AuthorshipBuffer authorship = new AuthorshipBuffer(Authorship.empty());
        final List<String> texts = new ArrayList<>(List.of(""));
        final List<Authorship> authorships = new ArrayList<>(List.of(Authorship.empty()));
        int step;

        Simulation(long seed, Totals totals, boolean restores) {
            this.random = new Random(seed);
            this.totals = totals;
            this.restores = restores;
            int count = 5 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                Client c = new Client(i);
                c.connection = new Connection(c, true);
                serverSide.add(c.connection);
                clients.add(c);
            }
        }

        void run() {
            for (step = 0; step < STEPS; step++) {
                int choice = random.nextInt(100);
                if (choice < 30) {
                    Client c = pick(clients);
                    if (restores && random.nextInt(4) == 0 && c.doc.isSynchronized() && c.connection != null
                            && c.connection.welcomed) {
                        restore(c);
                    } else {
                        edit(c);
                    }
                } else if (choice < 60) {
                    deliverToServer();
                } else if (choice < 90) {
                    deliverToClient();
                } else if (choice < 94) {
                    Client c = pick(clients);
                    if (c.connection != null) {
                        disconnect(c);
                        if (random.nextBoolean()) {
                            reconnect(c);  // a quick reconnect races the old connection's unread op
                        }
                    }
                } else {
                    Client c = pick(clients);
                    if (c.connection == null) {
                        reconnect(c);
                    }
                }
            }
            quiesce();
            check();
        }

        void quiesce() {
            for (Client c : clients) {
                if (c.connection == null) {
                    reconnect(c);
                }
            }
            for (int i = 0; pending(); i++) {
                if (i > 100_000) {
                    throw new AssertionError("messages still flowing after 100000 deliveries");
                }
                if (random.nextBoolean()) {
                    deliverToServer();
                } else {
                    deliverToClient();
                }
            }
        }

        boolean pending() {
            return serverSide.stream().anyMatch(c -> !c.toServer.isEmpty())
                    || clients.stream().anyMatch(c -> !c.connection.toClient.isEmpty());
        }

        void check() {
            String text = authority.text().toString();
            for (Client c : clients) {
                assertTrue(c.doc.isSynchronized(), c.id() + " still has pending edits: " + c.doc.state());
                assertEquals(authority.revision(), c.doc.revision(), c.id() + " revision");
                assertEquals(text, c.doc.text(), c.id() + " text");
            }
            List<String> found = tokens(text);
            assertEquals(text, String.join("", found), "the text is made of whole tokens");
            Authorship authors = authorship.toAuthorship();
            assertEquals(text.length(), authors.length(), "the authorship covers the text");
            int at = 0;
            for (String token : found) {
                String creator = "A" + token.substring(1, token.indexOf('.'));
                assertEquals(Authorship.of(token.length(), creator), authors.slice(at, at + token.length()),
                        "the authors of " + token + " at " + at);
                at += token.length();
            }
            if (restores) {
                return;
            }
            Set<String> expected = new TreeSet<>(inserted);
            expected.removeAll(deleted);
            assertEquals(expected, new TreeSet<>(found), "tokens present: inserted minus deleted");
            assertEquals(expected.size(), found.size(), "no token twice");
        }

        /** One or two splices at token boundaries: insert a new token, delete up to three whole ones, or both. */
        void edit(Client c) {
            String text = c.doc.text();
            List<String> tokens = tokens(text);
            int n = tokens.size();
            int[] offsets = new int[n + 1];
            for (int i = 0; i < n; i++) {
                offsets[i + 1] = offsets[i] + tokens.get(i).length();
            }
            TextOperation.Builder b = TextOperation.builder();
            int done = 0;
            int splices = 1 + random.nextInt(2);
            for (int e = 0; e < splices && done <= n; e++) {
                int start = done + random.nextInt(n - done + 1);
                int deleteCount = random.nextInt(3) == 0 ? random.nextInt(Math.min(3, n - start) + 1) : 0;
                b.retain(offsets[start] - offsets[done]);
                if (deleteCount == 0 || random.nextBoolean()) {
                    b.insert(newToken(c));
                }
                b.delete(offsets[start + deleteCount] - offsets[start]);
                deleted.addAll(tokens.subList(start, start + deleteCount));
                done = start + deleteCount;
                if (done == n) {
                    break;
                }
                b.retain(offsets[done + 1] - offsets[done]);
                done++;
            }
            b.retain(offsets[n] - offsets[Math.min(done, n)]);
            if (c.connection == null || !c.connection.welcomed) {
                totals.offlineEdits++;
            }
            c.doc.applyLocal(b.build()).ifPresent(out -> send(c, out));
        }

        String newToken(Client c) {
            String decoration = switch (random.nextInt(4)) {
                case 0 -> "😀";
                case 1 -> "é";
                default -> "";
            };
            String token = "[" + c.index + "." + (++c.tokens) + decoration + "]";
            inserted.add(token);
            return token;
        }

        /**
         * Restores a random earlier revision: the changes from the client's revision back to it
         * (the composition of the inverses), sent alone, as the protocol asks.
         */
        void restore(Client c) {
            int rev = c.doc.revision();
            int target = random.nextInt(rev + 1);
            TextOperation back = TextOperation.identity(texts.get(rev).length());
            if (target < rev) {
                TextOperation forward = null;
                for (Revision r : authority.revisions(target, rev)) {
                    forward = forward == null ? r.operation() : forward.compose(r.operation());
                }
                back = forward.invert(texts.get(target));
            }
            if (back.isIdentity()) {
                return; // nothing to restore: the client sends nothing
            }
            totals.restores++;
            Outgoing out = c.doc.applyLocal(back).orElseThrow();
            c.restoring = new OpMessage(out.rev(), out.seq(), out.op(), target);
            send(c, out);
        }

        void send(Client c, Outgoing out) {
            // Before the welcome, or offline, nothing goes out: resend() after the catch-up covers it.
            if (c.connection != null && c.connection.welcomed) {
                if (c.restoring != null && c.restoring.seq() == out.seq()) {
                    if (out.rev() != c.restoring.rev()) {
                        totals.restoresResent++;
                    }
                    c.connection.toServer.add(c.restoring);
                } else {
                    c.connection.toServer.add(new OpMessage(out.rev(), out.seq(), out.op(), null));
                }
            }
        }

        /** What the server checks of a restore, and who wrote what it brings back. */
        Authorship restored(OpMessage m) {
            assertEquals(texts.get(m.restore()), m.op().apply(texts.get(m.rev())), "a restore makes its revision's text");
            if (m.rev() < authority.revision()) {
                totals.restoresTransformed++;
            }
            return Authorship.insertedBy(m.op(), authorships.get(m.restore()));
        }

        void deliverToServer() {
            List<Connection> ready = serverSide.stream().filter(c -> !c.toServer.isEmpty()).toList();
            if (ready.isEmpty()) {
                return;
            }
            Connection from = pick(ready);
            if (!from.open && random.nextInt(4) == 0) {
                from.toServer.clear();  // the closed socket's unread data is gone after all
                serverSide.remove(from);
                return;
            }
            OpMessage m = from.toServer.poll();
            if (!from.open && from.toServer.isEmpty()) {
                serverSide.remove(from);
            }
            Authorship inserted = m.restore() == null || authority.isApplied(from.owner.id(), m.seq()) ? null : restored(m);
            Receipt receipt = authority.receive(m.rev(), from.owner.id(), m.seq(), m.op(), from.owner.author(), inserted);
            if (receipt.isDuplicate()) {
                totals.duplicates++;
                if (from.open) {
                    from.toClient.add(new AckMessage(receipt.rev(), m.seq()));
                }
                return;
            }
            Revision applied = receipt.applied();
            authorship.apply(applied.operation(), applied.insertedAuthorship());
            texts.add(authority.text().toString());
            authorships.add(authorship.toAuthorship());
            if (from.open) {
                from.toClient.add(new AckMessage(receipt.rev(), m.seq()));
            }
            for (Connection other : serverSide) {
                if (other != from && other.open) {
                    Revision r = receipt.applied();
                    other.toClient.add(new RemoteMessage(r.rev(), r.client(), r.seq(), r.operation()));
                }
            }
        }

        void deliverToClient() {
            List<Client> ready = clients.stream()
                    .filter(c -> c.connection != null && !c.connection.toClient.isEmpty()).toList();
            if (ready.isEmpty()) {
                return;
            }
            Client c = pick(ready);
            Object m = c.connection.toClient.poll();
            if (m instanceof WelcomeMessage w) {
                long inFlight = c.doc.resend().map(Outgoing::seq).orElse(0L);
                if (w.ops().stream().anyMatch(r -> r.client().equals(c.id()) && r.seq() == inFlight)) {
                    totals.ownEntriesInCatchUp++;
                }
                c.connection.welcomed = true;
                c.doc.catchUp(w.ops()).send().ifPresent(out -> send(c, out));
            } else if (m instanceof AckMessage a) {
                c.doc.ack(a.rev(), a.seq()).ifPresent(out -> send(c, out));
            } else if (m instanceof RemoteMessage r) {
                if (r.client().equals(c.id())) {
                    totals.ownEntriesAsRemote++;
                }
                c.doc.applyRemote(r.rev(), r.client(), r.seq(), r.op()).send().ifPresent(out -> send(c, out));
            } else {
                throw new IllegalStateException("unknown message " + m);
            }
        }

        void disconnect(Client c) {
            Connection gone = c.connection;
            gone.open = false;
            gone.toClient.clear();
            if (gone.toServer.isEmpty() || random.nextBoolean()) {
                gone.toServer.clear();
                serverSide.remove(gone);
            }
            c.connection = null;
        }

        void reconnect(Client c) {
            totals.reconnects++;
            // join {rev} reaches the server, which registers the connection and queues the welcome.
            Connection fresh = new Connection(c, false);
            fresh.toClient.add(new WelcomeMessage(authority.revisionsAfter(c.doc.revision())));
            serverSide.add(fresh);
            c.connection = fresh;
        }

        <T> T pick(List<T> list) {
            return list.get(random.nextInt(list.size()));
        }
    }

    private static List<String> tokens(String text) {
        List<String> found = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }
}
