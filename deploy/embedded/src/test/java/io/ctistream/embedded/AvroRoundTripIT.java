package io.ctistream.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentEvent;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies that a canonical event goes through the real Apicurio serializer, the registry and a
 * real broker, and comes back equal through the real deserializer.
 */
@ExtendWith(CtiKafkaExtension.class)
class AvroRoundTripIT {

    @Test
    void agentEventRoundTripsThroughRegistryAndBroker(TestKafka kafka) throws Exception {
        // GIVEN the catalogue's topics, provisioned twice (the second time creates nothing)
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var plan = new TopicProvisioner.Plan(3, 2, (short) 1);
            var first = new TopicProvisioner(admin, plan).ensureAll();
            var second = new TopicProvisioner(admin, plan).ensureAll();
            assertThat(first.created().size() + first.existing().size()).isEqualTo(CtiTopics.values().length);
            assertThat(second.created()).isEmpty();
            assertThat(second.existing()).hasSize(CtiTopics.values().length);
            var description = admin.describeTopics(List.of(CtiTopics.AGENT_EVENTS.topicName())).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(description.get(CtiTopics.AGENT_EVENTS.topicName()).partitions()).hasSize(3);
        }
        AgentEvent sent = Fixtures.notReady("acme/agent-7", "0012");
        String topic = CtiTopics.AGENT_EVENTS.topicName();

        // WHEN it is produced with the Apicurio serializer, keyed by agent id
        RecordMetadata written;
        try (var producer = new KafkaProducer<String, AgentEvent>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), CtiSerdes.<AgentEvent>valueSerializer(kafka.registryUrl()))) {
            written = producer.send(new ProducerRecord<>(topic, sent.getHeader().getAgentId(), sent)).get(30, TimeUnit.SECONDS);
        }

        // THEN a fresh consumer with the Apicurio deserializer reads back the same event
        List<ConsumerRecord<String, AgentEvent>> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, AgentEvent>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "round-trip-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), CtiSerdes.<AgentEvent>valueDeserializer(kafka.registryUrl()))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.stream().noneMatch(r -> r.offset() == written.offset() && r.partition() == written.partition())
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        ConsumerRecord<String, AgentEvent> record = received.stream()
                .filter(r -> r.offset() == written.offset() && r.partition() == written.partition()).findFirst().orElseThrow();
        assertThat(record.key()).isEqualTo("acme/agent-7");
        assertThat(record.value()).isEqualTo(sent);
        assertThat(record.value().getPayload()).isInstanceOf(io.ctistream.events.AgentStateChanged.class);

        // AND the schema is in the registry under the topic strategy
        HttpResponse<String> artifact = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(kafka.registryUrl() + "/groups/default/artifacts/" + CtiTopics.AGENT_EVENTS.valueArtifactId() + "/versions/branch%3Dlatest")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(artifact.statusCode()).isEqualTo(200);
        assertThat(artifact.body()).contains("\"artifactId\":\"cti.agent-events-value\"");
    }
}
