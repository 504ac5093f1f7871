package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import app.concord.collab.Commit;
import app.concord.collab.DocumentStore;
import app.concord.collab.DocumentStoreContract;
import app.concord.collab.Revision;
import app.concord.collab.StoredDocument;
import app.concord.ot.TextOperation;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.spi.PersistenceProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The {@link DocumentStoreContract} for {@link JpaDocumentStore}, outside a container: the
 * real persistence unit {@code concord} (src/main/resources/META-INF/persistence.xml),
 * switched to resource-local transactions over an in-memory H2 database. Each call gets a
 * fresh entity manager and a transaction of its own (but the readiness probe, which runs
 * outside one), as the container's transaction-scoped persistence context and the
 * store's {@code @Transactional} methods give them. One factory
 * (one database) serves a whole test class, emptied before each test.
 */
abstract class JpaDocumentStoreContract extends DocumentStoreContract {

    private static EntityManagerFactory factory;

    /** The JPA provider under test. */
    abstract PersistenceProvider provider();

    /** Settings of the provider's own that keep the test quiet and fast. */
    abstract Map<String, String> providerSettings();

    @Override
    protected DocumentStore emptyStore() {
        if (factory == null || !factory.isOpen()) {
            factory = open(getClass().getSimpleName());
        }
        inTransaction(em -> em.createQuery("DELETE FROM LoggedRevision").executeUpdate()
                + em.createQuery("DELETE FROM Snapshot").executeUpdate()
                + em.createQuery("DELETE FROM ReadOnlyLink").executeUpdate());
        return new ResourceLocal(factory);
    }

    @AfterAll
    static void close() {
        if (factory != null && factory.isOpen()) {
            factory.close();
        }
        factory = null;
    }

    @Test
    void dataSurvivesARestartThatCreatesTheSchemaAgain() {
        store.commit(List.of(new Commit("notes", new Revision(1, "a1", 1, TextOperation.splice(0, 0, 0, "kept")), "kept")));
        factory.close();

        factory = open(getClass().getSimpleName());
        StoredDocument doc = new ResourceLocal(factory).load("notes");
        assertEquals("kept", doc.snapshotText());
        assertEquals(1, doc.rev());
        assertEquals(OptionalInt.of(1), new ResourceLocal(factory).revisionOf("notes", "a1", 1));
    }

    @Test
    void theOpLogIsKeyedByDocumentFirstSoThatRangeReadsUseTheKey() {
        List<?> columns = inTransaction(em -> em.createNativeQuery("SELECT c.COLUMN_NAME FROM INFORMATION_SCHEMA.INDEX_COLUMNS c"
                + " JOIN INFORMATION_SCHEMA.INDEXES i ON i.INDEX_NAME = c.INDEX_NAME AND i.TABLE_NAME = c.TABLE_NAME"
                + " WHERE c.TABLE_NAME = 'CONCORD_REVISION' AND i.INDEX_TYPE_NAME = 'PRIMARY KEY'"
                + " ORDER BY c.ORDINAL_POSITION").getResultList());
        assertEquals(List.of("DOC_ID", "REVISION"), columns);
    }

    @Test
    void aStoreWhoseDatabaseIsGoneIsNotAvailable() {
        EntityManagerFactory doomed = open(getClass().getSimpleName() + "-doomed");
        try {
            EntityManager em = doomed.createEntityManager();
            em.getTransaction().begin();
            em.createNativeQuery("SHUTDOWN").executeUpdate();
            JpaDocumentStore jpa = ResourceLocal.with(em);
            assertFalse(jpa.isAvailable());
            em.close();
            assertFalse(jpa.isAvailable());
        } finally {
            doomed.close();
        }
    }

    private EntityManagerFactory open(String database) {
        Map<String, String> settings = new HashMap<>(providerSettings());
        settings.put("jakarta.persistence.transactionType", "RESOURCE_LOCAL");
        settings.put("jakarta.persistence.jdbc.driver", "org.h2.Driver");
        settings.put("jakarta.persistence.jdbc.url", "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1");
        settings.put("jakarta.persistence.jdbc.user", "sa");
        settings.put("jakarta.persistence.jdbc.password", "");
        EntityManagerFactory opened = provider().createEntityManagerFactory("concord", settings);
        if (opened == null) {
            throw new IllegalStateException(provider() + " did not take the persistence unit");
        }
        return opened;
    }

    private <T> T inTransaction(Function<EntityManager, T> work) {
        return new ResourceLocal(factory).inTransaction(work);
    }

    /** Drives a {@link JpaDocumentStore} with what the container would otherwise provide. */
    private static final class ResourceLocal implements DocumentStore {
        private final EntityManagerFactory factory;

        ResourceLocal(EntityManagerFactory factory) {
            this.factory = factory;
        }

        @Override
        public StoredDocument load(String docId) {
            return inTransaction(em -> with(em).load(docId));
        }

        @Override
        public void commit(List<Commit> batch) {
            inTransaction(em -> {
                with(em).commit(batch);
                return null;
            });
        }

        @Override
        public List<Revision> revisions(String docId, int fromExclusive, int toInclusive) {
            return inTransaction(em -> with(em).revisions(docId, fromExclusive, toInclusive));
        }

        @Override
        public OptionalInt revisionOf(String docId, String client, long seq) {
            return inTransaction(em -> with(em).revisionOf(docId, client, seq));
        }

        @Override
        public String readOnlyId(String docId) {
            return inTransaction(em -> with(em).readOnlyId(docId));
        }

        @Override
        public java.util.Optional<String> documentOf(String readOnlyId) {
            return inTransaction(em -> with(em).documentOf(readOnlyId));
        }

        /** The probe runs outside any transaction, as in the container. */
        @Override
        public boolean isAvailable() {
            EntityManager em = factory.createEntityManager();
            try {
                return with(em).isAvailable();
            } finally {
                em.close();
            }
        }

        private static JpaDocumentStore with(EntityManager em) {
            JpaDocumentStore store = new JpaDocumentStore();
            store.em = em;
            return store;
        }

        <T> T inTransaction(Function<EntityManager, T> work) {
            EntityManager em = factory.createEntityManager();
            EntityTransaction tx = em.getTransaction();
            try {
                tx.begin();
                T result = work.apply(em);
                tx.commit();
                return result;
            } finally {
                if (tx.isActive()) {
                    tx.rollback();
                }
                em.close();
            }
        }
    }
}
