package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ContextProviderLookupCacheTest {

    /** An application loader that counts look-ups of each kind and finds one provider file. */
    private static final class CountingLoader extends ClassLoader {
        final AtomicInteger serviceLookups = new AtomicInteger();
        final AtomicInteger otherLookups = new AtomicInteger();
        final URL provider;

        CountingLoader() throws IOException {
            super(null);
            provider = new URL("file:/providers/" + ContextProviderLookupCache.SERVICE);
        }

        @Override
        protected Enumeration<URL> findResources(String name) {
            if (name.equals(ContextProviderLookupCache.SERVICE)) {
                serviceLookups.incrementAndGet();
                return Collections.enumeration(List.of(provider));
            }
            otherLookups.incrementAndGet();
            return Collections.emptyEnumeration();
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.equals("concord.Probe")) {
                return CountingLoader.class;
            }
            throw new ClassNotFoundException(name);
        }
    }

    @Test
    void answersTheProviderLookUpFromWhatItFoundOnce() throws Exception {
        CountingLoader application = new CountingLoader();
        ContextProviderLookupCache cache = new ContextProviderLookupCache(application);
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(application.provider), Collections.list(cache.getResources(ContextProviderLookupCache.SERVICE)));
        }
        assertEquals(1, application.serviceLookups.get());
    }

    @Test
    void everythingElseComesFromTheApplicationsLoader() throws Exception {
        CountingLoader application = new CountingLoader();
        ContextProviderLookupCache cache = new ContextProviderLookupCache(application);
        assertEquals(List.of(), Collections.list(cache.getResources("META-INF/services/some.Other")));
        assertEquals(1, application.otherLookups.get());
        assertSame(CountingLoader.class, cache.loadClass("concord.Probe"));
        assertSame(application, cache.getParent());
    }
}
