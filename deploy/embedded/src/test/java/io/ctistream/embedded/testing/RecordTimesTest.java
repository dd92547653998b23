package io.ctistream.embedded.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.schemas.CtiTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Verifies the guard against record stamps a broker would delete or refuse (issue #12), and that
 * no test that writes to a real broker pins its records to a calendar date.
 */
class RecordTimesTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_900_000_000L);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void recordsJustBehindTheClockAreKept() {
        assertThatCode(() -> RecordTimes.requireKept(CLOCK, NOW.minus(Duration.ofDays(5)), NOW, CtiTopics.AGENT_EVENTS, CtiTopics.AGENTS))
                .doesNotThrowAnyException();
        assertThatCode(() -> RecordTimes.requireKept(CLOCK, NOW, NOW.plus(RecordTimes.AHEAD_SLACK), CtiTopics.AGENT_EVENTS))
                .doesNotThrowAnyException();
    }

    @Test
    void recordsOlderThanTheShortestRetentionAreRefused() {
        // cti.agent-commands keeps a day: a stamp two days old passes cti.agent-events (7 days) but not it
        Instant twoDaysAgo = NOW.minus(Duration.ofDays(2));
        assertThatCode(() -> RecordTimes.requireKept(CLOCK, twoDaysAgo, NOW, CtiTopics.AGENT_EVENTS)).doesNotThrowAnyException();
        assertThatThrownBy(() -> RecordTimes.requireKept(CLOCK, twoDaysAgo, NOW, CtiTopics.AGENT_EVENTS, CtiTopics.AGENT_COMMANDS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cti.agent-commands").hasMessageContaining(twoDaysAgo.toString());
    }

    @Test
    void compactedTopicsKeepAnyStampFromThePast() {
        assertThatCode(() -> RecordTimes.requireKept(CLOCK, Instant.EPOCH, NOW, CtiTopics.AGENTS, CtiTopics.AGENT_STATE)).doesNotThrowAnyException();
    }

    @Test
    void recordsAheadOfTheClockAreRefused() {
        assertThatThrownBy(() -> RecordTimes.requireKept(CLOCK, NOW, NOW.plus(RecordTimes.BROKER_AHEAD_LIMIT), CtiTopics.AGENTS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ahead of the clock");
    }

    /**
     * Verifies that no integration test or benchmark (both write to a real broker) carries a calendar
     * date: such a test passes the week it is written and fails every day after (issue #12). Fixed
     * instants belong in TopologyTestDriver tests and in clocks handed to pure code.
     */
    @Test
    void noBrokerFacingTestPinsACalendarDate() throws IOException {
        Pattern date = Pattern.compile("\"\\d{4}-\\d{2}-\\d{2}|(Instant\\.parse|(Local|Zoned|Offset)Date(Time)?\\.of)\\(\\s*\"?\\d{4}|EngineDriver\\.T0|import static [\\w.]+\\.T0;");
        Path root = Path.of("../..").toAbsolutePath().normalize();
        assertThat(root.resolve("pom.xml")).exists();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(RecordTimesTest::writesToABroker).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (date.matcher(lines.get(i)).find()) {
                        found.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(found).as("calendar dates in tests that write to a real broker: stamp records from the clock (see CONTRIBUTING.md)").isEmpty();
    }

    private static boolean writesToABroker(Path f) {
        String p = f.toString().replace('\\', '/');
        if (p.contains("/target/") || !p.endsWith(".java")) {
            return false;
        }
        return (p.contains("/src/test/java/") && p.endsWith("IT.java")) || p.contains("/benchmarks/src/main/java/");
    }
}
