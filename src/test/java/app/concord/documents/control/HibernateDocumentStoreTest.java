package app.concord.documents.control;

import jakarta.persistence.spi.PersistenceProvider;
import java.util.Map;
import org.hibernate.jpa.HibernatePersistenceProvider;
import org.hibernate.type.descriptor.WrapperOptions;
import org.hibernate.type.descriptor.java.JavaType;
import org.hibernate.type.format.FormatMapper;

/** The store on Hibernate ORM, the provider of WildFly. */
class HibernateDocumentStoreTest extends JpaDocumentStoreContract {

    @Override
    PersistenceProvider provider() {
        return new HibernatePersistenceProvider();
    }

    /**
     * Hibernate sets up JSON-B for JSON columns when it sees the JSON-B API (here from the
     * Jakarta EE API jar) and fails without a JSON-B implementation; no column is JSON-typed,
     * so it gets a mapper that is never called instead.
     */
    @Override
    Map<String, String> providerSettings() {
        return Map.of("hibernate.type.json_format_mapper", NoJson.class.getName());
    }

    public static final class NoJson implements FormatMapper {
        @Override
        public <T> T fromString(CharSequence text, JavaType<T> type, WrapperOptions options) {
            throw new UnsupportedOperationException("no JSON-typed column is mapped");
        }

        @Override
        public <T> String toString(T value, JavaType<T> type, WrapperOptions options) {
            throw new UnsupportedOperationException("no JSON-typed column is mapped");
        }
    }
}
