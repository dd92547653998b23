package io.ctistream.webhooks;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer group's read of {@code cti.agent-events}, on its own thread: records decoded and
 * mapped to CRM events in log order, handed to a {@link Sink}, and offsets committed only as far
 * as the sink says it is finished ({@link Sink#progress()}), so a clean stop or a rebalance repeats
 * at most what was in flight. While running, finished progress is committed at most once per
 * {@link #COMMIT_INTERVAL} (a commit is a broker write: one per poll was most of what the reader
 * cost the broker at a few hundred events a second), so a crash repeats at most that much more.
 * A partition the sink holds its share of is paused until it drains (what a poll returned beyond
 * the share is read again later), so the sink never holds more than it allows.
 *
 * <p>Where a partition starts: its committed offset; without one, the first record at or after
 * {@code startAt} (a subscription's creation: it starts "now", whenever its consumer happens to
 * join). Before that position the reader replays up to {@code lookback} of earlier records into a
 * fresh {@link AgentMemory} (nothing is delivered from them), so that a wrap-up that began before a
 * restart still ends with a {@code wrapup.ended}.
 */
final class AgentEventReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentEventReader.class);
    private static final String TOPIC = CtiTopics.AGENT_EVENTS.topicName();
    private static final AtomicLong GENERATIONS = new AtomicLong();
    /** How often finished progress is committed while running; a stop, a revocation and a rewind commit at once. */
    static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
    /** The longest the broker holds a fetch to fill it: what batching adds to a CRM event's delivery at most. */
    static final Duration FETCH_WAIT = Duration.ofMillis(50);

    /** One record of {@code cti.agent-events} and the CRM events it maps to (possibly none). */
    record Mapped(TopicPartition partition, long generation, long offset, String key, byte[] raw, List<CrmEvent> events) {
    }

    /** How far a partition is finished: every record before {@code nextOffset}; tagged with the assignment it belongs to. */
    record Progress(long generation, long nextOffset) {
    }

    /** Where mapped records go. Every method is called on the reader's thread, except {@link #progress()} and {@link #full}. */
    interface Sink {
        /** A partition is now read from {@code start}; its records carry {@code generation}. */
        void assigned(TopicPartition partition, long generation, long start);

        /** Partitions taken away (or lost): drop what is held for them; their progress is committed next. */
        void revoked(Collection<TopicPartition> partitions);

        void accept(Mapped record);

        /** After each poll's records were accepted; false asks the reader to go back to the committed offsets. */
        default boolean afterPoll() {
            return true;
        }

        /** Holds as much of {@code partition} as it may: the reader pauses it. */
        boolean full(TopicPartition partition);

        /** How far each partition is finished (a consistent snapshot is not needed: each entry is monotonic). */
        Map<TopicPartition, Progress> progress();
    }

    /** A reader's fixed parameters. */
    record Setup(String groupId, String clientId, java.time.Instant startAt, Duration lookback, int maxPollRecords) {
    }

    private final Setup setup;
    private final Sink sink;
    private final Function<String, AgentProfile> roster;
    private final CloudEventMapper mapper = new CloudEventMapper();
    private final WebhookMetrics metrics;
    private final Clock clock;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<AgentEvent> values;
    private final Thread thread;
    private final CompletableFuture<Void> assignedOnce = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private volatile boolean running = true;
    private long lastCommitNanos = System.nanoTime();
    private volatile long lag;
    private volatile String failure;

    /** What the reader keeps per assigned partition (reader thread only). */
    private static final class PartitionState {
        final long generation;
        final long warmUntil;
        final AgentMemory memory = new AgentMemory();
        long committed;

        PartitionState(long generation, long warmUntil, long committed) {
            this.generation = generation;
            this.warmUntil = warmUntil;
            this.committed = committed;
        }
    }

    AgentEventReader(String bootstrapServers, String registryUrl, Setup setup, Function<String, AgentProfile> roster, Sink sink,
                     WebhookMetrics metrics, Clock clock) {
        this.setup = setup;
        this.sink = sink;
        this.roster = roster;
        this.metrics = metrics;
        this.clock = clock;
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, setup.groupId());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, setup.clientId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"); // never used: every partition is sought on assignment
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, setup.maxPollRecords());
        // what the consumer itself buffers: events are small, and a subscription that waits must not hold megabytes
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * 1024 * 1024);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 512 * 1024);
        // a CRM takes events in batches: the broker answers a fetch once 64 KiB are there or 50 ms have passed, not
        // for every event (at a few hundred events a second, a fetch per event per subscription was most of the reader's cost)
        c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) FETCH_WAIT.toMillis());
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        this.values = CtiSerdes.valueDeserializer(registryUrl);
        this.thread = new Thread(this::run, setup.clientId());
        this.thread.setDaemon(true);
    }

    AgentEventReader start() {
        thread.start();
        return this;
    }

    /** Completes when the group first gave this reader its partitions (and they were positioned). */
    CompletableFuture<Void> assigned() {
        return assignedOnce;
    }

    /** Records not finished yet over the partitions this reader holds (end offset minus progress). */
    long lag() {
        return lag;
    }

    /** Why the reader stopped, or null while it runs. */
    String failure() {
        return failure;
    }

    boolean alive() {
        return thread.isAlive();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    release(revoked, true);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost) {
                    release(lost, false);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    take(assigned);
                }
            });
            while (running) {
                try {
                    pauseOrResume();
                    var records = consumer.poll(Duration.ofMillis(100));
                    for (TopicPartition tp : records.partitions()) {
                        for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                            PartitionState st = partitions.get(tp);
                            if (st != null && r.offset() >= st.warmUntil && sink.full(tp)) {
                                // the sink holds its share: the rest of this poll is read again once it drains
                                consumer.seek(tp, r.offset());
                                consumer.pause(List.of(tp));
                                break;
                            }
                            handle(r);
                        }
                    }
                    if (!sink.afterPoll()) {
                        rewind();
                    }
                    if (System.nanoTime() - lastCommitNanos >= COMMIT_INTERVAL.toNanos()) {
                        commit(false);
                    }
                    measureLag();
                } catch (WakeupException e) {
                    // closing, or woken to look again
                } catch (KafkaException e) {
                    if (running) {
                        LOG.warn("reading cti.agent-events failed, retrying [group={}]: {}", setup.groupId(), e.toString());
                    }
                }
            }
        } catch (RuntimeException e) {
            failure = e.toString();
            LOG.error("reader of cti.agent-events stopped [group={}]: {}", setup.groupId(), e.toString(), e);
        } finally {
            try {
                commit(true);
            } catch (RuntimeException e) {
                LOG.debug("last commit before close failed [group={}]: {}", setup.groupId(), e.toString());
            }
            try {
                sink.revoked(List.copyOf(partitions.keySet()));
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the consumer failed [group={}]: {}", setup.groupId(), e.toString());
            }
            stopped.complete(null);
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        PartitionState st = partitions.get(tp);
        if (st == null) {
            return;
        }
        AgentEvent event = decode(r);
        List<CrmEvent> events = event == null ? List.of() : mapper.map(event, roster.apply(event.getHeader().getAgentId()), st.memory);
        if (r.offset() < st.warmUntil) {
            return; // replayed to learn the agents' states only
        }
        sink.accept(new Mapped(tp, st.generation, r.offset(), r.key(), r.value(), events));
    }

    private AgentEvent decode(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return values.deserialize(r.topic(), r.headers(), r.value());
        } catch (RuntimeException e) {
            metrics.unreadable();
            LOG.warn("agent event not readable, skipped [partition={}, offset={}]: {}", r.partition(), r.offset(), e.toString());
            return null;
        }
    }

    /** New partitions: positioned at the committed offset (or the first record at startAt), after a replay window. */
    private void take(Collection<TopicPartition> assigned) {
        if (assigned.isEmpty()) {
            assignedOnce.complete(null);
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned), Duration.ofSeconds(30));
        List<TopicPartition> fresh = assigned.stream().filter(tp -> committed.get(tp) == null).toList();
        Map<TopicPartition, Long> start = new HashMap<>();
        assigned.forEach(tp -> {
            if (committed.get(tp) != null) {
                start.put(tp, committed.get(tp).offset());
            }
        });
        start.putAll(offsetsAt(fresh, setup.startAt().toEpochMilli()));
        Map<TopicPartition, Long> warmFrom = setup.lookback().isZero() ? Map.of()
                : offsetsAt(assigned, clock.instant().minus(setup.lookback()).toEpochMilli());
        Map<TopicPartition, OffsetAndMetadata> initial = new HashMap<>();
        for (TopicPartition tp : assigned) {
            long s = start.get(tp);
            long from = Math.min(s, warmFrom.getOrDefault(tp, s));
            consumer.seek(tp, from);
            long generation = GENERATIONS.incrementAndGet();
            partitions.put(tp, new PartitionState(generation, s, s));
            if (committed.get(tp) == null) {
                initial.put(tp, new OffsetAndMetadata(s));
            }
            sink.assigned(tp, generation, s);
        }
        if (!initial.isEmpty()) {
            consumer.commitSync(initial, Duration.ofSeconds(30)); // the start is kept: a restart does not begin "now" again
        }
        LOG.debug("partitions assigned [group={}, partitions={}]", setup.groupId(), assigned.size());
        assignedOnce.complete(null);
    }

    /** The offset of the first record at or after {@code timestamp}, else the end, for each partition. */
    private Map<TopicPartition, Long> offsetsAt(Collection<TopicPartition> tps, long timestamp) {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (tps.isEmpty()) {
            return out;
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, timestamp));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        List<TopicPartition> toEnd = new ArrayList<>();
        for (TopicPartition tp : tps) {
            OffsetAndTimestamp o = found.get(tp);
            if (o == null) {
                toEnd.add(tp);
            } else {
                out.put(tp, o.offset());
            }
        }
        if (!toEnd.isEmpty()) {
            out.putAll(consumer.endOffsets(toEnd, Duration.ofSeconds(30)));
        }
        return out;
    }

    private void release(Collection<TopicPartition> gone, boolean commit) {
        if (gone.isEmpty()) {
            return;
        }
        sink.revoked(gone);
        if (commit) {
            try {
                commitSync(gone);
            } catch (RuntimeException e) {
                LOG.debug("commit on revocation failed [group={}]: {}", setup.groupId(), e.toString());
            }
        }
        gone.forEach(partitions::remove);
    }

    /** Back to the committed offsets of every partition held, as after a fresh assignment (the sink could not finish). */
    private void rewind() {
        List<TopicPartition> held = List.copyOf(partitions.keySet());
        try {
            commitSync(held); // what is finished stays finished: only the rest is read again
        } catch (RuntimeException e) {
            LOG.debug("commit before rewinding failed [group={}]: {}", setup.groupId(), e.toString());
        }
        release(held, false);
        take(held);
    }

    private void pauseOrResume() {
        Set<TopicPartition> paused = consumer.paused();
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : partitions.keySet()) {
            boolean full = sink.full(tp);
            if (full && !paused.contains(tp)) {
                pause.add(tp);
            } else if (!full && paused.contains(tp)) {
                resume.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    private void commit(boolean sync) {
        lastCommitNanos = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = finished(partitions.keySet());
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets, Duration.ofSeconds(10));
        } else {
            consumer.commitAsync(offsets, (o, e) -> {
                if (e != null) {
                    LOG.debug("commit failed, the next one carries it [group={}]: {}", setup.groupId(), e.toString());
                    o.keySet().forEach(tp -> {
                        PartitionState st = partitions.get(tp);
                        if (st != null) {
                            st.committed = Math.min(st.committed, o.get(tp).offset() - 1);
                        }
                    });
                }
            });
        }
    }

    private void commitSync(Collection<TopicPartition> tps) {
        Map<TopicPartition, OffsetAndMetadata> offsets = finished(tps);
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets, Duration.ofSeconds(10));
        }
    }

    /** Progress not committed yet, for partitions still held under the same assignment. */
    private Map<TopicPartition, OffsetAndMetadata> finished(Collection<TopicPartition> tps) {
        Map<TopicPartition, Progress> progress = sink.progress();
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : tps) {
            PartitionState st = partitions.get(tp);
            Progress p = progress.get(tp);
            if (st != null && p != null && p.generation() == st.generation && p.nextOffset() > st.committed) {
                out.put(tp, new OffsetAndMetadata(p.nextOffset()));
                st.committed = p.nextOffset();
            }
        }
        return out;
    }

    private void measureLag() {
        Map<TopicPartition, Progress> progress = sink.progress();
        long total = 0;
        for (var e : partitions.entrySet()) {
            var behind = consumer.currentLag(e.getKey());
            if (behind.isEmpty()) {
                continue;
            }
            long end = consumer.position(e.getKey()) + behind.getAsLong();
            Progress p = progress.get(e.getKey());
            long done = p != null && p.generation() == e.getValue().generation ? p.nextOffset() : e.getValue().committed;
            total += Math.max(0, end - done);
        }
        lag = total;
    }

    /** Stops reading, commits what is finished and leaves the group; returns when the consumer is closed. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                stopped.get(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("reader did not stop in time [group={}]", setup.groupId());
            }
        }
    }
}
