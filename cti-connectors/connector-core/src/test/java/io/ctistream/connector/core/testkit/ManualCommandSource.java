package io.ctistream.connector.core.testkit;

import io.ctistream.connector.core.CommandSource;
import io.ctistream.events.AgentProfile;
import java.util.List;

/** Agent ownership and commands as a test hands them out: what the consumer group over the roster would do. */
public final class ManualCommandSource implements CommandSource {
    private volatile Listener listener;
    private volatile boolean stopped;
    private volatile boolean aborted;

    @Override
    public void start(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public void abort() {
        aborted = true;
    }

    @Override
    public boolean healthy() {
        return !stopped && !aborted;
    }

    public boolean started() {
        return listener != null;
    }

    public boolean stopped() {
        return stopped;
    }

    public boolean aborted() {
        return aborted;
    }

    public void gain(AgentProfile... profiles) {
        listener.agentsGained(List.of(profiles));
    }

    public void lose(String... agentIds) {
        listener.agentsLost(List.of(agentIds));
    }

    /** The group assigns this instance {@code partitions} of the roster's {@code count}. */
    public void own(java.util.Set<Integer> partitions, int count) {
        listener.partitionsOwned(partitions, count);
    }

    /** The queue roster now holds exactly {@code queues} of this platform (as the kit's queue roster reader tells it). */
    public void rosterQueues(io.ctistream.events.QueueProfile... queues) {
        java.util.Map<String, io.ctistream.events.QueueProfile> byId = new java.util.LinkedHashMap<>();
        for (io.ctistream.events.QueueProfile q : queues) {
            byId.put(q.getQueueId(), q);
        }
        listener.queuesRostered(byId);
    }

    public void command(io.ctistream.events.AgentCommand command) {
        listener.command(command);
    }
}
