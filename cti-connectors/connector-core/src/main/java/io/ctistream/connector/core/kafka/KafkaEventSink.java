package io.ctistream.connector.core.kafka;

import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.EventSink;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.CommandResult;
import io.ctistream.events.ConnectorStatus;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka event sink: an idempotent producer ({@code acks=all}), key = agent id (instance id for
 * status). A publish completes on the caller's context once the broker acknowledged it.
 */
public final class KafkaEventSink implements EventSink, AutoCloseable {
    private final KafkaProducer<String, SpecificRecord> producer;
    private final ConnectorMetrics metrics;
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
        // send() runs on the event loop: when the cluster is unreachable it must fail fast, not block SIP work
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), CtiSerdes.valueSerializer(settings.registryUrl()));
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
    public Future<Void> publish(ConnectorStatus status) {
        return send(CtiTopics.CONNECTOR_STATUS, status.getInstanceId(), status);
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    private Future<Void> send(CtiTopics topic, String key, SpecificRecord value) {
        Context ctx = Vertx.currentContext();
        Promise<Void> promise = Promise.promise();
        try {
            producer.send(new ProducerRecord<>(topic.topicName(), key, value), (md, e) -> {
                Runnable done = () -> {
                    if (e == null) {
                        healthy = true;
                        metrics.published();
                        promise.complete();
                    } else {
                        healthy = false;
                        metrics.publishFailed();
                        promise.fail(e);
                    }
                };
                if (ctx != null) {
                    ctx.runOnContext(v -> done.run());
                } else {
                    done.run();
                }
            });
        } catch (RuntimeException e) {
            healthy = false;
            metrics.publishFailed();
            promise.fail(e);
        }
        return promise.future();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** Closes without waiting for anything in flight, as a crashed process would. */
    public void abort() {
        producer.close(Duration.ZERO);
    }
}
