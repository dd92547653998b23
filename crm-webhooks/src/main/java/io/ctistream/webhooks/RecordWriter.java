package io.ctistream.webhooks;

import io.ctistream.schemas.CtiSerdes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The service's one Avro producer (idempotent, acks=all): dead letters to {@code cti.dead-letter}
 * and a subscription disabled by a 410 back to {@code cti.webhook-subscriptions}. {@link #send}
 * never blocks its caller's event loop: the producer's send (which may wait for metadata) runs on a
 * worker, and the returned future completes on the caller's context once the broker acknowledged.
 */
final class RecordWriter implements AutoCloseable {
    private final KafkaProducer<String, SpecificRecord> producer;

    RecordWriter(String bootstrapServers, String registryUrl, String clientId) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        this.producer = new KafkaProducer<>(c, new StringSerializer(), CtiSerdes.<SpecificRecord>valueSerializer(registryUrl));
    }

    /** Writes {@code value} under {@code key}; the future completes on {@code context} when acknowledged. */
    Future<Void> send(Context context, String topic, String key, SpecificRecord value) {
        Promise<Void> promise = Promise.promise();
        context.executeBlocking(() -> {
            producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> context.runOnContext(v -> {
                if (e == null) {
                    promise.tryComplete();
                } else {
                    promise.tryFail(e);
                }
            }));
            return null;
        }, false).onFailure(promise::tryFail);
        return promise.future();
    }

    /** Writes and waits (off any event loop). */
    void sendAndWait(String topic, String key, SpecificRecord value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
