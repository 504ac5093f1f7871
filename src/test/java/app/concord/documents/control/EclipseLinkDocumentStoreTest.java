package app.concord.documents.control;

import jakarta.persistence.spi.PersistenceProvider;
import java.util.Map;

/** The store on EclipseLink, the provider of Payara. */
class EclipseLinkDocumentStoreTest extends JpaDocumentStoreContract {

    @Override
    PersistenceProvider provider() {
        return new org.eclipse.persistence.jpa.PersistenceProvider();
    }

    @Override
    Map<String, String> providerSettings() {
        return Map.of("eclipselink.weaving", "false", "eclipselink.logging.level", "WARNING");
    }
}
