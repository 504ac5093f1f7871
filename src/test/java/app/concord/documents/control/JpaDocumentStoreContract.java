package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import app.concord.collab.Commit;
import app.concord.collab.DocumentStore;
import app.concord.collab.DocumentStoreContract;
import app.concord.protocol.Revision;
import app.concord.collab.StoredDocument;
import app.concord.ot.TextOperation;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.spi.PersistenceProvider;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayList;
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
    void aBatchWhoseTransactionRolledBackIsNotTakenAsStored() {
        ResourceLocal local = (ResourceLocal) store;
        Doc notes = new Doc("notes");
        local.commit(List.of(notes.edit("a1", 1, 0, 0, "a", false), notes.edit("a1", 2, 1, 0, "b", false)));
        Commit third = notes.edit("a1", 3, 2, 0, "c", false);
        Commit fourth = notes.edit("a1", 4, 3, 0, "d", false);

        local.commitThenRollBack(List.of(third));

        assertThrows(RuntimeException.class, () -> local.commit(List.of(fourth)), "revision 3 was never stored");
        local.commit(List.of(third));
        local.commit(List.of(fourth));
        assertEquals("abcd", replay(local.load("notes")));
    }

    @Test
    void aStoreWhoseDatabaseIsGoneIsNotAvailable() {
        EntityManagerFactory doomed = open(getClass().getSimpleName() + "-doomed");
        try {
            EntityManager em = doomed.createEntityManager();
            em.getTransaction().begin();
            em.createNativeQuery("SHUTDOWN").executeUpdate();
            JpaDocumentStore jpa = ResourceLocal.alone(em);
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

    /**
     * Drives one {@link JpaDocumentStore}, as the container's one application-scoped
     * instance, with what the container would otherwise provide: an entity manager per
     * call, and the end of each transaction told to the synchronizations registered in it.
     */
    private static final class ResourceLocal implements DocumentStore {
        private final EntityManagerFactory factory;
        private final JpaDocumentStore store = new JpaDocumentStore();
        private final TransactionEnds ends = new TransactionEnds();

        ResourceLocal(EntityManagerFactory factory) {
            this.factory = factory;
            store.transactions = ends;
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

        /** The store, working with {@code em} for this call. */
        private JpaDocumentStore with(EntityManager em) {
            store.em = em;
            return store;
        }

        /** A store of its own on {@code em}, outside any transaction. */
        static JpaDocumentStore alone(EntityManager em) {
            JpaDocumentStore alone = new JpaDocumentStore();
            alone.em = em;
            return alone;
        }

        /** Commits {@code batch} as far as the store's method goes, then rolls the transaction back. */
        void commitThenRollBack(List<Commit> batch) {
            inTransaction(em -> {
                with(em).commit(batch);
                em.getTransaction().setRollbackOnly();
                return null;
            });
        }

        <T> T inTransaction(Function<EntityManager, T> work) {
            EntityManager em = factory.createEntityManager();
            EntityTransaction tx = em.getTransaction();
            boolean committed = false;
            try {
                tx.begin();
                T result = work.apply(em);
                if (!tx.getRollbackOnly()) {
                    tx.commit();
                    committed = true;
                }
                return result;
            } finally {
                if (tx.isActive()) {
                    tx.rollback();
                }
                ends.ended(committed);
                em.close();
            }
        }
    }

    /** The part of the registry the store uses: synchronizations told how the transaction ended. */
    private static final class TransactionEnds implements TransactionSynchronizationRegistry {
        private final List<Synchronization> registered = new ArrayList<>();

        void ended(boolean committed) {
            List<Synchronization> told = List.copyOf(registered);
            registered.clear();
            told.forEach(sync -> sync.afterCompletion(committed ? Status.STATUS_COMMITTED : Status.STATUS_ROLLEDBACK));
        }

        @Override
        public void registerInterposedSynchronization(Synchronization sync) {
            registered.add(sync);
        }

        @Override
        public Object getTransactionKey() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void putResource(Object key, Object value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object getResource(Object key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int getTransactionStatus() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setRollbackOnly() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean getRollbackOnly() {
            throw new UnsupportedOperationException();
        }
    }
}
