package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.ConnectionState;
import app.concord.client.RemoteDocument;
import app.concord.ot.TextOperation;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may connect and what they may do: foreign web pages cannot open WebSockets, a
 * read-only id watches live but cannot edit and never learns the editable id, and every
 * answer carries the security headers.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class SecurityIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    private ServerUnderTest server() {
        return new ServerUnderTest(base);
    }

    /** The status code a WebSocket handshake whose request carries {@code origin} is answered with. */
    private int handshakeStatus(String origin) throws Exception {
        return RawWebSocket.handshakeStatus(ConcordDeployment.HOST, base.getPort(), "/ws/docs/origin-check",
                Map.of("Origin", origin), TIMEOUT);
    }

    /** GET of {@code path}, which may end in a query string. */
    private HttpResponse<String> get(String path) throws Exception {
        return server().get(path);
    }

    private static JsonObject json(String body) {
        return ServerUnderTest.parse(body);
    }

    @Test
    void aForeignPageCannotOpenAWebSocketButTheServersOwnPageCan() throws Exception {
        assertEquals(403, handshakeStatus("https://evil.example"));
        assertEquals(101, handshakeStatus("http://" + ConcordDeployment.HOST + ":" + base.getPort()));
        try (RemoteDocument noOrigin = server().join("origin-check", "tool")) {
            assertEquals(ConnectionState.CONNECTED, noOrigin.state());
        }
    }

    @Test
    void aReadOnlyIdWatchesLiveCannotEditAndNeverSeesTheEditableId() throws Exception {
        String doc = "secret-editable-id";
        try (RemoteDocument writer = server().join(doc, "w")) {
            writer.append("public text").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

            HttpResponse<String> link = get("/api/docs/" + doc + "/read-only");
            assertEquals(200, link.statusCode(), link.body());
            String readOnly = json(link.body()).getString("readOnlyId");
            assertTrue(readOnly.matches("[A-Za-z0-9_-]{22}"), readOnly);
            assertNotEquals(doc, readOnly);
            assertEquals(readOnly, json(get("/api/docs/" + doc + "/read-only").body()).getString("readOnlyId"));

            try (RawWebSocket viewer = server().raw(readOnly, TIMEOUT)) {
                viewer.sendText(ServerUnderTest.joinFrame("v"));
                JsonObject welcome = viewer.await("welcome", TIMEOUT);
                assertTrue(welcome.getBoolean("readOnly"));
                assertEquals(readOnly, welcome.getString("doc"));
                assertEquals("public text", welcome.getString("text"));

                viewer.sendText(ServerUnderTest.opFrame(1, 1, TextOperation.splice(11, 0, 0, "vandal ")));
                JsonObject error = viewer.await("error", TIMEOUT);
                assertEquals("read-only", error.getString("code"));
                viewer.sendText(ServerUnderTest.PING);
                viewer.await("pong", TIMEOUT); // still open

                writer.append("!").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals("w", viewer.await("op", TIMEOUT).getString("client"));
                for (String frame : viewer.received()) {
                    assertFalse(frame.contains(doc), "a frame to the viewer names the editable id: " + frame);
                }
            }

            for (String path : List.of("/api/docs/" + readOnly, "/api/docs/" + readOnly + "/ops?from=0&to=2",
                    "/api/docs/" + readOnly + "/text", "/api/docs/" + readOnly + "/read-only")) {
                HttpResponse<String> response = get(path);
                assertEquals(200, response.statusCode(), path + ": " + response.body());
                assertFalse(response.body().contains(doc), path + " reveals the editable id: " + response.body());
            }
            JsonObject viaReadOnly = json(get("/api/docs/" + readOnly).body());
            assertEquals("public text!", viaReadOnly.getString("text"));
            assertEquals(readOnly, viaReadOnly.getString("id"));
            assertTrue(viaReadOnly.getBoolean("readOnly"));
            assertEquals(readOnly, json(get("/api/docs/" + readOnly + "/read-only").body()).getString("readOnlyId"));
            assertFalse(json(get("/api/docs/" + doc).body()).getBoolean("readOnly"));
        }
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() throws Exception {
        for (String path : List.of("/", "/d/headers", "/js/ot.js", "/api/docs/headers", "/api/docs/bad.id")) {
            HttpResponse<String> response = get(path);
            var headers = response.headers();
            assertEquals("nosniff", headers.firstValue("X-Content-Type-Options").orElse(null), path);
            assertEquals("no-referrer", headers.firstValue("Referrer-Policy").orElse(null), path);
            String csp = headers.firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("frame-ancestors 'none'"), path + ": " + csp);
            assertTrue(csp.matches(".*script-src 'self' 'sha256-[A-Za-z0-9+/=]{44}';.*"), path + ": " + csp);
            assertFalse(csp.contains("unsafe-eval") || csp.matches(".*script-src[^;]*unsafe-inline.*"), csp);
            assertFalse(response.body().contains("Exception") || response.body().contains("at app."), path + ": " + response.body());
        }
    }
}
