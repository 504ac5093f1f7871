package app.concord.documents.control;

import app.concord.collab.Checkpoint;
import app.concord.collab.HistoryStore;
import app.concord.collab.NamedVersion;
import app.concord.collab.RevisionSummary;
import app.concord.ot.Authorship;
import app.concord.protocol.AuthorProfile;
import app.concord.protocol.Authors;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.Revision;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link HistoryStore} of a {@link JdbcDocumentStore}, on its database and connections, in
 * the tables of migration V4: checkpoints, authors, named versions and the installation's
 * settings. The op log's own columns for authorship are read and written here too, so that
 * their one rule lives in one place: {@code author_id} is null for the author of the client
 * ({@link Authors#ofClient}), and {@code inserted_json} null when the author wrote all the
 * revision inserted.
 */
final class JdbcHistoryStore implements HistoryStore {

    static final String AUTHOR_KEY = "author-key";

    private final JdbcDocumentStore store;
    private volatile byte[] authorKey;

    JdbcHistoryStore(JdbcDocumentStore store) {
        this.store = store;
    }

    /** Binds a revision's author, inserted authorship, and inserted and deleted counts from {@code index} on. */
    static void setAuthorship(PreparedStatement insert, int index, Revision r) throws SQLException {
        insert.setString(index, r.author().equals(Authors.ofClient(r.client())) ? null : r.author());
        insert.setString(index + 1, r.inserted() == null ? null : JsonCodec.encodeAuthorship(r.inserted()));
        insert.setInt(index + 2, r.operation().insertedLength());
        insert.setInt(index + 3, r.operation().deletedLength());
    }

    /** The author of a revision of {@code client} whose {@code author_id} column holds {@code stored}. */
    static String authorOf(String stored, String client) {
        return stored != null ? stored : Authors.ofClient(client);
    }

    /** Authorship stored as JSON, or null for none. */
    static Authorship authorship(String json) {
        return json == null ? null : JsonCodec.decodeAuthorship(json);
    }

    /** Keeps {@code checkpoint} unless that revision has one already, whoever wrote it first. */
    static void saveCheckpoint(Connection c, Database.Dialect dialect, String docId, Checkpoint checkpoint) throws SQLException {
        String sql = switch (dialect) {
            case H2 -> "MERGE INTO concord_checkpoint (doc_id, revision, body, authorship_json) KEY (doc_id, revision)"
                    + " VALUES (?, ?, ?, ?)";
            case POSTGRESQL -> "INSERT INTO concord_checkpoint (doc_id, revision, body, authorship_json) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (doc_id, revision) DO NOTHING";
        };
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, docId);
            s.setInt(2, checkpoint.rev());
            dialect.setDocumentText(s, 3, checkpoint.text());
            s.setString(4, JsonCodec.encodeAuthorship(checkpoint.authorship()));
            s.executeUpdate();
        }
    }

    /** Read from the database once, made there by the first server that needs it. */
    @Override
    public byte[] authorKey() {
        byte[] key = authorKey;
        if (key == null) {
            String stored = setting(AUTHOR_KEY).orElseGet(() -> {
                byte[] fresh = new SecureRandom().generateSeed(32);
                try {
                    store.withConnection(c -> {
                        try (PreparedStatement s = c.prepareStatement(
                                "INSERT INTO concord_setting (name, setting_value) VALUES (?, ?)")) {
                            s.setString(1, AUTHOR_KEY);
                            s.setString(2, Base64.getEncoder().encodeToString(fresh));
                            return s.executeUpdate();
                        }
                    });
                } catch (IllegalStateException raced) {
                    // Another server made it at the same moment: its key is the one.
                }
                return setting(AUTHOR_KEY).orElseThrow();
            });
            key = Base64.getDecoder().decode(stored);
            authorKey = key;
        }
        return key.clone();
    }

    private Optional<String> setting(String name) {
        return store.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT setting_value FROM concord_setting WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Map<String, AuthorProfile> authors(String docId) {
        return store.withConnection(c -> {
            Map<String, AuthorProfile> authors = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT author_id, name, color, first_millis, last_millis"
                    + " FROM concord_author WHERE doc_id = ? ORDER BY first_millis, author_id")) {
                s.setString(1, docId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        authors.put(r.getString(1), new AuthorProfile(r.getString(2), r.getString(3), r.getLong(4), r.getLong(5)));
                    }
                }
            }
            return authors;
        });
    }

    /** An update, else an insert; an insert that loses a race to another is an update after all. */
    @Override
    public void saveAuthor(String docId, String author, AuthorProfile profile) {
        if (updateAuthor(docId, author, profile) > 0) {
            return;
        }
        try {
            store.withConnection(c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO concord_author"
                        + " (doc_id, author_id, name, color, first_millis, last_millis) VALUES (?, ?, ?, ?, ?, ?)")) {
                    s.setString(1, docId);
                    s.setString(2, author);
                    s.setString(3, profile.name());
                    s.setString(4, profile.color());
                    s.setLong(5, profile.first());
                    s.setLong(6, profile.last());
                    return s.executeUpdate();
                }
            });
        } catch (IllegalStateException raced) {
            if (updateAuthor(docId, author, profile) == 0) {
                throw raced;
            }
        }
    }

    private int updateAuthor(String docId, String author, AuthorProfile profile) {
        return store.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE concord_author SET name = ?, last_millis = ? WHERE doc_id = ? AND author_id = ?")) {
                s.setString(1, profile.name());
                s.setLong(2, profile.last());
                s.setString(3, docId);
                s.setString(4, author);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Checkpoint> checkpoint(String docId, int rev) {
        return store.inTransaction((c, dialect) -> {
            try (PreparedStatement s = c.prepareStatement("SELECT revision, body, authorship_json FROM concord_checkpoint"
                    + " WHERE doc_id = ? AND revision = (SELECT MAX(revision) FROM concord_checkpoint"
                    + " WHERE doc_id = ? AND revision <= ?)")) {
                s.setString(1, docId);
                s.setString(2, docId);
                s.setInt(3, rev);
                try (ResultSet r = s.executeQuery()) {
                    return r.next()
                            ? Optional.of(new Checkpoint(r.getInt(1), dialect.documentText(r, 2), authorship(r.getString(3))))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public void saveCheckpoint(String docId, Checkpoint checkpoint) {
        store.inTransaction((c, dialect) -> {
            saveCheckpoint(c, dialect, docId, checkpoint);
            return null;
        });
    }

    @Override
    public int lastRevision(String docId) {
        return store.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT MAX(revision) FROM concord_revision WHERE doc_id = ?")) {
                s.setString(1, docId);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getInt(1);
                }
            }
        });
    }

    /** Counts inserted and deleted code units from the operation for revisions stored before they were kept. */
    @Override
    public List<RevisionSummary> summaries(String docId, int fromExclusive, int toInclusive) {
        if (toInclusive <= fromExclusive) {
            return List.of();
        }
        return store.withConnection(c -> {
            List<RevisionSummary> out = new ArrayList<>(toInclusive - fromExclusive);
            try (PreparedStatement s = c.prepareStatement("SELECT revision, created_millis, author_id, client_id, added,"
                    + " removed, CASE WHEN added IS NULL THEN ops_json END FROM concord_revision"
                    + " WHERE doc_id = ? AND revision > ? AND revision <= ? ORDER BY revision")) {
                s.setString(1, docId);
                s.setInt(2, fromExclusive);
                s.setInt(3, toInclusive);
                s.setFetchSize(1_000);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        int added = r.getInt(5);
                        int removed = r.getInt(6);
                        String ops = r.getString(7);
                        if (ops != null) {
                            var op = JsonCodec.decodeOperation(ops);
                            added = op.insertedLength();
                            removed = op.deletedLength();
                        }
                        out.add(new RevisionSummary(r.getInt(1), r.getLong(2), authorOf(r.getString(3), r.getString(4)),
                                added, removed));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<NamedVersion> versions(String docId) {
        return store.withConnection(c -> {
            List<NamedVersion> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT version_id, revision, name, author_id, created_millis"
                    + " FROM concord_version WHERE doc_id = ? ORDER BY revision DESC, version_id DESC")) {
                s.setString(1, docId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(version(r));
                    }
                }
            }
            return out;
        });
    }

    /** The next id of the document, in the transaction that takes it; a second writer of the same id retries once. */
    @Override
    public NamedVersion addVersion(String docId, int rev, String name, String author, long created) {
        try {
            return insertVersion(docId, rev, name, author, created);
        } catch (IllegalStateException raced) {
            return insertVersion(docId, rev, name, author, created);
        }
    }

    private NamedVersion insertVersion(String docId, int rev, String name, String author, long created) {
        return store.inTransaction((c, dialect) -> {
            long id;
            try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(MAX(version_id), 0) + 1 FROM concord_version"
                    + " WHERE doc_id = ?")) {
                s.setString(1, docId);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    id = r.getLong(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO concord_version"
                    + " (doc_id, version_id, revision, name, author_id, created_millis) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, docId);
                s.setLong(2, id);
                s.setInt(3, rev);
                s.setString(4, name);
                s.setString(5, author);
                s.setLong(6, created);
                s.executeUpdate();
            }
            return new NamedVersion(id, rev, name, author, created);
        });
    }

    @Override
    public Optional<NamedVersion> renameVersion(String docId, long id, String name) {
        return store.inTransaction((c, dialect) -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE concord_version SET name = ? WHERE doc_id = ? AND version_id = ?")) {
                s.setString(1, name);
                s.setString(2, docId);
                s.setLong(3, id);
                if (s.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT version_id, revision, name, author_id, created_millis"
                    + " FROM concord_version WHERE doc_id = ? AND version_id = ?")) {
                s.setString(1, docId);
                s.setLong(2, id);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return Optional.of(version(r));
                }
            }
        });
    }

    @Override
    public boolean deleteVersion(String docId, long id) {
        return store.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM concord_version WHERE doc_id = ? AND version_id = ?")) {
                s.setString(1, docId);
                s.setLong(2, id);
                return s.executeUpdate() > 0;
            }
        });
    }

    private static NamedVersion version(ResultSet r) throws SQLException {
        return new NamedVersion(r.getLong(1), r.getInt(2), r.getString(3), r.getString(4), r.getLong(5));
    }
}
