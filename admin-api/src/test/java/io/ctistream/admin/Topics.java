package io.ctistream.admin;

import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning to its end with a consumer of the test's own (read-committed, no group): what is really on Kafka. */
final class Topics {
    private Topics() {
    }

    /** The records of {@code topic} whose key starts with {@code keyPrefix}, decoded with the registry serde. */
    static <V> List<ConsumerRecord<String, V>> records(String bootstrap, String registryUrl, CtiTopics topic, String keyPrefix) {
        return read(bootstrap, topic, keyPrefix, CtiSerdes.<org.apache.avro.specific.SpecificRecord>valueDeserializer(registryUrl));
    }

    /** The same, the values as the bytes on the broker. */
    static List<ConsumerRecord<String, byte[]>> raw(String bootstrap, CtiTopics topic, String keyPrefix) {
        return read(bootstrap, topic, keyPrefix, new ByteArrayDeserializer());
    }

    @SuppressWarnings("unchecked")
    private static <V> List<ConsumerRecord<String, V>> read(String bootstrap, CtiTopics topic, String keyPrefix, Deserializer<?> values) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, Object>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), (Deserializer<Object>) values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && r.key().startsWith(keyPrefix)) {
                        out.add((ConsumerRecord<String, V>) (ConsumerRecord<String, ?>) r);
                    }
                }
            }
        }
        return out;
    }
}
