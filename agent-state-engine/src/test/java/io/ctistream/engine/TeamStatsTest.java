package io.ctistream.engine;

import static io.ctistream.engine.EngineDriver.agent;
import static io.ctistream.engine.EngineDriver.call;
import static io.ctistream.engine.EngineDriver.link;
import static io.ctistream.engine.EngineDriver.notReady;
import static io.ctistream.engine.EngineDriver.queue;
import static io.ctistream.engine.EngineDriver.state;
import static io.ctistream.engine.EngineDriver.team;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import io.ctistream.events.CategoryCounts;
import io.ctistream.events.LinkState;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.events.WallboardCategory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verifies team figures on the engine's real topology, in {@code TopologyTestDriver}. */
class TeamStatsTest {

    /** Verifies that an agent moved to another team in the roster leaves one count and joins the other, never both. */
    @Test
    void aRosterMoveMovesTheAgentBetweenTeamCounts() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            String alice = agent("alice");
            String bob = agent("bob");
            engine.profile(alice, team("red"));
            engine.profile(bob, team("red"));
            engine.send(alice, ofSeconds(1), state(AgentState.READY));
            engine.send(bob, ofSeconds(2), state(AgentState.READY));
            assertThat(engine.teamNow(team("red")).getCounts().getAvail()).isEqualTo(2);
            assertThat(engine.teamNow(team("red")).getLongestAvailable().getAgentId()).isEqualTo(alice);

            // WHEN alice moves to blue
            engine.profile(alice, team("blue"));

