package io.ctistream.admin.roster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AdminAction;
import io.ctistream.events.AdminAudit;
import io.ctistream.events.AdminResource;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies that {@code roster import} writes through the admin API's audited path: each agent added,
 * changed or removed by an import is an {@code AdminAudit} on {@code cti.admin-audit} by
 * {@code roster-import}, with the value before and after, in the same transaction as the record.
 */
@ExtendWith(CtiKafkaExtension.class)
class RosterTopicIT {
    private final String tenant = "rti" + UUID.randomUUID().toString().substring(0, 8);
    private TestKafka kafka;

    @BeforeEach
    void topics(TestKafka kafka) throws Exception {
        this.kafka = kafka;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
    }

    /** Verifies import, change and removal each audited by roster-import, with before and after as the admin API shows an agent. */
    @Test
    void importWritesAuditRecords() throws Exception {
        RosterTopic topic = new RosterTopic(kafka.bootstrapServers(), kafka.registryUrl(), Duration.ofSeconds(30));
        Instant start = Instant.now().minusSeconds(1);

        // GIVEN three agents imported
        List<RosterEntry> three = RosterSamples.entries(tenant, 3);
        topic.apply(RosterDiff.between(topic.current(), three, false));
        assertThat(topic.current()).containsKeys(tenant + "/a1", tenant + "/a2", tenant + "/a3"); // apply returned: readers see it

        // WHEN a file with agent 2 renamed and agent 3 left out is imported with --remove-missing
        RosterEntry a2 = three.get(1);
        RosterEntry renamed = new RosterEntry(tenant, a2.agentId(), "Renamed", a2.teamId(), a2.queues(), a2.platform(), a2.platformUserId(),
                a2.hotelingGuestAddress(), a2.credentialRef(), a2.defaultNotReadyReason(), a2.timeZone(), a2.attributes());
        topic.apply(RosterDiff.between(topic.current(), List.of(three.get(0), renamed), true));

        // THEN five audit records by roster-import: three created, one updated (before and after), one deleted
        List<AdminAudit> audit = await().atMost(Duration.ofSeconds(15)).until(this::audit, a -> a.size() >= 5);
        assertThat(audit).extracting(a -> a.getAction() + " " + a.getResourceId()).containsExactlyInAnyOrder(
                "CREATED " + tenant + "/a1", "CREATED " + tenant + "/a2", "CREATED " + tenant + "/a3",
                "UPDATED " + tenant + "/a2", "DELETED " + tenant + "/a3");
        assertThat(audit).allSatisfy(a -> {
            assertThat(a.getActor()).isEqualTo(RosterTopic.ACTOR);
            assertThat(a.getTenant()).isEqualTo(tenant);
            assertThat(a.getResourceType()).isEqualTo(AdminResource.AGENT);
            assertThat(a.getAt()).isAfter(start);
        });
        AdminAudit update = audit.stream().filter(a -> a.getAction() == AdminAction.UPDATED).findFirst().orElseThrow();
        assertThat(new JsonObject(update.getBefore()).getString("displayName")).isEqualTo(a2.displayName());
        assertThat(new JsonObject(update.getAfter()).getString("displayName")).isEqualTo("Renamed");
        AdminAudit delete = audit.stream().filter(a -> a.getAction() == AdminAction.DELETED).findFirst().orElseThrow();
        assertThat(delete.getAfter()).isNull();
        assertThat(new JsonObject(delete.getBefore()).getString("agentId")).isEqualTo(tenant + "/a3");
    }

    /**
     * Verifies that an import returns only once a read-committed reader sees it: another writer's
     * transaction, open on every roster partition, holds the import's records back; the import waits
     * for it to end, and the roster read straight after shows the import.
     */
    @Test
    void importReturnsOnceReadersSeeIt() throws Exception {
        RosterTopic topic = new RosterTopic(kafka.bootstrapServers(), kafka.registryUrl(), Duration.ofSeconds(30));
        List<RosterEntry> two = RosterSamples.entries(tenant, 2);
        try (var blocker = new KafkaProducer<String, byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "blocker-" + tenant), new StringSerializer(), new ByteArraySerializer())) {
            // GIVEN another writer's transaction open on every partition of cti.agents
            blocker.initTransactions();
            blocker.beginTransaction();
            String agents = CtiTopics.AGENTS.topicName();
            for (var p : blocker.partitionsFor(agents)) {
                blocker.send(new ProducerRecord<>(agents, p.partition(), "blocker-" + tenant, null)).get();
            }

            // WHEN two agents are imported
            CompletableFuture<Void> imported = CompletableFuture.runAsync(() -> {
                try {
                    topic.apply(RosterDiff.between(Map.of(), two, false));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });

            // THEN the import does not return while readers cannot see it
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> !imported.isDone());
            blocker.abortTransaction();
            imported.get(15, TimeUnit.SECONDS);
        }
        // AND once it returned, the roster read at once has both agents
        assertThat(topic.current()).containsKeys(tenant + "/a1", tenant + "/a2");
    }

    private List<AdminAudit> audit() {
        List<AdminAudit> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, AdminAudit>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), CtiSerdes.<AdminAudit>valueDeserializer(kafka.registryUrl()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(CtiTopics.ADMIN_AUDIT.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, AdminAudit> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && r.key().startsWith(tenant + "/")) {
                        out.add(r.value());
                    }
                }
            }
        }
        return out;
    }
}
