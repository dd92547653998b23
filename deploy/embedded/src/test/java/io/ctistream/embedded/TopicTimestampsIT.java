package io.ctistream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies that the engine's two ordered inputs, {@code cti.agents} and {@code cti.agent-events},
 * are stamped by the broker (ADR 026): {@link TopicProvisioner#ensureAll()} alters a topic that
 * exists with producer time (a cluster from before the change) and a record sent with its own
 * time comes back with the broker's.
 */
@ExtendWith(CtiKafkaExtension.class)
class TopicTimestampsIT {

    @Test
    void ensureAllMakesTheBrokerStampTheRosterAndTheAgentEvents(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin, new TopicProvisioner.Plan(2, 1, (short) 1));
            provisioner.ensureAll();
            // GIVEN both topics as a cluster from before the change has them: stamped by the producers
            List<ConfigResource> stamped = List.of(topic(CtiTopics.AGENTS), topic(CtiTopics.AGENT_EVENTS));
            Map<ConfigResource, java.util.Collection<AlterConfigOp>> createTime = new java.util.HashMap<>();
            stamped.forEach(t -> createTime.put(t, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime"), AlterConfigOp.OpType.SET))));
            admin.incrementalAlterConfigs(createTime).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> timestampTypes(admin, stamped).equals(List.of("CreateTime", "CreateTime")));

            // WHEN every process's start provisions the topics again
            provisioner.ensureAll();

            // THEN both are stamped by the broker (the change reaches the broker's view shortly), and no other topic is
            await().atMost(Duration.ofSeconds(30)).until(() -> timestampTypes(admin, stamped).equals(List.of("LogAppendTime", "LogAppendTime")));
            assertThat(timestampTypes(admin, List.of(topic(CtiTopics.QUEUE_EVENTS)))).containsOnly("CreateTime");
        }

        // AND a roster record sent with a producer's time a minute behind comes back with the broker's
        long producerTime = System.currentTimeMillis() - 60_000;
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            sent = producer.send(new ProducerRecord<String, String>(CtiTopics.AGENTS.topicName(), (Integer) null, (Long) producerTime, "stamps/agent", (String) null))
                    .get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(sent.topic(), sent.partition());
            consumer.assign(List.of(tp));
            consumer.seek(tp, sent.offset());
            List<ConsumerRecord<String, String>> found = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.offset() == sent.offset()) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            ConsumerRecord<String, String> read = found.get(0);
            assertThat(read).as("the roster record sent").isNotNull();
            assertThat(read.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(read.timestamp()).isGreaterThan(producerTime);
        }
    }

    private static ConfigResource topic(CtiTopics t) {
        return new ConfigResource(ConfigResource.Type.TOPIC, t.topicName());
    }

    private static List<String> timestampTypes(Admin admin, List<ConfigResource> topics) throws Exception {
        return admin.describeConfigs(topics).all().get(30, TimeUnit.SECONDS).values().stream()
                .map(c -> c.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()).toList();
    }
}
