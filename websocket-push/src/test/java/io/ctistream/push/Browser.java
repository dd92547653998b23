package io.ctistream.push;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium (Debian {@code chromium} + {@code chromium-driver}, or the binaries named
 * by {@code CTISTREAM_CHROME} / {@code CTISTREAM_CHROMEDRIVER}) driven over WebDriver. Absent
 * binaries make {@link #find()} empty, so a test can skip; {@code .ci/run} installs them and fails
 * a browser test that skipped.
 */
public final class Browser implements AutoCloseable {
    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** The binaries, when this machine has them. */
    public static Optional<Path[]> find() {
        Path chrome = firstExisting(System.getenv("CTISTREAM_CHROME"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
        Path driver = firstExisting(System.getenv("CTISTREAM_CHROMEDRIVER"), "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        return chrome == null || driver == null ? Optional.empty() : Optional.of(new Path[] {chrome, driver});
    }

    public static Browser start() {
        Path[] bins = find().orElseThrow(() -> new IllegalStateException("chromium and chromedriver are not installed"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(bins[0].toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(bins[1].toFile()).usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60)).build();
        return new Browser(new ChromeDriver(service, options));
    }

    public void open(String url) {
        driver.get(url);
    }

    /** The element, or null while it is not there. */
    public WebElement element(String css) {
        List<WebElement> found = driver.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0);
    }

    public String attribute(String css, String name) {
        WebElement e = element(css);
        return e == null ? null : e.getDomAttribute(name);
    }

    public String text(String css) {
        WebElement e = element(css);
        return e == null ? null : e.getText();
    }

    public void click(String css) {
        driver.findElement(By.cssSelector(css)).click();
    }

    public Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    public Path screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /** What the page logged to its console (for a failure message). */
    public String console() {
        try {
            return driver.manage().logs().get("browser").getAll().toString();
        } catch (RuntimeException e) {
            return "(console not available: " + e.getMessage() + ")";
        }
    }

    private static Path firstExisting(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isBlank() && Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        return null;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
