package io.ctistream.admin.store;

import io.ctistream.schemas.TolerantDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the admin API reads: the four resource topics held in memory, the latest value per key, kept
 * current by one consumer thread that reads them from the beginning and then follows them
 * (read-committed, no consumer group: it commits nothing). {@link #reached} completes once the view
 * has read past given offsets, so an answer to a write can wait until a GET shows it.
 */
public final class AdminView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminView.class);

    private final String bootstrap;
    private final String registryUrl;
    private final Duration timeout;
    private final Map<Resource, ConcurrentMap<String, SpecificRecord>> values = new EnumMap<>(Resource.class);
    private final ConcurrentMap<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private volatile KafkaConsumer<String, Object> consumer;
    private volatile boolean closed;
    private Thread thread;

    private record Waiter(Map<TopicPartition, Long> offsets, CompletableFuture<Void> done) {
    }

    public AdminView(String bootstrap, String registryUrl, Duration timeout) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.timeout = timeout;
        for (Resource r : Resource.values()) {
            values.put(r, new ConcurrentHashMap<>());
        }
    }

    /** Starts reading; {@link #loaded} completes when each topic was read to the end it had at start. */
    public AdminView start() {
        thread = new Thread(this::run, "admin-view");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    public CompletableFuture<Void> loaded() {
        return loaded;
    }

    public Optional<SpecificRecord> get(Resource resource, String id) {
        return Optional.ofNullable(values.get(resource).get(id));
    }

    /** The tenant's resources of one kind, sorted by id. */
    public List<SpecificRecord> list(Resource resource, String tenant) {
        String prefix = tenant + "/";
        return values.get(resource).entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).sorted(Map.Entry.comparingByKey())
                .map(Map.Entry::getValue).toList();
    }

    /** Every resource of one kind, every tenant, by id (a snapshot). */
    public Map<String, SpecificRecord> all(Resource resource) {
        return Map.copyOf(values.get(resource));
    }

    /** Completes once this view has read every record up to and including {@code offsets} (per partition). */
    public CompletableFuture<Void> reached(Map<TopicPartition, Long> offsets) {
        Waiter w = new Waiter(Map.copyOf(offsets), new CompletableFuture<>());
        waiters.add(w);
        release(); // it may be there already
        return w.done();
    }

    private void run() {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "ctistream-admin-view",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        try (KafkaConsumer<String, Object> c = new KafkaConsumer<>(config, new StringDeserializer(), TolerantDeserializer.values(registryUrl))) {
            consumer = c;
            if (closed) {
                return;
            }
            List<TopicPartition> partitions = partitions(c);
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
            LOG.info("admin view reading [{}] partitions of [{}]", partitions.size(),
                    Arrays.stream(Resource.values()).map(r -> r.topic().topicName()).toList());
            while (!closed) {
                for (ConsumerRecord<String, Object> r : c.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
                for (TopicPartition p : partitions) {
                    positions.put(p, c.position(p));
                }
                if (!loaded.isDone() && partitions.stream().allMatch(p -> positions.get(p) >= end.get(p))) {
                    LOG.info("admin view loaded [agents={}, teams={}, queues={}, webhookSubscriptions={}]", values.get(Resource.AGENT).size(),
                            values.get(Resource.TEAM).size(), values.get(Resource.QUEUE).size(), values.get(Resource.WEBHOOK_SUBSCRIPTION).size());
                    loaded.complete(null);
                }
                release();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("admin view stopped: {}", e.toString());
            loaded.completeExceptionally(e);
            waiters.forEach(w -> w.done().completeExceptionally(e));
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, Object> c) {
        List<TopicPartition> out = new ArrayList<>();
        for (Resource r : Resource.values()) {
            String topic = r.topic().topicName();
            List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist at [" + bootstrap + "]: create the cti.* topics first");
            }
            infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).sorted(Comparator.comparingInt(TopicPartition::partition))
                    .forEach(out::add);
        }
        return out;
    }

    private void apply(ConsumerRecord<String, Object> r) {
        Resource resource = Resource.ofTopic(r.topic()).orElseThrow();
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            values.get(resource).remove(r.key());
        } else if (r.value() instanceof SpecificRecord value) {
            values.get(resource).put(r.key(), value);
        } else {
            LOG.warn("admin view skipped an unreadable record [topic={}, partition={}, offset={}]: {}", r.topic(), r.partition(), r.offset(), r.value());
        }
    }

    private void release() {
        for (Waiter w : waiters) {
            boolean there = w.offsets().entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), -1L) > e.getValue());
            if (there) {
                waiters.remove(w);
                w.done().complete(null);
            }
        }
    }

    /** Whether the reading thread is still at work (it stops on close or on a failure it cannot get past). */
    public boolean running() {
        return thread != null && thread.isAlive() && !closed;
    }

    /** Offsets read so far, per partition (for tests and readiness). */
    public Map<TopicPartition, Long> positions() {
        return new HashMap<>(positions);
    }

    @Override
    public void close() {
        closed = true;
        KafkaConsumer<String, Object> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
