package app.concord.it.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Debian's Chromium, headless, driven by Playwright, for browser tests. Register it in a test
 * class with {@code @RegisterExtension static final Chromium chromium = new Chromium();}.
 *
 * <p>One browser per test class; every test gets fresh contexts (cookies, storage), so tests
 * do not see each other. Each page records its console errors and uncaught exceptions
 * ({@link #problems(Page)}); when a test fails, every page it opened is saved as
 * {@code target/screenshots/<TestClass>.<method>[-n].png}.
 *
 * <p>No browser is ever downloaded: the executable is system property
 * {@code concord.it.chromium} (default {@code /usr/bin/chromium}, {@code apt-get install chromium}),
 * and Playwright's Node driver comes from the driver-bundle jar.
 */
public final class Chromium implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, AfterTestExecutionCallback {

    static final Path EXECUTABLE = Path.of(System.getProperty("concord.it.chromium", "/usr/bin/chromium"));
    static final Path SCREENSHOTS = Path.of(System.getProperty("concord.it.screenshots", "target/screenshots"));

    /** Root in a container needs no sandbox; the rest keeps Chromium off the network and quiet. */
    static final List<String> ARGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage");

    /** Fails a step (a wait, a click) after this long instead of Playwright's 30 s. */
    static final double TIMEOUT_MILLIS = 15_000;

    /**
     * Never download a browser; let routes see the service worker's own requests (Chromium only,
     * "experimental" in Playwright), so that a test can cut the worker off the network as well:
     * {@code setOffline} alone leaves it online.
     */
    private static final Map<String, String> ENV = Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1",
            "PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1");

    private Playwright playwright;
    private Browser browser;
    private final List<BrowserContext> contexts = new ArrayList<>();
    private final Map<Page, List<String>> problems = new IdentityHashMap<>();
    private final List<Page> pages = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException(EXECUTABLE + " is missing: browser tests need Debian's Chromium"
                    + " (apt-get install -y chromium), or -Dconcord.it.chromium=/path/to/chromium");
        }
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(ENV));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(EXECUTABLE)
                .setHeadless(true)
                .setArgs(ARGS));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (playwright != null) {
            playwright.close(); // closes the browser and its fresh profile too
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        contexts.clear();
        problems.clear();
        pages.clear();
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isEmpty()) {
            return;
        }
        String name = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
        for (int i = 0; i < pages.size(); i++) {
            Page page = pages.get(i);
            if (page.isClosed()) {
                continue;
            }
            Path file = SCREENSHOTS.resolve(name + (i == 0 ? "" : "-" + (i + 1)) + ".png");
            try {
                Files.createDirectories(SCREENSHOTS);
                page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
                System.out.println("Screenshot of " + page.url() + ": " + file.toAbsolutePath()
                        + (problems(page).isEmpty() ? "" : "\n  browser problems: " + problems(page)));
            } catch (IOException | RuntimeException e) {
                System.out.println("No screenshot of " + page.url() + ": " + e);
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        contexts.forEach(BrowserContext::close);
        contexts.clear();
    }

    /** A new page in a new context of a desktop-sized window (one person with a fresh profile). */
    public Page newPage() {
        return newPage(new Browser.NewContextOptions().setViewportSize(1280, 800));
    }

    /** A new page in a new context made with these options (viewport, mobile, locale…). */
    public Page newPage(Browser.NewContextOptions options) {
        if (browser == null) {
            throw new IllegalStateException("register Chromium with @RegisterExtension on a static field");
        }
        BrowserContext context = browser.newContext(options);
        context.setDefaultTimeout(TIMEOUT_MILLIS);
        contexts.add(context);
        Page page = context.newPage();
        List<String> found = new ArrayList<>();
        problems.put(page, found);
        pages.add(page);
        page.onConsoleMessage(message -> {
            if ("error".equals(message.type())) {
                found.add("console error: " + message.text() + " (" + message.location() + ")");
            }
        });
        page.onPageError(error -> found.add("uncaught: " + error));
        return page;
    }

    /** The console errors and uncaught exceptions of a page so far, in order. */
    public List<String> problems(Page page) {
        return List.copyOf(problems.getOrDefault(page, List.of()));
    }

    /** Fails with the page's console errors and uncaught exceptions, if it had any. */
    public void assertNoProblems(Page page) {
        assertEquals(List.of(), problems(page), "browser console of " + page.url());
    }
}
