package io.ctistream.engine;

import static io.ctistream.engine.EngineDriver.agent;
import static io.ctistream.engine.EngineDriver.state;
import static io.ctistream.engine.EngineDriver.team;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.AgentState;
import io.ctistream.events.TeamSnapshot;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A busy team is published at once, then at most once per interval, and its last change always
 * goes out (issue #20: a team of hundreds changing hundreds of times a second was re-sent whole for
 * every change, and every pusher decoded each one).
 */
class TeamPublishIntervalTest {
    private static final Duration INTERVAL = Duration.ofMillis(50);

    @Test
    void aBusyTeamIsPublishedAtOnceThenAtMostOncePerIntervalWithItsLatestFigures() throws Exception {
        EngineConfig base = EngineConfig.defaults("unused:9092", "http://unused").withZones(ZoneId.of("UTC"), Map.of());
        try (EngineDriver engine = new EngineDriver(base, EngineDriver.T0, INTERVAL)) {
            // GIVEN four agents joining red within one instant of the wall clock
            for (String a : List.of("a1", "a2", "a3", "a4")) {
                engine.profile(agent(a), team("red"));
            }
            // THEN the first change went out at once, the other three wait
            assertThat(engine.teamStats.readValuesToList()).singleElement()
                    .satisfies(t -> assertThat(t.getMembers()).containsExactly(agent("a1")));

            // WHEN the interval passes THEN the team goes out once, as it now is
            engine.driver.advanceWallClockTime(INTERVAL);
            List<TeamSnapshot> held = engine.teamStats.readValuesToList();
            assertThat(held).singleElement().satisfies(t -> assertThat(t.getMembers()).hasSize(4));
            // AND nothing more while nothing changes
            engine.driver.advanceWallClockTime(INTERVAL.multipliedBy(3));
            assertThat(engine.teamStats.isEmpty()).isTrue();

            // WHEN, after a quiet interval, three agents turn READY in one instant
            engine.send(agent("a1"), ofSeconds(1), state(AgentState.READY));
            engine.send(agent("a2"), ofSeconds(2), state(AgentState.READY));
            engine.send(agent("a3"), ofSeconds(3), state(AgentState.READY));
            // THEN the first is shown at once, and the team's latest figures within the interval
            List<TeamSnapshot> first = engine.teamStats.readValuesToList();
            assertThat(first).singleElement().satisfies(t -> assertThat(t.getCounts().getAvail()).isEqualTo(1));
            engine.driver.advanceWallClockTime(INTERVAL);
            TeamSnapshot latest = engine.teamStats.readValuesToList().get(0);
            assertThat(latest.getCounts().getAvail()).isEqualTo(3);
            assertThat(latest.getVersion()).as("its version counts every change, so it may skip").isGreaterThan(first.get(0).getVersion() + 1);
            assertThat(latest.getCounts()).isEqualTo(engine.teamNow(team("red")).getCounts());
        }
    }

    @Test
    void zeroPublishesEveryChange() throws Exception {
        EngineConfig base = EngineConfig.defaults("unused:9092", "http://unused").withZones(ZoneId.of("UTC"), Map.of());
        try (EngineDriver engine = new EngineDriver(base, EngineDriver.T0, Duration.ZERO)) {
            for (String a : List.of("a1", "a2", "a3")) {
                engine.profile(agent(a), team("red"));
            }
            assertThat(engine.teamStats.readValuesToList()).extracting(t -> t.getMembers().size()).containsExactly(1, 2, 3);
        }
    }
}
