package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Smoke test: the packaged WAR deploys to Payara Micro, serves its page and its WebSocket endpoint. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class DeploymentIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    @Test
    public void servesIndexPage() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(ConcordDeployment.http(base, "/")).timeout(TIMEOUT).GET().build();

        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("Concord"), response.body());
    }

    @Test
    public void webSocketJoinIsWelcomed() throws Exception {
        try (JsonWsClient client = JsonWsClient.connect(ConcordDeployment.ws(base, "/ws/docs/smoke"))) {
            client.send(Json.createObjectBuilder().add("type", "join").add("client", "it1").build());

            JsonObject welcome = client.await("welcome", TIMEOUT);

            assertEquals("welcome", welcome.getString("type"));
        }
    }
}
