package io.ctistream.webhooks;

import io.ctistream.schemas.TolerantDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest value per key of a compacted topic (the roster, the webhook subscriptions), read from
 * the beginning by assignment (no group, nothing committed) on its own thread and kept current.
 * {@link #loaded()} completes once everything that was on the topic when it started has been read.
 * A value that cannot be decoded is skipped with a WARN (the key keeps its previous value).
 *
 * @param <V> the value type
 */
final class CompactedView<V> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CompactedView.class);

    /**
     * Told, on the view's thread: once, what the topic held when the view started ({@code removed}:
     * keys whose latest record is a tombstone); then every change, in log order.
     */
    interface Listener<V> {
        default void loaded(Map<String, V> current, java.util.Set<String> removed) {
        }

        default void changed(String key, V value) {
        }
    }

    private final String topic;
    private final Class<V> type;
    private final Map<String, V> values = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private final Thread thread;
    private final KafkaConsumer<String, Object> consumer;
    private final Listener<V> listener;
    private final java.util.Set<String> removedWhileLoading = new java.util.HashSet<>();
    private volatile boolean running = true;

    CompactedView(String bootstrapServers, String registryUrl, String topic, Class<V> type, String clientId, Listener<V> listener) {
        this.topic = topic;
        this.type = type;
        this.listener = listener;
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), TolerantDeserializer.values(registryUrl));
        this.thread = new Thread(this::run, clientId);
        this.thread.setDaemon(true);
    }

    CompactedView<V> start() {
        thread.start();
        return this;
    }

    CompletableFuture<Void> loaded() {
        return loaded;
    }

    V get(String key) {
        return values.get(key);
    }

    Map<String, V> all() {
        return Map.copyOf(values);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(60)));
            while (running) {
                try {
                    for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                        apply(r);
                    }
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    LOG.warn("reading [{}] failed, retrying: {}", topic, e.toString());
                }
                if (!loaded.isDone()) {
                    end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                    if (end.isEmpty()) {
                        try {
                            listener.loaded(Map.copyOf(values), java.util.Set.copyOf(removedWhileLoading));
                        } catch (RuntimeException e) {
                            LOG.error("the content of [{}] could not be applied: {}", topic, e.toString(), e);
                        }
                        removedWhileLoading.clear();
                        loaded.complete(null);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("reading [{}] stopped: {}", topic, e.toString());
            loaded.completeExceptionally(e);
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    private void apply(ConsumerRecord<String, Object> r) {
        if (r.key() == null) {
            return;
        }
        V value;
        if (r.value() == null) {
            value = null;
            values.remove(r.key());
            if (!loaded.isDone()) {
                removedWhileLoading.add(r.key());
            }
        } else if (type.isInstance(r.value())) {
            value = type.cast(r.value());
            values.put(r.key(), value);
            removedWhileLoading.remove(r.key());
        } else {
            String why = r.value() instanceof TolerantDeserializer.Unreadable u ? u.reason() : r.value().getClass().getSimpleName();
            LOG.warn("record of [{}] not readable, skipped [partition={}, offset={}]: {}", topic, r.partition(), r.offset(), why);
            return;
        }
        if (!loaded.isDone()) {
            return;
        }
        try {
            listener.changed(r.key(), value);
        } catch (RuntimeException e) {
            LOG.error("a change of [{}] could not be applied [key={}]: {}", topic, r.key(), e.toString(), e);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
