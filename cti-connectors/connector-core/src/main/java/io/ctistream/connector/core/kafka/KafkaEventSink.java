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
 * Once a send failed the sink is down: agent events and results fail at once instead of queueing
 * behind a dead cluster, and only the connector's status (its heartbeat) still tries — the first
 * status acknowledged again brings the sink back (issue #13).
 */
public final class KafkaEventSink implements EventSink, AutoCloseable {
    /** Publishes waiting for the sender thread at most; beyond, a publish fails at once. */
    static final int MAX_QUEUED = 10_000;

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

    /** @param probe true for the status heartbeat: tried even while the sink is down, to find out that Kafka is back */
    private Future<Void> send(CtiTopics topic, String key, SpecificRecord value, boolean probe) {
        Context ctx = Vertx.currentContext();
        Promise<Void> promise = Promise.promise();
        java.util.function.Consumer<Exception> done = e -> {
            // at once, on whichever thread: the sends queued behind this one see it. Only the cluster being out
            // of reach makes the sink down; a record of its own trouble (too large, not serializable) fails alone
            if (e == null) {
                healthy = true;
            } else if (unreachable(e)) {
                healthy = false;
            }
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
        if (!healthy && !probe) {
            done.accept(new KafkaException("kafka unreachable: not sent"));
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
                    if (!healthy && !probe) {
                        done.accept(new KafkaException("kafka unreachable: not sent"));
                        return;
                    }
                    producer.send(new ProducerRecord<>(topic.topicName(), key, value), (md, e) -> done.accept(e));
                } catch (RuntimeException e) {
                    done.accept(e);
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
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    /** Closes without waiting for anything in flight, as a crashed process would. */
    public void abort() {
        sender.shutdownNow();
        producer.close(Duration.ZERO);
    }
}
