package io.ctistream.engine;

import static io.ctistream.engine.EngineDriver.T0;
import static io.ctistream.engine.EngineDriver.agent;
import static io.ctistream.engine.EngineDriver.call;
import static io.ctistream.engine.EngineDriver.link;
import static io.ctistream.engine.EngineDriver.queue;
import static io.ctistream.engine.EngineDriver.state;
import static io.ctistream.engine.EngineDriver.team;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import io.ctistream.events.ConnectorState;
import io.ctistream.events.Freshness;
import io.ctistream.events.HotelingChanged;
import io.ctistream.events.LinkState;
import io.ctistream.events.QueueSnapshot;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Verifies that connector runs are distinct (issue #13, ADR 009): a connector killed and back
 * within the liveness window is a new run that knows nothing of what the old run reported; the
 * engine ends the old run's authority and takes the new run's full state as the truth, with the
 * calls it no longer reports ended and counted once.
 */
class ConnectorRunsTest {
    private static final Instant RUN_A = T0;
    private static final Instant RUN_B = T0.plusSeconds(30);
    private EngineDriver engine;
    private final String alice = agent("alice");
    private final String q1 = queue("sales");

    @BeforeEach
    void start() throws Exception {
        engine = new EngineDriver();
        engine.profile(alice, team("red"), q1);
        // GIVEN run A of bw-1 reports alice READY, then answering a queue call
        engine.connectorStatus("bw-1", ConnectorState.RUNNING, T0, RUN_A);
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(0), state(AgentState.READY));
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(1), link(LinkState.ACTIVE));
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(10), call("c1", CallState.RINGING, q1));
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(12), call("c1", CallState.CONNECTED, q1));
        assertThat(last().getState()).isEqualTo(AgentState.TALKING);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    /** Regression for issue #13 (2, 3): a kill -9 and back within 3 s left agents on calls that no longer existed, live, for good. */
    @Test
    void aQuickRestartEndsTheCallsItsFullStateNoLongerHasCountedOnce() {
        // WHEN bw-1 is killed and back within the liveness window: run B's status overwrites run A's
        engine.connectorStatus("bw-1", ConnectorState.RUNNING, RUN_B, RUN_B);
        engine.driver.advanceWallClockTime(Duration.ofSeconds(3));

        // THEN nobody vouches for alice until run B reports her: UNKNOWN, not TALKING live
        assertThat(last()).satisfies(s -> {
            assertThat(s.getState()).isEqualTo(AgentState.UNKNOWN);
            assertThat(s.getFreshness()).isNotEqualTo(Freshness.LIVE);
        });

        // WHEN run B tells its full state: the AS logged her out meanwhile, and the call is gone
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(31), state(AgentState.LOGGED_OUT));
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(31), link(LinkState.ACTIVE));

        // THEN she is LOGGED_OUT and live, the call ended and was counted once, for her and for the queue
        AgentSnapshot now = last();
        assertThat(now.getState()).isEqualTo(AgentState.LOGGED_OUT);
        assertThat(now.getFreshness()).isEqualTo(Freshness.LIVE);
        assertThat(now.getCurrentCall()).isNull();
        assertThat(now.getToday().getCallsHandled()).isEqualTo(1);
        QueueSnapshot q = engine.queueStats.readKeyValuesToMap().get(q1);
        assertThat(q.getOfferedToday()).isEqualTo(1);
        assertThat(q.getAnsweredToday()).isEqualTo(1);

        // AND a later ACTIVE of the same run ends nothing more
        engine.agentState.readValuesToList();
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(90), link(LinkState.ACTIVE));
        assertThat(engine.agentState.readValuesToList()).allSatisfy(s -> assertThat(s.getToday().getCallsHandled()).isEqualTo(1));
    }

    /**
     * Verifies issue #13's delivery across a Kafka outage: events run A held while Kafka was
     * unreachable arrive after run B announced itself. They are history: the call that ended during
     * the outage is counted once, but nothing of run A's is shown live, and run A does not become
     * alice's voice again; run B's full state then makes her live.
     */
    @Test
    void heldEventsOfASupersededRunCountButNeverShowLive() {
        // GIVEN run B announced itself after the outage (run A's agents greyed)
        engine.connectorStatus("bw-1", ConnectorState.RUNNING, RUN_B, RUN_B);
        engine.driver.advanceWallClockTime(Duration.ofSeconds(3));
        assertThat(last().getFreshness()).isNotEqualTo(Freshness.LIVE);

        // WHEN run A's held events arrive: the call ended during the outage, alice went READY
        engine.agentState.readValuesToList();
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(20), call("c1", CallState.ENDED, q1));
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(21), state(AgentState.READY));
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(22), link(LinkState.ACTIVE));

        // THEN the call is counted, once, for her and for the queue, and nothing was shown live
        assertThat(engine.agentState.readValuesToList()).allSatisfy(s -> {
            assertThat(s.getFreshness()).isNotEqualTo(Freshness.LIVE);
            assertThat(s.getState()).isEqualTo(AgentState.UNKNOWN);
        });
        assertThat(last().getToday().getCallsHandled()).isEqualTo(1);
        assertThat(last().getCurrentCall()).isNull();
        assertThat(engine.queueStats.readKeyValuesToMap().get(q1).getAnsweredToday()).isEqualTo(1);

        // WHEN run B re-reads the platform: she is NOT_READY now
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(40), state(AgentState.NOT_READY));
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(40), link(LinkState.ACTIVE));

        // THEN that is what is live, and the call is still counted once
        assertThat(last()).satisfies(s -> {
            assertThat(s.getState()).isEqualTo(AgentState.NOT_READY);
            assertThat(s.getFreshness()).isEqualTo(Freshness.LIVE);
            assertThat(s.getToday().getCallsHandled()).isEqualTo(1);
        });
    }

    /**
     * Verifies that held events are history even before the engine's connector check greyed the
     * agent (the new run's status is in the store): the first of them greys her instead of showing
     * the old run's word live.
     */
    @Test
    void heldEventsArrivingBeforeTheCheckGreyTheAgentAtOnce() {
        engine.connectorStatus("bw-1", ConnectorState.RUNNING, RUN_B, RUN_B); // no wall-clock advance: no check has run
        engine.agentState.readValuesToList();
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(20), call("c1", CallState.ENDED, q1));
        assertThat(engine.agentState.readValuesToList()).isNotEmpty().allSatisfy(s -> assertThat(s.getFreshness()).isNotEqualTo(Freshness.LIVE));
        assertThat(last().getToday().getCallsHandled()).isEqualTo(1);
    }

    /** Verifies that once the new run has spoken for the agent, a late event of the old run withdraws nothing and counts nothing. */
    @Test
    void aLateOldRunEventAfterTheNewRunSpokeIsIgnored() {
        engine.connectorStatus("bw-1", ConnectorState.RUNNING, RUN_B, RUN_B);
        engine.driver.advanceWallClockTime(Duration.ofSeconds(3));
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(31), state(AgentState.NOT_READY));
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(31), link(LinkState.ACTIVE));
        AgentSnapshot before = last();
        assertThat(before.getFreshness()).isEqualTo(Freshness.LIVE);

        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(32), state(AgentState.READY));
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(33), call("c9", CallState.RINGING, q1));

        assertThat(last()).satisfies(s -> {
            assertThat(s.getState()).isEqualTo(AgentState.NOT_READY);
            assertThat(s.getFreshness()).isEqualTo(Freshness.LIVE);
            assertThat(s.getVersion()).isEqualTo(before.getVersion());
        });
    }

    /** Verifies that a call the new run reports again carries on: not offered or answered twice, ended once. */
    @Test
    void aCallTheNewRunReportsAgainCarriesOn() {
        // WHEN run B re-subscribes and its full state still has the call
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(31), call("c1", CallState.CONNECTED, q1));
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(31), state(AgentState.READY));
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(31), link(LinkState.ACTIVE));

        // THEN she is still on it, since when she was, live
        assertThat(last()).satisfies(s -> {
            assertThat(s.getState()).isEqualTo(AgentState.TALKING);
            assertThat(s.getFreshness()).isEqualTo(Freshness.LIVE);
            assertThat(s.getCurrentCall().getSince()).isEqualTo(T0.plusSeconds(10));
            assertThat(s.getToday().getCallsHandled()).isZero();
        });

        // WHEN the call ends under run B
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(60), call("c1", CallState.ENDED, q1));

        // THEN it is counted once, and the queue saw one offer and one answer
        assertThat(last().getToday().getCallsHandled()).isEqualTo(1);
        QueueSnapshot q = engine.queueStats.readKeyValuesToMap().get(q1);
        assertThat(q.getOfferedToday()).isEqualTo(1);
        assertThat(q.getAnsweredToday()).isEqualTo(1);
    }

    /** Verifies that the first word of a new run withdraws the old run's ACD state: READY is not shown on the old run's say-so. */
    @Test
    void aNewRunsFirstWordWithdrawsTheOldRunsState() {
        // GIVEN the call ended under run A: alice READY
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(20), call("c1", CallState.ENDED, q1));
        assertThat(last().getState()).isEqualTo(AgentState.READY);

        // WHEN run B's first word is about something else than her state
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(31), HotelingChanged.newBuilder().setGuestAddress("g@example.test").build());

        // THEN her state is not known until run B says it
        assertThat(last().getState()).isEqualTo(AgentState.UNKNOWN);
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(31), state(AgentState.READY));
        assertThat(last().getState()).isEqualTo(AgentState.READY);
        assertThat(last().getFreshness()).isEqualTo(Freshness.LIVE);
    }

    /** Verifies that the same run's status after a stall keeps its agents (nothing to re-report), unlike a new run's. */
    @Test
    void theSameRunsStatusChangesNothing() {
        engine.agentState.readValuesToList();
        engine.connectorStatus("bw-1", ConnectorState.RUNNING, T0.plusSeconds(5), RUN_A);
        engine.driver.advanceWallClockTime(Duration.ofSeconds(3));
        assertThat(engine.agentState.readValuesToList()).isEmpty();
    }

    /** Review finding: a link loss dropped the call uncounted, and its re-report after the loss was offered twice. */
    @Test
    void aLinkLossKeepsTheCallUntilTheFullStateSaysAndCountsItOnce() {
        // WHEN the link is lost and comes back without the call (it ended meanwhile)
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(20), link(LinkState.LOST));
        assertThat(last().getState()).isEqualTo(AgentState.UNKNOWN);
        assertThat(last().getCurrentCall()).as("kept on the greyed snapshot").isNotNull();
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(25), state(AgentState.READY));
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(25), link(LinkState.ACTIVE));

        // THEN it ended, counted once
        assertThat(last().getState()).isEqualTo(AgentState.READY);
        assertThat(last().getCurrentCall()).isNull();
        assertThat(last().getToday().getCallsHandled()).isEqualTo(1);
        assertThat(engine.queueStats.readKeyValuesToMap().get(q1).getOfferedToday()).isEqualTo(1);
    }

    @Test
    void aCallReportedAgainAfterALinkLossIsNotOfferedTwice() {
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(20), link(LinkState.LOST));
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(25), call("c1", CallState.CONNECTED, q1));
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(25), state(AgentState.READY));
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(25), link(LinkState.ACTIVE));
        assertThat(last().getState()).isEqualTo(AgentState.TALKING);
        assertThat(last().getCurrentCall().getSince()).isEqualTo(T0.plusSeconds(10));

        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(60), call("c1", CallState.ENDED, q1));
        assertThat(last().getToday().getCallsHandled()).isEqualTo(1);
        QueueSnapshot q = engine.queueStats.readKeyValuesToMap().get(q1);
        assertThat(q.getOfferedToday()).isEqualTo(1);
        assertThat(q.getAnsweredToday()).isEqualTo(1);
    }

    /** Review finding: a restart's full state naming a new call replaced the old run's call without counting it. */
    @Test
    void aNewCallFromANewRunEndsTheOldRunsCallCounted() {
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(31), call("c2", CallState.RINGING, q1));
        assertThat(last().getCurrentCall().getCallId()).isEqualTo("c2");
        assertThat(last().getToday().getCallsHandled()).isEqualTo(1);
        engine.sendFromRun("bw-1", RUN_B, alice, ofSeconds(31), link(LinkState.ACTIVE));
        assertThat(last().getCurrentCall().getCallId()).as("the new run's own call carries on").isEqualTo("c2");
        assertThat(engine.queueStats.readKeyValuesToMap().get(q1).getOfferedToday()).isEqualTo(2);
    }

    /** Review finding: another instance taking over must not withdraw the state it has just reported (only a restart does). */
    @Test
    void anotherInstancesWordIsNotARestart() {
        engine.sendFromRun("bw-1", RUN_A, alice, ofSeconds(20), call("c1", CallState.ENDED, q1));
        engine.sendFromRun("bw-2", RUN_B, alice, ofSeconds(31), HotelingChanged.newBuilder().setGuestAddress("g@example.test").build());
        assertThat(last().getState()).isEqualTo(AgentState.READY);
    }

    private AgentSnapshot last() {
        return engine.agentNow(alice);
    }
}
