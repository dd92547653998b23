package io.ctistream.connector.finesse.codec;

import io.ctistream.events.QueueStatistics;
import java.util.Map;

/**
 * A Finesse Queue object's statistics as the canonical {@code QueueStatistics} (ADR 023). Finesse
 * gives counts and the start of the longest wait; it has no expected wait, speed of answer, handle
 * time or threshold verdicts, so those stay null / empty. Pure.
 */
public final class FinesseQueues {
    private FinesseQueues() {
    }

    /**
     * callsInQueue as is; oldestWaitingSince is {@code startTimeOfLongestCallInQueue} while a call
     * waits (none when Finesse says no call waits); staffed = {@code agentsLoggedOn}, idle =
     * {@code agentsReady}, unavailable = {@code agentsNotReady} [I: Cisco counts agents in wrap-up and
     * talking apart, so they are neither idle nor unavailable]. Unknown figures (-1) stay null.
     */
    public static QueueStatistics statistics(FinesseQueue q) {
        boolean noneWaits = q.callsInQueue() != null && q.callsInQueue() == 0;
        return QueueStatistics.newBuilder()
                .setCallsInQueue(q.callsInQueue())
                .setOldestWaitingSince(noneWaits ? null : q.oldestCallStart())
                .setExpectedWaitMillis(null)
                .setAverageSpeedOfAnswerMillis(null)
                .setAverageHandleTimeMillis(null)
                .setStaffedAgents(q.agentsLoggedOn())
                .setIdleAgents(q.agentsReady())
                .setUnavailableAgents(q.agentsNotReady())
                .setSeverities(Map.of())
                .build();
    }

    /** Nothing known: what is reported while no Finesse side answers for the queue, so no stale figure stays on a wallboard. */
    public static QueueStatistics unknown() {
        return QueueStatistics.newBuilder().setCallsInQueue(null).setOldestWaitingSince(null).setExpectedWaitMillis(null)
                .setAverageSpeedOfAnswerMillis(null).setAverageHandleTimeMillis(null).setStaffedAgents(null).setIdleAgents(null)
                .setUnavailableAgents(null).setSeverities(Map.of()).build();
    }
}
