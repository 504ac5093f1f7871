package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.ot.TextOperation;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the WAR gets from the container, where Payara (Jersey, Tyrus, EclipseLink) and WildFly
 * (RESTEasy, Undertow, Hibernate) are free to differ, pinned to what Concord promises on both.
 * The build runs it on each ({@code ./mvnw -B verify} and {@code ./mvnw -B verify -Pwildfly}).
 * Elsewhere: a refused WebSocket handshake is 403 ({@code SecurityIT}; Undertow would say 404
 * but for RefusedHandshakeServlet), too-large frames and close codes ({@code ProtocolErrorsIT},
 * where a flooder may also be closed as too slow, 1013, on Undertow), schema creation on an
 * existing database and kill -9 ({@code RestartIT}), a client's close answered while the
 * server is sending to it ({@code FaultsIT}'s churn: Undertow refuses frames once it has read
 * a close frame, and answered none when the application then closed the session itself).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class PortabilityIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    private ServerUnderTest server() {
        return new ServerUnderTest(base);
    }

    /** JAX-RS resolves a relative Location differently (RESTEasy made it /api/api/docs/…): it is absolute. */
    @Test
    public void aNewDocumentsLocationIsItsAbsoluteAddress() throws Exception {
        HttpResponse<String> created = ServerUnderTest.HTTP.send(HttpRequest.newBuilder(server().http("/api/docs"))
                .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        String id = ServerUnderTest.parse(created.body()).getString("id");
        URI location = URI.create(created.headers().firstValue("Location").orElseThrow());

        assertTrue(location.isAbsolute(), location::toString);
        assertEquals("/api/docs/" + id, location.getPath());
        assertEquals(base.getPort(), location.getPort());
        HttpResponse<String> document = server().get(location.getPath());
        assertEquals(200, document.statusCode(), document.body());
        assertEquals(id, ServerUnderTest.parse(document.body()).getString("id"));
    }

    /**
     * Browsers run module scripts only when served as JavaScript: the app's own, and the WebJars'
     * from WEB-INF/lib, .mjs included (WEB-INF/web.xml maps it; Payara's default table has no type for it).
     */
    @Test
    public void moduleScriptsAreServedAsJavaScript() throws Exception {
        for (String path : new String[] {"/js/ot.js", "/webjars/marked/15.0.12/lib/marked.esm.js",
                "/webjars/dompurify/3.2.6/dist/purify.es.mjs"}) {
            HttpResponse<String> script = server().get(path);
            assertEquals(200, script.statusCode(), path);
            String type = script.headers().firstValue("Content-Type").orElse("");
            assertTrue(type.startsWith("text/javascript") || type.startsWith("application/javascript"), path + ": " + type);
        }
    }

    /** Ours, not a MicroProfile Health endpoint (Payara Micro has one at /health, WildFly none on this port). */
    @Test
    public void theReadinessCheckIsTheApplicationsOwn() throws Exception {
        HttpResponse<String> ready = server().get("/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonObject body = ServerUnderTest.parse(ready.body());
        assertEquals("UP", body.getString("status"));
        assertEquals("database", body.getJsonArray("checks").getJsonObject(0).getString("name"));
    }

    /**
     * Each message record reaches the client through ServerMessageEncoder (an Encoder.Text of the
     * sealed interface, which the container must match to the record's class), and a refusal
     * closes with the protocol's code and the error code as the reason.
     */
    @Test
    public void messagesAreEncodedAsJsonAndARefusalClosesWithCodeAndReason() throws Exception {
        try (RawWebSocket client = server().raw("portability", TIMEOUT)) {
            client.sendText(ServerUnderTest.joinFrame("p1"));
            assertEquals("portability", client.await("welcome", TIMEOUT).getString("doc"));
            client.sendText(ServerUnderTest.PING);
            client.await("pong", TIMEOUT);
            client.sendText(ServerUnderTest.opFrame(0, 1, TextOperation.splice(0, 0, 0, "x")));
            assertEquals(1, client.await("ack", TIMEOUT).getInt("rev"));

            client.sendText(ServerUnderTest.rawOpFrame(1, 2, "[7]"));
            assertEquals("bad-op", client.await("error", TIMEOUT).getString("code"));
            RawWebSocket.Frame close = client.awaitClose(TIMEOUT);
            assertEquals(1008, close.closeCode(), close::closeReason);
            assertEquals("bad-op", close.closeReason());
        }
    }

    /**
     * Whether a page may open a WebSocket depends on the Host header of that very handshake:
     * the endpoint's configurator gets it from HandshakeContext, a ServletRequestListener, so the
     * container must run the application's request listeners for an upgrade request, on the
     * thread that then runs the handshake (Tyrus through its servlet filter, Undertow in its own
     * handler). Same-origin requests with two different host names, alternated with a foreign
     * one, so that a Host missing or left over from another handshake would show.
     */
    @Test
    public void theOriginCheckSeesTheHostHeaderOfEachHandshake() throws Exception {
        int port = base.getPort();
        String loopback = ConcordDeployment.HOST + ":" + port;
        for (int i = 0; i < 5; i++) {
            assertEquals(101, handshakeStatus("localhost:" + port, "http://localhost:" + port), "same origin, by name");
            assertEquals(403, handshakeStatus(loopback, "http://localhost:" + port), "another origin");
            assertEquals(101, handshakeStatus(loopback, "http://" + loopback), "same origin, by address");
        }
    }

    /** The status code that a WebSocket handshake with these Host and Origin headers is answered with. */
    private int handshakeStatus(String host, String origin) throws Exception {
        return RawWebSocket.handshakeStatus(ConcordDeployment.HOST, base.getPort(), "/ws/docs/portability-origin",
                Map.of("Host", host, "Origin", origin), TIMEOUT);
    }
}
