package app.concord.it;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.time.Duration;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Shared deployment for the integration tests: the real WAR built by {@code mvn package},
 * deployed unchanged (use with {@code @Deployment(testable = false)} and {@code @RunAsClient}).
 */
public final class ConcordDeployment {

    private ConcordDeployment() {
    }

    /**
     * The packaged target/concord.war (path passed by failsafe as system property concord.it.war),
     * deployed under the name ROOT.war: the name that puts a WAR at context root / on WildFly
     * (which would serve concord.war at /concord) without any server-specific descriptor inside
     * the WAR. Payara Micro gets {@code --contextroot /} as well (arquillian.xml).
     */
    public static WebArchive war() {
        File war = new File(System.getProperty("concord.it.war", "target/concord.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war.getAbsolutePath()
                    + " does not exist: integration tests run in 'mvn verify', after the WAR is packaged");
        }
        return ShrinkWrap.create(ZipImporter.class, "ROOT.war").importFrom(war).as(WebArchive.class);
    }

    /**
     * Address the test server listens on. The pre-boot command file binds Payara Micro's HTTP
     * listener to it (system property concord.it.host, 127.0.0.1), and so does WildFly's
     * {@code jboss.bind.address} (arquillian.xml), whereas the host in the injected
     * {@code @ArquillianResource URL} is whatever the server reports (Payara: often the machine's
     * network address, where nothing listens): always build URIs with {@link #http} / {@link #ws}.
     */
    public static final String HOST = System.getProperty("concord.it.host", "127.0.0.1");

    /** {@code http://127.0.0.1:port/path} on the server behind {@code base} (the injected {@code @ArquillianResource URL}). */
    public static URI http(URL base, String path) {
        return uri("http", base, path);
    }

    /** {@code ws://127.0.0.1:port/path} on the server behind {@code base}. */
    public static URI ws(URL base, String path) {
        return uri("ws", base, path);
    }

    /**
     * A JDK HTTP client for the test server, on HTTP/1.1: the JDK's default first tries an h2c
     * upgrade, which trips Payara's Grizzly into NullPointerExceptions.
     */
    public static HttpClient httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    private static URI uri(String scheme, URL base, String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
        try {
            return new URI(scheme, null, HOST, base.getPort(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
