package io.ctistream.push;

import io.ctistream.schemas.TolerantDeserializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The pusher's Kafka readers: no consumer group (each instance reads what it needs itself, by
 * assignment), no offsets committed, committed data only, and a record that cannot be read comes
 * back as {@link TolerantDeserializer.Unreadable} instead of stopping the reader.
 */
final class Readers {
    private Readers() {
    }

    static KafkaConsumer<String, Object> assigned(String bootstrapServers, String registryUrl, String clientId, Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>(extra);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return new KafkaConsumer<>(c, new StringDeserializer(), TolerantDeserializer.values(registryUrl));
    }
}
