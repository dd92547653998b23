package io.ctistream.connector.core.kafka;

import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.EventSink;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.CommandResult;
import io.ctistream.events.ConnectorStatus;
import io.ctistream.events.QueueEvent;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka event sink: idempotent producers ({@code acks=all}), key = agent id (instance id for
 * status). A publish completes on the caller's context once the broker acknowledged it, and fails
 * when it cannot be: nothing counts as published before the ack.
 *
 * <p>Nothing here blocks an event loop: {@code send} (which waits for metadata while the cluster is
 * unreachable) runs on one sender thread, in the order publishes were made, behind a bounded queue.
 *
 * <p>Two producers, so that an outage never reorders what the adapter said (issue #13):
 * <ul>
 *   <li>the <b>data</b> producer (agent and queue events, command results) never gives a record up
 *   on time: what it took is delivered, in order per key, whenever the cluster answers again;</li>
 *   <li>the <b>probe</b> producer sends the connector's status (its heartbeat) with a short delivery
 *   timeout: it is what tells whether Kafka answers.</li>
 * </ul>
 * While the cluster is out of reach (a probe failed, or a send could not get metadata or buffer
 * space) the sink is down and <em>holds</em> what it is given, in publish order, up to
 * {@link #MAX_HELD} records; beyond, a publish fails at once and the connector re-reads its
 * platform when Kafka is back. The first probe sent after the sink went down that Kafka
 * acknowledges brings it back, and the held records go out, oldest first, before anything newer.
 * Health changes and the held queue share one lock.
 */
public final class KafkaEventSink implements EventSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventSink.class);
    /** Publishes waiting for the sender thread at most; beyond, a publish fails at once. */
    static final int MAX_QUEUED = 10_000;
    /** Records held while the cluster is out of reach, at most; beyond, a publish fails at once. */
    static final int MAX_HELD = 100_000;
    /** How long a status heartbeat may take to be acknowledged before Kafka counts as out of reach. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(6);

    /** A record for the data producer, numbered in publish order. */
    private record Held(long seq, CtiTopics topic, String key, SpecificRecord value, Consumer<Exception> done) {
    }

    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaProducer<String, SpecificRecord> probes;
    private final ConnectorMetrics metrics;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ctistream-kafka-send");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService prober = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ctistream-kafka-status");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private volatile Runnable onDown = () -> { };

    // guarded by lock
    private final Object lock = new Object();
    private final PriorityQueue<Held> held = new PriorityQueue<>(Comparator.comparingLong(Held::seq));
    private boolean up = true;
    /** How many times the sink went down: a probe made before the last time cannot bring it back. */
    private long downs;
    private boolean drainScheduled;
    private boolean closed;
    private volatile boolean healthy = true;

    public KafkaEventSink(KafkaSettings settings, String clientId, ConnectorMetrics metrics) {
        Map<String, Object> p = new HashMap<>(settings.extra());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // send() waits this long for metadata or buffer space: on the sender thread, never an event loop
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
        Map<String, Object> data = new HashMap<>(p);
        data.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        data.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        data.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE); // taken is delivered, in order: never expired
        Map<String, Object> probe = new HashMap<>(p);
        probe.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-status");
        probe.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis() - 1_000);
        probe.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
        this.producer = new KafkaProducer<>(data, new StringSerializer(), CtiSerdes.valueSerializer(settings.registryUrl()));
        this.probes = new KafkaProducer<>(probe, new StringSerializer(), CtiSerdes.valueSerializer(settings.registryUrl()));
        this.metrics = metrics;
    }

    @Override
    public Future<Void> publish(AgentEvent event) {
        return send(CtiTopics.AGENT_EVENTS, event.getHeader().getAgentId(), event);
    }

    @Override
    public Future<Void> publish(CommandResult result) {
        return send(CtiTopics.COMMAND_RESULTS, result.getAgentId(), result);
    }

    @Override
    public Future<Void> publish(QueueEvent event) {
        return send(CtiTopics.QUEUE_EVENTS, event.getQueueId(), event);
    }

    /** The heartbeat: tried even while the sink is down, to find out that Kafka is back. */
    @Override
    public Future<Void> publish(ConnectorStatus status) {
        Promise<Void> promise = Promise.promise();
        Consumer<Exception> done = completion(promise);
        long generation;
        synchronized (lock) {
            generation = downs;
        }
        try {
            // on a thread of its own: send() may wait for metadata (500 ms) while Kafka is away, never on an event loop
            prober.execute(() -> {
                try {
                    probes.send(new ProducerRecord<>(CtiTopics.CONNECTOR_STATUS.topicName(), status.getInstanceId(), status), (md, e) -> {
                        probed(generation, e);
                        done.accept(e);
                    });
                } catch (RuntimeException e) {
                    probed(generation, e);
                    done.accept(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.accept(new KafkaException("the sink is closed: not sent"));
        }
        return promise.future();
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    /** Called (on a sink or producer thread) each time the sink goes down: the cluster went out of reach. */
    public void onDown(Runnable listener) {
        this.onDown = listener;
    }

    /** Records held for the cluster now. */
    public int held() {
        synchronized (lock) {
            return held.size();
        }
    }

    private Future<Void> send(CtiTopics topic, String key, SpecificRecord value) {
        Promise<Void> promise = Promise.promise();
        Held record = new Held(sequence.incrementAndGet(), topic, key, value, completion(promise));
        if (heldOrFailed(record)) {
            return promise.future();
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            record.done().accept(new QueueFull("the send queue is full (" + MAX_QUEUED + "): not sent"));
            return promise.future();
        }
        try {
            sender.execute(() -> {
                try {
                    if (!heldOrFailed(record)) {
                        transmit(record);
                    }
                } finally {
                    queued.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet();
            record.done().accept(new KafkaException("the sink is closed: not sent"));
        }
        return promise.future();
    }

    /** Completes a publish on the caller's context, counted. */
    private Consumer<Exception> completion(Promise<Void> promise) {
        Context ctx = Vertx.currentContext();
        return e -> {
            Runnable complete = () -> {
                if (e == null) {
                    metrics.published();
                    promise.complete();
                } else {
                    metrics.publishFailed();
                    promise.fail(e);
                }
            };
            if (ctx != null) {
                ctx.runOnContext(v -> complete.run());
            } else {
                complete.run();
            }
        };
    }

    /**
     * Holds the record when the sink is down or older records are held (their order is kept), or
     * fails it when the sink is closed or the hold is full; false when it may be sent now.
     */
    private boolean heldOrFailed(Held record) {
        Exception refused = null;
        synchronized (lock) {
            if (closed) {
                refused = new KafkaException("the sink is closed: not sent");
            } else if (up && held.isEmpty()) {
                return false;
            } else if (held.size() >= MAX_HELD) {
                refused = new KafkaException("kafka unreachable and " + MAX_HELD + " records already held: not sent");
            } else {
                held.add(record);
                return true;
            }
        }
        record.done().accept(refused);
        return true;
    }

    /** Hands one record to the data producer (on the sender thread). */
    private void transmit(Held record) {
        try {
            producer.send(new ProducerRecord<>(record.topic().topicName(), record.key(), record.value()), (md, e) -> settled(record, e));
        } catch (RuntimeException e) {
            settled(record, e);
        }
    }

    /** What became of a data record: acknowledged, back in the hold (the cluster or its buffer could not take it), or failed alone. */
    private void settled(Held record, Exception e) {
        boolean wentDown = false;
        boolean kick;
        boolean failed = false;
        synchronized (lock) {
            if (e != null && (unreachable(e) || e instanceof BufferExhaustedException) && !closed) {
                held.add(record); // in its place: it goes out again before anything published after it
                if (!(e instanceof BufferExhaustedException)) {
                    wentDown = markDown();
                }
            } else if (e != null) {
                failed = true;
            }
            kick = kickNeeded();
        }
        if (e == null) {
            record.done().accept(null);
        } else if (failed) {
            if (!closed) {
                LOG.warn("record not sent [topic={}, key={}]: {}", record.topic().topicName(), record.key(), e.toString());
            }
            record.done().accept(e); // this record's own trouble (too large, not serializable) or a closed sink: it fails alone
        }
        after(wentDown, kick);
    }

    /** A probe's outcome: only one made after the sink last went down brings it back; one the cluster did not take makes it down. */
    private void probed(long generation, Exception e) {
        boolean wentDown = false;
        boolean cameBack = false;
        boolean kick;
        synchronized (lock) {
            if (e == null && !up && generation == downs && !closed) {
                up = true;
                healthy = true;
                cameBack = true;
            } else if (e != null && unreachable(e)) {
                wentDown = markDown();
            }
            kick = kickNeeded();
        }
        if (cameBack) {
            LOG.info("kafka answers again: sending the {} records held, oldest first", held());
        }
        after(wentDown, kick);
    }

    /** Under the lock: the sink goes down; true when it was up. */
    private boolean markDown() {
        if (!up) {
            return false;
        }
        up = false;
        healthy = false;
        downs++;
        return true;
    }

    /** Under the lock: records are held while nothing is going to send them (a drain is due). */
    private boolean kickNeeded() {
        if (up && !held.isEmpty() && !drainScheduled && !closed) {
            drainScheduled = true;
            return true;
        }
        return false;
    }

    private void after(boolean wentDown, boolean kick) {
        if (wentDown) {
            LOG.warn("kafka unreachable: holding records until it answers (at most {})", MAX_HELD);
            onDown.run();
        }
        if (kick) {
            drain();
        }
    }

    /** Sends what is held, oldest first, on the sender thread, while the sink is up. */
    private void drain() {
        try {
            sender.execute(() -> {
                while (true) {
                    Held next;
                    synchronized (lock) {
                        next = up && !closed ? held.poll() : null;
                        if (next == null) {
                            drainScheduled = false;
                            return;
                        }
                    }
                    transmit(next);
                }
            });
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                drainScheduled = false; // closed: close() fails what is held
            }
        }
    }

    /** The send queue was full: this record is lost, the cluster is not judged by it. */
    static final class QueueFull extends KafkaException {
        QueueFull(String message) {
            super(message);
        }
    }

    /** True for the errors that mean the cluster cannot be reached (metadata or delivery timed out, the network failed). */
    static boolean unreachable(Exception e) {
        return !(e instanceof QueueFull) && !(e instanceof BufferExhaustedException)
                && (e instanceof org.apache.kafka.common.errors.TimeoutException
                || e instanceof org.apache.kafka.common.errors.RetriableException
                || e instanceof org.apache.kafka.common.errors.AuthenticationException);
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        sender.shutdown();
        prober.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
            prober.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        probes.close(Duration.ofSeconds(1));
        failHeld("the sink is closed: not sent");
    }

    private void failHeld(String why) {
        List<Held> all;
        synchronized (lock) {
            all = new ArrayList<>(held);
            held.clear();
        }
        all.forEach(h -> h.done().accept(new KafkaException(why)));
    }

    /** Closes without waiting for anything in flight, as a crashed process would. */
    public void abort() {
        synchronized (lock) {
            closed = true;
            held.clear();
        }
        sender.shutdownNow();
        prober.shutdownNow();
        producer.close(Duration.ZERO);
        probes.close(Duration.ZERO);
    }
}
