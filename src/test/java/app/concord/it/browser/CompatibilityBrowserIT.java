package app.concord.it.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import app.concord.it.ConcordDeployment;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A browser whose every WebSocket is refused, as behind a proxy that refuses the upgrade:
 * the editor falls back to the compatibility transport by itself, says so in the status
 * line, edits together with someone on WebSocket, and keeps its unsynced edits across a reload.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class CompatibilityBrowserIT {

    /** Reconnects back off: after a long outage the next attempt can be half a minute away. */
    private static final double RECONNECTED_MILLIS = 60_000;

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    /**
     * The editor in a browser that refuses every WebSocket of the page. Playwright routes them
     * with a script of its own in the page, which the Content-Security-Policy would block, so
     * this browser ignores the policy.
     */
    private Page openWithoutWebSocket(String doc, String name, AtomicBoolean postsPass) {
        Page page = chromium.newPage(new Browser.NewContextOptions().setViewportSize(1280, 800).setBypassCSP(true));
        BrowserContext context = page.context();
        context.routeWebSocket(Pattern.compile(".*/ws/docs/.*"), ws -> ws.close());
        context.route(Pattern.compile(".*/api/docs/[^/]+/messages$"), route -> {
            if (postsPass.get()) {
                route.resume();
            } else {
                route.abort();
            }
        });
        return navigate(page, doc, name);
    }

    private Page open(String doc, String name) {
        return navigate(chromium.newPage(), doc, name);
    }

    private Page navigate(Page page, String doc, String name) {
        page.context().addInitScript("localStorage.setItem('concord.name', '" + name + "')");
        page.navigate(ConcordDeployment.http(base, "/d/" + doc).toString());
        page.locator("body[data-session=ready]").waitFor();
        return page;
    }

    private static String text(Page page) {
        return (String) page.evaluate(CollaborationBrowserIT.EDITOR_TEXT);
    }

    private static void typeAtEnd(Page page, String text) {
        page.locator(".cm-content").focus();
        page.keyboard().press("Control+End");
        page.keyboard().type(text);
    }

    private static void awaitSynced(Page page) {
        page.waitForFunction("() => document.getElementById('status').dataset.unsynced === '0'"
                + " && document.getElementById('status').dataset.state === 'connected'", null,
                new Page.WaitForFunctionOptions().setTimeout(RECONNECTED_MILLIS));
    }

    private String serverText(String doc) throws Exception {
        HttpResponse<String> response = ConcordDeployment.httpClient(Duration.ofSeconds(10)).send(
                HttpRequest.newBuilder(ConcordDeployment.http(base, "/api/docs/" + doc)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject().getString("text");
        }
    }

    /**
     * The server's text once every page shows it: both are read again until they agree, since a
     * page may still be applying what the server already has (or the other way round).
     */
    private String awaitServerText(String doc, Page... pages) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (true) {
            String server = serverText(doc);
            List<String> shown = new ArrayList<>();
            for (Page page : pages) {
                shown.add(text(page));
            }
            if (shown.stream().allMatch(server::equals)) {
                return server;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the pages show " + shown + " but the server has \"" + server + "\"");
            }
            Thread.sleep(200);
        }
    }

    @Test
    void withWebSocketRefusedOnePersonEditsOverTheFallbackTogetherWithSomeoneOnWebSocket() throws Exception {
        Page ada = openWithoutWebSocket("compat-together", "Ada", new AtomicBoolean(true));
        assertThat(ada.locator("#status")).containsText("Connected (compatibility mode)");
        Page bob = open("compat-together", "Bob");
        assertThat(bob.locator("#status")).not().containsText("compatibility");
        assertThat(ada.locator("#peers .peer")).hasText("Bob");
        assertThat(bob.locator("#peers .peer")).hasText("Ada");
        // A line both see first, so that the start (Bob's) and the end (Ada's) are two places:
        // in an empty document both would type at one, and keystrokes typed at the same moment
        // at the same place may interleave, as in any editor that merges concurrent typing.
        typeAtEnd(ada, "|");
        assertThat(bob.locator(".cm-content")).containsText("|");
        for (int round = 0; round < 5; round++) {
            typeAtEnd(ada, " ada" + round);
            bob.locator(".cm-content").focus();
            bob.keyboard().press("Control+Home");
            bob.keyboard().type("bob" + round + " ");
        }
        awaitSynced(ada);
        awaitSynced(bob);
        String server = awaitServerText("compat-together", ada, bob);
        for (int round = 0; round < 5; round++) {
            assertEquals(1, CollaborationBrowserIT.occurrences(server, "ada" + round), server);
            assertEquals(1, CollaborationBrowserIT.occurrences(server, "bob" + round), server);
        }
        assertEquals(server, text(ada));
        assertEquals(server, text(bob));
        assertThat(ada.locator(".cm-peer-label")).hasText("Bob");
        chromium.assertNoProblems(bob);
    }

    @Test
    void aReloadOnTheFallbackWithUnsyncedEditsKeepsThemAndSendsThemOnce() throws Exception {
        AtomicBoolean postsPass = new AtomicBoolean(true);
        Page ada = openWithoutWebSocket("compat-reload", "Ada", postsPass);
        typeAtEnd(ada, "saved ");
        awaitSynced(ada);
        postsPass.set(false);
        typeAtEnd(ada, "unsynced words");
        assertThat(ada.locator("#status")).not().hasAttribute("data-unsynced", "0");

        ada.reload();
        ada.locator(".cm-content").waitFor();
        ada.waitForFunction("() => (" + CollaborationBrowserIT.EDITOR_TEXT + ")().includes('unsynced words')");
        assertThat(ada.locator("#status")).not().hasAttribute("data-unsynced", "0");
        assertFalse(serverText("compat-reload").contains("unsynced"));

        postsPass.set(true);
        awaitSynced(ada);
        assertEquals("saved unsynced words", awaitServerText("compat-reload", ada));
        assertThat(ada.locator("#status")).containsText("compatibility mode");
    }
}
