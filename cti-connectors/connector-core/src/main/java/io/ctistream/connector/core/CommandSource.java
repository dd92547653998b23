package io.ctistream.connector.core;

import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentProfile;
import java.util.List;

/**
 * Which agents this instance owns, and the commands for them. The Kafka implementation joins a
 * consumer group over the roster ({@code cti.agents}) and the co-partitioned commands topic: the
 * agents in the assigned roster partitions are this instance's; commands for them arrive here.
 * Listener calls come from the source's own thread; the connector moves them onto its context.
 */
public interface CommandSource {
    interface Listener {
        /** Agents this instance now owns, or whose profile changed. */
        void agentsGained(List<AgentProfile> profiles);

        /** Agents this instance no longer owns (rebalance, roster removal). */
        void agentsLost(List<String> agentIds);

        /** A command for an agent of this platform in an owned partition. */
        void command(AgentCommand command);

        /** The roster partitions this instance owns now, of {@code partitionCount} (the queues follow them: {@link QueueOwnership}). */
        default void partitionsOwned(java.util.Set<Integer> partitions, int partitionCount) {
        }

        /** The queue roster ({@code cti.queues}) as it is now: this platform's queues of the served tenants, by queue id. */
        default void queuesRostered(java.util.Map<String, io.ctistream.events.QueueProfile> queues) {
        }
    }

    void start(Listener listener);

    /** Leaves the group cleanly so the agents move at once. */
    void stop();

    /** Stops as a crashed process would: no leave, so the group notices only after its session timeout. */
    void abort();

    boolean healthy();
}
