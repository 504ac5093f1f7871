package app.concord.it.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.it.ConcordDeployment;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.net.URL;
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

/** The landing page and the editor page in Chromium, served by the real WAR. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class PagesIT {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    private String url(String path) {
        return ConcordDeployment.http(base, path).toString();
    }

    @Test
    public void landingPageLoadsWithoutConsoleErrors() {
        Page page = chromium.newPage();

        Response response = page.navigate(url("/"));

        assertEquals(200, response.status());
        assertThat(page.locator("#new-doc")).isVisible();
        assertThat(page.locator("#open-form")).isVisible();
        assertThat(page.locator("#recent-empty")).isVisible();
        chromium.assertNoProblems(page);
    }

    @Test
    public void newDocumentOpensItsEditorPage() {
        Page page = chromium.newPage();
        page.navigate(url("/"));

        page.locator("#new-doc").click();

        page.waitForURL(Pattern.compile(".*/d/[A-Za-z0-9_-]{22}"));
        assertThat(page.locator("#editor .cm-editor")).isVisible();
        chromium.assertNoProblems(page);
    }

    @Test
    public void editorPageMountsCodeMirrorAndTakesTyping() {
        Page page = chromium.newPage();
        page.navigate(url("/d/pages-it-typing"));
        page.locator("body[data-session=ready]").waitFor();
        Locator content = page.locator("#editor .cm-content");
        assertThat(content).isVisible();

        content.click();
        page.keyboard().type("# Hello, Concord\n\nSome *emphasis*.");

        assertThat(content).containsText("# Hello, Concord");
        assertThat(content).containsText("Some *emphasis*.");
        assertThat(page.locator("#doc-id")).hasText("pages-it-typing");
        chromium.assertNoProblems(page);
    }

    @Test
    public void previewRendersTheMarkdown() {
        Page page = chromium.newPage();
        page.navigate(url("/d/pages-it-preview"));
        page.locator("body[data-session=ready]").waitFor();
        page.locator("#editor .cm-content").click();
        page.keyboard().type("# Title\n\n<img src=x onerror=alert(1)>*done*");

        page.locator("#toggle-preview").click();

        assertThat(page.locator("#preview")).isVisible();
        assertThat(page.locator("#preview h1")).hasText("Title");
        assertThat(page.locator("#preview em")).hasText("done");
        assertEquals(0, page.locator("#preview [onerror]").count(), "DOMPurify removed the handler");
        chromium.assertNoProblems(page);
    }

    @Test
    public void landingPageListsDocumentsOpenedBefore() {
        Page page = chromium.newPage();
        page.navigate(url("/d/pages-it-recent"));
        assertThat(page.locator("#editor .cm-editor")).isVisible();

        page.navigate(url("/"));

        assertThat(page.locator("#recent a")).hasText("pages-it-recent");
        assertThat(page.locator("#recent a")).hasAttribute("href", "/d/pages-it-recent");
        chromium.assertNoProblems(page);
    }

    @Test
    public void invalidDocumentIdsAreNotFound() {
        Page page = chromium.newPage();

        for (String path : List.of("/d/", "/d/bad%20id!", "/d/a/b", "/d/" + "x".repeat(65))) {
            Response response = page.navigate(url("/")
                    .replaceFirst("/$", "") + path); // keep the escapes: the URI class would re-encode '%'
            assertEquals(404, response.status(), path);
            assertTrue(response.text().contains("Not found"), path);
        }
    }

    @Test
    public void openByLinkShowsAnErrorForGarbage() {
        Page page = chromium.newPage();
        page.navigate(url("/"));

        page.locator("#open-input").fill("this is not a link!");
        page.locator("#open-form button[type=submit]").click();

        assertThat(page.locator("#open-error")).isVisible();
        assertThat(page.locator("#open-error")).containsText("not a document link");
        assertThat(page.locator("#open-input")).hasAttribute("aria-invalid", "true");
        assertThat(page).hasURL(url("/"));
        chromium.assertNoProblems(page);
    }

    @Test
    public void openByLinkGoesToTheLinkedDocument() {
        Page page = chromium.newPage();
        page.navigate(url("/"));

        page.locator("#open-input").fill("https://concord.example/d/Shared_doc-1?from=mail");
        page.locator("#open-input").press("Enter");

        page.waitForURL(url("/d/Shared_doc-1"));
        assertThat(page.locator("#editor .cm-editor")).isVisible();
        chromium.assertNoProblems(page);
    }

    @Test
    public void pagesFitAPhoneScreen() {
        Page page = chromium.newPage(new Browser.NewContextOptions()
                .setViewportSize(375, 667).setDeviceScaleFactor(2).setIsMobile(true).setHasTouch(true));

        for (String path : List.of("/", "/d/pages-it-phone")) {
            page.navigate(url(path));
            page.locator("main").waitFor();
            if (path.startsWith("/d/")) {
                page.locator("#editor .cm-content").click();
                page.keyboard().type("A long line: " + "unbreakable".repeat(12));
            }
            Object overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertEquals(0, ((Number) overflow).intValue(), "horizontal overflow in px on " + path);
        }
        chromium.assertNoProblems(page);
    }
}
