package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium (the driver's path given, nothing downloaded; skipped, saying why,
 * where either is missing), with the waits the pages need and whole-page screenshots: one per test JVM for the browser
 * test classes ({@link #shared()}), handed to each class as a new one would be. Public for the browser cases of other
 * packages' tests (SwaggerUiSessionTest's, KeycloakIT's sign-in).
 */
public final class Chromium implements AutoCloseable {

    static final Dimension DESKTOP = new Dimension(1280, 1100);
    static final Dimension PHONE = new Dimension(360, 1400);
    /**
     * Whether the browser tests save their whole-page screenshots ({@code -Dtabserve.screenshots=true}). Off in a plain
     * {@code mvn verify}: a page made as tall as it is, drawn and encoded as PNG without a GPU, is most of a browser
     * test's CPU, and no assertion reads the pictures; the sizes and the checks made at them are the same either way.
     */
    static final boolean SAVING = Boolean.getBoolean("tabserve.screenshots");

    private static final Duration IMPLICIT_WAIT = Duration.ofSeconds(10);

    public final WebDriver driver;
    private final Path profile;
    /** Where downloads are saved without asking; null for the browser's default. */
    private final Path downloads;

    /** This JVM's browser for the browser test classes, started by the first that asks. */
    private static Chromium shared;

    private Chromium(WebDriver driver, Path profile, Path downloads) {
        this.driver = driver;
        this.profile = profile;
        this.downloads = downloads;
    }

    /**
     * This test JVM's Chromium, started by the first browser test class that asks and quit when the JVM exits: a start
     * and quit of Chromium and its driver cost about 2 s of CPU, once per class before (seven classes; now one per
     * fork). Each class gets it as a new one: on a blank page at desktop size, with no cookie (the servers of
     * every class are on 127.0.0.1, where cookies do not tell ports apart), no cached response and no earlier class's
     * download; one whose driver no longer answers is replaced. Saves downloads into {@link #downloads()}.
     */
    public static synchronized Chromium shared() throws IOException {
        if (shared != null && !shared.answers()) {
            shared.closeQuietly();
            shared = null;
        }
        if (shared == null) {
            Path downloads = Files.createTempDirectory("tabserve-downloads");
            shared = start(downloads);
            Chromium started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::closeQuietly, "quit shared Chromium"));
        } else {
            shared.reset();
        }
        return shared;
    }

    /** The folder downloads are saved in, emptied for each class that takes the {@link #shared()} browser. */
    Path downloads() {
        return downloads;
    }

    private boolean answers() {
        try {
            driver.getWindowHandle();
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            return false;
        }
    }

    /** As a new browser: a blank page at desktop size, the waits as set at the start, no cookie, cache or download. */
    private void reset() throws IOException {
        driver.get("about:blank");
        ChromeDriver chrome = (ChromeDriver) driver;
        chrome.executeCdpCommand("Network.clearBrowserCookies", java.util.Map.of());
        chrome.executeCdpCommand("Network.clearBrowserCache", java.util.Map.of());
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().implicitlyWait(IMPLICIT_WAIT);
        size(DESKTOP);
        if (downloads != null) {
            try (Stream<Path> files = Files.list(downloads)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            System.err.println("the shared Chromium did not quit cleanly: " + e);
        }
    }

    /** Starts the browser at desktop size; the calling test class is skipped when Chromium is not installed. */
    public static Chromium start() throws IOException {
        return start(null);
    }

    /**
     * {@link #start()}, saving downloads into {@code downloads} without asking.
     *
     * @param downloads where a download is saved; null for the browser's default
     */
    private static Chromium start(Path downloads) throws IOException {
        assumeTrue(
                Files.isExecutable(BrowserTest.CHROMIUM),
                "browser tests skipped: " + BrowserTest.CHROMIUM
                        + " is missing (apt-get install chromium chromium-driver)");
        assumeTrue(
                Files.isExecutable(BrowserTest.CHROMEDRIVER),
                "browser tests skipped: " + BrowserTest.CHROMEDRIVER + " is missing (apt-get install chromium-driver)");
        Path profile = Files.createTempDirectory("tabserve-chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserTest.CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--window-size=1280,1100");
        if (downloads != null) {
            options.setExperimentalOption(
                    "prefs",
                    java.util.Map.of(
                            "download.default_directory", downloads.toString(),
                            "download.prompt_for_download", false,
                            "download.directory_upgrade", true,
                            "safebrowsing.enabled", false));
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(BrowserTest.CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().implicitlyWait(IMPLICIT_WAIT);
        Files.createDirectories(BrowserTest.SCREENSHOTS);
        return new Chromium(driver, profile, downloads);
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        for (Path folder : downloads == null ? List.of(profile) : List.of(profile, downloads)) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .map(Path::toFile)
                        .forEach(File::delete);
            }
        }
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    long number(String script, Object... args) {
        return ((Number) js(script, args)).longValue();
    }

    public WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    void size(Dimension size) {
        driver.manage().window().setSize(size);
    }

    /** How far the page scrolls sideways at its present width: 0 when it fits. */
    long sidewaysOverflow() {
        return number("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    }

    /** The elements matching {@code by} once the page has loaded, without waiting for ones that are rightly absent. */
    List<WebElement> present(By by) {
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
        driver.manage().timeouts().implicitlyWait(Duration.ZERO);
        try {
            return driver.findElements(by);
        } finally {
            driver.manage().timeouts().implicitlyWait(IMPLICIT_WAIT);
        }
    }

    /**
     * Clicks something that loads a new page and waits until the old page is gone, so reads see the new one.
     * Selenium's {@code stalenessOf} takes only a stale-element error for "gone"; chromedriver sometimes answers a
     * node of the document being replaced with "Node with given id does not belong to the document" instead.
     */
    void navigate(WebElement clickable) {
        WebElement page = driver.findElement(By.tagName("html"));
        clickable.click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> gone(page));
    }

    private static boolean gone(WebElement page) {
        try {
            page.isEnabled();
            return false;
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    /** A screenshot of the whole page at {@code size}'s width, saved as {@code target/screenshots/NAME.png}. */
    void shoot(String name, Dimension size) throws IOException {
        size(size);
        if (!SAVING) {
            return;
        }
        long height = number("return document.documentElement.scrollHeight;");
        size(new Dimension(size.getWidth(), (int) Math.min(6000, Math.max(size.getHeight(), height + 140))));
        byte[] png = ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(BrowserTest.SCREENSHOTS.resolve(name + ".png"), png);
        size(size);
    }
}
