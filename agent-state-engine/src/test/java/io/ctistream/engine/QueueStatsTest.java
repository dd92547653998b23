package io.ctistream.engine;

import static io.ctistream.engine.EngineDriver.agent;
import static io.ctistream.engine.EngineDriver.call;
import static io.ctistream.engine.EngineDriver.queue;
import static io.ctistream.engine.EngineDriver.state;
import static io.ctistream.engine.EngineDriver.team;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import io.ctistream.events.QueueCallDisposition;
import io.ctistream.events.QueueSeverity;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.QueueStatistics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies queue figures over a scripted day, on the engine's real topology in {@code TopologyTestDriver}. */
class QueueStatsTest {
    private final String sales = queue("sales");

    /**
     * Verifies offered, answered, abandoned, in queue, oldest waiting, speed of answer, service
     * level and handle time over a morning where the queue and the agents both report the calls.
     */
    @Test
    void aScriptedMorning() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            String alice = agent("alice");
            engine.profile(alice, team("red"), sales);
            engine.send(alice, ofSeconds(0), state(AgentState.READY));

            // c1: waits 10 s, alice answers; the queue and alice's phone both say so (counted once)
            engine.queueEntered(sales, "c1", ofSeconds(0));
            engine.send(alice, ofSeconds(8), call("c1", CallState.RINGING, sales));
            engine.queueLeft(sales, "c1", ofSeconds(10), QueueCallDisposition.ANSWERED, alice);
            engine.send(alice, ofSeconds(10), call("c1", CallState.CONNECTED, sales));
            // c2 and c3 arrive while c1 is talked; c2 abandons after 45 s; c3 is answered by a colleague's platform after 40 s
            engine.queueEntered(sales, "c2", ofSeconds(30));
            engine.queueEntered(sales, "c3", ofSeconds(35));
            engine.queueLeft(sales, "c2", ofSeconds(75), QueueCallDisposition.ABANDONED, null);
            engine.queueLeft(sales, "c3", ofSeconds(75), QueueCallDisposition.ANSWERED, agent("carol"));
            // c1 ends after 2 min of talk; alice wraps up for 30 s (handle time 150 s)
            engine.send(alice, ofSeconds(130), call("c1", CallState.ENDED, null));
            engine.send(alice, ofSeconds(131), state(AgentState.WRAP_UP));
            engine.send(alice, ofSeconds(160), state(AgentState.READY));
            // c4 overflows to another queue; c5 is still waiting at the end
            engine.queueEntered(sales, "c4", ofMinutes(3));
            engine.queueLeft(sales, "c4", ofMinutes(4), QueueCallDisposition.OVERFLOWED, null);
            engine.queueEntered(sales, "c5", ofMinutes(5));
            // a redelivered "answered" for c1 changes nothing
            engine.queueLeft(sales, "c1", ofSeconds(10), QueueCallDisposition.ANSWERED, alice);

