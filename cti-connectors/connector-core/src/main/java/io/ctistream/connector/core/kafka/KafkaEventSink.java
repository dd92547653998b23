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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka event sink: an idempotent producer ({@code acks=all}), key = agent id (instance id for
 * status). A publish completes on the caller's context once the broker acknowledged it, and fails
 * when it was not: nothing counts as published before the ack.
 *
 * <p>Nothing here blocks an event loop: {@code send} (which waits for metadata while the cluster is
 * unreachable) runs on one sender thread, in the order publishes were made, behind a bounded queue.
 *
 * <p>Once the cluster is out of reach the sink is down and <em>holds</em> what it is given (agent
 * and queue events, command results) in publish order, up to {@link #MAX_HELD} records; a record
 * that fails because the cluster went away is held again in its place. Only the connector's status
 * (its heartbeat) is still tried: the first status acknowledged brings the sink back, and the held
 * records go out first, in order, before anything newer (issue #13: transitions during an outage
 * reach the counters). Beyond the bound a record fails at once, and the connector re-reads its
 * platform when Kafka is back.
 */
public final class KafkaEventSink implements EventSink, AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KafkaEventSink.class);
    /** Publishes waiting for the sender thread at most; beyond, a publish fails at once. */
    static final int MAX_QUEUED = 10_000;
    /** Records held while the cluster is out of reach, at most; beyond, a publish fails at once. */
    static final int MAX_HELD = 100_000;

    /** A record waiting for the cluster, in publish order ({@code seq}). */
    private record Held(long seq, CtiTopics topic, String key, SpecificRecord value, java.util.function.Consumer<Exception> done) {
    }

    private final java.util.PriorityQueue<Held> held = new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(Held::seq));
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
    private volatile Runnable onDown = () -> { };
    /** Held records sent and not yet answered: newer records wait behind them, so a failed one keeps its place (guarded by held). */
    private int draining;

    private final KafkaProducer<String, SpecificRecord> producer;
    private final ConnectorMetrics metrics;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ctistream-kafka-send");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean healthy = true;

    public KafkaEventSink(KafkaSettings settings, String clientId, ConnectorMetrics metrics) {
        Map<String, Object> p = new HashMap<>(settings.extra());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        // send() waits this long for metadata while the cluster is unreachable: on the sender thread, never an event loop
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), CtiSerdes.valueSerializer(settings.registryUrl()));
        this.metrics = metrics;
    }

    @Override
    public Future<Void> publish(AgentEvent event) {
        return send(CtiTopics.AGENT_EVENTS, event.getHeader().getAgentId(), event, false);
    }

    @Override
    public Future<Void> publish(CommandResult result) {
        return send(CtiTopics.COMMAND_RESULTS, result.getAgentId(), result, false);
    }

    @Override
    public Future<Void> publish(QueueEvent event) {
        return send(CtiTopics.QUEUE_EVENTS, event.getQueueId(), event, false);
    }

    @Override
    public Future<Void> publish(ConnectorStatus status) {
        return send(CtiTopics.CONNECTOR_STATUS, status.getInstanceId(), status, true);
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    /** Called (on the sender's or a producer thread) each time the sink turns down: the cluster went out of reach. */
    public void onDown(Runnable listener) {
        this.onDown = listener;
    }

    /** Records held for the cluster now. */
    public int held() {
        synchronized (held) {
            return held.size();
        }
    }

    /** @param probe true for the status heartbeat: tried even while the sink is down, to find out that Kafka is back */
    private Future<Void> send(CtiTopics topic, String key, SpecificRecord value, boolean probe) {
        Context ctx = Vertx.currentContext();
        Promise<Void> promise = Promise.promise();
        java.util.function.Consumer<Exception> done = e -> {
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
        Held record = new Held(probe ? -1 : sequence.incrementAndGet(), topic, key, value, done);
        if (!probe && holdIfDown(record)) {
            return promise.future();
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            done.accept(new QueueFull("the send queue is full (" + MAX_QUEUED + "): not sent"));
            return promise.future();
        }
        try {
            sender.execute(() -> {
                try {
                    if (probe || !holdIfDown(record)) {
                        transmit(record, probe);
                    }
                } finally {
                    queued.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet();
            done.accept(new KafkaException("the sink is closed: not sent"));
        }
        return promise.future();
    }

    /** Holds the record when the sink is down or others are held before it (order); false when it may go now. */
    private boolean holdIfDown(Held record) {
        synchronized (held) {
            if (healthy && held.isEmpty() && draining == 0) {
                return false;
            }
            if (held.size() >= MAX_HELD) {
                record.done().accept(new KafkaException("kafka unreachable and " + MAX_HELD + " records already held: not sent"));
                return true;
            }
            held.add(record);
            return true;
        }
    }

    /** Sends one record; its outcome decides the sink's health: only the cluster being out of reach makes it down. */
    private void transmit(Held record, boolean probe) {
        transmit(record, probe, false);
    }

    private void transmit(Held record, boolean probe, boolean drained) {
        java.util.function.Consumer<Exception> outcome = e -> {
            answered(record, probe, e);
            if (drained) {
                drainedAnswered(e == null); // last: a failed record is back in its place before newer ones may pass
            }
        };
        try {
            producer.send(new ProducerRecord<>(record.topic().topicName(), record.key(), record.value()), (md, e) -> outcome.accept(e));
        } catch (RuntimeException e) {
            outcome.accept(e);
        }
    }

    private void answered(Held record, boolean probe, Exception e) {
        if (e == null) {
            boolean wasDown = !healthy;
            healthy = true;
            record.done().accept(null);
            if (wasDown) {
                drainSoon();
            }
        } else if (unreachable(e)) {
            down();
            if (probe) {
                record.done().accept(e);
            } else {
                synchronized (held) {
                    held.add(record); // in its place: it goes out again before anything published after it
                }
            }
        } else {
            LOG.warn("record not sent [topic={}, key={}]: {}", record.topic().topicName(), record.key(), e.toString());
            record.done().accept(e); // this record's own trouble (too large, not serializable): it fails alone
        }
    }

    /** A drained record was answered: when the last one in flight is, what was held behind them goes out. */
    private void drainedAnswered(boolean sent) {
        boolean more;
        synchronized (held) {
            draining--;
            more = sent && draining == 0 && healthy && !held.isEmpty();
        }
        if (more) {
            drainSoon();
        }
    }

    private void down() {
        if (healthy) {
            healthy = false;
            LOG.warn("kafka unreachable: holding records until it answers (at most {})", MAX_HELD);
            onDown.run();
        }
    }

    /** The cluster answers again: what was held goes out, oldest first, on the sender thread. */
    private void drainSoon() {
        LOG.info("kafka answers again: sending the {} records held, oldest first", held());
        try {
            sender.execute(() -> {
                while (healthy) {
                    Held next;
                    synchronized (held) {
                        next = held.poll();
                    }
                    if (next == null) {
                        return;
                    }
                    synchronized (held) {
                        draining++;
                    }
                    transmit(next, false, true);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed: close() fails what is held
        }
    }

    /** The send queue was full: this record is lost, the cluster is not judged by it. */
    static final class QueueFull extends KafkaException {
        QueueFull(String message) {
            super(message);
        }
    }

    /** True for the errors that mean the cluster cannot be reached (metadata or delivery timed out, the network failed, we said so). */
    static boolean unreachable(Exception e) {
        return !(e instanceof QueueFull) && (e instanceof org.apache.kafka.common.errors.TimeoutException
                || e instanceof org.apache.kafka.common.errors.RetriableException
                || e instanceof org.apache.kafka.common.errors.AuthenticationException
                || (e instanceof KafkaException && String.valueOf(e.getMessage()).startsWith("kafka unreachable")));
    }

    @Override
    public void close() {
        failHeld("the sink is closed: not sent");
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    private void failHeld(String why) {
        java.util.List<Held> all;
        synchronized (held) {
            all = new java.util.ArrayList<>(held);
            held.clear();
        }
        all.forEach(h -> h.done().accept(new KafkaException(why)));
    }

    /** Closes without waiting for anything in flight, as a crashed process would. */
    public void abort() {
        synchronized (held) {
            held.clear();
        }
        sender.shutdownNow();
        producer.close(Duration.ZERO);
    }
}
