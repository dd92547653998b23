package io.ctistream.connector.core.kafka;

import io.ctistream.events.Platform;
import io.ctistream.events.QueueProfile;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TolerantDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue roster ({@code cti.queues}, compacted) as every instance of a platform sees it: read
 * whole from the beginning without a group (queue ownership is decided by {@code QueueOwnership},
 * not by this topic's partitions), kept to this platform's queues of the served tenants, and told
 * in full once it is loaded and again after every change. Its own thread; a tombstone removes a queue.
 */
final class KafkaQueueRoster {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaQueueRoster.class);
    private static final String TOPIC = CtiTopics.QUEUES.topicName();

    private final KafkaSettings settings;
    private final Platform platform;
    private final Set<String> tenants;
    private final String clientId;
    private final Map<String, QueueProfile> queues = new LinkedHashMap<>();
    private Consumer<Map<String, QueueProfile>> listener;
    private KafkaConsumer<String, Object> consumer;
    private Thread thread;
    private volatile boolean running;

    KafkaQueueRoster(KafkaSettings settings, Platform platform, Set<String> tenants, String clientId) {
        this.settings = settings;
        this.platform = platform;
        this.tenants = Set.copyOf(tenants);
        this.clientId = clientId;
    }

    void start(Consumer<Map<String, QueueProfile>> listener) {
        this.listener = listener;
        Map<String, Object> c = new HashMap<>(settings.extra());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), TolerantDeserializer.values(settings.registryUrl()));
        running = true;
        thread = new Thread(this::run, "queue-roster-" + clientId);
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            boolean loaded = false;
            while (running) {
                boolean changed = false;
                try {
                    for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                        changed |= apply(r);
                    }
                    if (!loaded) {
                        loaded = partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.getOrDefault(tp, 0L));
                        if (loaded) {
                            LOG.info("queue roster loaded [platform={}, queues={}]", platform, queues.size());
                            changed = true;
                        }
                    }
                    if (loaded && changed) {
                        listener.accept(Map.copyOf(queues));
                    }
                } catch (WakeupException e) {
                    // stop(): the loop condition decides
                } catch (KafkaException e) {
                    if (!running) {
                        break;
                    }
                    LOG.warn("queue roster poll failed, retrying: {}", e.toString());
                }
            }
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("queue roster stopped on an unexpected error", e);
            }
        } finally {
            try {
                consumer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debug("queue roster close", e);
            }
        }
    }

    /** The topic's partitions; none (and a warning) when the topic does not exist: queues then come from the platform's settings alone. */
    private List<TopicPartition> partitions() {
        while (running) {
            try {
                List<PartitionInfo> info = consumer.partitionsFor(TOPIC, Duration.ofSeconds(10));
                if (info == null || info.isEmpty()) {
                    LOG.warn("no queue roster topic [{}]: queues come from the platform's settings alone", TOPIC);
                    return List.of();
                }
                return info.stream().map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            } catch (WakeupException e) {
                return List.of();
            } catch (KafkaException e) {
                LOG.warn("queue roster metadata not read, retrying: {}", e.toString());
            }
        }
        return List.of();
    }

    private boolean apply(ConsumerRecord<String, Object> r) {
        if (r.key() == null) {
            return false;
        }
        Object value = r.value();
        if (value instanceof TolerantDeserializer.Unreadable p) {
            LOG.warn("queue roster record not readable, skipped [partition={}, offset={}]: {}", r.partition(), r.offset(), p.reason());
            return false;
        }
        if (value instanceof QueueProfile q && q.getPlatform() == platform && (tenants.isEmpty() || tenants.contains(q.getTenant()))) {
            return !q.equals(queues.put(r.key(), q));
        }
        return queues.remove(r.key()) != null; // a tombstone, or a queue that moved to another platform or tenant
    }
}
