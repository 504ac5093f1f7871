package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.glassfish.tyrus.client.ClientManager;
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

    /** Opens and closes a WebSocket whose handshake carries {@code origin}; throws when refused. */
    private void handshake(String origin) throws Exception {
        ClientManager client = ClientManager.createClient();
        try {
            ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                    .configurator(new ClientEndpointConfig.Configurator() {
                        @Override
                        public void beforeRequest(Map<String, List<String>> headers) {
                            headers.put("Origin", List.of(origin));
                        }
                    }).build();
            Session session = client.connectToServer(new Endpoint() {
                @Override
                public void onOpen(Session session, EndpointConfig config) {
                }
            }, config, ConcordDeployment.ws(base, "/ws/docs/origin-check"));
            session.close();
        } finally {
            client.shutdown();
        }
    }

    /** GET of {@code path}, which may end in a query string. */
    private HttpResponse<String> get(String path) throws Exception {
        int query = path.indexOf('?');
        URI uri = query < 0 ? ConcordDeployment.http(base, path)
                : URI.create(ConcordDeployment.http(base, path.substring(0, query)) + path.substring(query));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    @Test
    void aForeignPageCannotOpenAWebSocketButTheServersOwnPageCan() throws Exception {
        DeploymentException refused = assertThrows(DeploymentException.class, () -> handshake("https://evil.example"));
        StringBuilder why = new StringBuilder();
        for (Throwable t = refused; t != null; t = t.getCause()) {
            why.append(t).append(" / ");
        }
        assertTrue(why.toString().contains("403"), why.toString());
        handshake("http://" + ConcordDeployment.HOST + ":" + base.getPort());
        try (JsonWsClient noOrigin = JsonWsClient.connect(ConcordDeployment.ws(base, "/ws/docs/origin-check"))) {
            noOrigin.send("{\"type\":\"join\",\"client\":\"tool\"}");
            noOrigin.await("welcome", TIMEOUT);
        }
    }

    @Test
    void aReadOnlyIdWatchesLiveCannotEditAndNeverSeesTheEditableId() throws Exception {
        String doc = "secret-editable-id";
        try (JsonWsClient writer = JsonWsClient.connect(ConcordDeployment.ws(base, "/ws/docs/" + doc))) {
            writer.send("{\"type\":\"join\",\"client\":\"w\",\"name\":\"Writer\"}");
            writer.await("welcome", TIMEOUT);
            writer.send("{\"type\":\"op\",\"rev\":0,\"seq\":1,\"ops\":[\"public text\"]}");
            writer.await("ack", TIMEOUT);

            HttpResponse<String> link = get("/api/docs/" + doc + "/read-only");
            assertEquals(200, link.statusCode(), link.body());
            String readOnly = json(link.body()).getString("readOnlyId");
            assertTrue(readOnly.matches("[A-Za-z0-9_-]{22}"), readOnly);
            assertNotEquals(doc, readOnly);
            assertEquals(readOnly, json(get("/api/docs/" + doc + "/read-only").body()).getString("readOnlyId"));

            try (JsonWsClient viewer = JsonWsClient.connect(ConcordDeployment.ws(base, "/ws/docs/" + readOnly))) {
                viewer.send("{\"type\":\"join\",\"client\":\"v\",\"name\":\"Viewer\"}");
                JsonObject welcome = viewer.await("welcome", TIMEOUT);
                assertTrue(welcome.getBoolean("readOnly"));
                assertEquals(readOnly, welcome.getString("doc"));
                assertEquals("public text", welcome.getString("text"));

                viewer.send("{\"type\":\"op\",\"rev\":1,\"seq\":1,\"ops\":[\"vandal \",11]}");
                JsonObject error = viewer.await("error", TIMEOUT);
                assertEquals("read-only", error.getString("code"));
                viewer.send("{\"type\":\"ping\"}");
                viewer.await("pong", TIMEOUT); // still open

                writer.send("{\"type\":\"op\",\"rev\":1,\"seq\":2,\"ops\":[11,\"!\"]}");
                assertEquals("w", viewer.await("op", TIMEOUT).getString("client"));
                writer.await("ack", TIMEOUT);
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
