package app.concord.it.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.it.ConcordDeployment;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Two people in two browsers editing one document through the deployed WAR: they end
 * with the same text as the server, see each other's named cursors, lose nothing to a
 * dropped connection or a reload, undo only their own edits, and a document cannot run
 * script in anyone's preview.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class CollaborationBrowserIT {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    /**
     * The editor's whole text, from CodeMirror's state (lines outside the viewport are not in
     * the DOM). CodeMirror keeps its view on the content element: {@code cmTile.root.view}
     * since 6.38, {@code cmView.view} before.
     */
    static final String EDITOR_TEXT = "() => { const c = document.querySelector('.cm-content');"
            + " return (c.cmTile ? c.cmTile.root.view : c.cmView.view).state.doc.toString(); }";

    private Page open(String doc, String name) {
        return open(doc, name, new Browser.NewContextOptions().setViewportSize(1280, 800));
    }

    private Page open(String doc, String name, Browser.NewContextOptions options) {
        return open(doc, name, options, context -> { });
    }

    /** Opens the editor in a new browser; {@code setUp} prepares the browser before the first page load. */
    private Page open(String doc, String name, Browser.NewContextOptions options, java.util.function.Consumer<BrowserContext> setUp) {
        Page page = chromium.newPage(options);
        setUp.accept(page.context());
        page.context().addInitScript("localStorage.setItem('concord.name', " + quote(name) + ")");
        page.navigate(ConcordDeployment.http(base, "/d/" + doc).toString());
        page.locator("body[data-session=ready]").waitFor();
        return page;
    }

    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    static String text(Page page) {
        return (String) page.evaluate(EDITOR_TEXT);
    }

    static void awaitSynced(Page page) {
        page.waitForFunction("() => document.getElementById('status').dataset.unsynced === '0'"
                + " && document.getElementById('status').dataset.state === 'connected'");
    }

    /** Waits until the page shows exactly the server's text, and returns it. */
    private String awaitServerText(String doc, Page... pages) throws Exception {
        String server = serverText(doc);
        for (Page page : pages) {
            page.waitForFunction("t => (" + EDITOR_TEXT + ")() === t", server);
        }
        return server;
    }

    private String serverText(String doc) throws Exception {
        return serverText(base, doc);
    }

    /** The document's text as the server's HTTP API gives it. */
    static String serverText(URL base, String doc) throws Exception {
        HttpResponse<String> response = ConcordDeployment.httpClient(Duration.ofSeconds(30)).send(
                HttpRequest.newBuilder(ConcordDeployment.http(base, "/api/docs/" + doc)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject().getString("text");
        }
    }

    static void typeAtEnd(Page page, String text) {
        page.locator(".cm-content").focus();
        page.keyboard().press("Control+End");
        page.keyboard().type(text);
    }

    /**
     * Takes the page's network away and waits until the page has noticed: an open WebSocket
     * survives Chromium's offline emulation until the page itself closes it.
     */
    static void goOffline(Page page) {
        page.context().setOffline(true);
        assertThat(page.locator("#status")).hasAttribute("data-state", "offline");
    }

    static int occurrences(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length())) {
            n++;
        }
        return n;
    }

    @Test
    void twoPeopleTypingAtOnceEndWithTheSameTextAsTheServer() throws Exception {
        Page ada = open("browser-converge", "Ada");
        Page bob = open("browser-converge", "Bob");
        // Text between Ada's end and Bob's start, so that their carets never meet: two people
        // typing at one place at once may interleave their words, which converges but is not
        // what this test checks (on an empty document, round 0 did so once).
        typeAtEnd(ada, "|");
        assertThat(bob.locator(".cm-content")).containsText("|");
        for (int round = 0; round < 6; round++) {
            typeAtEnd(ada, " ada" + round);
            bob.locator(".cm-content").focus();
            bob.keyboard().press("Control+Home");
            bob.keyboard().type("bob" + round + " ");
        }
        awaitSynced(ada);
        awaitSynced(bob);
        String server = awaitServerText("browser-converge", ada, bob);
        for (int round = 0; round < 6; round++) {
            assertEquals(1, occurrences(server, "ada" + round), server);
            assertEquals(1, occurrences(server, "bob" + round), server);
        }
        assertEquals(server, text(ada));
        assertEquals(server, text(bob));
        chromium.assertNoProblems(ada);
        chromium.assertNoProblems(bob);
    }

    @Test
    void eachSeesTheOthersNamedCursorAndPresence() throws Exception {
        Page ada = open("browser-cursors", "Ada");
        ada.locator(".cm-content").focus();
        // Inserted, not typed: Enter after a list item would continue the list.
        ada.keyboard().insertText("# Shopping list\n\n- apples\n- pears\n- bread\n");
        awaitSynced(ada);
        Page bob = open("browser-cursors", "Bob");
        assertThat(bob.locator("#peers .peer")).hasText("Ada");
        assertThat(ada.locator("#peers .peer")).hasText("Bob");

        bob.locator(".cm-content").focus();
        bob.keyboard().press("Control+End");
        bob.keyboard().type("- milk");
        ada.locator(".cm-content").focus();
        ada.keyboard().press("Control+Home");
        ada.keyboard().press("End");

        assertThat(ada.locator(".cm-peer-label")).hasText("Bob");
        assertThat(bob.locator(".cm-peer-label")).hasText("Ada");
        awaitSynced(bob);
        awaitServerText("browser-cursors", ada, bob);
        // Bob's caret is drawn at the end of his line in Ada's editor.
        assertThat(ada.locator(".cm-line:has(.cm-peer-caret)")).hasText("- milkBob");

        // Names show for a few seconds after a caret moves: move both, for the screenshots.
        bob.keyboard().press("ArrowLeft");
        ada.keyboard().press("ArrowLeft");
        String labelShown = "name => [...document.querySelectorAll('.cm-peer-label')]"
                + ".some(l => l.textContent === name && getComputedStyle(l).opacity === '1')";
        ada.waitForFunction(labelShown, "Bob");
        bob.waitForFunction(labelShown, "Ada");
        Path shots = Path.of(System.getProperty("concord.it.screenshots", "target/screenshots"));
        Files.createDirectories(shots);
        ada.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("two-people-ada.png")));
        bob.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("two-people-bob.png")));

        bob.close();
        assertThat(ada.locator("#peers .peer")).hasCount(0);
        assertThat(ada.locator(".cm-peer-label")).hasCount(0);
        chromium.assertNoProblems(ada);
    }

    @Test
    void typingThroughALostConnectionLosesAndDoublesNothing() throws Exception {
        Page ada = open("browser-offline", "Ada");
        Page bob = open("browser-offline", "Bob");
        typeAtEnd(ada, "online1 ");
        awaitSynced(ada);
        awaitServerText("browser-offline", bob);
        goOffline(ada);
        typeAtEnd(ada, "offline1 offline2 ");
        bob.locator(".cm-content").focus();
        bob.keyboard().press("Control+Home");
        bob.keyboard().type("meanwhile ");
        assertThat(ada.locator("#status")).containsText("unsynced");
        ada.context().setOffline(false);
        typeAtEnd(ada, "online2");
        awaitSynced(ada);
        awaitSynced(bob);
        String server = awaitServerText("browser-offline", ada, bob);
        for (String word : new String[] {"online1", "offline1", "offline2", "meanwhile", "online2"}) {
            assertEquals(1, occurrences(server, word), word + " in " + server);
        }
        chromium.assertNoProblems(bob);
    }

    @Test
    void aReloadWithUnsyncedEditsKeepsThemAndSendsThemOnce() throws Exception {
        AtomicBoolean serverReachable = new AtomicBoolean(true);
        // Every WebSocket of this browser goes through the test, which can cut the server off
        // while HTTP still works. Playwright does this with a script of its own in the page,
        // installed before the first page load; the page's Content-Security-Policy would block
        // that script, so this one browser ignores the policy.
        Page ada = open("browser-reload", "Ada", new Browser.NewContextOptions().setViewportSize(1280, 800).setBypassCSP(true),
                context -> context.routeWebSocket(Pattern.compile(".*/ws/docs/.*"), ws -> {
                    if (serverReachable.get()) {
                        ws.connectToServer();
                    }
                }));
        typeAtEnd(ada, "saved ");
        awaitSynced(ada);
        BrowserContext context = ada.context();
        serverReachable.set(false);
        goOffline(ada);
        typeAtEnd(ada, "unsynced words");
        context.setOffline(false);
        assertThat(ada.locator("#status")).hasAttribute("data-state", "connected");
        assertThat(ada.locator("#status")).not().hasAttribute("data-unsynced", "0");

        ada.reload();
        ada.locator(".cm-content").waitFor();
        ada.waitForFunction("() => (" + EDITOR_TEXT + ")().includes('unsynced words')");
        assertThat(ada.locator("#status")).not().hasAttribute("data-unsynced", "0");
        assertFalse(serverText("browser-reload").contains("unsynced"));

        serverReachable.set(true);
        goOffline(ada);
        context.setOffline(false);
        awaitSynced(ada);
        String server = awaitServerText("browser-reload", ada);
        assertEquals("saved unsynced words", server);
    }

    @Test
    void undoTakesBackOnlyYourOwnEdits() throws Exception {
        Page ada = open("browser-undo", "Ada");
        Page bob = open("browser-undo", "Bob");
        typeAtEnd(ada, "ada was here. ");
        awaitSynced(ada);
        awaitServerText("browser-undo", bob);
        typeAtEnd(bob, "bob too.");
        awaitSynced(bob);
        awaitServerText("browser-undo", ada);

        ada.locator(".cm-content").focus();
        ada.keyboard().press("Control+z");
        awaitSynced(ada);
        assertEquals("bob too.", awaitServerText("browser-undo", ada, bob));

        ada.keyboard().press("Control+Shift+z");
        awaitSynced(ada);
        assertEquals("ada was here. bob too.", awaitServerText("browser-undo", ada, bob));
        chromium.assertNoProblems(ada);
        chromium.assertNoProblems(bob);
    }

    @Test
    void aReadOnlyLinkShowsTheDocumentLiveButCannotChangeIt() throws Exception {
        Page ada = open("browser-read-only", "Ada");
        typeAtEnd(ada, "Minutes of the meeting");
        awaitSynced(ada);
        ada.locator("#more summary").click(); // the link is in the More menu
        ada.locator("#copy-read-only-link").click();
        assertThat(ada.locator("#copy-read-only-link")).hasAttribute("data-link", Pattern.compile(".*/d/[A-Za-z0-9_-]{22}"));
        String link = ada.locator("#copy-read-only-link").getAttribute("data-link");
        assertFalse(link.contains("browser-read-only"));

        Page viewer = chromium.newPage();
        viewer.navigate(link);
        viewer.locator("body[data-session=ready]").waitFor();
        assertThat(viewer.locator("#read-only-banner")).isVisible();
        assertThat(viewer.locator("#copy-read-only-link")).isHidden();
        viewer.waitForFunction("() => (" + EDITOR_TEXT + ")() === 'Minutes of the meeting'");
        viewer.locator(".cm-content").click(new com.microsoft.playwright.Locator.ClickOptions().setForce(true));
        viewer.keyboard().type("vandalism");
        typeAtEnd(ada, ", continued");
        awaitSynced(ada);
        viewer.waitForFunction("() => (" + EDITOR_TEXT + ")() === 'Minutes of the meeting, continued'");
        assertEquals("Minutes of the meeting, continued", serverText("browser-read-only"));
        chromium.assertNoProblems(ada);
        chromium.assertNoProblems(viewer);
    }

    @Test
    void thePreviewNeverRunsScriptFromTheDocument() throws Exception {
        Page ada = open("browser-xss", "Ada");
        Page bob = open("browser-xss", "Bob");
        ada.locator(".cm-content").focus();
        ada.keyboard().insertText("# Title\n\n<script>window.pwned = 'script'</script>\n\n"
                + "<img src=\"/nothing.png\" onerror=\"window.pwned = 'onerror'\">\n\n"
                + "[link](javascript:window.pwned='link')\n\n<a href=\"#\" onclick=\"window.pwned='click'\">click</a>\n\n"
                + "![picture](/nothing.png)\n");
        awaitSynced(ada);
        awaitServerText("browser-xss", bob);
        bob.locator("#toggle-preview").click();
        assertThat(bob.locator("#preview h1")).hasText("Title");
        // Raw HTML is shown as text, not rendered: the img and script tags are visible words.
        assertThat(bob.locator("#preview")).containsText("<img src=\"/nothing.png\"");
        assertThat(bob.locator("#preview img")).hasCount(1); // the Markdown image, without handlers
        bob.locator("#preview a", new Page.LocatorOptions().setHasText("link")).click(new com.microsoft.playwright.Locator.ClickOptions().setNoWaitAfter(true));
        assertEquals("undefined", bob.evaluate("() => typeof window.pwned"));
        assertEquals(0, ((Number) bob.evaluate("() => document.querySelectorAll('#preview script, #preview [onerror], #preview [onclick]').length")).intValue());
        assertTrue(((String) bob.evaluate("() => document.querySelector('#preview').innerHTML")).contains("&lt;script&gt;"));
    }
}
