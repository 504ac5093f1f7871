package app.concord.it.browser;

import static app.concord.it.browser.CollaborationBrowserIT.EDITOR_TEXT;
import static app.concord.it.browser.CollaborationBrowserIT.awaitSynced;
import static app.concord.it.browser.CollaborationBrowserIT.quote;
import static app.concord.it.browser.CollaborationBrowserIT.serverText;
import static app.concord.it.browser.CollaborationBrowserIT.text;
import static app.concord.it.browser.CollaborationBrowserIT.typeAtEnd;
import static app.concord.it.browser.EditorBrowserIT.openMenu;
import static app.concord.it.browser.EditorBrowserIT.screenshots;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.it.ConcordDeployment;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Keyboard;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.ColorScheme;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
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
 * History, authorship and versions in the browser (issue 18): who wrote what shows on hover,
 * a restore made while someone else types converges for both, the timeslider plays and links
 * to a revision, named versions, a read-only link reads but cannot restore, and the panel works
 * by keyboard and on a phone. Only the two layout and keyboard tests pass against a server
 * without the history API; the others need it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class HistoryBrowserIT {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    private static final Browser.NewContextOptions DESKTOP = new Browser.NewContextOptions().setViewportSize(1280, 800);

    private static Browser.NewContextOptions phone() {
        return new Browser.NewContextOptions().setViewportSize(375, 740).setDeviceScaleFactor(2).setIsMobile(true).setHasTouch(true);
    }

    /** Opens document doc's page, at revision rev unless it is null. */
    private Page open(String doc, Integer rev, String name, Browser.NewContextOptions options) {
        Page page = chromium.newPage(options);
        page.context().addInitScript("localStorage.getItem('concord.name') || localStorage.setItem('concord.name', " + quote(name) + ")");
        page.navigate(link(doc, rev));
        page.locator("body[data-session=ready]").waitFor();
        return page;
    }

    private Page open(String doc, String name, Browser.NewContextOptions options) {
        return open(doc, null, name, options);
    }

    private Page open(String doc, String name) {
        return open(doc, null, name, DESKTOP);
    }

    private String link(String doc, Integer rev) {
        return ConcordDeployment.http(base, "/d/" + doc) + (rev == null ? "" : "?rev=" + rev);
    }

    /** Answers the page's prompts and confirmations, in order, with these (null: accept a confirmation). */
    private static void answering(Page page, String... answers) {
        Deque<String> queue = new ArrayDeque<>(List.of(answers));
        page.onDialog(dialog -> {
            String answer = queue.poll();
            if (answer == null || answer.isEmpty()) {
                dialog.accept();
            } else {
                dialog.accept(answer);
            }
        });
    }

    private JsonObject getJson(String path) throws Exception {
        HttpResponse<String> response = ConcordDeployment.httpClient(Duration.ofSeconds(30)).send(
                HttpRequest.newBuilder(ConcordDeployment.http(base, path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    private int serverRevision(String doc) throws Exception {
        return getJson("/api/docs/" + doc).getInt("rev");
    }

    private static void openHistory(Page page) {
        page.locator("#toggle-history").click();
        assertThat(page.locator("#history")).isVisible();
        page.locator("#sessions .history-entry").first().waitFor();
    }

    /** Waits until the revision view shows what the timeslider asked for. */
    private static void awaitRevisionShown(Page page) {
        assertThat(page.locator("#revision")).isVisible();
        page.waitForFunction("() => !document.getElementById('revision-text').hasAttribute('aria-busy')");
    }

    private static String revisionText(Page page) {
        return (String) page.evaluate("() => { const c = document.querySelector('#revision-text .cm-content');"
                + " return (c.cmTile ? c.cmTile.root.view : c.cmView.view).state.doc.toString(); }");
    }

    @Test
    void twoPeopleTypeAndHoveringShowsTheRightAuthor() throws Exception {
        Page ada = open("history-authors", "Ada");
        typeAtEnd(ada, "Ada wrote this line. ");
        awaitSynced(ada);
        Page bob = open("history-authors", "Bob");
        typeAtEnd(bob, "Bob wrote this one.");
        awaitSynced(bob);
        String server = serverText(base, "history-authors");
        ada.waitForFunction("t => (" + EDITOR_TEXT + ")() === t", server);

        openMenu(ada);
        ada.locator("#toggle-authors").click();
        assertThat(ada.locator("#toggle-authors")).hasAttribute("aria-pressed", "true");
        Locator bobs = ada.locator(".cm-author", new Page.LocatorOptions().setHasText("Bob wrote"));
        bobs.first().hover();
        assertThat(ada.locator(".author-card")).containsText("Written by Bob");
        Locator adas = ada.locator(".cm-author", new Page.LocatorOptions().setHasText("Ada wrote"));
        ada.mouse().move(0, 0);
        assertThat(ada.locator(".author-card")).hasCount(0);
        adas.first().hover();
        assertThat(ada.locator(".author-card")).containsText("Written by Ada (you)");
        assertFalse(ada.locator(".author-card").innerText().contains("Bob"));

        // Who wrote the selection: both, with their shares.
        ada.locator("#editor .cm-content").focus();
        ada.keyboard().press("Control+a");
        openMenu(ada);
        ada.locator("#who-wrote").click();
        assertThat(ada.locator("#notice-text")).containsText("Ada (you): 21 of 40 characters");
        assertThat(ada.locator("#notice-text")).containsText("Bob: 19 of 40 characters");

        // Bob comes back in a new tab of his browser: still Bob's text, and the colours are remembered per viewer.
        bob.reload();
        bob.locator("body[data-session=ready]").waitFor();
        openMenu(bob);
        bob.locator("#toggle-authors").click();
        bob.locator(".cm-author", new Page.LocatorOptions().setHasText("Bob wrote")).first().hover();
        assertThat(bob.locator(".author-card")).containsText("Written by Bob (you)");
        ada.reload();
        ada.locator("body[data-session=ready]").waitFor();
        assertThat(ada.locator("#toggle-authors")).hasAttribute("aria-pressed", "true");

        // The authors list has Bob once he has left.
        bob.close();
        openHistory(ada);
        ada.locator(".authors summary").click();
        assertThat(ada.locator("#authors-list li", new Page.LocatorOptions().setHasText("Bob"))).containsText("not here");
        assertThat(ada.locator("#authors-list li", new Page.LocatorOptions().setHasText("Ada"))).containsText("you");
        chromium.assertNoProblems(ada);
    }

    @Test
    void oneRestoresAnOldVersionWhileTheOtherTypesAndBothConverge() throws Exception {
        Page ada = open("history-restore", "Ada");
        typeAtEnd(ada, "Version one.");
        awaitSynced(ada);
        int one = serverRevision("history-restore");
        ada.locator("#editor .cm-content").focus();
        ada.keyboard().press("Control+a");
        ada.keyboard().type("Version two, rewritten.");
        awaitSynced(ada);
        Page bob = open("history-restore", "Bob");
        bob.locator("#editor .cm-content").focus();
        bob.keyboard().press("Control+End");

        // Ada opens the link of revision "one", and restores it while Bob keeps typing.
        ada.navigate(link("history-restore", one));
        ada.locator("body[data-session=ready]").waitFor();
        awaitRevisionShown(ada);
        assertEquals("Version one.", revisionText(ada));
        answering(ada, "");
        bob.keyboard().type(" bob1");
        ada.locator("#rev-restore").click();
        bob.keyboard().type(" bob2 bob3", new Keyboard.TypeOptions().setDelay(30));
        assertThat(ada.locator("#revision")).isHidden();
        awaitSynced(ada);
        awaitSynced(bob);
        String restored = serverText(base, "history-restore");
        ada.waitForFunction("t => (" + EDITOR_TEXT + ")() === t", restored);
        bob.waitForFunction("t => (" + EDITOR_TEXT + ")() === t", restored);
        assertTrue(isWithOneInsertion(restored, "Version one.", " bob1 bob2 bob3"),
                "revision one's text and, in one piece, the end of what Bob typed (what came after the revision the restore was made on): " + restored);
        bob.keyboard().type(" after");
        awaitSynced(bob);
        ada.waitForFunction("() => (" + EDITOR_TEXT + ")().includes(' after')");

        // The restore is one revision of Ada's; the history before it is intact.
        assertEquals("Version one.", getJson("/api/docs/history-restore/revisions/" + one).getString("text"));

        // Ada takes it back with Ctrl-Z; Bob's words stay.
        ada.locator("#editor .cm-content").focus();
        ada.keyboard().press("Control+z");
        awaitSynced(ada);
        String undone = serverText(base, "history-restore");
        assertTrue(undone.contains("two, rewritten."), undone);
        assertTrue(undone.contains(" after"), undone);
        bob.waitForFunction("t => (" + EDITOR_TEXT + ")() === t", undone);
        assertEquals(undone, text(ada));
        chromium.assertNoProblems(ada);
        chromium.assertNoProblems(bob);
    }

    /** True when text is base with, inserted somewhere in one piece, an end of typed (possibly empty). */
    static boolean isWithOneInsertion(String text, String base, String typed) {
        for (int i = 0; i <= base.length(); i++) {
            String before = base.substring(0, i);
            String after = base.substring(i);
            if (text.length() >= base.length() && text.startsWith(before) && text.endsWith(after)
                    && typed.endsWith(text.substring(i, text.length() - after.length()))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theTimesliderPlaysAndItsLinkOpensTheRevision() throws Exception {
        Page ada = open("history-slider", "Ada");
        for (String part : new String[] {"one ", "two ", "three ", "four"}) {
            typeAtEnd(ada, part);
            awaitSynced(ada);
        }
        int head = serverRevision("history-slider");
        openHistory(ada);
        ada.locator("#sessions .history-entry").first().click();
        awaitRevisionShown(ada);
        assertEquals("one two three four", revisionText(ada));

        ada.locator("#rev-slider").fill("0");
        assertThat(ada.locator("#revision-title")).hasText("Revision 0 of " + head);
        ada.locator("#rev-play").click();
        assertThat(ada.locator("#rev-play")).hasAttribute("aria-pressed", "true");
        ada.waitForFunction("() => document.getElementById('rev-play').getAttribute('aria-pressed') === 'false'");
        assertThat(ada.locator("#revision-title")).hasText("Revision " + head + " of " + head);
        awaitRevisionShown(ada);
        assertEquals("one two three four", revisionText(ada));

        int middle = head / 2;
        ada.locator("#rev-slider").fill(String.valueOf(middle));
        assertThat(ada.locator("#revision-title")).hasText("Revision " + middle + " of " + head);
        awaitRevisionShown(ada);
        String middleText = getJson("/api/docs/history-slider/revisions/" + middle).getString("text");
        ada.waitForFunction("t => { const c = document.querySelector('#revision-text .cm-content');"
                + " return (c.cmTile ? c.cmTile.root.view : c.cmView.view).state.doc.toString() === t; }", middleText);
        assertThat(ada).hasURL(Pattern.compile(".*/d/history-slider\\?rev=" + middle + "$"));
        ada.locator("#rev-previous").click();
        assertThat(ada.locator("#revision-title")).hasText("Revision " + (middle - 1) + " of " + head);
        ada.locator("#rev-next").click();
        assertThat(ada.locator("#revision-title")).hasText("Revision " + middle + " of " + head);

        ada.locator("#rev-compare").click();
        assertThat(ada.locator("#revision-meta")).containsText("what changed since revision " + middle);
        awaitRevisionShown(ada);
        assertEquals("one two three four", revisionText(ada));
        assertTrue(ada.locator("#revision-text .cm-inserted").count() > 0);
        ada.locator("#rev-compare").click();
        awaitRevisionShown(ada);

        Download download = ada.waitForDownload(() -> ada.locator("#rev-download").click());
        assertEquals("one two three four (revision " + middle + ").md", download.suggestedFilename());
        assertEquals(middleText, Files.readString(download.path()));

        ada.locator("#rev-link").click();
        String link = ada.locator("#rev-link").getAttribute("data-link");
        assertTrue(link.endsWith("/d/history-slider?rev=" + middle), link);
        Page bob = chromium.newPage(DESKTOP);
        bob.navigate(link);
        awaitRevisionShown(bob);
        assertThat(bob.locator("#revision-title")).hasText("Revision " + middle + " of " + head);
        assertEquals(middleText, revisionText(bob));
        bob.locator("#rev-close").click();
        assertThat(bob.locator("#editor")).isVisible();
        assertThat(bob).hasURL(Pattern.compile(".*/d/history-slider$"));
        chromium.assertNoProblems(ada);
        chromium.assertNoProblems(bob);
    }

    @Test
    void namedVersionsArePinnedRenamedAndDeleted() throws Exception {
        Page ada = open("history-versions", "Ada");
        typeAtEnd(ada, "Draft text");
        awaitSynced(ada);
        int draft = serverRevision("history-versions");
        openHistory(ada);
        answering(ada, "First draft", "Sent to Bob", "");
        ada.locator("#name-version").click();
        assertThat(ada.locator("#versions .entry-title")).hasText("First draft");
        assertThat(ada.locator("#versions li")).containsText("revision " + draft);

        ada.locator("#named-only").check();
        assertThat(ada.locator("#sessions-section")).isHidden();
        ada.locator("#versions .entry-action", new Page.LocatorOptions().setHasText("Rename")).click();
        assertThat(ada.locator("#versions .entry-title")).hasText("Sent to Bob");
        ada.locator("#versions .history-entry").click();
        awaitRevisionShown(ada);
        assertEquals("Draft text", revisionText(ada));
        ada.locator("#versions .entry-action", new Page.LocatorOptions().setHasText("Delete")).click();
        assertThat(ada.locator("#versions li")).hasCount(0);
        assertThat(ada.locator("#versions-empty")).isVisible();
        chromium.assertNoProblems(ada);
    }

    @Test
    void aReadOnlyLinkReadsTheHistoryButCannotRestoreOrNameVersions() throws Exception {
        Page ada = open("history-read-only", "Ada");
        typeAtEnd(ada, "Minutes");
        awaitSynced(ada);
        String readOnlyId = (String) ada.evaluate(
                "async () => (await (await fetch('/api/docs/history-read-only/read-only')).json()).readOnlyId");
        Page vera = open(readOnlyId, 1, "Vera", DESKTOP);
        awaitRevisionShown(vera);
        assertEquals("M", revisionText(vera));
        assertThat(vera.locator("#rev-restore")).isHidden();
        assertThat(vera.locator("#name-version")).isHidden();
        assertThat(vera.locator("#rev-download")).isVisible();
        vera.locator("#sessions .history-entry").first().waitFor();
        chromium.assertNoProblems(vera);
    }

    // ----- keyboard and phone: these two also pass against a server without the history API ---

    @Test
    void theHistoryPanelOpensAndClosesByKeyboard() {
        Page ada = open("history-keyboard", "Ada");
        ada.keyboard().type("Some text");
        ada.keyboard().press("Control+Alt+Shift+H");
        assertThat(ada.locator("#history")).isVisible();
        assertEquals("history-title", ada.evaluate("() => document.activeElement.id"));
        assertThat(ada.locator("#toggle-history")).hasAttribute("aria-pressed", "true");
        ada.keyboard().press("Tab");
        assertEquals("history-close", ada.evaluate("() => document.activeElement.id"));
        ada.keyboard().press("Escape");
        assertThat(ada.locator("#history")).isHidden();
        assertTrue((Boolean) ada.evaluate("() => document.activeElement.classList.contains('cm-content')"), "back in the editor");
        ada.keyboard().type(", more");
        awaitSynced(ada);
        assertEquals("Some text, more", text(ada));

        // The header button works the same way, and gives the focus back to itself.
        ada.locator("#toggle-history").focus();
        ada.keyboard().press("Enter");
        assertThat(ada.locator("#history")).isVisible();
        ada.keyboard().press("Escape");
        assertThat(ada.locator("#history")).isHidden();
        assertEquals("toggle-history", ada.evaluate("() => document.activeElement.id"));
    }

    @Test
    void onAPhoneTheHistoryFitsTheScreenAndTheEditorKeepsItsPlace() throws Exception {
        for (ColorScheme scheme : new ColorScheme[] {ColorScheme.LIGHT, ColorScheme.DARK}) {
            Page page = open("history-phone-" + scheme.name().toLowerCase(), "Ada", phone().setColorScheme(scheme));
            page.locator("#editor .cm-content").click();
            page.keyboard().type("# Phone notes");
            double before = ((Number) page.locator("#editor").evaluate("e => e.getBoundingClientRect().height")).doubleValue();
            assertTrue(before >= 0.7 * 740, "editor height " + before + " of 740");
            page.locator("#toggle-history").click();
            assertThat(page.locator("#history")).isVisible();
            assertEquals(375.0, ((Number) page.locator("#history").evaluate("e => e.getBoundingClientRect().width")).doubleValue(), 1.0);
            assertEquals(0, ((Number) page.evaluate(
                    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")).intValue());
            page.screenshot(new Page.ScreenshotOptions().setPath(screenshots().resolve("history-phone-" + scheme.name().toLowerCase() + ".png")));
            page.locator("#history-close").click();
            assertThat(page.locator("#history")).isHidden();
            double after = ((Number) page.locator("#editor").evaluate("e => e.getBoundingClientRect().height")).doubleValue();
            assertEquals(before, after, 1.0, "no layout jump after the panel");
        }
    }

    @Test
    void onAPhoneARevisionTakesTheEditorsPlace() throws Exception {
        Page page = open("history-phone-revision", "Ada", phone());
        page.locator("#editor .cm-content").click();
        page.keyboard().type("Written on a phone.");
        awaitSynced(page);
        openHistory(page);
        page.locator("#sessions .history-entry").first().click();
        awaitRevisionShown(page);
        assertThat(page.locator("#history")).isHidden();
        assertThat(page.locator("#editor")).isHidden();
        assertEquals("revision-title", page.evaluate("() => document.activeElement.id"));
        assertEquals(0, ((Number) page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")).intValue());
        page.locator("#rev-list").click();
        assertThat(page.locator("#history")).isVisible();
        page.keyboard().press("Escape");
        assertThat(page.locator("#revision")).isHidden();
        assertThat(page.locator("#editor")).isVisible();
        chromium.assertNoProblems(page);
    }
}