            // THEN red counts only bob and blue only alice, and alice's state did not change
            TeamSnapshot red = engine.teamNow(team("red"));
            TeamSnapshot blue = engine.teamNow(team("blue"));
            assertThat(red.getCounts().getAvail()).isEqualTo(1);
            assertThat(red.getMembers()).containsExactly(bob);
            assertThat(red.getLongestAvailable().getAgentId()).isEqualTo(bob);
            assertThat(blue.getCounts().getAvail()).isEqualTo(1);
            assertThat(blue.getMembers()).containsExactly(alice);
            assertThat(blue.getLongestAvailable().getAgentId()).isEqualTo(alice);
            assertThat(engine.agentNow(alice).getState()).isEqualTo(AgentState.READY);
            // AND the published team records end in the same figures (what wallboards read)
            Map<String, TeamSnapshot> published = engine.teamStats.readKeyValuesToMap();
            assertThat(published.get(team("red")).getCounts()).isEqualTo(red.getCounts());
            assertThat(published.get(team("blue")).getCounts()).isEqualTo(blue.getCounts());
        }
    }

    /** Verifies that available agents are listed longest waiting first, and leave the list when they take a call. */
    @Test
    void longestAvailableIsTheOneWaitingLongest() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            for (String a : List.of("a1", "a2", "a3")) {
                engine.profile(agent(a), team("red"), queue("sales"));
            }
            engine.send(agent("a2"), ofSeconds(5), state(AgentState.READY));
            engine.send(agent("a1"), ofSeconds(7), state(AgentState.READY));
            engine.send(agent("a3"), ofSeconds(9), state(AgentState.READY));
            assertThat(engine.teamNow(team("red")).getAvailableAgents()).extracting(a -> a.getAgentId())
                    .containsExactly(agent("a2"), agent("a1"), agent("a3"));

            engine.send(agent("a2"), ofSeconds(20), call("c9", CallState.RINGING, queue("sales")));

            TeamSnapshot red = engine.teamNow(team("red"));
            assertThat(red.getLongestAvailable().getAgentId()).isEqualTo(agent("a1"));
            assertThat(red.getCounts().getAvail()).isEqualTo(2);
            assertThat(red.getCounts().getRing()).isEqualTo(1);
        }
    }

    /**
     * Verifies, over random event sequences with roster moves, roster removals and link losses,
     * that every team's counts always equal the tally of its agents' categories.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 2026, 90210})
    void teamCountsAlwaysEqualTheSumOfTheirAgents(long seed) throws Exception {
        Random random = new Random(seed);
        List<String> teams = List.of(team("red"), team("blue"), team("green"));
        List<String> agents = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            agents.add(agent("a" + i));
        }
        try (EngineDriver engine = new EngineDriver()) {
            Map<String, String> teamOf = new HashMap<>();
            for (String a : agents) {
                String t = teams.get(random.nextInt(teams.size()));
                engine.profile(a, t, queue("sales"));
                teamOf.put(a, t);
            }
            Duration clock = Duration.ZERO;
            for (int step = 0; step < 400; step++) {
                String a = agents.get(random.nextInt(agents.size()));
                clock = clock.plusSeconds(1 + random.nextInt(30));
                int dice = random.nextInt(100);
                if (dice < 5) {
                    String t = teams.get(random.nextInt(teams.size()));
                    engine.profile(a, t, queue("sales"));
                    teamOf.put(a, t);
                } else if (dice < 7) {
                    engine.leaveRoster(a);
                    teamOf.remove(a);
                } else if (dice < 10) {
                    engine.send(a, clock, link(random.nextBoolean() ? LinkState.LOST : LinkState.ACTIVE));
                } else if (dice < 50) {
                    AgentState s = List.of(AgentState.READY, AgentState.NOT_READY, AgentState.WRAP_UP, AgentState.LOGGED_OUT)
                            .get(random.nextInt(4));
                    engine.send(a, clock, s == AgentState.NOT_READY ? notReady("000" + random.nextInt(9), "Break") : state(s));
                } else {
                    String callId = "c" + random.nextInt(5);
                    CallState cs = List.of(CallState.RINGING, CallState.CONNECTED, CallState.HELD, CallState.ENDED).get(random.nextInt(4));
                    engine.send(a, clock, call(callId, cs, random.nextBoolean() ? queue("sales") : null));
                }
                if (step % 20 == 19) {
                    assertTeamsMatchAgents(engine, teams);
                }
            }
            assertTeamsMatchAgents(engine, teams);
            // AND membership follows the roster
            for (String t : teams) {
                TeamSnapshot snap = engine.teamNow(t);
                TreeSet<String> expected = new TreeSet<>();
                teamOf.forEach((a, at) -> {
                    if (at.equals(t)) {
                        expected.add(a);
                    }
                });
                assertThat(snap == null ? List.<String>of() : snap.getMembers()).as("members of %s (seed %d)", t, seed).containsExactlyElementsOf(expected);
            }
        }
    }

    private static void assertTeamsMatchAgents(EngineDriver engine, List<String> teams) {
        Map<String, EnumMap<WallboardCategory, Integer>> tally = new HashMap<>();
        for (AgentSnapshot s : engine.agentsNow().values()) {
            if (s.getTeamId() != null) {
                tally.computeIfAbsent(s.getTeamId(), t -> new EnumMap<>(WallboardCategory.class)).merge(s.getCategory(), 1, Integer::sum);
            }
        }
        for (String t : teams) {
            EnumMap<WallboardCategory, Integer> expected = tally.getOrDefault(t, new EnumMap<>(WallboardCategory.class));
            TeamSnapshot snap = engine.teamNow(t);
            CategoryCounts c = snap == null ? CategoryCounts.newBuilder().build() : snap.getCounts();
            assertThat(c.getAvail()).as("%s AVAIL", t).isEqualTo(expected.getOrDefault(WallboardCategory.AVAIL, 0));
            assertThat(c.getRing()).as("%s RING", t).isEqualTo(expected.getOrDefault(WallboardCategory.RING, 0));
            assertThat(c.getAcd()).as("%s ACD", t).isEqualTo(expected.getOrDefault(WallboardCategory.ACD, 0));
            assertThat(c.getAux()).as("%s AUX", t).isEqualTo(expected.getOrDefault(WallboardCategory.AUX, 0));
            assertThat(c.getAcw()).as("%s ACW", t).isEqualTo(expected.getOrDefault(WallboardCategory.ACW, 0));
            assertThat(c.getOff()).as("%s OFF", t).isEqualTo(expected.getOrDefault(WallboardCategory.OFF, 0));
            assertThat(c.getUnknown()).as("%s UNKNOWN", t).isEqualTo(expected.getOrDefault(WallboardCategory.UNKNOWN, 0));
            if (snap != null) {
                assertThat(snap.getAvailableAgents()).hasSize(c.getAvail());
            }
        }
    }
}
