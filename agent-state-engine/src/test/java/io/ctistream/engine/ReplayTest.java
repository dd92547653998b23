package io.ctistream.engine;

import static io.ctistream.engine.EngineDriver.agent;
import static io.ctistream.engine.EngineDriver.call;
import static io.ctistream.engine.EngineDriver.link;
import static io.ctistream.engine.EngineDriver.queue;
import static io.ctistream.engine.EngineDriver.state;
import static io.ctistream.engine.EngineDriver.team;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import io.ctistream.events.LinkState;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.events.internal.AgentProjection;
import io.ctistream.events.internal.QueueCall;
import io.ctistream.events.internal.QueueProjection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verifies ADR 017 (issue #20) on the engine's real topology in {@code TopologyTestDriver}: what a
 * crash under at-least-once leaves behind — stores that kept their writes past the last committed
 * input offset, downstream stores and output topics that did not — is simulated by a second driver
 * whose stores start as the first one's did at chosen points, and which then reads the same input
 * again at the same offsets (TTD numbers each input topic's records from 0, as the first driver did).
 */
class ReplayTest {
    private static final String SALES = queue("sales");
    private static final String ALICE = agent("alice");

    /** Verifies that records the projection already reflects change nothing, and each sends the current snapshot again. */
    @Test
    void aRecordReadAgainIsNotAppliedAgainAndSendsTheSnapshotAgain() throws Exception {
        List<Scenario.Step> input = aliceTakesACall();
        Map<String, AgentProjection> agents;
        AgentSnapshot last;
        try (EngineDriver first = new EngineDriver()) {
            input.forEach(first::send);
            agents = first.dump(EngineTopology.AGENT_PROJECTIONS);
            last = first.agentNow(ALICE);
        }
        assertThat(last.getToday().getCallsHandled()).isEqualTo(1);

        // GIVEN the projections as the crash left them (all applied), and the input offsets rolled back to 0
        try (EngineDriver again = new EngineDriver()) {
            again.load(EngineTopology.AGENT_PROJECTIONS, agents);

            // WHEN every record is read again
            input.forEach(again::send);

            // THEN nothing is applied twice: the projection, its version and its counters are what they were
            assertThat(again.agentNow(ALICE)).isEqualTo(last);
            assertThat(again.metrics.total(EngineMetrics.Outcome.IGNORED_REPLAYED)).isEqualTo(input.size());
            // AND each replayed record sent the current snapshot again (a crash may have lost it), at its version
            // (and once more as the task started, with every agent's)
            List<AgentSnapshot> sent = again.agentState.readValuesToList();
            assertThat(sent).hasSize(input.size() + 1).containsOnly(last);
            // AND the team, which heard nothing in this driver, learns alice from the membership sent again with it
            assertThat(again.teamNow(team("red")).getMembers()).containsExactly(ALICE);
            assertThat(again.teamNow(team("red")).getCounts().getAvail()).isEqualTo(1);
        }
    }

    /**
     * Verifies that an event ignored because its agent was off the roster is ignored again when a
     * crash makes the engine read it again after a roster entry brought the agent back (the two
     * inputs commit together, the projection kept the return). The projection records the position
     * of every event it judged, not only of those it applied; before, the replay applied the event
     * to the returned agent (a state it never reported since, one version ahead of a clean run).
     */
    @Test
    void anEventIgnoredWhileTheAgentWasOffTheRosterIsIgnoredWhenReadAgainAfterItCameBack() throws Exception {
        List<Scenario.Step> input = new ArrayList<>(aliceTakesACall());
        input.add(new Scenario.Step(null, null, EngineDriver.T0.plusSeconds(300), null, ALICE)); // she leaves the roster
        var late = EngineDriver.event(ALICE, EngineDriver.T0.plusSeconds(310), EngineDriver.notReady("0012", "Break"), 8L);
        input.add(new Scenario.Step(late, null, late.getHeader().getIngestedAt())); // her connector's last words: ignored
        input.add(new Scenario.Step(null, profileIn(ALICE, team("red")), EngineDriver.T0.plusSeconds(320))); // and she is back
        Map<String, AgentProjection> agents;
        AgentSnapshot last;
        try (EngineDriver first = new EngineDriver()) {
            input.forEach(first::send);
            assertThat(first.metrics.total(EngineMetrics.Outcome.IGNORED_REMOVED)).isEqualTo(1);
            agents = first.dump(EngineTopology.AGENT_PROJECTIONS);
            last = first.agentNow(ALICE);
        }
        assertThat(last.getState()).isEqualTo(AgentState.UNKNOWN); // back, and nothing reported since

        // GIVEN the projections as the crash left them (the return kept), and the input offsets rolled back to 0
        try (EngineDriver again = new EngineDriver()) {
            again.load(EngineTopology.AGENT_PROJECTIONS, agents);

            // WHEN every record is read again
            input.forEach(again::send);

            // THEN the event ignored while she was off the roster is not applied to her now: every record was applied already
            assertThat(again.agentNow(ALICE)).isEqualTo(last);
            assertThat(again.metrics.total(EngineMetrics.Outcome.IGNORED_REPLAYED)).isEqualTo(input.size());
        }
    }

    /**
     * Verifies the queue signals and team leaves an agent projection keeps until committed: the
     * agent's store kept every change, the queue's and the teams' stores lost everything after an
     * early point (their input was never written); reading the input again sends what they missed,
     * and the figures end where they ended before the crash. Without what the projection kept, the
     * queue would miss the call's answer and handle time.
     */
    @Test
    void outputsACrashLostAreSentAgainWhenTheirRecordsAreReadAgain() throws Exception {
        List<Scenario.Step> input = new ArrayList<>(aliceTakesACall());
        input.add(new Scenario.Step(null, profileIn(ALICE, team("blue")), EngineDriver.T0.plusSeconds(400))); // a move
        Map<String, AgentProjection> agents;
        Map<String, Map<String, Object>> downstreamEarly;
        QueueSnapshot queueBefore;
        Map<String, TeamSnapshot> teamsBefore;
        try (EngineDriver first = new EngineDriver()) {
            first.send(input.get(0));
            first.send(input.get(1));
            downstreamEarly = downstream(first);
            input.subList(2, input.size()).forEach(first::send);
            agents = first.dump(EngineTopology.AGENT_PROJECTIONS);
            queueBefore = normalized(first.queueStats.readKeyValuesToMap().get(SALES));
            teamsBefore = teams(first);
        }
        assertThat(queueBefore.getAnsweredToday()).isEqualTo(1);
        assertThat(queueBefore.getAverageHandleTimeMillis()).isNotNull();
        assertThat(teamsBefore.get(team("red")).getMembers()).isEmpty();

        // GIVEN the agent's store with every change, the queue's and the teams' stores from the start
        try (EngineDriver again = new EngineDriver()) {
            again.load(EngineTopology.AGENT_PROJECTIONS, agents);
            load(again, downstreamEarly);

            // WHEN every record is read again
            input.forEach(again::send);

            // THEN the queue and the teams end where they ended before the crash
            assertThat(normalized(again.queueStats.readKeyValuesToMap().get(SALES))).isEqualTo(queueBefore);
            assertThat(teams(again)).isEqualTo(teamsBefore);
        }

        // AND without the signals and leaves the projection kept, they would not
        try (EngineDriver control = new EngineDriver()) {
            Map<String, AgentProjection> forgetful = new HashMap<>();
            agents.forEach((k, v) -> forgetful.put(k, AgentProjection.newBuilder(v).setUnconfirmed(List.of()).build()));
            control.load(EngineTopology.AGENT_PROJECTIONS, forgetful);
            load(control, downstreamEarly);
            input.forEach(control::send);
            QueueSnapshot queue = control.queueStats.readKeyValuesToMap().get(SALES);
            assertThat(queue == null ? null : normalized(queue)).isNotEqualTo(queueBefore);
            assertThat(control.teamNow(team("red")).getMembers()).as("a ghost left behind in the old team").containsExactly(ALICE);
        }
    }

    /**
     * Verifies, over seeded busy mornings and crash states chosen at random — the agents' store, the
     * teams' store and the queues' stores each kept up to a different point of the input (the three
     * are separate changelogs) — that reading the whole input again ends in exactly the agents, teams
     * and queues the uninterrupted run ended in.
     */
    @ParameterizedTest
    @ValueSource(longs = {3, 17, 2026})
    void anyCrashStateEndsWhereTheUninterruptedRunEnds(long seed) throws Exception {
        Scenario day = BusyDay.generate(seed, 12, 3, 2, 3, EngineDriver.T0, EngineDriver.TENANT);
        List<Scenario.Step> input = new ArrayList<>();
        day.roster().forEach(p -> input.add(new Scenario.Step(null, p, day.start())));
        input.addAll(day.steps());
        Random random = new Random(seed);
        int n = input.size();
        List<int[]> cuts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            cuts.add(new int[] {random.nextInt(n + 1), random.nextInt(n + 1), random.nextInt(n + 1)});
        }
        cuts.add(new int[] {n, 0, 0});
        cuts.add(new int[] {0, n, n});
        Map<Integer, Map<String, Object>> agentsAt = new HashMap<>();
        Map<Integer, Map<String, Map<String, Object>>> downstreamAt = new HashMap<>();
        Map<String, AgentSnapshot> agentsEnd;
        Map<String, TeamSnapshot> teamsEnd;
        Map<String, QueueSnapshot> queuesEnd;
        try (EngineDriver first = new EngineDriver(EngineConfig.defaults("unused:9092", "http://unused"), day.start())) {
            for (int i = 0; i <= n; i++) {
                final int at = i;
                if (cuts.stream().anyMatch(c -> c[0] == at)) {
                    agentsAt.put(at, first.dump(EngineTopology.AGENT_PROJECTIONS));
                }
                if (cuts.stream().anyMatch(c -> c[1] == at || c[2] == at)) {
                    downstreamAt.put(at, downstream(first));
                }
                if (i < n) {
                    first.send(input.get(i));
                }
            }
            agentsEnd = first.agentsNow();
            teamsEnd = teams(first);
            queuesEnd = queues(first);
        }
        assertThat(queuesEnd.values()).anySatisfy(q -> assertThat(q.getAnsweredToday()).isPositive());
        // the queue its platform reports call by call counts each of its calls once, not again for the agent's half (ADR 021)
        String perCall = EngineDriver.TENANT + "/q0";
        long entered = day.steps().stream().filter(st -> st.queueEvent() != null && st.queueEvent().getQueueId().equals(perCall)
                && st.queueEvent().getPayload() instanceof io.ctistream.events.QueueCallEntered).count();
        assertThat(queuesEnd.get(perCall).getOfferedToday()).isEqualTo((int) entered);
        assertThat(queuesEnd.get(perCall).getAbandonedToday() + queuesEnd.get(perCall).getShortAbandonedToday()).isPositive();
        assertThat(queuesEnd.values()).allSatisfy(q -> assertThat(q.getPlatformFiguresAt()).isNotNull());

        for (int[] cut : cuts) {
            try (EngineDriver again = new EngineDriver(EngineConfig.defaults("unused:9092", "http://unused"), day.start())) {
                // GIVEN the agents' store as it was after cut[0] records, the teams' after cut[1], the queues' after cut[2]
                again.load(EngineTopology.AGENT_PROJECTIONS, agentsAt.get(cut[0]));
                Map<String, Map<String, Object>> teamsCut = downstreamAt.get(cut[1]);
                Map<String, Map<String, Object>> queuesCut = downstreamAt.get(cut[2]);
                again.load(TeamProcessor.TEAMS, teamsCut.get(TeamProcessor.TEAMS));
                for (String store : List.of(QueueProcessor.PROJECTIONS, QueueProcessor.CALLS, QueueProcessor.WAITING)) {
                    again.load(store, queuesCut.get(store));
                }

                // WHEN the whole input is read again
                input.forEach(again::send);

                // THEN agents, teams and queues are exactly where the uninterrupted run left them
                String crash = "agents after " + cut[0] + ", teams after " + cut[1] + ", queues after " + cut[2] + " of " + n + " (seed " + seed + ")";
                assertThat(again.agentsNow()).as(crash).isEqualTo(agentsEnd);
                assertThat(teams(again)).as(crash).isEqualTo(teamsEnd);
                assertThat(queues(again)).as(crash).isEqualTo(queuesEnd);
            }
        }
    }

    /** Alice's roster entry, then a link, a ready, a queue call answered, ended, wrapped up, ready again. */
    private static List<Scenario.Step> aliceTakesACall() {
        List<Scenario.Step> steps = new ArrayList<>();
        steps.add(new Scenario.Step(null, profileIn(ALICE, team("red")), EngineDriver.T0));
        long seq = 0;
        for (Object[] e : new Object[][] {
                {0, link(LinkState.ACTIVE)}, {1, state(AgentState.READY)}, {20, call("c1", CallState.RINGING, SALES)},
                {25, call("c1", CallState.CONNECTED, SALES)}, {145, call("c1", CallState.ENDED, SALES)},
                {146, state(AgentState.WRAP_UP)}, {176, state(AgentState.READY)}}) {
            var event = EngineDriver.event(ALICE, EngineDriver.T0.plusSeconds((Integer) e[0]), e[1], ++seq);
            steps.add(new Scenario.Step(event, null, event.getHeader().getIngestedAt()));
        }
        return steps;
    }

    private static AgentProfile profileIn(String agentId, String teamId) {
        return AgentProfile.newBuilder().setTenant(EngineDriver.TENANT).setAgentId(agentId).setDisplayName("Alice").setTeamId(teamId)
                .setQueues(List.of(SALES)).setPlatform(Platform.BROADWORKS).setPlatformUserId("alice@example.test").build();
    }

    /**
     * The teams' and the queues' stores now. The queue stores' input positions are cleared: the
     * second driver's queue-signal topic numbers its records from 0 again, while a real one would go
     * on from where it was (their own replays are {@link QueueReplayTest}'s).
     */
    private static Map<String, Map<String, Object>> downstream(EngineDriver d) {
        Map<String, Map<String, Object>> stores = new HashMap<>();
        stores.put(TeamProcessor.TEAMS, d.dump(TeamProcessor.TEAMS));
        stores.put(QueueProcessor.PROJECTIONS, withoutPositions(d.dump(QueueProcessor.PROJECTIONS),
                v -> QueueProjection.newBuilder((QueueProjection) v).setPartition(-1).setPosition(-1).build()));
        stores.put(QueueProcessor.CALLS, withoutPositions(d.dump(QueueProcessor.CALLS), ReplayTest::callWithoutPositions));
        stores.put(QueueProcessor.WAITING, withoutPositions(d.dump(QueueProcessor.WAITING), ReplayTest::callWithoutPositions));
        return stores;
    }

    private static Object callWithoutPositions(Object v) {
        return QueueCall.newBuilder((QueueCall) v).setPartition(-1).setPosition(-1).build();
    }

    private static Map<String, Object> withoutPositions(Map<String, Object> entries, UnaryOperator<Object> clear) {
        Map<String, Object> out = new HashMap<>();
        entries.forEach((k, v) -> out.put(k, clear.apply(v)));
        return out;
    }

    private static void load(EngineDriver d, Map<String, Map<String, Object>> stores) {
        stores.forEach(d::load);
    }

    /** Every team's figures and members now, versions and stamps cleared (they count published changes). */
    static Map<String, TeamSnapshot> teams(EngineDriver d) {
        Map<String, TeamSnapshot> out = new HashMap<>();
        d.<io.ctistream.events.internal.TeamEntry>dump(TeamProcessor.TEAMS).forEach((k, v) -> {
            if (v.getAgentId() == null) {
                out.put(k, TeamSnapshot.newBuilder(d.teamNow(k)).setVersion(0).setUpdatedAt(Instant.EPOCH).build());
            }
        });
        return out;
    }

    /** Every queue's figures now, versions and stamps cleared. */
    static Map<String, QueueSnapshot> queues(EngineDriver d) {
        Map<String, QueueSnapshot> out = new HashMap<>();
        d.<QueueProjection>dump(QueueProcessor.PROJECTIONS).forEach((k, v) -> out.put(k, normalized(v.getSnapshot())));
        return out;
    }

    /** A queue's version counts the updates it received, which replays add to; its figures are what is compared. */
    private static QueueSnapshot normalized(QueueSnapshot q) {
        return QueueSnapshot.newBuilder(q).setVersion(0).setUpdatedAt(Instant.EPOCH).build();
    }
}
