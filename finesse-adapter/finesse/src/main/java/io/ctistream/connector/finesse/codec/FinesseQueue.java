package io.ctistream.connector.finesse.codec;

import java.time.Instant;

/**
 * A Finesse Queue object ({@code GET /finesse/api/Queue/{id}} or the Queue node's notification,
 * UCCE only; Cisco's "Queue" API page): its id (from {@code <uri>}), name and {@code <statistics>}.
 * Every figure is null when Finesse did not give it, gave something that is not a number, or gave
 * {@code -1}: an unassigned queue reports {@code -1}, which means "unknown", never a count.
 *
 * @param oldestCallStart {@code startTimeOfLongestCallInQueue}; null when empty (no call waits) or unreadable
 */
public record FinesseQueue(String id, String name, Integer callsInQueue, Instant oldestCallStart, Integer agentsReady,
                           Integer agentsNotReady, Integer agentsBusyOther, Integer agentsLoggedOn, Integer agentsTalkingInbound,
                           Integer agentsTalkingOutbound, Integer agentsTalkingInternal, Integer agentsWrapUpNotReady,
                           Integer agentsWrapUpReady) implements UpdateData {

    /** True when Finesse gave no figure at all (a queue not assigned to anyone, or statistics missing). */
    public boolean unknown() {
        return callsInQueue == null && agentsReady == null && agentsNotReady == null && agentsLoggedOn == null
                && agentsTalkingInbound == null && agentsBusyOther == null;
    }
}
