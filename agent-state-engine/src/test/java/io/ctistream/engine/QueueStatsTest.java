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
import io.ctistream.events.QueueSnapshot;
import java.time.Duration;
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
