package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.ClientOptions;
import app.concord.client.Concord;
import app.concord.client.RemoteDocument;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the store shows over HTTP: readiness names a durable database, and a document's
 * archive ({@code GET /api/docs/{id}/archive}) imported under another id
 * ({@code PUT}) gives the same text and the same revisions, refusing to overwrite a document
 * that has any.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class StorageIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    private final HttpClient http = ConcordDeployment.httpClient(TIMEOUT);

    @Test
    public void readinessNamesADurableDatabase() throws Exception {
        HttpResponse<String> ready = send(HttpRequest.newBuilder(ConcordDeployment.http(base, "/health/ready")).GET());
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject body = json(ready.body());
        assertEquals("UP", body.getString("status"));
        String database = body.getJsonArray("checks").getJsonObject(0).getJsonObject("data").getString("database");
        assertTrue(database.startsWith("H2 file") || database.startsWith("PostgreSQL"), database);
    }

    @Test
    public void anArchiveImportedElsewhereHasTheSameTextAndRevisions() throws Exception {
        try (RemoteDocument doc = Concord.connect(ConcordDeployment.http(base, "/"), "archived",
                ClientOptions.defaults().name("Archivist"))) {
            doc.insert(0, "Hello");
            doc.insert(5, " world \u00e9\ud83d\ude00");
            doc.delete(0, 1);
            doc.insert(0, "J");
            doc.awaitAcknowledged(TIMEOUT);
        }
        HttpResponse<String> archive = send(HttpRequest.newBuilder(ConcordDeployment.http(base, "/api/docs/archived/archive")).GET());
        assertEquals(200, archive.statusCode(), archive.body());
        JsonObject exported = json(archive.body());
        assertEquals("concord-document", exported.getString("format"));
        assertEquals("Jello world \u00e9\ud83d\ude00", exported.getString("text"));

        HttpResponse<String> imported = send(put("/api/docs/copy-of-archived/archive", archive.body()));
        assertEquals(201, imported.statusCode(), imported.body());
        assertEquals(exported.getString("text"), json(imported.body()).getString("text"));
        assertEquals(ops("archived"), ops("copy-of-archived"));
        HttpResponse<String> again = send(put("/api/docs/copy-of-archived/archive", archive.body()));
        assertEquals(409, again.statusCode(), again.body());
        HttpResponse<String> broken = send(put("/api/docs/never-written/archive", "{\"format\":\"concord-document\"}"));
        assertEquals(400, broken.statusCode(), broken.body());
        assertEquals(0, json(send(HttpRequest.newBuilder(ConcordDeployment.http(base, "/api/docs/never-written")).GET())
                .body()).getInt("rev"));
    }

    private String ops(String doc) throws Exception {
        HttpResponse<String> ops = send(HttpRequest.newBuilder(ConcordDeployment.http(base, "/api/docs/" + doc + "/ops")).GET());
        assertEquals(200, ops.statusCode(), ops.body());
        return ops.body();
    }

    private HttpRequest.Builder put(String path, String body) {
        URI uri = ConcordDeployment.http(base, path);
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
