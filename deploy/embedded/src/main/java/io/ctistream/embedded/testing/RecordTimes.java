package io.ctistream.embedded.testing;

import io.ctistream.schemas.CtiTopics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The record timestamps a real broker accepts and keeps, for test fixtures that write to one.
 *
 * <p>A record's CreateTime decides its fate on the broker: a record stamped older than its
 * topic's retention is deleted with its segment (issue #12: a scenario pinned to a calendar date
 * passed for a week and then was deleted on arrival, every day after), and a record stamped more
 * than {@link #BROKER_AHEAD_LIMIT} ahead of the broker's clock is refused. A fixture that stamps
 * from the clock stays inside both edges on any day; {@link #requireKept} says so before a single
 * record is sent, and a unit test can call it with clocks far in the past and the future to prove
 * a fixture does not depend on the day it runs.
 */
public final class RecordTimes {
    /** Kafka 4's default {@code message.timestamp.after.max.ms}: a record stamped further ahead is refused. */
    public static final Duration BROKER_AHEAD_LIMIT = Duration.ofHours(1);
    /** How far inside the retention edge a fixture must stay, so that a slow run does not cross it. */
    public static final Duration RETENTION_SLACK = Duration.ofDays(1);
    /** How far ahead of the clock a fixture may stamp: a little skew, nothing a slow run could turn into a refusal. */
    public static final Duration AHEAD_SLACK = Duration.ofMinutes(5);

    private RecordTimes() {
    }

    /**
     * Fails unless records stamped between {@code earliest} and {@code latest} are accepted and
     * kept by every one of {@code topics} on a broker whose clock reads {@code clock}.
     *
     * @throws IllegalStateException naming the topic, its retention and the clock, so a test that
     *                               would otherwise wait for records the broker deleted fails at once
     */
    public static void requireKept(Clock clock, Instant earliest, Instant latest, CtiTopics... topics) {
        Objects.requireNonNull(earliest, "earliest");
        Objects.requireNonNull(latest, "latest");
        Instant now = clock.instant();
        if (latest.isAfter(now.plus(AHEAD_SLACK))) {
            throw new IllegalStateException("records stamped up to " + latest + " are ahead of the clock (" + now
                    + ") by more than " + AHEAD_SLACK + "; the broker refuses them past " + BROKER_AHEAD_LIMIT
                    + ": stamp test records from the clock");
        }
        for (CtiTopics topic : topics) {
            topic.retention().ifPresent(retention -> {
                Instant oldestKept = now.minus(retention).plus(RETENTION_SLACK);
                if (earliest.isBefore(oldestKept)) {
                    throw new IllegalStateException("records stamped from " + earliest + " would be deleted by " + topic.topicName()
                            + " (retention " + retention + ") on a broker whose clock reads " + now
                            + ": stamp test records from the clock, not from a calendar date");
                }
            });
        }
    }
}
