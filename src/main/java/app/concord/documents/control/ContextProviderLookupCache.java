package app.concord.documents.control;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A context class loader that is the application's own in every respect but one: it answers
 * the look-up of Jakarta Concurrency's {@code ThreadContextProvider} services from what it
 * found once, instead of searching the whole class path again.
 *
 * <p>Why: Tyrus restarts a session's idle timer on every message sent, on the container's
 * managed scheduled executor. Each of those tasks captures the caller's context, and Payara
 * does that with a {@code ServiceLoader} look-up of this service on the context class
 * loader, which reads every jar of the server: a good part of a millisecond of CPU per
 * message, more than all the rest of an edit costs. Concord hands each message to the
 * container with this loader as the context class loader, so the look-up becomes a list
 * read. (The container still pays it for every message received, before Concord's code
 * runs.) Classes and every other resource come from the parent, so nothing else can differ.
 * Public for the container-floor endpoint of the load tools (src/load/floor), which sends the
 * same way.
 */
public final class ContextProviderLookupCache extends ClassLoader {

    static final String SERVICE = "META-INF/services/jakarta.enterprise.concurrent.spi.ThreadContextProvider";

    static {
        registerAsParallelCapable();
    }

    private final List<URL> providers;

    public ContextProviderLookupCache(ClassLoader application) throws IOException {
        super(application);
        this.providers = Collections.list(application.getResources(SERVICE));
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        return SERVICE.equals(name) ? Collections.enumeration(providers) : super.getResources(name);
    }
}
