package io.ctistream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.LoopbackPorts;
import io.ctistream.events.AgentProfile;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.settings.ConfigSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Verifies that {@code ctistream demo} provisions its teams and queues through the admin API (issue #18),
 * so that an operator's admin token can add an agent to a demo team, and that a restart on the same data
 * directory provisions nothing again.
 */
class DemoProvisioningIT {
    private static final String NEW_AGENT = DemoRoster.TENANT + "/newhire";
    private static final String TEAM = DemoRoster.TENANT + "/sales";
    private static final String QUEUE = DemoRoster.TENANT + "/support";
    private static final List<String> RESOURCE_TOPICS = List.of(CtiTopics.TEAMS.topicName(), CtiTopics.QUEUES.topicName());

    private final HttpClient http = HttpClient.newHttpClient();
    private AllInOne demo;

    @AfterEach
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    /** Verifies that an agent created through the admin API in a demo team is answered 201 and reaches cti.agents, and a restart rewrites no team or queue. */
    @Test
    void anAgentJoinsADemoTeamThroughTheAdminApiAndARestartProvisionsNothingAgain() throws Exception {
        // GIVEN the demo on a fresh data directory
        Path dataDir = Files.createTempDirectory("ctistream-demo-provisioning-");
        int[] ports = LoopbackPorts.free(6);
        ConfigSource config = ConfigSource.from(Map.of(
                EmbeddedConfig.DATA_DIR, dataDir.toString(),
                EmbeddedConfig.KAFKA_PORT, Integer.toString(ports[0]),
                EmbeddedConfig.REGISTRY_PORT, Integer.toString(ports[1]),
                EmbeddedConfig.AGENT_PARTITIONS, "2",
                EmbeddedConfig.DEMO_CALLS_PER_MINUTE, "0",
                "CTISTREAM_ENGINE_HTTP_PORT", Integer.toString(ports[2]),
                "CTISTREAM_PUSH_PORT", Integer.toString(ports[3]),
                "CTISTREAM_ADMIN_PORT", Integer.toString(ports[4]),
                EmbeddedConfig.DEMO_CRM_PORT, Integer.toString(ports[5])));
        demo = AllInOne.start(config, true);
        String token = demo.adminToken(Duration.ofMinutes(10));
        String api = "http://127.0.0.1:" + demo.adminPort() + "/api/v1/tenants/" + DemoRoster.TENANT;

        // THEN the admin API knows the roster's teams and queues
        EmbeddedConfig embedded = EmbeddedConfig.from(config);
        assertThat(ids(get(api + "/teams", token), "teamId")).containsExactlyInAnyOrderElementsOf(DemoRoster.teamIds(embedded.demoTeams()));
        assertThat(ids(get(api + "/queues", token), "queueId")).containsExactlyInAnyOrderElementsOf(DemoRoster.queueIds(embedded.demoTeams(), embedded.demoQueues()));

        // WHEN an operator adds an agent to a demo team with the admin token
        JsonObject agent = new JsonObject().put("agentId", NEW_AGENT).put("displayName", "New Hire").put("teamId", TEAM)
                .put("queues", new JsonArray().add(QUEUE)).put("platform", "BROADWORKS").put("platformUserId", "newhire@" + DemoRoster.DOMAIN);
        HttpResponse<String> created = send("POST", api + "/agents", token, agent);

        // THEN it is created and reaches the roster topic, in that team
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(roster(demo.bootstrapServers(), demo.registryUrl()))
                .hasEntrySatisfying(NEW_AGENT, p -> assertThat(p.getTeamId()).isEqualTo(TEAM)));
        Map<TopicPartition, Long> before = endOffsets(demo.bootstrapServers());

        // WHEN the demo restarts on the same data directory
        demo.close();
        demo = null;
        demo = AllInOne.start(config, true);

        // THEN it writes no team or queue again, and the admin API still knows them all
        assertThat(endOffsets(demo.bootstrapServers())).as("end offsets of %s", RESOURCE_TOPICS).isEqualTo(before);
        String again = demo.adminToken(Duration.ofMinutes(10));
        assertThat(ids(get(api + "/teams", again), "teamId")).containsExactlyInAnyOrderElementsOf(DemoRoster.teamIds(embedded.demoTeams()));
        assertThat(ids(get(api + "/queues", again), "queueId")).containsExactlyInAnyOrderElementsOf(DemoRoster.queueIds(embedded.demoTeams(), embedded.demoQueues()));
    }

    private static List<String> ids(JsonObject list, String idField) {
        return list.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString(idField)).sorted().toList();
    }

    private JsonObject get(String url, String token) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " " + response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private HttpResponse<String> send(String method, String url, String token, JsonObject body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("authorization", "Bearer " + token).header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** cti.agents as a read-committed reader sees it now: agent id to its latest profile. */
    private static Map<String, AgentProfile> roster(String bootstrap, String registryUrl) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<String, AgentProfile>(config, new StringDeserializer(), CtiSerdes.<AgentProfile>valueDeserializer(registryUrl))) {
            List<TopicPartition> partitions = consumer.partitionsFor(CtiTopics.AGENTS.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<String, AgentProfile> roster = new java.util.HashMap<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, AgentProfile> r : consumer.poll(Duration.ofMillis(500))) {
                    roster.put(r.key(), r.value());
                }
            }
            return roster;
        }
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(RESOURCE_TOPICS).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }
}
