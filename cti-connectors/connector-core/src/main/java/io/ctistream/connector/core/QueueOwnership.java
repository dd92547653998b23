package io.ctistream.connector.core;

import io.ctistream.events.QueueProfile;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/**
 * Which queues this connector instance speaks for: a queue belongs to the instance that owns the
 * roster partition its id falls in (as Kafka would place the key), so the consumer group that
 * splits the agents splits the queues too — each queue has exactly one owner, and a failed
 * instance's queues move with its agents. A platform's queue source (Xsi-Events, Finesse's Queue
 * node, an ACD split) follows only the queues it {@link #owns}, and re-checks when
 * {@link PlatformAdapter#queuesChanged()} is called.
 *
 * <p>It also holds the queue roster ({@code cti.queues}): this platform's queues of the served
 * tenants, each with the platform's own name for it ({@code platformQueueId}), so that a queue
 * source learns what to follow from the roster as the agent side does from {@code cti.agents};
 * a change of the roster is told by {@link PlatformAdapter#queuesChanged()} too.
 */
public final class QueueOwnership {
    private volatile Set<Integer> partitions = Set.of();
    private volatile int partitionCount;
    private volatile Map<String, QueueProfile> roster = Map.of();

    /** True when this instance speaks for {@code queueId} now. */
    public boolean owns(String queueId) {
        int count = partitionCount;
        return count > 0 && partitions.contains(partitionOf(queueId, count));
    }

    /** The roster partitions owned now. */
    public Set<Integer> partitions() {
        return partitions;
    }

    /** The roster partition a queue id falls in: Kafka's default placement of the key (murmur2). */
    public static int partitionOf(String queueId, int partitionCount) {
        return Utils.toPositive(Utils.murmur2(queueId.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }

    /** This platform's queues in the roster now, by queue id (owned or not: {@link #owns} says); empty until it is read. */
    public Map<String, QueueProfile> roster() {
        return roster;
    }

    /** The roster's queues this instance owns now, by queue id. */
    public Map<String, QueueProfile> owned() {
        Map<String, QueueProfile> out = new java.util.LinkedHashMap<>();
        roster.forEach((id, p) -> {
            if (owns(id)) {
                out.put(id, p);
            }
        });
        return out;
    }

    void roster(Map<String, QueueProfile> queues) {
        roster = Map.copyOf(queues);
    }

    void assign(Set<Integer> owned, int count) {
        partitionCount = count;
        partitions = Set.copyOf(owned);
    }
}
