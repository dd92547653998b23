package io.ctistream.engine;

import static io.ctistream.engine.EngineDriver.T0;
import static io.ctistream.engine.EngineDriver.agent;
import static io.ctistream.engine.EngineDriver.call;
import static io.ctistream.engine.EngineDriver.link;
import static io.ctistream.engine.EngineDriver.queue;
import static io.ctistream.engine.EngineDriver.state;
import static io.ctistream.engine.EngineDriver.team;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import io.ctistream.events.LinkState;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.TeamSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Verifies ADR 017, "Roster and events" (issue #20): an agent's roster records ({@code cti.agents})
 * and its events ({@code cti.agent-events}) are judged by their record times (stamped by the broker),
 * so the end — the agent's snapshot with its version, its teams' figures, its queue's counters — is
 * the same whichever order a live engine reads the two topics in: the same records, with the same
 * record times, are piped in a time-ordered run and in the other interleavings.
 */
class RosterOrderTest {
    private static final String SALES = queue("sales");
    private static final String ALICE = agent("alice");
    private static final String RED = team("red");
    private static final String BLUE = team("blue");

    /** One input record, made once so that every run sends the same one (event ids included). */
    private record In(String label, Consumer<EngineDriver> send) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** What a run ended in. */
    private record End(Map<String, AgentSnapshot> agents, Map<String, TeamSnapshot> teams, Map<String, QueueSnapshot> queues) {
    }

    /** A run's end and what its engine counted. */
    private record Ran(End end, EngineMetrics metrics) {
    }

    private long sequence;

    /**
     * Verifies that the first reports after a return, stamped in the same millisecond as the return
     * (BusyDay does so), end the same whether they are read after the return or before it: before
     * it they are held while the agent is off the roster and applied after the return's profile;
     * before, they were dropped as if the agent were still away.
     */
    @Test
    void reportsStampedWithTheReturnEndTheSameReadBeforeOrAfterIt() throws Exception {
        // GIVEN alice ready in red, then off the roster, and back in blue with her connector's first reports at the same ms
        List<In> start = aliceReady();
        In leave = leave(300);
        In back = profile(BLUE, 400);
        In linkUp = event(link(LinkState.ACTIVE), 400, 400);
        In ready = event(state(AgentState.READY), 400, 400);

        // WHEN they are read in time order, and with the return read after one or both reports
        End inOrder = run(start, leave, back, linkUp, ready).end();
        End afterTheFirst = run(start, leave, linkUp, back, ready).end();
        End afterBoth = run(start, leave, linkUp, ready, back).end();

        // THEN every run ends alike: alice ready in blue, at the same version, red empty
        assertThat(inOrder.agents().get(ALICE).getState()).isEqualTo(AgentState.READY);
        assertThat(inOrder.agents().get(ALICE).getTeamId()).isEqualTo(BLUE);
        assertThat(inOrder.teams().get(BLUE).getCounts().getAvail()).isEqualTo(1);
        assertThat(inOrder.teams().get(RED).getMembers()).isEmpty();
        assertThat(afterTheFirst).isEqualTo(inOrder);
        assertThat(afterBoth).isEqualTo(inOrder);
    }

    /**
     * Verifies that events stamped before the leave and read after it (a tie, or skew between two
     * leaders) count in the stint that ended as they would have before the leave — the call's end
     * reaches its queue, the version counts them — without bringing the agent back to its team or
     * to readers; after the return she is where the time-ordered run left her.
     */
    @Test
    void eventsStampedBeforeTheLeaveAndReadAfterItCountInTheStintThatEnded() throws Exception {
        // GIVEN alice on a queue call, which ends and is wrapped up just before she leaves the roster
        List<In> start = new ArrayList<>(aliceReady());
        start.add(event(call("c1", CallState.RINGING, SALES), 20, 20));
        start.add(event(call("c1", CallState.CONNECTED, SALES), 25, 25));
        In ended = event(call("c1", CallState.ENDED, SALES), 290, 290);
        In wrapUp = event(state(AgentState.WRAP_UP), 291, 291);
        In leave = leave(300);
        List<In> after = List.of(profile(RED, 400), event(link(LinkState.ACTIVE), 400, 400), event(state(AgentState.READY), 401, 401));

        // WHEN the call's end and the wrap-up are read before the leave, and after it
        End inOrder = run(start, ended, wrapUp, leave, after).end();
        Ran late = run(start, leave, ended, wrapUp, after);

        // THEN both end alike: the same version (the late events count in it), the same team and queue figures
        assertThat(inOrder.queues().get(SALES).getAnsweredToday()).isEqualTo(1);
        assertThat(late.end()).isEqualTo(inOrder);
        assertThat(late.metrics().rosterReordered()).isZero();
    }

    /**
     * Verifies that what an agent's connector says after the agent left (its last words) is ignored
     * whether it is read before the return or after it: held, then dropped at a return stamped later.
     */
    @Test
    void lastWordsAfterTheLeaveAreIgnoredWhetherReadBeforeOrAfterTheReturn() throws Exception {
        // GIVEN alice leaves, her connector reports a break stamped after that, and she comes back later
        List<In> start = aliceReady();
        In leave = leave(300);
        In lastWords = event(EngineDriver.notReady("0012", "Break"), 305, 310);
        In back = profile(RED, 400);
        In linkUp = event(link(LinkState.ACTIVE), 400, 400);

        // WHEN the last words are read before the return, right after it, and after her first report
        End inOrder = run(start, leave, lastWords, back, linkUp).end();
        End afterTheReturn = run(start, leave, back, lastWords, linkUp).end();
        Ran afterTheReport = run(start, leave, back, linkUp, lastWords);

        // THEN each ends alike, the break nowhere, and nothing counted as a reorder the engine could not undo
        assertThat(inOrder.agents().get(ALICE).getReasonCode()).isNull();
        assertThat(afterTheReturn).isEqualTo(inOrder);
        assertThat(afterTheReport.end()).isEqualTo(inOrder);
        assertThat(afterTheReport.metrics().rosterReordered()).isZero();
        assertThat(afterTheReport.metrics().total(EngineMetrics.Outcome.IGNORED_REMOVED)).isEqualTo(1);
    }

    /**
     * Verifies that the reorders the engine cannot undo are counted: an event stamped before a leave
     * read after the return that followed it (ignored), and an event stamped after a leave applied
     * before the leave was read.
     */
    @Test
    void reordersTheEngineCannotUndoAreCounted() throws Exception {
        // GIVEN alice ready
        List<In> start = aliceReady();

        // WHEN a report stamped before her leave is read after her return, and one stamped after a leave before it
        Ran pastTheReturn = run(start, leave(300), profile(RED, 400), event(EngineDriver.notReady("0012", "Break"), 290, 290));
        Ran aheadOfTheLeave = run(start, event(EngineDriver.notReady("0012", "Break"), 305, 310), leave(300));

        // THEN each is counted once, and the first is not applied to the new stint
        assertThat(pastTheReturn.metrics().rosterReordered()).isEqualTo(1);
        assertThat(pastTheReturn.end().agents().get(ALICE).getState()).isEqualTo(AgentState.UNKNOWN);
        assertThat(aheadOfTheLeave.metrics().rosterReordered()).isEqualTo(1);
    }

    /**
     * Verifies the bound on held events: at most {@link AgentProcessor#MAX_HELD} per agent, the oldest
     * dropped and counted; the newest are applied after a return stamped before them, as a time-ordered
     * run applies them.
     */
    @Test
    void atMostSixteenEventsAreHeldTheOldestDroppedAndCounted() throws Exception {
        // GIVEN alice off the roster, and twenty reports stamped after a return that is read after all of them
        List<In> start = new ArrayList<>(aliceReady());
        start.add(leave(300));
        List<In> reports = new ArrayList<>();
        for (int i = 0; i < AgentProcessor.MAX_HELD + 4; i++) {
            reports.add(event(i % 2 == 0 ? EngineDriver.notReady("00" + (10 + i), "Break " + i) : state(AgentState.READY), 480 + i, 500 + i));
        }
        In back = profile(RED, 400);

        // WHEN they are read before the return
        Ran reordered = run(start, reports, back);

        // THEN the four oldest were dropped, counted, and the end is that of the return read first with the newest sixteen
        End newest = run(start, back, reports.subList(4, reports.size())).end();
        assertThat(reordered.metrics().heldDropped()).isEqualTo(4);
        assertThat(reordered.end()).isEqualTo(newest);
        assertThat(newest.agents().get(ALICE).getState()).isEqualTo(AgentState.READY);
    }

    /** Alice's roster entry in red at T0, her link up and ready. */
    private List<In> aliceReady() {
        return List.of(profile(RED, 0), event(link(LinkState.ACTIVE), 0, 0), event(state(AgentState.READY), 1, 1));
    }

    private static In profile(String teamId, int second) {
        AgentProfile p = AgentProfile.newBuilder().setTenant(EngineDriver.TENANT).setAgentId(ALICE).setDisplayName("Alice").setTeamId(teamId)
                .setQueues(List.of(SALES)).setPlatform(Platform.BROADWORKS).setPlatformUserId("alice@example.test").build();
        return new In("roster " + teamId + " @" + second, d -> d.profile(p, at(second)));
    }

    private static In leave(int second) {
        return new In("leave @" + second, d -> d.leaveRoster(ALICE, at(second)));
    }

    /** An event of alice that occurred at {@code occurred} s and is stamped (record time) {@code stamped} s after T0. */
    private In event(Object payload, int occurred, int stamped) {
        AgentEvent e = EngineDriver.event(ALICE, at(occurred), payload, payload instanceof io.ctistream.events.SubscriptionChanged ? null : ++sequence);
        return new In(payload.getClass().getSimpleName() + " @" + stamped, d -> d.send(e, at(stamped)));
    }

    private static Instant at(int second) {
        return T0.plusSeconds(second);
    }

    /** Sends, in order, each of {@code input} (an {@link In} or a list of them) to a fresh engine; what it ended in and counted. */
    private static Ran run(Object... input) throws Exception {
        try (EngineDriver d = new EngineDriver()) {
            for (Object o : input) {
                if (o instanceof In in) {
                    in.send().accept(d);
                } else {
                    ((List<?>) o).forEach(in -> ((In) in).send().accept(d));
                }
            }
            return new Ran(new End(d.agentsNow(), ReplayTest.teams(d), ReplayTest.queues(d)), d.metrics);
        }
    }
}
