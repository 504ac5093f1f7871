package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * History, authorship and versions on a running server (docs/PROTOCOL.md "History, authorship
 * and versions"): two authors over WebSocket with their secrets, what the HTTP API then says
 * of the document, a live restore and a scripted one, named versions, and what a read-only id
 * may do.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class HistoryIT {

    static final String ADA = "ada-secret-history-it-0001";
    static final String BOB = "bob-secret-history-it-0002";

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    private ServerUnderTest server() {
        return new ServerUnderTest(base);
    }

    private RawWebSocket join(String doc, String client, String name, String secret) throws IOException {
        RawWebSocket ws = server().raw(doc, ServerUnderTest.TIMEOUT);
        ws.sendText("{\"type\":\"join\",\"client\":\"" + client + "\",\"name\":\"" + name + "\",\"author\":\"" + secret + "\"}");
        return ws;
    }

    private HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server().http(path)).timeout(ServerUnderTest.TIMEOUT);
        request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        return ServerUnderTest.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void whoWroteWhatIsKeptShownAndRestored() throws Exception {
        String doc = "history-" + System.nanoTime();
        String ada;
        String bob;
        try (RawWebSocket a = join(doc, "a1", "Ada", ADA); RawWebSocket b = join(doc, "b1", "Bob", BOB)) {
            JsonObject adaWelcome = a.await("welcome", ServerUnderTest.TIMEOUT);
            ada = adaWelcome.getString("author");
            assertTrue(ada.matches("[A-Za-z0-9_-]{16}"), adaWelcome.toString());
            assertEquals(Json.createArrayBuilder().build(), adaWelcome.getJsonArray("authorship"));
            bob = b.await("welcome", ServerUnderTest.TIMEOUT).getString("author");

            a.sendText("{\"type\":\"op\",\"rev\":0,\"seq\":1,\"ops\":[\"Hello\"]}");
            assertEquals(ada, b.await("op", ServerUnderTest.TIMEOUT).getString("author"));
            b.sendText("{\"type\":\"op\",\"rev\":1,\"seq\":1,\"ops\":[5,\" world\"]}");
            b.await("ack", ServerUnderTest.TIMEOUT);
            a.await("op", ServerUnderTest.TIMEOUT);

            JsonObject history = server().json("/api/docs/" + doc + "/history");
            JsonObject session = history.getJsonArray("sessions").getJsonObject(0);
            assertEquals(1, history.getJsonArray("sessions").size(), history.toString());
            assertEquals(Json.createArrayBuilder().add(ada).add(bob).build(), session.getJsonArray("authors"));
            assertEquals(11, session.getInt("added"));
            assertEquals(2, session.getInt("to"));
            assertTrue(history.isNull("next"));
            assertEquals("Bob", history.getJsonObject("authors").getJsonObject(bob).getString("name"));

            JsonObject first = server().json("/api/docs/" + doc + "/revisions/1");
            assertEquals("Hello", first.getString("text"));
            assertEquals(ada, first.getString("author"));
            HttpResponse<String> download = server().get("/api/docs/" + doc + "/revisions/1/text");
            assertEquals("Hello", download.body());
            assertTrue(download.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"));

            JsonObject authorship = server().json("/api/docs/" + doc + "/authorship");
            assertEquals("[[5,\"" + ada + "\"],[6,\"" + bob + "\"]]", authorship.getJsonArray("runs").toString());
            JsonObject back = server().json("/api/docs/" + doc + "/changes?from=2&to=1");
            assertEquals("[5,-6]", back.getJsonArray("ops").toString());

            // A live restore of revision 1: the changes back to it, made against revision 2.
            a.sendText("{\"type\":\"op\",\"rev\":2,\"seq\":2,\"ops\":" + back.getJsonArray("ops") + ",\"restore\":1}");
            assertEquals(3, a.await("ack", ServerUnderTest.TIMEOUT).getInt("rev"));
            b.await("op", ServerUnderTest.TIMEOUT);
            // A restore that does not make the revision is refused.
            b.sendText("{\"type\":\"op\",\"rev\":3,\"seq\":2,\"ops\":[5,\"!\"],\"restore\":1}");
            JsonObject refused = b.await("error", ServerUnderTest.TIMEOUT);
            assertEquals("bad-op", refused.getString("code"), refused.toString());
        }
        assertEquals("Hello", server().json("/api/docs/" + doc + "/revisions/3").getString("text"));

        // A scripted restore of revision 2 by Bob, seen at revision 3: Bob's words come back as his.
        HttpResponse<String> restored = send("POST", "/api/docs/" + doc + "/restore",
                "{\"rev\":2,\"base\":3,\"author\":\"" + BOB + "\",\"name\":\"Bob's script\"}");
        assertEquals(200, restored.statusCode(), restored.body());
        assertEquals(4, ServerUnderTest.parse(restored.body()).getInt("rev"));
        JsonObject now = server().json("/api/docs/" + doc + "/revisions/4");
        assertEquals("Hello world", now.getString("text"));
        assertEquals(bob, now.getString("author"));
        assertEquals("[[5,\"" + ada + "\"],[6,\"" + bob + "\"]]",
                server().json("/api/docs/" + doc + "/authorship?rev=4").getJsonArray("runs").toString());
        JsonObject forward = server().json("/api/docs/" + doc + "/changes?from=0&to=4");
        assertEquals("[\"Hello world\"]", forward.getJsonArray("ops").toString());
        assertEquals("[[5,\"" + ada + "\"],[6,\"" + bob + "\"]]", forward.getJsonArray("inserted").toString());

        // An archive keeps who wrote what, restores included.
        String archive = server().get("/api/docs/" + doc + "/archive").body();
        assertEquals(201, send("PUT", "/api/docs/" + doc + "-copy/archive", archive).statusCode());
        assertEquals(server().json("/api/docs/" + doc + "/authorship?rev=3").getJsonArray("runs"),
                server().json("/api/docs/" + doc + "-copy/authorship?rev=3").getJsonArray("runs"));
        assertEquals(server().json("/api/docs/" + doc + "/authorship").getJsonArray("runs"),
                server().json("/api/docs/" + doc + "-copy/authorship").getJsonArray("runs"));

        assertEquals(400, send("POST", "/api/docs/" + doc + "/restore", "{\"rev\":9,\"base\":4}").statusCode());
        assertEquals(400, server().get("/api/docs/" + doc + "/revisions/99").statusCode());
    }

    @Test
    public void namedVersionsAreKeptAndAReadOnlyIdOnlyReadsHistory() throws Exception {
        String doc = "versions-" + System.nanoTime();
        try (RawWebSocket a = join(doc, "a1", "Ada", ADA)) {
            a.await("welcome", ServerUnderTest.TIMEOUT);
            a.sendText("{\"type\":\"op\",\"rev\":0,\"seq\":1,\"ops\":[\"Draft\"]}");
            a.await("ack", ServerUnderTest.TIMEOUT);
        }
        HttpResponse<String> named = send("POST", "/api/docs/" + doc + "/versions", "{\"name\":\" First draft \",\"author\":\"" + ADA + "\"}");
        assertEquals(201, named.statusCode(), named.body());
        JsonObject version = ServerUnderTest.parse(named.body());
        assertEquals("First draft", version.getString("name"));
        assertEquals(1, version.getInt("rev"));
        assertTrue(named.headers().firstValue("Location").orElse("").endsWith("/versions/" + version.getInt("id")));
        String path = "/api/docs/" + doc + "/versions/" + version.getInt("id");
        HttpResponse<String> renamed = send("PATCH", path, "{\"name\":\"Final\"}");
        assertEquals(200, renamed.statusCode(), renamed.body());
        JsonArray versions = server().json("/api/docs/" + doc + "/versions").getJsonArray("versions");
        assertEquals("Final", versions.getJsonObject(0).getString("name"));
        assertEquals(versions, server().json("/api/docs/" + doc + "/history").getJsonArray("versions"));
        assertEquals(400, send("POST", "/api/docs/" + doc + "/versions", "{\"name\":\"\"}").statusCode());

        String readOnly = server().json("/api/docs/" + doc + "/read-only").getString("readOnlyId");
        assertEquals("Draft", server().json("/api/docs/" + readOnly + "/revisions/1").getString("text"));
        assertFalse(server().json("/api/docs/" + readOnly + "/history").getJsonArray("sessions").isEmpty());
        assertEquals(403, send("POST", "/api/docs/" + readOnly + "/versions", "{\"name\":\"x\"}").statusCode());
        assertEquals(403, send("DELETE", "/api/docs/" + readOnly + "/versions/" + version.getInt("id"), null).statusCode());
        assertEquals(403, send("POST", "/api/docs/" + readOnly + "/restore", "{\"rev\":0,\"base\":1}").statusCode());

        assertEquals(204, send("DELETE", path, null).statusCode());
        assertEquals(404, send("DELETE", path, null).statusCode());
        assertTrue(server().json("/api/docs/" + doc + "/versions").getJsonArray("versions").isEmpty());
    }
}
