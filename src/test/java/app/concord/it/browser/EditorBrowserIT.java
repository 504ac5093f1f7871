package app.concord.it.browser;

import static app.concord.it.browser.CollaborationBrowserIT.EDITOR_TEXT;
import static app.concord.it.browser.CollaborationBrowserIT.awaitSynced;
import static app.concord.it.browser.CollaborationBrowserIT.goOffline;
import static app.concord.it.browser.CollaborationBrowserIT.occurrences;
import static app.concord.it.browser.CollaborationBrowserIT.quote;
import static app.concord.it.browser.CollaborationBrowserIT.text;
import static app.concord.it.browser.CollaborationBrowserIT.typeAtEnd;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.it.ConcordDeployment;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.Media;
import com.microsoft.playwright.options.RequestOptions;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
 * The editor as a newcomer meets it: it takes typing at once, renders and ticks task lists,
 * helps with Markdown, says who only watches, survives a reload with no network at all,
 * exports and prints, deletes with an undo, and fits a phone, in light and dark.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class EditorBrowserIT {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    private static final Browser.NewContextOptions DESKTOP = new Browser.NewContextOptions().setViewportSize(1280, 800);

    private String url(String path) {
        return ConcordDeployment.http(base, path).toString();
    }

    private Page open(String doc, String name) {
        return open(doc, name, DESKTOP);
    }

    private Page open(String doc, String name, Browser.NewContextOptions options) {
        Page page = person(name, options);
        page.navigate(url("/d/" + doc));
        page.locator("body[data-session=ready]").waitFor();
        return page;
    }

    private Page person(String name, Browser.NewContextOptions options) {
        Page page = chromium.newPage(options);
        page.context().addInitScript("localStorage.getItem('concord.name') || localStorage.setItem('concord.name', " + quote(name) + ")");
        return page;
    }

    private String awaitServerText(String doc, String expected) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        String server = CollaborationBrowserIT.serverText(base, doc);
        while (!server.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100); // polls the HTTP API: there is no event to wait for
            server = CollaborationBrowserIT.serverText(base, doc);
        }
        assertEquals(expected, server);
        return server;
    }

    static void openMenu(Page page) {
        if (page.locator("#more[open]").count() == 0) {
            page.locator("#more summary").click();
        }
    }

    static Path screenshots() throws Exception {
        Path shots = Path.of(System.getProperty("concord.it.screenshots", "target/screenshots"));
        Files.createDirectories(shots);
        return shots;
    }

    // ----- the bugs of issue 13 ------------------------------------------------------------

    @Test
    void aNewDocumentTakesTypingAtOnce() throws Exception {
        Page page = person("Ada", DESKTOP);
        page.navigate(url("/"));
        page.locator("#new-doc").click();
        page.waitForURL(Pattern.compile(".*/d/[A-Za-z0-9_-]{22}"));
        page.keyboard().type("Hi"); // no click, no wait for the server
        String doc = page.url().replaceFirst(".*/d/", "");
        awaitSynced(page);
        awaitServerText(doc, "Hi");
        assertThat(page.locator("#notice")).isHidden();
        chromium.assertNoProblems(page);
    }

    @Test
    void typingBeforeTheServerAnswersALinkIsKeptAfterTheDocumentsText() throws Exception {
        Page ada = open("editor-early", "Ada");
        typeAtEnd(ada, "Agenda");
        awaitSynced(ada);
        Page bob = person("Bob", DESKTOP);
        bob.navigate(url("/d/editor-early"));
        bob.keyboard().type(" Hi");
        awaitSynced(bob);
        // Typed before the welcome: after the document's text. After it: at the caret, at the start.
        String server = CollaborationBrowserIT.serverText(base, "editor-early");
        assertTrue(server.equals("Agenda Hi") || server.equals(" HiAgenda"), server);
        assertEquals(server, text(bob));
        chromium.assertNoProblems(bob);
    }

    @Test
    void aMistypedLinkSaysTheDocumentIsNewAndEmpty() {
        Page page = open("editor-never-written-" + System.nanoTime(), "Ada");
        assertThat(page.locator("#notice")).isVisible();
        assertThat(page.locator("#notice-text")).containsText("new, empty document");
        assertThat(page.locator("#notice-text")).containsText("Copy link");
        chromium.assertNoProblems(page);
    }

    @Test
    void aBraceAndEnterLeaveNoStrayBrace() throws Exception {
        Page page = open("editor-brace", "Ada");
        page.locator(".cm-content").focus();
        page.keyboard().type("{");
        page.keyboard().press("Enter");
        page.keyboard().type("}");
        awaitSynced(page);
        assertEquals("{\n}", text(page));
        awaitServerText("editor-brace", "{\n}");
    }

    @Test
    void tickingATaskInThePreviewEditsTheDocumentForEveryone() throws Exception {
        Page ada = open("editor-tasks", "Ada");
        Page bob = open("editor-tasks", "Bob");
        ada.locator(".cm-content").focus();
        ada.keyboard().insertText("# Shopping\n\n- [ ] milk\n- [x] bread\n\n```\n- [ ] not a task\n```\n");
        awaitSynced(ada);
        bob.locator("#toggle-preview").click();
        assertThat(bob.locator("#preview input.task")).hasCount(2);
        assertThat(bob.locator("#preview input.task").nth(0)).not().isChecked();
        assertThat(bob.locator("#preview input.task").nth(1)).isChecked();
        assertThat(bob.locator("#preview input.task").nth(0)).isEnabled();

        bob.locator("#preview input.task").nth(0).click();

        awaitSynced(bob);
        awaitServerText("editor-tasks", "# Shopping\n\n- [x] milk\n- [x] bread\n\n```\n- [ ] not a task\n```\n");
        ada.waitForFunction("() => (" + EDITOR_TEXT + ")().includes('- [x] milk')");
        chromium.assertNoProblems(bob);
    }

    @Test
    void aViewerIsMarkedAsViewingAndShowsNoCaret() throws Exception {
        Page ada = open("editor-viewer", "Ada");
        typeAtEnd(ada, "Minutes");
        awaitSynced(ada);
        String readOnlyId = (String) ada.evaluate(
                "async () => (await (await fetch('/api/docs/editor-viewer/read-only')).json()).readOnlyId");
        Page vera = open(readOnlyId, "Vera");
        vera.locator(".cm-content").click();

        assertThat(ada.locator("#peers .peer.viewer")).containsText("Vera");
        assertThat(ada.locator("#peers .peer.viewer")).containsText("viewing");
        assertThat(ada.locator(".cm-peer-caret")).hasCount(0);
        assertThat(vera.locator("#peers .peer")).hasText("Ada");
        assertThat(vera.locator("#toolbar")).isHidden();
        chromium.assertNoProblems(ada);
        chromium.assertNoProblems(vera);
    }

    @Test
    void offlineTheOthersAreNoLongerShownAndTheStatusSpeaksPlainly() throws Exception {
        Page ada = open("editor-offline-peers", "Ada");
        Page bob = open("editor-offline-peers", "Bob");
        bob.locator(".cm-content").focus();
        assertThat(ada.locator("#peers .peer")).hasText("Bob");
        assertThat(ada.locator("#status")).hasText("All changes saved");

        goOffline(ada);
        typeAtEnd(ada, "one sentence typed while offline");

        assertThat(ada.locator("#peers .peer")).hasCount(0);
        assertThat(ada.locator(".cm-peer-caret")).hasCount(0);
        assertThat(ada.locator("#status")).hasText("Offline · unsynced changes kept on this device, sent when back online");
        ada.context().setOffline(false);
        awaitSynced(ada);
        assertThat(ada.locator("#peers .peer")).hasText("Bob");
    }

    @Test
    void aPersonKeepsTheirColourWhenTheyReloadAndNameLabelsFade() throws Exception {
        Page ada = open("editor-colour", "Ada");
        Page bob = open("editor-colour", "Bob");
        typeAtEnd(bob, "Bob's line");
        assertThat(ada.locator("#peers .peer")).hasText("Bob");
        String before = (String) ada.locator("#peers .peer").evaluate("e => getComputedStyle(e).backgroundColor");

        bob.reload();
        bob.locator("body[data-session=ready]").waitFor();
        bob.locator(".cm-content").focus();
        bob.keyboard().press("End");

        assertThat(ada.locator("#peers .peer")).hasText("Bob");
        assertEquals(before, ada.locator("#peers .peer").evaluate("e => getComputedStyle(e).backgroundColor"));
        assertThat(ada.locator(".cm-peer-label")).hasText("Bob");
        // The label then fades, so that it does not hide the line above for good.
        ada.waitForFunction("() => getComputedStyle(document.querySelector('.cm-peer-label')).opacity === '0'");
    }

    @Test
    void theDownloadIsNamedAfterTheTitleAsWritten() throws Exception {
        Page page = open("editor-download", "Ada");
        page.locator(".cm-content").focus();
        page.keyboard().insertText("# Team sync – 12 March\n\nNotes");
        openMenu(page);
        Download download = page.waitForDownload(() -> page.locator("#download-md").click());
        assertEquals("Team sync – 12 March.md", download.suggestedFilename());
    }

    @Test
    void errorPagesAreTheApplicationsOwn() {
        Page page = chromium.newPage();
        for (String path : new String[] {"/d/", "/d/bad%20id!", "/no/such/page.html"}) {
            Response response = page.navigate(url("/").replaceFirst("/$", "") + path);
            assertEquals(404, response.status(), path);
            assertThat(page.locator("h1")).hasText("Not found");
            assertThat(page.locator("a[href='/']")).isVisible();
            assertEquals("rgb(31, 78, 140)", page.locator("h1").evaluate("e => getComputedStyle(e).color"), "styled by concord.css");
        }
        APIResponse missing = page.request().get(url("/api/nothing-here"));
        assertEquals(404, missing.status());
        assertTrue(missing.text().contains("\"code\":\"not-found\""), missing.text());
        APIResponse wrongMethod = page.request().fetch(url("/api/docs/editor-x/text"), RequestOptions.create().setMethod("PUT"));
        assertEquals(405, wrongMethod.status());
        assertTrue(wrongMethod.text().contains("\"code\":\"method-not-allowed\""), wrongMethod.text());
    }

    @Test
    void onAPhoneTheEditorKeepsMostOfTheScreen() throws Exception {
        Browser.NewContextOptions phone = new Browser.NewContextOptions()
                .setViewportSize(375, 740).setDeviceScaleFactor(2).setIsMobile(true).setHasTouch(true);
        Page page = chromium.newPage(phone);
        page.navigate(url("/d/editor-phone"));
        page.locator("body[data-session=ready]").waitFor();
        page.locator(".cm-content").click();
        page.keyboard().type("# Phone notes\n\nWritten on a small screen.");

        double editor = ((Number) page.locator("#editor").evaluate("e => e.getBoundingClientRect().height")).doubleValue();
        assertTrue(editor >= 0.7 * 740, "editor height " + editor + " of 740");
        assertEquals(0, ((Number) page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")).intValue());
        assertTrue(((String) page.evaluate("() => localStorage.getItem('concord.name')")).matches("[A-Z][a-z]+ [A-Z][a-z]+"));
        page.screenshot(new Page.ScreenshotOptions().setPath(screenshots().resolve("phone.png")));

        page.locator("#toggle-preview").click();
        double preview = ((Number) page.locator("#preview").evaluate("e => e.getBoundingClientRect().height")).doubleValue();
        assertTrue(preview >= 0.7 * 740, "the preview takes the editor's place: " + preview);
        chromium.assertNoProblems(page);
    }

    // ----- offline that survives a reload ----------------------------------------------------

    @Test
    void aDocumentOpenedBeforeReopensOfflineAndItsEditsAreSentOnceWhenBack() throws Exception {
        Page page = open("editor-offline-reload", "Ada");
        typeAtEnd(page, "written online. ");
        awaitSynced(page);
        page.evaluate("() => navigator.serviceWorker.ready");
        BrowserContext context = page.context();
        // Requests the service worker answers from its cache never reach a route; the ones
        // it sends to the network do (Chromium's ENV), and fail as with no network.
        AtomicInteger refused = new AtomicInteger();
        Consumer<Route> noNetworkForTheWorker = route -> {
            refused.incrementAndGet();
            route.abort("internetdisconnected");
        };

        goOffline(page);
        context.route("**/*", noNetworkForTheWorker);
        page.reload();
        page.locator(".cm-content").waitFor();
        page.waitForFunction("() => (" + EDITOR_TEXT + ")() === 'written online. '");
        assertThat(page.locator("#status")).hasAttribute("data-state", "offline");
        typeAtEnd(page, "written offline.");
        assertThat(page.locator("#status")).not().hasAttribute("data-unsynced", "0");
        page.reload(); // again, with the unsynced edit
        page.waitForFunction("() => (" + EDITOR_TEXT + ")() === 'written online. written offline.'");
        assertEquals("written online. ", CollaborationBrowserIT.serverText(base, "editor-offline-reload"));
        assertTrue(refused.get() > 0, "the service worker tried the network, and was refused");

        context.unroute("**/*", noNetworkForTheWorker);
        context.setOffline(false);
        awaitSynced(page);
        String server = awaitServerText("editor-offline-reload", "written online. written offline.");
        assertEquals(1, occurrences(server, "offline"));
    }

    // ----- editing help -------------------------------------------------------------------------

    @Test
    void toolbarShortcutsAndListContinuationEditMarkdown() throws Exception {
        Page page = open("editor-toolbar", "Ada");
        page.locator(".cm-content").focus();
        page.keyboard().type("word");
        page.keyboard().press("Shift+Home");
        page.keyboard().press("Control+b");
        page.keyboard().press("End");
        page.keyboard().press("Enter");
        page.keyboard().type("- milk");
        page.keyboard().press("Enter");
        page.keyboard().type("bread");
        page.keyboard().press("Enter");
        page.keyboard().press("Enter"); // an empty item ends the list
        page.locator("#toolbar [data-command=task]").click();
        page.keyboard().type("call Bob");
        page.keyboard().press("Enter");
        page.keyboard().type("book room");
        page.keyboard().press("Enter");
        page.keyboard().press("Enter");
        page.keyboard().type("site");
        page.keyboard().press("Shift+Home");
        page.keyboard().press("Control+k");
        page.keyboard().type("https://example.org");
        awaitSynced(page);
        awaitServerText("editor-toolbar", "**word**\n- milk\n- bread\n- [ ] call Bob\n- [ ] book room\n[site](https://example.org)");

        page.keyboard().press("Control+/");
        assertThat(page.locator("#shortcuts")).isVisible();
        assertThat(page.locator("#shortcuts")).containsText("Ctrl+b");
        page.keyboard().press("Escape");
        assertThat(page.locator("#shortcuts")).isHidden();
        chromium.assertNoProblems(page);
    }

    @Test
    void theToolbarAndTheMenuWorkByKeyboardAlone() throws Exception {
        Page page = open("editor-keyboard", "Ada");
        page.keyboard().type("word");
        page.keyboard().press("Shift+Home");
        page.keyboard().press("Shift+Tab"); // from the editor to the toolbar: one stop
        assertEquals("bold", page.evaluate("() => document.activeElement.dataset.command"));
        page.keyboard().press("ArrowRight");
        assertEquals("italic", page.evaluate("() => document.activeElement.dataset.command"));
        page.keyboard().press("Enter");
        awaitSynced(page);
        awaitServerText("editor-keyboard", "_word_");

        page.locator("#more summary").focus();
        page.keyboard().press("Enter");
        assertThat(page.locator("#download-md")).isVisible();
        page.keyboard().press("Escape");
        assertThat(page.locator("#download-md")).isHidden();
        assertEquals("SUMMARY", page.evaluate("() => document.activeElement.tagName"));
        chromium.assertNoProblems(page);
    }

    // ----- rendering, export, print --------------------------------------------------------------

    @Test
    void thePreviewHighlightsCodeAndListsTheContentsAndExportIsStandalone() throws Exception {
        Page page = open("editor-export", "Ada");
        page.locator(".cm-content").focus();
        page.keyboard().insertText("# Report\n\n## Part one\n\n```java\nint x = 1; // one\n```\n\n"
                + "- [x] draft\n- [ ] review\n\n| who | what |\n| --- | --- |\n| Ada | text |\n\n## Part two\n\n"
                + "<script>window.pwned = 1</script>\n\n![logo](/favicon.svg)\n");
        page.locator("#toggle-preview").click();
        assertThat(page.locator("#preview .toc a")).hasCount(3);
        assertThat(page.locator("#preview pre code.hljs .hljs-type, #preview pre code.hljs .hljs-keyword").first()).isVisible();
        page.screenshot(new Page.ScreenshotOptions().setPath(screenshots().resolve("editor-preview.png")));

        openMenu(page);
        Download download = page.waitForDownload(() -> page.locator("#export-html").click());
        assertEquals("Report.html", download.suggestedFilename());
        String html = Files.readString(download.path());
        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        assertTrue(html.contains("<title>Report</title>") && html.contains("<style>"), html);
        assertTrue(html.contains("<h2 id=\"h-part-one\">Part one</h2>"), html);
        assertTrue(html.contains("src=\"/favicon.svg\""), html);
        assertFalse(html.contains("<script"), html);

        page.evaluate("() => dispatchEvent(new Event('beforeprint'))");
        page.emulateMedia(new Page.EmulateMediaOptions().setMedia(Media.PRINT));
        assertThat(page.locator("#print-view h1")).hasText("Report");
        assertThat(page.locator("#editor")).isHidden();
        assertThat(page.locator("header")).isHidden();
        chromium.assertNoProblems(page);
    }

    @Test
    void thePreviewScrollsWithTheEditor() {
        Page page = open("editor-scroll", "Ada");
        StringBuilder text = new StringBuilder();
        for (String part : new String[] {"One", "Two", "Three"}) {
            text.append("## Part ").append(part).append("\n\n");
            for (int i = 0; i < 40; i++) {
                text.append("Paragraph ").append(i).append(" of part ").append(part).append(".\n\n");
            }
        }
        page.locator(".cm-content").focus();
        page.keyboard().insertText(text.toString());
        page.locator("#toggle-preview").click();
        assertThat(page.locator("#preview h2")).hasCount(3);

        // Scroll the editor so that "## Part Three" is at its top.
        page.evaluate("() => { const c = document.querySelector('.cm-content');"
                + " const view = c.cmTile ? c.cmTile.root.view : c.cmView.view;"
                + " const line = view.state.doc.toString().split('\\n').indexOf('## Part Three') + 1;"
                + " view.scrollDOM.scrollTop = view.lineBlockAt(view.state.doc.line(line).from).top; }");

        page.waitForFunction("() => { const p = document.getElementById('preview');"
                + " const h = [...p.querySelectorAll('h2')][2];"
                + " return Math.abs(h.getBoundingClientRect().top - p.getBoundingClientRect().top) < 80; }");
        chromium.assertNoProblems(page);
    }

    @Test
    void theDarkThemeFollowsTheSystem() throws Exception {
        Page page = open("editor-dark", "Ada", new Browser.NewContextOptions().setViewportSize(1280, 800).setColorScheme(ColorScheme.DARK));
        typeAtEnd(page, "# Night notes\n\n- [ ] sleep\n");
        assertEquals("rgb(13, 17, 23)", page.locator("body").evaluate("e => getComputedStyle(e).backgroundColor"));
        page.screenshot(new Page.ScreenshotOptions().setPath(screenshots().resolve("editor-dark.png")));
        chromium.assertNoProblems(page);
    }

    // ----- documents of your own -----------------------------------------------------------------

    @Test
    void deleteEmptiesTheDocumentAndUndoBringsItBack() throws Exception {
        Page page = open("editor-delete", "Ada");
        typeAtEnd(page, "# Old plan\n\nkeep me");
        awaitSynced(page);
        page.onDialog(dialog -> dialog.accept());
        openMenu(page);
        page.locator("#delete-doc").click();

        page.waitForURL(Pattern.compile(".*/\\?deleted=editor-delete$"));
        awaitServerText("editor-delete", "");
        assertThat(page.locator("#recent a")).hasCount(0);
        assertThat(page.locator("#deleted li")).containsText("Old plan");

        page.locator("#deleted .undo").click();
        page.locator("body[data-session=ready]").waitFor();
        awaitSynced(page);
        awaitServerText("editor-delete", "# Old plan\n\nkeep me");
        assertThat(page).hasURL(url("/d/editor-delete"));
        chromium.assertNoProblems(page);
    }

    @Test
    void theRecentListSearchesRemovesAndSaysWhenEachWasEdited() {
        Page page = open("editor-recent-one", "Ada");
        typeAtEnd(page, "# Budget 2026");
        awaitSynced(page);
        page.navigate(url("/d/editor-recent-two"));
        page.locator("body[data-session=ready]").waitFor();
        typeAtEnd(page, "# Holiday plans");
        awaitSynced(page);
        page.navigate(url("/"));

        assertThat(page.locator("#recent li")).hasCount(2);
        assertThat(page.locator("#recent li").first()).containsText("edited");
        page.locator("#recent-search").fill("budget");
        assertThat(page.locator("#recent li")).hasCount(1);
        assertThat(page.locator("#recent a")).hasText("Budget 2026");
        page.locator("#recent-search").fill("");
        page.locator("#recent li", new Page.LocatorOptions().setHasText("Holiday")).locator("button.remove").click();
        assertThat(page.locator("#recent li")).hasCount(1);
        page.reload();
        assertThat(page.locator("#recent a")).hasText("Budget 2026");
        chromium.assertNoProblems(page);
    }

    @Test
    void renameWritesTheTitleAsTheFirstHeading() throws Exception {
        Page page = open("editor-rename", "Ada");
        typeAtEnd(page, "just text");
        page.onDialog(dialog -> dialog.accept("Weekly notes"));
        openMenu(page);
        page.locator("#rename").click();
        awaitSynced(page);
        awaitServerText("editor-rename", "# Weekly notes\n\njust text");
        assertThat(page.locator("#doc-title")).hasText("Weekly notes");
    }
}
