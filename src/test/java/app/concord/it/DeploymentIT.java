package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.ConnectionState;
import app.concord.client.RemoteDocument;
import java.net.URL;
import java.net.http.HttpResponse;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Smoke test: the packaged WAR deploys, serves its page and its WebSocket endpoint. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class DeploymentIT {

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    @Test
    public void servesIndexPage() throws Exception {
        HttpResponse<String> response = new ServerUnderTest(base).get("/");

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("Concord"), response.body());
    }

    @Test
    public void webSocketJoinIsWelcomed() throws Exception {
        try (RemoteDocument smoke = new ServerUnderTest(base).join("smoke", "it1")) {
            assertEquals(ConnectionState.CONNECTED, smoke.state());
        }
    }
}
