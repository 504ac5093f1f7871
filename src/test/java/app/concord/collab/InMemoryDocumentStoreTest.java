package app.concord.collab;

class InMemoryDocumentStoreTest extends DocumentStoreContract {

    @Override
    protected DocumentStore emptyStore() {
        return new InMemoryDocumentStore();
    }
}
