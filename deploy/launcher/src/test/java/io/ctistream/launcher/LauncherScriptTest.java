package io.ctistream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Verifies the JVM options the {@code ./ctistream} script starts the all-in-one with when
 * {@code CTISTREAM_JAVA_OPTS} is not set (ADR 032), and that the documented default is the same.
 */
class LauncherScriptTest {
    private static final Path ROOT = Path.of("..", "..");
    private static final Pattern EXEC = Pattern.compile("exec java \\$\\{CTISTREAM_JAVA_OPTS:-([^}]*)} -jar ");

    private static String defaults() throws IOException {
        Matcher m = EXEC.matcher(Files.readString(ROOT.resolve("ctistream")));
        assertThat(m.find()).as("the script starts java with ${CTISTREAM_JAVA_OPTS:-<defaults>}").isTrue();
        return m.group(1);
    }

    /** Verifies that by default the one JVM of broker, engine, pusher and connectors runs ZGC with a bounded heap: G1's young pauses were the end-to-end p99. */
    @Test
    void scriptDefaultsToZgcWithABoundedHeap() throws IOException {
        assertThat(defaults().split(" ")).contains("-XX:+UseZGC", "-Xmx4g").doesNotContain("-XX:+UseG1GC");
    }

    /**
     * Verifies that the heap is asked to keep to 2 GiB below the 4 GiB ceiling (ADR 032, second amendment): without it ZGC
     * grew to the whole ceiling within minutes even at 200 changes/s.
     */
    @Test
    void scriptKeepsTheHeapToHalfItsCeilingUnlessTheLoadNeedsMore() throws IOException {
        assertThat(defaults().split(" ")).contains("-XX:SoftMaxHeapSize=2g");
    }

    /** Verifies that docs/config/embedded.md names the script's default options exactly. */
    @Test
    void embeddedSettingsPageShowsTheScriptDefaults() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs").resolve("config").resolve("embedded.md"));
        assertThat(doc).contains("| `CTISTREAM_JAVA_OPTS` | `" + defaults() + "` |");
    }
}