            QueueSnapshot q = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(q.getDay()).isEqualTo("2026-11-24");
            assertThat(q.getOfferedToday()).isEqualTo(5);
            assertThat(q.getAnsweredToday()).isEqualTo(2);
            assertThat(q.getAbandonedToday()).isEqualTo(1);
            assertThat(q.getCallsInQueue()).isEqualTo(1);
            assertThat(q.getOldestWaitingSince()).isEqualTo(EngineDriver.T0.plus(ofMinutes(5)));
            assertThat(q.getAverageSpeedOfAnswerMillis()).as("(10 s + 40 s) / 2").isEqualTo(25_000L);
            assertThat(q.getServiceLevelThresholdSeconds()).isEqualTo(20);
            assertThat(q.getServiceLevelPercent()).as("1 of 3 finished calls answered within 20 s").isCloseTo(100.0 / 3, org.assertj.core.data.Offset.offset(0.001));
            assertThat(q.getAverageHandleTimeMillis()).as("120 s talk + 29 s wrap-up").isEqualTo(149_000L);
        }
    }

    /** Verifies that the day's figures start from zero at midnight, while calls still waiting stay in queue. */
    @Test
    void figuresStartAgainAtMidnightButWaitingCallsStay() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            engine.queueEntered(sales, "c1", ofSeconds(0));
            engine.queueLeft(sales, "c1", ofSeconds(5), QueueCallDisposition.ANSWERED, agent("x"));
            engine.queueEntered(sales, "c2", ofSeconds(10));
            assertThat(engine.queueStats.readKeyValuesToMap().get(sales).getOfferedToday()).isEqualTo(2);

            engine.driver.advanceWallClockTime(Duration.ofHours(16).plusMinutes(1));

            QueueSnapshot q = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(q.getDay()).isEqualTo("2026-11-25");
            assertThat(q.getOfferedToday()).isZero();
            assertThat(q.getAnsweredToday()).isZero();
            assertThat(q.getAverageSpeedOfAnswerMillis()).isNull();
            assertThat(q.getCallsInQueue()).isEqualTo(1);
        }
    }

    /** Verifies that when the first signal of a new day arrives before the midnight housekeeping, calls still waiting stay counted. */
    @Test
    void aNewDaysFirstCallKeepsYesterdaysWaitingCalls() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            engine.queueEntered(sales, "late-caller", Duration.ofHours(15).plusMinutes(59)); // 23:59
            engine.queueEntered(sales, "early-caller", Duration.ofHours(16).plusMinutes(1)); // 00:01 the next day

            QueueSnapshot q = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(q.getDay()).isEqualTo("2026-11-25");
            assertThat(q.getOfferedToday()).isEqualTo(1);
            assertThat(q.getCallsInQueue()).isEqualTo(2);
            assertThat(q.getOldestWaitingSince()).isEqualTo(EngineDriver.T0.plus(Duration.ofHours(15).plusMinutes(59)));
        }
    }

    /** Verifies that a late "left" for a call the queue never saw is not counted as a new offer. */
    @Test
    void aLeftForAnUnknownCallIsNotAnOffer() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            engine.queueEntered(sales, "c1", ofSeconds(0));
            engine.queueLeft(sales, "ghost", ofSeconds(5), QueueCallDisposition.OVERFLOWED, null);

            QueueSnapshot q = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(q.getOfferedToday()).isEqualTo(1);
            assertThat(q.getCallsInQueue()).isEqualTo(1);
        }
    }

    /**
     * Verifies what the Xsi-Events queue source relies on after a channel loss (issue #17, ADR 019):
     * a waiting call entered again by a resync is not offered again and keeps its first entry time, a
     * call that left unseen (OTHER) stops waiting without counting as answered or abandoned, and the
     * abandons and answers that follow count once.
     */
    @Test
    void aResyncAfterAChannelLossCountsNoCallTwice() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            // GIVEN three calls waiting, reported over the first channel
            engine.queueEntered(sales, "501:1", ofSeconds(0));
            engine.queueEntered(sales, "502:1", ofSeconds(5));
            engine.queueEntered(sales, "503:1", ofSeconds(8));
            // WHEN the channel is lost and the new subscription's state says 501:1 is gone, 502:1 and 503:1 still
            // wait (told again after a Kafka loss), and 504:1 arrived meanwhile
            engine.queueLeft(sales, "501:1", ofSeconds(30), QueueCallDisposition.OTHER, null);
            engine.queueEntered(sales, "502:1", ofSeconds(5));
            engine.queueEntered(sales, "503:1", ofSeconds(8));
            engine.queueEntered(sales, "504:1", ofSeconds(20));
            // AND then 503:1 abandons and 502:1 is answered by bob
            engine.queueLeft(sales, "503:1", ofSeconds(40), QueueCallDisposition.ABANDONED, null);
            engine.queueLeft(sales, "502:1", ofSeconds(45), QueueCallDisposition.ANSWERED, agent("bob"));

            // THEN four calls were offered, one answered (after 40 s), one abandoned, and 504:1 waits since 00:20
            QueueSnapshot q = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(q.getOfferedToday()).isEqualTo(4);
            assertThat(q.getAnsweredToday()).isEqualTo(1);
            assertThat(q.getAbandonedToday()).isEqualTo(1);
            assertThat(q.getCallsInQueue()).isEqualTo(1);
            assertThat(q.getOldestWaitingSince()).isEqualTo(EngineDriver.T0.plus(ofSeconds(20)));
            assertThat(q.getAverageSpeedOfAnswerMillis()).as("measured from the first entry, not the resync").isEqualTo(40_000L);
            assertThat(q.getServiceLevelPercent()).as("neither finished call within 20 s").isZero();
        }
    }

    /**
     * Verifies the platform's own figures on a queue no platform reports call by call (Finesse, AES):
     * they are kept and published, never taken for a call; calls in queue and the oldest wait are the
     * platform's (the agents cannot see a waiting call), the agents still count what they answer, the
     * platform's speed of answer wins over one measured from the agent's ring, and an older report
     * changes nothing.
     */
    @Test
    void theQueuesOwnFiguresAreKeptAndNeverACall() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            String alice = agent("alice");
            engine.profile(alice, team("red"), sales);
            engine.send(alice, ofSeconds(0), state(AgentState.READY));
            engine.send(alice, ofSeconds(10), call("f1", CallState.RINGING, sales));
            engine.send(alice, ofSeconds(14), call("f1", CallState.CONNECTED, sales));

            engine.queueStatistics(sales, ofSeconds(20), QueueStatistics.newBuilder().setCallsInQueue(3)
                    .setOldestWaitingSince(EngineDriver.T0.plusSeconds(5)).setExpectedWaitMillis(90_000L).setAverageSpeedOfAnswerMillis(31_000L)
                    .setStaffedAgents(6).setIdleAgents(0).setUnavailableAgents(2)
                    .setSeverities(Map.of("callsInQueue", QueueSeverity.CRITICAL, "expectedWaitMillis", QueueSeverity.WARNING)).build());

            QueueSnapshot q = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(q.getCallsInQueue()).isEqualTo(3);
            assertThat(q.getOldestWaitingSince()).isEqualTo(EngineDriver.T0.plusSeconds(5));
            assertThat(q.getExpectedWaitMillis()).isEqualTo(90_000L);
            assertThat(q.getStaffedAgents()).isEqualTo(6);
            assertThat(q.getIdleAgents()).isZero();
            assertThat(q.getUnavailableAgents()).isEqualTo(2);
            assertThat(q.getSeverities()).containsEntry("callsInQueue", QueueSeverity.CRITICAL).containsEntry("expectedWaitMillis", QueueSeverity.WARNING);
            assertThat(q.getPlatformFiguresAt()).isEqualTo(EngineDriver.T0.plusSeconds(20));
            assertThat(q.getOfferedToday()).as("the agent's call; the statistics are no call").isEqualTo(1);
            assertThat(q.getAnsweredToday()).isEqualTo(1);
            assertThat(q.getAverageSpeedOfAnswerMillis()).as("the platform's, not 4 s from the ring").isEqualTo(31_000L);
            assertThat(engine.<Object>dump(QueueProcessor.CALLS)).as("no call record for the statistics' empty call id")
                    .containsOnlyKeys(sales + '\u0000' + "f1");

            // an older report (another connector instance around a takeover) changes nothing; a newer one replaces
            engine.queueStatistics(sales, ofSeconds(15), QueueStatistics.newBuilder().setCallsInQueue(9).build());
            assertThat(engine.queueStats.readKeyValuesToMap()).isEmpty();
            engine.queueStatistics(sales, ofSeconds(40), QueueStatistics.newBuilder().setCallsInQueue(0).build());
            q = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(q.getCallsInQueue()).isZero();
            assertThat(q.getOldestWaitingSince()).isNull();
            assertThat(q.getExpectedWaitMillis()).as("not given this time: null, never 0").isNull();
            assertThat(q.getSeverities()).isEmpty();
            assertThat(q.getAverageSpeedOfAnswerMillis()).as("without the platform's, the engine's own").isEqualTo(4_000L);
        }
    }

    /**
     * Verifies one authority per figure on a queue its platform reports call by call (BroadWorks
     * Xsi): the agents' phones name the calls differently, so their offers and answers are not
     * counted again (they go to the agents' ledger, which this queue does not publish), only their
     * handle times; the platform's statistics add what only they know
     * (expected wait, agents) but do not override calls in queue counted from the calls themselves.
     */
    @Test
    void aQueueReportedCallByCallCountsItsCallsFromTheQueueOnly() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            String alice = agent("alice");
            engine.profile(alice, team("red"), sales);
            engine.send(alice, ofSeconds(0), state(AgentState.READY));
            engine.queueEntered(sales, "x1", ofSeconds(0));
            engine.queueEntered(sales, "x2", ofSeconds(2));
            engine.send(alice, ofSeconds(9), call("sip-1", CallState.RINGING, sales));
            engine.send(alice, ofSeconds(12), call("sip-1", CallState.CONNECTED, sales));
            engine.queueLeft(sales, "x1", ofSeconds(12), QueueCallDisposition.ANSWERED, alice);
            engine.queueStatistics(sales, ofSeconds(13), QueueStatistics.newBuilder().setCallsInQueue(7).setExpectedWaitMillis(30_000L)
                    .setAverageSpeedOfAnswerMillis(99_000L).setAverageHandleTimeMillis(77_000L).setStaffedAgents(1).build());
            engine.send(alice, ofSeconds(72), call("sip-1", CallState.ENDED, null));
            engine.send(alice, ofSeconds(72), state(AgentState.WRAP_UP));
            assertThat(engine.queueStats.readKeyValuesToMap().get(sales).getAverageHandleTimeMillis())
                    .as("no handle time of its own yet: the platform's").isEqualTo(77_000L);
            engine.send(alice, ofSeconds(80), state(AgentState.READY));

            QueueSnapshot q = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(q.getOfferedToday()).as("x1 and x2, not sip-1 again").isEqualTo(2);
            assertThat(q.getAnsweredToday()).isEqualTo(1);
            assertThat(q.getCallsInQueue()).as("x2, counted from the calls").isEqualTo(1);
            assertThat(q.getOldestWaitingSince()).isEqualTo(EngineDriver.T0.plusSeconds(2));
            assertThat(q.getAverageSpeedOfAnswerMillis()).as("from the queue's entry to its answer").isEqualTo(12_000L);
            assertThat(q.getAverageHandleTimeMillis()).as("the agent's 60 s talk and 8 s wrap-up").isEqualTo(68_000L);
            assertThat(q.getExpectedWaitMillis()).isEqualTo(30_000L);
            assertThat(q.getStaffedAgents()).isEqualTo(1);
            assertThat(engine.<Object>dump(QueueProcessor.CALLS)).as("each source keeps its own record of a call")
                    .containsOnlyKeys(sales + "\u0000queue\u0000x1", sales + "\u0000queue\u0000x2", sales + "\u0000sip-1");
        }
    }

    /**
     * Verifies abandons and the service level with the queue's own threshold (30 s) and abandon
     * grace (10 s) from the roster: a short abandon is counted apart and in neither the abandons nor
     * the service level, an abandon within the threshold is an abandon but not in the service level,
     * one after it counts against it; a queue without a roster entry keeps the engine's threshold.
     */
    @Test
    void abandonsAndTheServiceLevelFollowTheQueuesRosterEntry() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            engine.queueProfile(sales, 30, 10);
            for (String q : new String[] {sales, queue("support")}) {
                engine.queueEntered(q, "a1", ofSeconds(0));
                engine.queueLeft(q, "a1", ofSeconds(8), QueueCallDisposition.ABANDONED, null); // 8 s
                engine.queueEntered(q, "a2", ofSeconds(10));
                engine.queueLeft(q, "a2", ofSeconds(30), QueueCallDisposition.ABANDONED, null); // 20 s
                engine.queueEntered(q, "a3", ofSeconds(20));
                engine.queueLeft(q, "a3", ofSeconds(60), QueueCallDisposition.ABANDONED, null); // 40 s
                engine.queueEntered(q, "b1", ofSeconds(30));
                engine.queueLeft(q, "b1", ofSeconds(55), QueueCallDisposition.ANSWERED, null); // 25 s
                engine.queueEntered(q, "b2", ofSeconds(40));
                engine.queueLeft(q, "b2", ofSeconds(75), QueueCallDisposition.ANSWERED, null); // 35 s
                engine.queueEntered(q, "b3", ofSeconds(50));
                engine.queueLeft(q, "b3", ofSeconds(55), QueueCallDisposition.ANSWERED, null); // 5 s
            }
            Map<String, QueueSnapshot> all = engine.queueStats.readKeyValuesToMap();

            QueueSnapshot q = all.get(sales);
            assertThat(q.getServiceLevelThresholdSeconds()).isEqualTo(30);
            assertThat(q.getShortAbandonedToday()).as("a1 within the 10 s grace").isEqualTo(1);
            assertThat(q.getAbandonedToday()).as("a2 and a3").isEqualTo(2);
            assertThat(q.getOfferedToday()).isEqualTo(6);
            assertThat(q.getServiceLevelPercent()).as("b1, b3 within 30 s of 3 answered + a3 abandoned after 30 s").isEqualTo(50.0);

            QueueSnapshot other = all.get(queue("support"));
            assertThat(other.getServiceLevelThresholdSeconds()).as("no roster entry: CTISTREAM_SERVICE_LEVEL_THRESHOLD").isEqualTo(20);
            assertThat(other.getShortAbandonedToday()).as("a1 after 8 s is beyond the default 5 s grace").isZero();
            assertThat(other.getAbandonedToday()).isEqualTo(3);
            assertThat(other.getServiceLevelPercent()).as("b3 of 3 answered + a3 abandoned after 20 s (a2, at 20 s, is within)").isEqualTo(25.0);
        }
    }

    /** Verifies that a roster entry that cannot be read leaves its queue on the defaults, counting on, and that a good one replaces it. */
    @Test
    void anUnreadableRosterEntryLeavesTheQueueOnTheDefaults() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            engine.queueProfileRaw(sales, new byte[] {9, 9, 9});
            engine.queueEntered(sales, "a1", ofSeconds(0));
            engine.queueLeft(sales, "a1", ofSeconds(8), QueueCallDisposition.ABANDONED, null);
            QueueSnapshot q = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(q.getServiceLevelThresholdSeconds()).isEqualTo(20);
            assertThat(q.getAbandonedToday()).as("8 s is past the default 5 s grace").isEqualTo(1);

            engine.queueProfile(sales, 30, 10);
            engine.queueEntered(sales, "a2", ofSeconds(10));
            engine.queueLeft(sales, "a2", ofSeconds(18), QueueCallDisposition.ABANDONED, null);
            q = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(q.getServiceLevelThresholdSeconds()).isEqualTo(30);
            assertThat(q.getShortAbandonedToday()).as("8 s within the entry's 10 s grace").isEqualTo(1);
            assertThat(engine.deadLetters.isEmpty()).isTrue();
        }
    }

    /**
     * Verifies the day's figures around the tenant's midnight (Europe/Berlin: 23:00 UTC in November):
     * abandons, short abandons and the service level of the evening stay with the evening, the night
     * starts from zero while a call still waiting stays in queue, and the platform's figures stay.
     */
    @Test
    void theDayTurnsAtTheTenantsMidnight() throws Exception {
        EngineConfig berlin = EngineConfig.defaults("unused:9092", "http://unused")
                .withZones(java.time.ZoneId.of("UTC"), Map.of(EngineDriver.TENANT, java.time.ZoneId.of("Europe/Berlin")));
        try (EngineDriver engine = new EngineDriver(berlin)) {
            Duration evening = Duration.ofHours(14).plusMinutes(59); // 22:59 UTC, 23:59 in Berlin
            engine.queueStatistics(sales, evening, QueueStatistics.newBuilder().setExpectedWaitMillis(15_000L).build());
            engine.queueEntered(sales, "e1", evening);
            engine.queueLeft(sales, "e1", evening.plusSeconds(2), QueueCallDisposition.ABANDONED, null); // short
            engine.queueEntered(sales, "e2", evening.plusSeconds(1));
            engine.queueLeft(sales, "e2", evening.plusSeconds(31), QueueCallDisposition.ABANDONED, null); // after 20 s
            engine.queueEntered(sales, "e3", evening.plusSeconds(40));
            engine.queueLeft(sales, "e3", evening.plusSeconds(45), QueueCallDisposition.ANSWERED, null);
            engine.queueEntered(sales, "w1", evening.plusSeconds(50)); // still waiting at midnight
            QueueSnapshot before = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(before.getDay()).isEqualTo("2026-11-24");
            assertThat(before.getShortAbandonedToday()).isEqualTo(1);
            assertThat(before.getAbandonedToday()).isEqualTo(1);
            assertThat(before.getServiceLevelPercent()).isEqualTo(50.0);

            // after midnight a call abandons after 25 s, and w1 is answered at last
            Duration night = Duration.ofHours(15).plusMinutes(1); // 00:01 in Berlin
            engine.queueEntered(sales, "n1", night);
            engine.queueLeft(sales, "n1", night.plusSeconds(25), QueueCallDisposition.ABANDONED, null);
            QueueSnapshot after = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(after.getDay()).isEqualTo("2026-11-25");
            assertThat(after.getShortAbandonedToday()).isZero();
            assertThat(after.getAbandonedToday()).isEqualTo(1);
            assertThat(after.getAnsweredToday()).isZero();
            assertThat(after.getServiceLevelPercent()).as("only n1, abandoned after 20 s").isZero();
            assertThat(after.getCallsInQueue()).as("w1 waits across midnight").isEqualTo(1);
            assertThat(after.getExpectedWaitMillis()).as("the platform's figures are not the day's").isEqualTo(15_000L);

            engine.queueLeft(sales, "w1", night.plusSeconds(30), QueueCallDisposition.ANSWERED, null);
            after = engine.queueStats.readKeyValuesToMap().get(sales);
            assertThat(after.getAnsweredToday()).as("answered today, though offered yesterday").isEqualTo(1);
            assertThat(after.getOfferedToday()).as("n1 only").isEqualTo(1);
            assertThat(after.getCallsInQueue()).isZero();
        }
    }

    /** Verifies that a queue event that cannot be read is dead-lettered and the queue goes on. */
    @Test
    void aPoisonQueueEventIsDeadLettered() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            engine.driver.createInputTopic("cti.queue-events", new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer()).pipeInput(sales, new byte[] {1, 2, 3});
            engine.queueEntered(sales, "c1", ofSeconds(0));

            assertThat(engine.deadLetters.readValue().getReason()).startsWith("cannot decode a QueueEvent");
            assertThat(engine.queueStats.readKeyValuesToMap().get(sales).getCallsInQueue()).isEqualTo(1);
        }
    }
}
