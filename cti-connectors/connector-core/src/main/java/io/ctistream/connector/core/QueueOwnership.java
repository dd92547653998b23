package io.ctistream.connector.core;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/**
 * Which queues this connector instance speaks for: a queue belongs to the instance that owns the
 * roster partition its id falls in (as Kafka would place the key), so the consumer group that
 * splits the agents splits the queues too — each queue has exactly one owner, and a failed
 * instance's queues move with its agents. A platform's queue source (Xsi-Events, Finesse's Queue
 * node, an ACD split) follows only the queues it {@link #owns}, and re-checks when
 * {@link PlatformAdapter#queuesChanged()} is called.
 */
public final class QueueOwnership {
    private volatile Set<Integer> partitions = Set.of();
    private volatile int partitionCount;

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

    void assign(Set<Integer> owned, int count) {
        partitionCount = count;
        partitions = Set.copyOf(owned);
    }
}
