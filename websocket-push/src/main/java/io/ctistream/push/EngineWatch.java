package io.ctistream.push;

import io.ctistream.schemas.CtiTopics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the engine is working. The state topics alone cannot tell a stopped engine from a quiet
 * contact center; its consumer group can: events waiting on its input topics while the group's
 * committed offsets stand still for the whole window mean nobody is turning them into state. The
 * window starts when events are first seen waiting at a committed offset (not when the offset last
 * moved: a fresh event on a quiet partition is not a silent engine). Partitions the group has never
 * committed are not judged.
 */
public final class EngineWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineWatch.class);
    private static final Set<String> INPUTS = Set.of(CtiTopics.AGENT_EVENTS.topicName(), CtiTopics.QUEUE_EVENTS.topicName(),
            CtiTopics.AGENTS.topicName());

    private final Admin admin;
    private final String group;
    private final long windowNanos;
    private final Consumer<Boolean> listener;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "engine-watch");
        t.setDaemon(true);
        return t;
    });
    /** Per input partition with events waiting: the committed offset they wait at, and since when (nanoTime). */
    private final Map<TopicPartition, long[]> waitingSince = new HashMap<>();
    private final java.util.concurrent.atomic.AtomicLong checks = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean silent;
    private boolean blind;

    private EngineWatch(String bootstrapServers, String group, Duration window, Consumer<Boolean> listener) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
        this.group = group;
        this.windowNanos = window.toNanos();
        this.listener = listener;
    }

    /**
     * @param group    the engine's Kafka Streams application id (its consumer group)
     * @param listener told {@code true} when the engine falls silent, {@code false} when it works again
     */
    public static EngineWatch start(String bootstrapServers, String group, Duration window, Consumer<Boolean> listener) {
        EngineWatch w = new EngineWatch(bootstrapServers, group, window, listener);
        long every = Math.max(500, window.toMillis() / 3);
        LOG.info("watching the engine [group={}, window={}]", group, window);
        w.timer.scheduleWithFixedDelay(w::check, every, every, TimeUnit.MILLISECONDS);
        return w;
    }

    /** True while the engine is judged not working. */
    public boolean silent() {
        return silent;
    }

    private void check() {
        try {
            judge();
            checks.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!blind) {
                blind = true;
                LOG.warn("the engine watch cannot read the offsets of group [{}] (it keeps its last verdict until it can): {}", group, e.toString());
            }
        }
    }

    private void judge() throws Exception {
        // ends first: an event that arrives between the two reads is not taken for one the engine left waiting
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(INPUTS).allTopicNames().get(10, TimeUnit.SECONDS).forEach((topic, d) -> d.partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        var listed = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)); // not open transactions
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (TopicPartition tp : latest.keySet()) {
            ends.put(tp, listed.partitionResult(tp).get(10, TimeUnit.SECONDS).offset());
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        blind = false;
        long now = System.nanoTime();
        boolean stuck = false;
        boolean judged = false;
        for (var e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            if (c == null) {
                continue; // never consumed by the group: not judged
            }
            judged = true;
            long[] waiting = waitingSince.get(e.getKey());
            if (e.getValue() <= c.offset()) {
                waitingSince.remove(e.getKey()); // caught up
            } else if (waiting == null || waiting[0] != c.offset()) {
                waitingSince.put(e.getKey(), new long[] {c.offset(), now}); // events wait from now at this offset
            } else if (now - waiting[1] >= windowNanos) {
                stuck = true; // they have waited the whole window and the group has not moved
            }
        }
        if (!judged || stuck == silent) {
            return;
        }
        if (stuck) {
            LOG.warn("the engine does not work [group={}]: events wait on its inputs and its offsets stood still for {} ms", group,
                    TimeUnit.NANOSECONDS.toMillis(windowNanos));
        } else {
            LOG.info("the engine works again [group={}]", group);
        }
        listener.accept(stuck);
        silent = stuck; // after the listener: if telling failed, the next check tells again
    }

    /** Checks completed (for tests). */
    long checks() {
        return checks.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
