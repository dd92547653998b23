package io.ctistream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.SchemaRegistrar;
import io.ctistream.schemas.TopicProvisioner;
import io.vertx.core.json.JsonObject;
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
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies that a canonical event goes through the real Apicurio serializer, the registry and a
 * real broker, and comes back equal through the real deserializer: in ctistream's own mode (one
 * self-contained schema per topic, registered ahead by {@link SchemaRegistrar}) and in the
 * serde's stock mode (nested types registered as separate artifacts and referenced).
 */
@ExtendWith(CtiKafkaExtension.class)
class AvroRoundTripIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOPIC = CtiTopics.AGENT_EVENTS.topicName();

    @BeforeAll
    static void provisionTopics(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var plan = new TopicProvisioner.Plan(3, 2, (short) 1);
            var first = new TopicProvisioner(admin, plan).ensureAll();
            var second = new TopicProvisioner(admin, plan).ensureAll();
            assertThat(first.created().size() + first.existing().size()).isEqualTo(CtiTopics.values().length);
            assertThat(second.created()).isEmpty();
            assertThat(second.existing()).hasSize(CtiTopics.values().length);
            var description = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(description.get(TOPIC).partitions()).hasSize(3);
        }
    }

    @Test
    void ctistreamSerdesRoundTripAgainstPreRegisteredSchemas(TestKafka kafka) throws Exception {
        // GIVEN every topic's value schema registered ahead, twice (the second time changes nothing)
        var registrar = new SchemaRegistrar(kafka.registryUrl());
        var first = registrar.registerAll();
        var second = registrar.registerAll();
        assertThat(second).isEqualTo(first);
        long globalId = first.stream().filter(r -> r.topic() == CtiTopics.AGENT_EVENTS).findFirst().orElseThrow().globalId();
        AgentEvent sent = Fixtures.notReady("acme/agent-7", "0012");

        // WHEN it is produced with ctistream's serializer, keyed by agent id, and read back
        ConsumerRecord<String, AgentEvent> record = roundTrip(kafka, sent,
                CtiSerdes.valueSerializer(kafka.registryUrl()), CtiSerdes.valueDeserializer(kafka.registryUrl()));

        // THEN the same event comes back, under its key
        assertThat(record.key()).isEqualTo("acme/agent-7");
        assertThat(record.value()).isEqualTo(sent);
        assertThat(record.value().getPayload()).isInstanceOf(AgentStateChanged.class);
        // AND the producer found the pre-registered version instead of adding one
        JsonObject latest = new JsonObject(get(kafka, "/groups/default/artifacts/" + CtiTopics.AGENT_EVENTS.valueArtifactId() + "/versions/branch%3Dlatest"));
        assertThat(latest.getLong("globalId")).isEqualTo(globalId);
        assertThat(new JsonObject(get(kafka, "/groups/default/artifacts/" + CtiTopics.AGENT_EVENTS.valueArtifactId() + "/versions")).getInteger("count")).isEqualTo(1);
    }

    @Test
    void stockSerdeModeWithReferencesRoundTrips(TestKafka kafka) throws Exception {
        // GIVEN the serde as shipped: nested named types become referenced artifacts
        Map<String, Object> config = CtiSerdes.registryConfig(kafka.registryUrl());
        config.put(CtiSerdes.DEREFERENCE_SCHEMA, false);
        config.put("apicurio.registry.artifact.artifact-id", "stock-mode-agent-event");
        AvroKafkaSerializer<AgentEvent> serializer = new AvroKafkaSerializer<>();
        serializer.configure(config, false);
        AvroKafkaDeserializer<AgentEvent> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(config, false);
        AgentEvent sent = Fixtures.notReady("acme/agent-8", "0003");

        // WHEN it round-trips
        ConsumerRecord<String, AgentEvent> record = roundTrip(kafka, sent, serializer, deserializer);

        // THEN it comes back equal, and the nested header type was stored as its own artifact
        assertThat(record.value()).isEqualTo(sent);
        assertThat(get(kafka, "/groups/default/artifacts/io.ctistream.events.EventHeader/versions/branch%3Dlatest")).contains("\"contentId\"");
        JsonObject parent = new JsonObject(get(kafka, "/groups/default/artifacts/stock-mode-agent-event/versions/branch%3Dlatest"));
        assertThat(get(kafka, "/ids/globalIds/" + parent.getLong("globalId") + "/references")).contains("io.ctistream.events.EventHeader");
    }

    private static ConsumerRecord<String, AgentEvent> roundTrip(TestKafka kafka, AgentEvent sent,
            Serializer<AgentEvent> serializer, Deserializer<AgentEvent> deserializer) throws Exception {
        RecordMetadata written;
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), serializer)) {
            written = producer.send(new ProducerRecord<>(TOPIC, sent.getHeader().getAgentId(), sent)).get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, AgentEvent>> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "round-trip-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(TOPIC));
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return received.stream().anyMatch(r -> r.partition() == written.partition() && r.offset() == written.offset());
            });
        }
        return received.stream().filter(r -> r.partition() == written.partition() && r.offset() == written.offset()).findFirst().orElseThrow();
    }

    private static String get(TestKafka kafka, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(kafka.registryUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
        return response.body();
    }
}
