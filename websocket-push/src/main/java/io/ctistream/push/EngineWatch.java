package io.ctistream.push;

import io.ctistream.schemas.CtiTopics;
import java.time.Clock;
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
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the engine is working. The state topics alone cannot tell a stopped engine from a quiet
 * contact center; its consumer group can: events waiting on its input topics while the group's
 * committed offsets stand still for the whole window mean nobody is turning them into state. A
 * group that has committed nothing yet is not judged.
 */
public final class EngineWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineWatch.class);
    private static final Set<String> INPUTS = Set.of(CtiTopics.AGENT_EVENTS.topicName(), CtiTopics.QUEUE_EVENTS.topicName(),
            CtiTopics.AGENTS.topicName());

    private final Admin admin;
    private final String group;
    private final long windowMillis;
    private final Consumer<Boolean> listener;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "engine-watch");
        t.setDaemon(true);
        return t;
    });
    /** Per input partition: the committed offset last seen and since when (ms). */
    private final Map<TopicPartition, long[]> committedSince = new HashMap<>();
    private volatile boolean silent;

    private EngineWatch(String bootstrapServers, String group, Duration window, Consumer<Boolean> listener, Clock clock) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
        this.group = group;
        this.windowMillis = window.toMillis();
        this.listener = listener;
        this.clock = clock;
    }

    /**
     * @param group    the engine's Kafka Streams application id (its consumer group)
     * @param listener told {@code true} when the engine falls silent, {@code false} when it works again
     */
    public static EngineWatch start(String bootstrapServers, String group, Duration window, Consumer<Boolean> listener) {
        EngineWatch w = new EngineWatch(bootstrapServers, group, window, listener, Clock.systemUTC());
        long every = Math.max(500, w.windowMillis / 3);
        w.timer.scheduleWithFixedDelay(w::check, every, every, TimeUnit.MILLISECONDS);
        return w;
    }

    /** True while the engine is judged not working. */
    public boolean silent() {
        return silent;
    }

    private void check() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS));
            committed.keySet().removeIf(tp -> !INPUTS.contains(tp.topic()));
            committed.values().removeIf(java.util.Objects::isNull);
            if (committed.isEmpty()) {
                return; // the engine has not run yet: nothing to judge
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            long now = clock.millis();
            boolean stuck = false;
            for (var e : committed.entrySet()) {
                long offset = e.getValue().offset();
                long[] seen = committedSince.get(e.getKey());
                if (seen == null || seen[0] != offset) {
                    committedSince.put(e.getKey(), new long[] {offset, now});
                } else if (ends.get(e.getKey()).offset() > offset && now - seen[1] >= windowMillis) {
                    stuck = true;
                }
            }
            if (stuck != silent) {
                silent = stuck;
                if (stuck) {
                    LOG.warn("the engine does not work [group={}]: events wait on its inputs and its offsets stood still for {} ms", group, windowMillis);
                } else {
                    LOG.info("the engine works again [group={}]", group);
                }
                listener.accept(stuck);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("engine watch could not read the group's offsets: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
