package io.ctistream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ctistream.events.AgentEvent;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verifies that the embedded broker and registry keep their state across a restart on the same
 * data directory: records written before are still there and still deserialize, because the
 * schema ids they carry still resolve to the same schemas.
 */
class RestartIT {
    private Path dataDir;

    @AfterEach
    void cleanUp() throws Exception {
        if (dataDir != null) {
            try (Stream<Path> walk = Files.walk(dataDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void recordsAndSchemaIdsSurviveARestart() throws Exception {
        dataDir = Files.createTempDirectory("ctistream-restart-");
        String topic = CtiTopics.AGENT_EVENTS.topicName();
        List<AgentEvent> sent = List.of(Fixtures.notReady("acme/a1", "0012"), Fixtures.notReady("acme/a2", "0003"));
        int versionsBefore;

        // GIVEN a broker and registry on a persistent directory, with two events written
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.persistent(dataDir, 0));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), "127.0.0.1", 0)) {
            provision(kafka.bootstrapServers());
            try (var producer = producer(kafka.bootstrapServers(), registry.url())) {
                for (AgentEvent e : sent) {
                    producer.send(new ProducerRecord<>(topic, e.getHeader().getAgentId(), e)).get(30, TimeUnit.SECONDS);
                }
            }
            versionsBefore = registry.versionCount();
            assertThat(versionsBefore).isPositive();
        }

        // WHEN both are started again on the same directory (new ports, empty client caches)
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.persistent(dataDir, 0));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), "127.0.0.1", 0)) {
            // THEN the registry has replayed every version
            assertThat(registry.versionCount()).isEqualTo(versionsBefore);
            // AND the old records deserialize equal
            assertThat(readAll(kafka.bootstrapServers(), registry.url(), topic, sent.size())).containsExactlyInAnyOrderElementsOf(sent);
            // AND writing the same schema again reuses the ids instead of minting new ones
            try (var producer = producer(kafka.bootstrapServers(), registry.url())) {
                producer.send(new ProducerRecord<>(topic, "acme/a3", Fixtures.notReady("acme/a3", "0001"))).get(30, TimeUnit.SECONDS);
            }
            assertThat(registry.versionCount()).isEqualTo(versionsBefore);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSecondBrokerOnTheSameDirectoryIsRefusedBeforeItTouchesTheDataAndTheFirstStopsCleanly() throws Exception {
        dataDir = Files.createTempDirectory("ctistream-lock-");
        try (EmbeddedKafka first = EmbeddedKafka.start(EmbeddedKafka.Settings.persistent(dataDir, 0))) {
            // WHEN a second broker is started on the same directory
            assertThatThrownBy(() -> EmbeddedKafka.start(EmbeddedKafka.Settings.persistent(dataDir, 0)))
                    // THEN it is refused by ctistream's own lock, before kafka's controller opens the metadata log
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the data directory [" + dataDir + "] is in use by another ctistream or kafka process: stop that one or use another data directory");
            // AND the first broker still serves
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            }
        } // AND the first still shuts down (across processes, LauncherIT shows the hang this lock prevents)
    }

    private static void provision(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(2, 1, (short) 1)).ensureAll();
        }
    }

    private static KafkaProducer<String, AgentEvent> producer(String bootstrap, String registryUrl) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), CtiSerdes.<AgentEvent>valueSerializer(registryUrl));
    }

    private static List<AgentEvent> readAll(String bootstrap, String registryUrl, String topic, int expected) {
        List<AgentEvent> events = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, AgentEvent>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "restart-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), CtiSerdes.<AgentEvent>valueDeserializer(registryUrl))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> events.add(r.value()));
                return events.size() >= expected;
            });
        }
        return events;
    }
}
