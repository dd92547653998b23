package io.ctistream.engine;

import static io.ctistream.engine.EngineDriver.T0;
import static io.ctistream.engine.EngineDriver.agent;
import static io.ctistream.engine.EngineDriver.call;
import static io.ctistream.engine.EngineDriver.link;
import static io.ctistream.engine.EngineDriver.notReady;
import static io.ctistream.engine.EngineDriver.queue;
import static io.ctistream.engine.EngineDriver.state;
import static io.ctistream.engine.EngineDriver.team;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import io.ctistream.events.Freshness;
import io.ctistream.events.LinkState;
import io.ctistream.events.Platform;
import io.ctistream.events.WallboardCategory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Verifies the agent projection on the engine's real topology, in {@code TopologyTestDriver}. */
class AgentProjectionTest {
    private EngineDriver engine;
    private final String alice = agent("alice");
    private final String q1 = queue("sales");

    @BeforeEach
    void start() throws Exception {
        engine = new EngineDriver();
        engine.profile(alice, team("red"), q1);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    /** Verifies that a whole call cycle shows every state in order, and what the day's counters and the queue make of it. */
    @Test
    void logOnReadyCallHoldWrapUpReady() {
        // GIVEN an agent in the roster, not yet heard from
        assertThat(engine.agentState.readValue()).satisfies(s -> {
            assertThat(s.getState()).isEqualTo(AgentState.UNKNOWN);
            assertThat(s.getFreshness()).isEqualTo(Freshness.UNKNOWN);
            assertThat(s.getTeamId()).isEqualTo(team("red"));
        });

        // WHEN the platform reports a full cycle
        engine.send(alice, ofSeconds(0), link(LinkState.ACTIVE));
        engine.send(alice, ofSeconds(0), notReady("0001", "Log on"));
        engine.send(alice, ofSeconds(10), state(AgentState.READY));
        engine.send(alice, ofSeconds(20), call("c1", CallState.RINGING, q1));
        engine.send(alice, ofSeconds(25), call("c1", CallState.CONNECTED, null));
        engine.send(alice, ofSeconds(85), call("c1", CallState.HELD, null));
        engine.send(alice, ofSeconds(115), call("c1", CallState.CONNECTED, null));
        engine.send(alice, ofSeconds(175), call("c1", CallState.ENDED, null));
        engine.send(alice, ofSeconds(176), state(AgentState.WRAP_UP));
        engine.send(alice, ofSeconds(206), state(AgentState.READY));

        // THEN every change is published once, in order, with a growing version
        List<AgentSnapshot> all = engine.agentState.readValuesToList();
        assertThat(all.get(0).getState()).as("link up, state not yet reported: never guessed").isEqualTo(AgentState.UNKNOWN);
        assertThat(all.get(0).getLink()).isEqualTo(LinkState.ACTIVE);
        List<AgentSnapshot> published = all.subList(1, all.size());
        assertThat(published).extracting(AgentSnapshot::getState).containsExactly(
                AgentState.NOT_READY, AgentState.READY, AgentState.RESERVED, AgentState.TALKING, AgentState.HOLD,
                AgentState.TALKING, AgentState.READY, AgentState.WRAP_UP, AgentState.READY);
        assertThat(published).extracting(AgentSnapshot::getCategory).containsExactly(
                WallboardCategory.AUX, WallboardCategory.AVAIL, WallboardCategory.RING, WallboardCategory.ACD, WallboardCategory.ACD,
                WallboardCategory.ACD, WallboardCategory.AVAIL, WallboardCategory.ACW, WallboardCategory.AVAIL);
        assertThat(published).extracting(AgentSnapshot::getVersion).isSorted().doesNotHaveDuplicates();
        AgentSnapshot ringing = published.get(2);
        assertThat(ringing.getCurrentCall().getQueueId()).isEqualTo(q1);
        assertThat(ringing.getCurrentCall().getRemoteParty()).isEqualTo("+4930123456");
        assertThat(published.get(4).getStateSince()).isEqualTo(EngineDriver.T0.plusSeconds(85));

        AgentSnapshot last = published.get(published.size() - 1);
        assertThat(last.getCurrentCall()).isNull();
        assertThat(last.getFreshness()).isEqualTo(Freshness.LIVE);
        assertThat(last.getToday().getCallsHandled()).isEqualTo(1);
        assertThat(last.getToday().getTalkTimeMillis()).isEqualTo(Duration.ofSeconds(60 + 60).toMillis());
        assertThat(last.getToday().getHoldTimeMillis()).isEqualTo(Duration.ofSeconds(30).toMillis());
        assertThat(last.getToday().getWrapUpTimeMillis()).isEqualTo(Duration.ofSeconds(30).toMillis());
        assertThat(last.getToday().getNotReadyTimeMillis()).isEqualTo(Duration.ofSeconds(10).toMillis());
        assertThat(last.getToday().getDay()).isEqualTo("2026-11-24");

        // AND the team shows her available, and the queue an answered call (no queue events: the agent's side is all there is)
        assertThat(engine.teamNow(team("red")).getCounts().getAvail()).isEqualTo(1);
        var sales = engine.queueStats.readKeyValuesToMap().get(q1);
        assertThat(sales.getOfferedToday()).isEqualTo(1);
        assertThat(sales.getAnsweredToday()).isEqualTo(1);
        assertThat(sales.getAverageSpeedOfAnswerMillis()).isEqualTo(5_000L);
        assertThat(sales.getAverageHandleTimeMillis()).as("talk + hold + wrap-up").isEqualTo(180_000L);
        assertThat(sales.getServiceLevelPercent()).isEqualTo(100.0);
    }

    /** Verifies that a not-ready reason is carried as the opaque code and label the platform gave. */
    @Test
    void notReadyCarriesItsReason() {
        engine.agentState.readValuesToList();
        engine.send(alice, ofSeconds(0), notReady("0012", "Lunch"));

        AgentSnapshot s = engine.agentState.readValue();
        assertThat(s.getState()).isEqualTo(AgentState.NOT_READY);
        assertThat(s.getCategory()).isEqualTo(WallboardCategory.AUX);
        assertThat(s.getReasonCode()).isEqualTo("0012");
        assertThat(s.getReasonLabel()).isEqualTo("Lunch");

        engine.send(alice, ofSeconds(60), state(AgentState.READY));
        assertThat(engine.agentState.readValue().getReasonCode()).isNull();
    }

    /** Verifies that a redelivered event and an event older than the state are ignored, and counted. */
    @Test
    void duplicatesAndOutOfOrderEventsAreIgnored() {
        engine.agentState.readValuesToList();
        AgentEvent ready = engine.send(alice, ofSeconds(10), state(AgentState.READY));
        engine.send(alice, ofSeconds(20), notReady("0003", "Meeting"));

        // WHEN the READY is delivered again (same event id), and a stale READY from before arrives late
        engine.send(ready);
        engine.send(EngineDriver.event(alice, EngineDriver.T0.plusSeconds(15), state(AgentState.READY), null));
        // AND one with a lower platform sequence from the same connector
        engine.send(EngineDriver.event(alice, EngineDriver.T0.plusSeconds(30), state(AgentState.READY), 1L));

        // THEN the agent is still NOT_READY, nothing else was published, and each case was counted
        assertThat(engine.agentState.readValuesToList()).extracting(AgentSnapshot::getState)
                .containsExactly(AgentState.READY, AgentState.NOT_READY);
        assertThat(engine.agentNow(alice).getState()).isEqualTo(AgentState.NOT_READY);
        assertThat(engine.metrics.total(EngineMetrics.Outcome.IGNORED_DUPLICATE)).isEqualTo(1);
        assertThat(engine.metrics.total(EngineMetrics.Outcome.IGNORED_OUT_OF_ORDER)).isEqualTo(2);
    }

    /** Verifies that a lost link makes the agent UNKNOWN and STALE, and only a full state brings it back. */
    @Test
    void linkLossShowsUnknownUntilTheNextFullState() {
        engine.send(alice, ofSeconds(0), link(LinkState.ACTIVE));
        engine.send(alice, ofSeconds(1), state(AgentState.READY));
        engine.agentState.readValuesToList();

        // WHEN the subscription is lost
        engine.send(alice, ofSeconds(30), link(LinkState.LOST));
        AgentSnapshot lost = engine.agentState.readValue();
        assertThat(lost.getState()).isEqualTo(AgentState.UNKNOWN);
        assertThat(lost.getCategory()).isEqualTo(WallboardCategory.UNKNOWN);
        assertThat(lost.getFreshness()).isEqualTo(Freshness.STALE);
        assertThat(engine.teamNow(team("red")).getCounts().getUnknown()).isEqualTo(1);
        assertThat(engine.teamNow(team("red")).getCounts().getAvail()).isZero();

        // AND re-established: the link is back but the state is still not guessed
        engine.send(alice, ofSeconds(40), link(LinkState.ACTIVE));
        AgentSnapshot linked = engine.agentState.readValue();
        assertThat(linked.getLink()).isEqualTo(LinkState.ACTIVE);
        assertThat(linked.getState()).isEqualTo(AgentState.UNKNOWN);

        // THEN the next full state restores it
        engine.send(alice, ofSeconds(41), state(AgentState.READY));
        AgentSnapshot restored = engine.agentState.readValue();
        assertThat(restored.getState()).isEqualTo(AgentState.READY);
        assertThat(restored.getFreshness()).isEqualTo(Freshness.LIVE);
        assertThat(engine.teamNow(team("red")).getCounts().getAvail()).isEqualTo(1);
    }

    /**
     * Verifies that a link the platform refused for good (TERMINATED, e.g. a rejected SIP subscription)
     * followed by the connector's LOGGED_OUT shows OFF, not UNKNOWN, stays STALE, and is not taken as
     * proof that the link works; an explicit ACTIVE and a full state restore the agent.
     */
    @Test
    void refusedLinkThenLoggedOutShowsOff() {
        engine.send(alice, ofSeconds(0), link(LinkState.ACTIVE));
        engine.send(alice, ofSeconds(1), state(AgentState.READY));
        engine.send(alice, ofSeconds(30), link(LinkState.TERMINATED));
        assertThat(engine.agentState.readValuesToList()).last().satisfies(s -> assertThat(s.getState()).isEqualTo(AgentState.UNKNOWN));

        engine.send(alice, ofSeconds(30), state(AgentState.LOGGED_OUT));
        AgentSnapshot off = latest();
        assertThat(off.getState()).isEqualTo(AgentState.LOGGED_OUT);
        assertThat(off.getCategory()).isEqualTo(WallboardCategory.OFF);
        assertThat(off.getLink()).isEqualTo(LinkState.TERMINATED);
        assertThat(off.getFreshness()).isEqualTo(Freshness.STALE);
        assertThat(engine.teamNow(team("red")).getCounts().getOff()).isEqualTo(1);

        // a state other than LOGGED_OUT while refused is not shown as if the link worked
        engine.send(alice, ofSeconds(40), state(AgentState.READY));
        assertThat(latest().getState()).isEqualTo(AgentState.UNKNOWN);

        engine.send(alice, ofSeconds(50), link(LinkState.ACTIVE));
        engine.send(alice, ofSeconds(51), state(AgentState.READY));
        AgentSnapshot back = latest();
        assertThat(back.getState()).isEqualTo(AgentState.READY);
        assertThat(back.getFreshness()).isEqualTo(Freshness.LIVE);
    }

    private AgentSnapshot latest() {
        List<AgentSnapshot> all = engine.agentState.readValuesToList();
        return all.get(all.size() - 1);
    }

    /**
     * Verifies that time in a state across midnight counts once, from midnight, into the new day, and
     * that an event stamped just before midnight arriving after the rollover does not take the
     * counters back a day (regressions found in the engine review).
     */
    @Test
    void notReadyAcrossMidnightCountsOnceAndLateEventsDoNotRewindTheDay() {
        // GIVEN NOT_READY since 23:00 (T0 is 08:00 UTC)
        engine.send(alice, Duration.ofHours(15), notReady("0002", "Break"));
        // WHEN the wall clock passes midnight, then the agent turns READY at 00:10
        engine.driver.advanceWallClockTime(Duration.ofHours(16).plusSeconds(30));
        engine.send(alice, Duration.ofHours(16).plusMinutes(10), state(AgentState.READY));
        // THEN the new day holds exactly the ten minutes since midnight
        AgentSnapshot s = engine.agentNow(alice);
        assertThat(s.getToday().getDay()).isEqualTo("2026-11-25");
        assertThat(s.getToday().getNotReadyTimeMillis()).isEqualTo(Duration.ofMinutes(10).toMillis());

        // WHEN an event stamped 23:59:58 of the day before arrives late
        engine.send(alice, Duration.ofHours(16).minusSeconds(2), link(LinkState.ACTIVE));
        // THEN the counters stay on the new day
        AgentSnapshot late = engine.agentNow(alice);
        assertThat(late.getToday().getDay()).isEqualTo("2026-11-25");
        assertThat(late.getToday().getNotReadyTimeMillis()).isEqualTo(Duration.ofMinutes(10).toMillis());
    }

    /** Verifies that records that cannot be read go to the dead-letter topic and the next record is still applied. */
    @Test
    void aPoisonRecordIsDeadLetteredAndTheStreamGoesOn() {
        engine.agentState.readValuesToList();
        byte[] garbage = "<xml>not avro</xml>".getBytes(StandardCharsets.UTF_8);

        // WHEN a record that is not an AgentEvent arrives, then one keyed by the wrong agent
        engine.sendRaw(alice, garbage);
        AgentEvent misKeyed = EngineDriver.event(agent("bob"), EngineDriver.T0, state(AgentState.READY), null);
        engine.sendRaw(alice, EngineDriver.write(misKeyed, AgentEvent.class));
        // AND then a good one
        engine.send(alice, ofSeconds(5), state(AgentState.READY));

        // THEN both bad ones are dead letters with the reason and the original bytes
        var dead = engine.deadLetters.readValuesToList();
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0).getReason()).startsWith("cannot decode an AgentEvent");
        assertThat(dead.get(0).getOriginalTopic()).isEqualTo("cti.agent-events");
        assertThat(dead.get(0).getOriginalValue().array()).isEqualTo(garbage);
        assertThat(dead.get(0).getComponent()).isEqualTo("agent-state-engine");
        assertThat(dead.get(1).getReason()).contains("is not the event's agent id");
        assertThat(engine.metrics.total(EngineMetrics.Outcome.DEAD_LETTERED)).isEqualTo(2);
        // AND the good one is applied
        assertThat(engine.agentState.readValue().getState()).isEqualTo(AgentState.READY);
    }

    /** Verifies that an agent removed from the roster disappears from the state topic and from its team. */
    @Test
    void leavingTheRosterRemovesTheAgent() {
        engine.send(alice, ofSeconds(1), state(AgentState.READY));
        assertThat(engine.teamNow(team("red")).getMembers()).containsExactly(alice);

        long lastVersion = engine.agentNow(alice).getVersion();
        engine.leaveRoster(alice);

        var records = engine.agentState.readRecordsToList();
        assertThat(records.get(records.size() - 1).value()).isNull();
        assertThat(engine.teamNow(team("red")).getMembers()).isEmpty();
        assertThat(engine.teamNow(team("red")).getCounts().getAvail()).isZero();

        // a late event (say the connector's "link lost" as it lets go) does not bring a ghost back
        engine.send(alice, ofSeconds(5), link(LinkState.LOST));
        assertThat(engine.agentState.readRecordsToList()).isEmpty();
        assertThat(engine.metrics.total(EngineMetrics.Outcome.IGNORED_REMOVED)).isEqualTo(1);

        // back on the roster, its versions go on rather than start again at 1
        engine.profile(alice, team("blue"), q1);
        AgentSnapshot back = engine.agentNow(alice);
        assertThat(back.getVersion()).isGreaterThan(lastVersion);
        assertThat(back.getTeamId()).isEqualTo(team("blue"));
    }

    /** Verifies that one event stamped a day ahead (a skewed clock) does not switch duplicate detection off (engine review). */
    @Test
    void aFutureStampedEventDoesNotDisableDedupe() {
        engine.send(alice, Duration.ofDays(1), link(LinkState.ACTIVE));
        AgentEvent ready = engine.send(alice, ofSeconds(10), state(AgentState.READY));
        long before = engine.metrics.total(EngineMetrics.Outcome.IGNORED_DUPLICATE);
        engine.send(ready);
        assertThat(engine.metrics.total(EngineMetrics.Outcome.IGNORED_DUPLICATE)).isEqualTo(before + 1);
    }

    /**
     * Verifies that a link event sent upstream twice, the second time after later events (a connector re-sending what it
     * was unsure had landed), is ignored: the connector's own events are ordered by arrival, so only the id tells (ADR 034).
     */
    @Test
    void aLinkEventSentAgainAfterLaterOnesIsIgnored() {
        AgentEvent active = engine.send(alice, ofSeconds(0), link(LinkState.ACTIVE));
        engine.send(alice, ofSeconds(1), state(AgentState.READY));
        engine.send(alice, ofSeconds(2), link(LinkState.LOST));
        long version = engine.agentNow(alice).getVersion();

        engine.send(active, T0.plusSeconds(3));

        assertThat(engine.agentNow(alice).getLink()).isEqualTo(LinkState.LOST);
        assertThat(engine.agentNow(alice).getVersion()).isEqualTo(version);
        assertThat(engine.metrics.total(EngineMetrics.Outcome.IGNORED_DUPLICATE)).isEqualTo(1);
    }

    /** Verifies that each agent remembers as many of its latest event ids as configured, and forgets older ones. */
    @Test
    void eachAgentRemembersItsLatestIdsAsConfigured() throws Exception {
        try (EngineDriver two = new EngineDriver(EngineConfig.defaults("unused:9092", "http://unused").withDedupeIds(2))) {
            two.profile(alice, team("red"), q1);
            AgentEvent first = two.send(alice, ofSeconds(0), link(LinkState.ACTIVE));
            AgentEvent second = two.send(alice, ofSeconds(1), link(LinkState.LOST));
            two.send(alice, ofSeconds(2), link(LinkState.ACTIVE));

            two.send(second, T0.plusSeconds(3)); // among the latest two
            assertThat(two.agentNow(alice).getLink()).isEqualTo(LinkState.ACTIVE);
            assertThat(two.metrics.total(EngineMetrics.Outcome.IGNORED_DUPLICATE)).isEqualTo(1);

            two.send(first, T0.plusSeconds(4)); // three events ago: forgotten, so taken for a new event
            assertThat(two.metrics.total(EngineMetrics.Outcome.IGNORED_DUPLICATE)).isEqualTo(1);
        }
    }

    /** Verifies that an agent back on the roster still knows the ids of the events it had before it left. */
    @Test
    void anAgentBackOnTheRosterStillKnowsItsLatestIds() {
        AgentEvent active = engine.send(alice, ofSeconds(0), link(LinkState.ACTIVE));
        engine.send(alice, ofSeconds(1), link(LinkState.LOST));
        engine.leaveRoster(alice, T0.plusSeconds(2));
        engine.profile(AgentProfile.newBuilder().setTenant(EngineDriver.TENANT).setAgentId(alice).setDisplayName("Alice")
                .setTeamId(team("red")).setQueues(List.of(q1)).setPlatform(Platform.BROADWORKS).setPlatformUserId("alice@example.test")
                .build(), T0.plusSeconds(3));
        assertThat(engine.agentNow(alice).getLink()).isNotEqualTo(LinkState.ACTIVE);

        engine.send(active, T0.plusSeconds(4));

        assertThat(engine.agentNow(alice).getLink()).isNotEqualTo(LinkState.ACTIVE);
        assertThat(engine.metrics.total(EngineMetrics.Outcome.IGNORED_DUPLICATE)).isEqualTo(1);
    }

    /** Verifies that a record without a key goes to the dead-letter topic instead of failing the stream thread. */
    @Test
    void aKeylessRecordIsDeadLettered() {
        engine.sendRaw(null, "x".getBytes(StandardCharsets.UTF_8));
        engine.send(alice, ofSeconds(1), state(AgentState.READY));
        assertThat(engine.deadLetters.readValuesToList()).hasSize(1);
        assertThat(engine.agentNow(alice).getState()).isEqualTo(AgentState.READY);
    }

    /** Verifies that today's counters start again at midnight in the agent's time zone, without any event. */
    @Test
    void countersStartAgainAtMidnight() {
        engine.send(alice, ofSeconds(0), notReady("0001", "Log on"));
        engine.send(alice, Duration.ofHours(1), state(AgentState.READY));
        assertThat(engine.agentNow(alice).getToday().getNotReadyTimeMillis()).isEqualTo(Duration.ofHours(1).toMillis());

        // WHEN the wall clock passes midnight UTC (T0 is 08:00)
        engine.driver.advanceWallClockTime(Duration.ofHours(16).plusMinutes(1));

        // THEN the published counters are for the new day, and zero
        AgentSnapshot after = engine.agentNow(alice);
        assertThat(after.getToday().getDay()).isEqualTo("2026-11-25");
        assertThat(after.getToday().getNotReadyTimeMillis()).isZero();
        assertThat(after.getState()).isEqualTo(AgentState.READY);
    }

    /**
     * Verifies the liveness of the connector that speaks for an agent: killed (its status no longer
     * refreshed), the agent turns UNKNOWN and not live within the window, its call is not shown any
     * more; back (a full state from the platform), the agent is live with the true state. A connector
     * that says it stopped does the same at once; an agent of another, live connector is untouched.
     */
    @Test
    void agentsOfASilentConnectorTurnUnknownAndComeBackWithTheTruth() {
        String bob = agent("bob");
        engine.profile(bob, team("red"), q1);
        Instant start = T0;
        engine.connectorStatus("bw-1", io.ctistream.events.ConnectorState.RUNNING, start);
        engine.send(alice, ofSeconds(0), link(LinkState.ACTIVE));
        engine.send(alice, ofSeconds(1), state(AgentState.READY));
        engine.send(alice, ofSeconds(2), call("c1", CallState.CONNECTED, q1));
        AgentEvent other = EngineDriver.event(bob, T0.plusSeconds(1), state(AgentState.READY), null);
        engine.send(AgentEvent.newBuilder(other).setHeader(io.ctistream.events.EventHeader.newBuilder(other.getHeader())
                .setSource(io.ctistream.events.EventSource.newBuilder(other.getHeader().getSource()).setConnectorInstance("bw-2").build()).build()).build());
        assertThat(engine.agentState.readValuesToList()).last().satisfies(s -> assertThat(s.getFreshness()).isEqualTo(Freshness.LIVE));

        // bw-2 keeps publishing; bw-1 goes silent (killed: no last status)
        for (int s = 5; s <= 20; s += 5) {
            engine.connectorStatus("bw-2", io.ctistream.events.ConnectorState.RUNNING, T0.plusSeconds(s));
            engine.driver.advanceWallClockTime(java.time.Duration.ofSeconds(5));
        }
        var after = engine.agentState.readKeyValuesToMap();
        assertThat(after).containsOnlyKeys(alice);
        assertThat(after.get(alice)).satisfies(s -> {
            assertThat(s.getState()).isEqualTo(AgentState.UNKNOWN);
            assertThat(s.getCategory()).isEqualTo(WallboardCategory.UNKNOWN);
            assertThat(s.getFreshness()).isNotEqualTo(Freshness.LIVE);
            assertThat(s.getLink()).isEqualTo(LinkState.LOST);
            assertThat(s.getCurrentCall()).as("the last known call stays with the greyed agent, for the same run to give back").isNotNull();
        });
        engine.driver.advanceWallClockTime(java.time.Duration.ofSeconds(5));
        assertThat(engine.agentState.readValuesToList()).as("said once, not on every check").isEmpty();

        // the connector is back (restarted): it re-subscribes and reports the agent's true state
        engine.connectorStatus("bw-1", io.ctistream.events.ConnectorState.RUNNING, T0.plusSeconds(25));
        engine.send(alice, ofSeconds(25), link(LinkState.ACTIVE));
        engine.send(alice, ofSeconds(25), notReady("0012", "Lunch"));
        assertThat(engine.agentState.readValuesToList()).last().satisfies(s -> {
            assertThat(s.getState()).isEqualTo(AgentState.NOT_READY);
            assertThat(s.getFreshness()).isEqualTo(Freshness.LIVE);
        });

        // a connector that says it stopped no longer speaks for its agents either
        engine.connectorStatus("bw-2", io.ctistream.events.ConnectorState.STOPPED, T0.plusSeconds(26));
        engine.driver.advanceWallClockTime(java.time.Duration.ofSeconds(5));
        assertThat(engine.agentState.readKeyValuesToMap()).containsOnlyKeys(bob)
                .hasEntrySatisfying(bob, s -> assertThat(s.getState()).isEqualTo(AgentState.UNKNOWN));
    }

    /**
     * Verifies that a connector run that only stalled (its status late, nothing missed: its events
     * wait in Kafka in order) gets its agents back as they were, call included, live; while a new run
     * of the same instance (a restart) leaves them UNKNOWN until it reports them, and its new
     * subscription drops a call only the old run knew of.
     */
    @Test
    void aStalledRunGetsItsAgentsBackARestartedRunReportsThemAnew() {
        engine.connectorStatus("bw-1", io.ctistream.events.ConnectorState.RUNNING, T0, T0);
        engine.send(alice, ofSeconds(0), link(LinkState.ACTIVE));
        engine.send(alice, ofSeconds(1), state(AgentState.READY));
        engine.send(alice, ofSeconds(2), call("c1", CallState.CONNECTED, q1));
        engine.agentState.readValuesToList();

        engine.driver.advanceWallClockTime(java.time.Duration.ofSeconds(20)); // the status is late: silent
        assertThat(engine.agentState.readValuesToList()).last().satisfies(s -> assertThat(s.getState()).isEqualTo(AgentState.UNKNOWN));

        // the same run's status arrives again (a stall, not a crash): alice is shown as she was, on her call, live
        engine.connectorStatus("bw-1", io.ctistream.events.ConnectorState.RUNNING, T0.plusSeconds(21), T0);
        engine.driver.advanceWallClockTime(java.time.Duration.ofSeconds(3));
        assertThat(engine.agentState.readValuesToList()).last().satisfies(s -> {
            assertThat(s.getState()).isEqualTo(AgentState.TALKING);
            assertThat(s.getFreshness()).isEqualTo(Freshness.LIVE);
            assertThat(s.getCurrentCall()).isNotNull();
        });

        // silent again; then a new run of the same instance (restarted): nothing is given back on its status alone
        engine.driver.advanceWallClockTime(java.time.Duration.ofSeconds(20));
        assertThat(engine.agentState.readValuesToList()).last().satisfies(s -> assertThat(s.getState()).isEqualTo(AgentState.UNKNOWN));
        Instant restarted = T0.plusSeconds(60);
        engine.connectorStatus("bw-1", io.ctistream.events.ConnectorState.RUNNING, restarted, restarted);
        engine.driver.advanceWallClockTime(java.time.Duration.ofSeconds(3));
        assertThat(engine.agentState.readValuesToList()).as("a new run re-reports; the engine does not guess").isEmpty();
        // the new run subscribes again and reports: the call of the old run is gone, READY is live
        engine.send(alice, ofSeconds(61), link(LinkState.ACTIVE));
        engine.send(alice, ofSeconds(61), state(AgentState.READY));
        assertThat(engine.agentState.readValuesToList()).last().satisfies(s -> {
            assertThat(s.getState()).isEqualTo(AgentState.READY);
            assertThat(s.getCurrentCall()).isNull();
            assertThat(s.getFreshness()).isEqualTo(Freshness.LIVE);
        });
    }
}
