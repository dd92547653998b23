package io.ctistream.webhooks;

import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.DeadLetter;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The broker side of the webhook ITs: topics, an Avro producer for events, roster and subscriptions, and the dead letters. */
final class ItKafka implements AutoCloseable {
    /** Partitions of the agent-keyed topics in these tests: four lanes per subscription. */
    static final int PARTITIONS = 4;

    private final TestKafka kafka;
    private final KafkaProducer<String, SpecificRecord> producer;

    ItKafka(TestKafka kafka) throws Exception {
        this.kafka = kafka;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(PARTITIONS, 2, (short) 1)).ensureAll();
        }
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(c, new StringSerializer(), CtiSerdes.<SpecificRecord>valueSerializer(kafka.registryUrl()));
    }

    TestKafka kafka() {
        return kafka;
    }

    WebhookSettings settings() {
        return WebhookSettings.defaults(kafka.bootstrapServers(), kafka.registryUrl());
    }

    /** Writes and waits for the acknowledgement. */
    void put(CtiTopics topic, String key, SpecificRecord value) throws Exception {
        producer.send(new ProducerRecord<>(topic.topicName(), key, value)).get(30, TimeUnit.SECONDS);
    }

    /** Writes events in order (one producer: per-agent order on the topic) and waits for all of them. */
    void events(List<AgentEvent> events) throws Exception {
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (AgentEvent e : events) {
            sent.add(producer.send(new ProducerRecord<>(CtiTopics.AGENT_EVENTS.topicName(), e.getHeader().getAgentId(), e)));
        }
        producer.flush();
        for (var f : sent) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    void remove(CtiTopics topic, String key) throws Exception {
        producer.send(new ProducerRecord<>(topic.topicName(), key, null)).get(30, TimeUnit.SECONDS);
    }

    /** The dead letters now on the topic that match. */
    List<DeadLetter> deadLetters(Predicate<DeadLetter> match) {
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<String, DeadLetter> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                CtiSerdes.<DeadLetter>valueDeserializer(kafka.registryUrl()))) {
            String topic = CtiTopics.DEAD_LETTER.topicName();
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, DeadLetter> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && match.test(r.value())) {
                        out.add(r.value());
                    }
                }
            }
        }
        return out;
    }

    /** A plain consumer of raw bytes (no registry) from the beginning of {@code topic}. */
    KafkaConsumer<String, byte[]> rawConsumer(String topic) {
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        return consumer;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
