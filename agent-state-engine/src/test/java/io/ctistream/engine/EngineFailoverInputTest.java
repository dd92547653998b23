package io.ctistream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.embedded.testing.RecordTimes;
import io.ctistream.schemas.CtiTopics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verifies that what {@link EngineFailoverIT} writes to a real broker is stamped from the clock,
 * whatever day the test runs on: built under clocks years apart, its records always fall inside
 * the retention of the topics it writes and never ahead of the broker's clock. Regression guard
 * for issue #12, where the input was pinned to 2026-11-24 and a week later the broker deleted it
 * on arrival; with that input this test fails for every clock here but the week it was written.
 */
class EngineFailoverInputTest {

    @ParameterizedTest
    @ValueSource(strings = {"2009-03-01T00:00:30Z", "2026-11-24T08:00:00Z", "2031-12-31T23:59:00Z", "2077-07-04T12:00:00Z"})
    void theInputIsStampedFromTheClockWhateverTheDay(String clockReads) {
        // GIVEN a clock far from any day the test was written on (these instants are clocks, not record stamps)
        Clock clock = Clock.fixed(Instant.parse(clockReads), ZoneOffset.UTC);

        // WHEN the IT's input is built under that clock
        EngineFailoverIT.Input input = EngineFailoverIT.Input.at(clock);

        // THEN every record lies just behind the clock, inside retention, and the input's stamps are in order
        Instant now = clock.instant();
        assertThat(input.latest()).isBeforeOrEqualTo(now).isAfter(now.minus(Duration.ofHours(1)));
        assertThat(input.earliest()).isAfter(now.minus(CtiTopics.AGENT_EVENTS.retention().orElseThrow()).plus(RecordTimes.RETENTION_SLACK));
        List<Instant> stamps = input.scenario().steps().stream().map(Scenario.Step::at).toList();
        assertThat(stamps).isSorted().allSatisfy(t -> assertThat(t).isBetween(input.earliest(), input.latest()));
    }

    @ParameterizedTest
    @ValueSource(longs = {8, 30, 365})
    void theGuardRefusesInputPinnedToAnOldDay(long daysLater) {
        // GIVEN input pinned to the day a test was written, and a run that many days later
        Instant pinned = EngineDriver.T0;
        Clock later = Clock.fixed(pinned.plus(Duration.ofDays(daysLater)), ZoneOffset.UTC);

        // THEN the guard says why before a record is sent
        assertThatThrownBy(() -> RecordTimes.requireKept(later, pinned, pinned.plusSeconds(60), CtiTopics.AGENTS, CtiTopics.AGENT_EVENTS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cti.agent-events").hasMessageContaining("retention PT168H").hasMessageContaining("calendar date");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void theGuardRefusesInputStampedAheadOfTheBroker(long hoursAhead) {
        Instant now = EngineDriver.T0;
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        assertThatThrownBy(() -> RecordTimes.requireKept(clock, now, now.plus(Duration.ofHours(hoursAhead)), CtiTopics.AGENT_EVENTS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ahead of the clock");
    }
}
