package io.ctistream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.LoopbackPorts;
import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.Platform;
import io.ctistream.push.Jwt;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real-deployment shape: {@code ctistream connector broadworks}, {@code ctistream engine},
 * {@code ctistream push}, {@code ctistream admin} and {@code ctistream webhooks}, each its own
 * process from the built jar, configured only by environment variables, against an external Kafka
 * and registry (here the test's broker) and a BroadWorks AS (the simulator). Each reaches ready and serves {@code /health}, {@code /version} and
 * {@code /metrics}; a change on the AS reaches a WebSocket client of the push process.
 */
@ExtendWith(CtiKafkaExtension.class)
class SeparateServicesIT {
    private static final String TENANT = "svc";
    private static final String SECRET = "separate-services-it-secret-0123456789";
    private final ServiceProcesses processes = new ServiceProcesses();

    @AfterEach
    void stop() {
        processes.close();
    }

    @Test
    void servicesFromTheEnvironmentCarryAChangeFromTheAsToASocket(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        try (BroadWorksSimulator as = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0));
             var producer = new KafkaProducer<String, AgentProfile>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                     new StringSerializer(), CtiSerdes.<AgentProfile>valueSerializer(kafka.registryUrl()))) {
            as.addUser(new BroadWorksSimulator.UserSpec("svc-a1", false, Map.of(), "sip-secret-a1"));
            producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), TENANT + "/a1", AgentProfile.newBuilder().setTenant(TENANT)
                    .setAgentId(TENANT + "/a1").setDisplayName("Agent One").setTeamId(TENANT + "/red").setQueues(List.of())
                    .setPlatform(Platform.BROADWORKS).setPlatformUserId("svc-a1@" + as.domain()).setCredentialRef("a1").build())).get();

            Path credentials = Files.createTempFile("credentials", ".properties");
            Files.writeString(credentials, "a1.sipPassword=sip-secret-a1\n");
            Path state = Files.createTempDirectory("engine-state-");
            int[] ports = LoopbackPorts.free(5);
            int connectorHttp = ports[0];
            int engineHttp = ports[1];
            int pushHttp = ports[2];
            int adminHttp = ports[3];
            int webhooksHttp = ports[4];
            Map<String, String> common = Map.of("CTISTREAM_KAFKA_BOOTSTRAP", kafka.bootstrapServers(), "CTISTREAM_REGISTRY_URL", kafka.registryUrl());
            launch("connector", common, Map.of("CTISTREAM_BW_OUTBOUND_PROXY", "127.0.0.1:" + as.port(), "CTISTREAM_BW_BIND_HOST", "127.0.0.1",
                    "CTISTREAM_BW_BIND_PORT", "0", "CTISTREAM_CONNECTOR_HTTP_HOST", "127.0.0.1", "CTISTREAM_CONNECTOR_HTTP_PORT", Integer.toString(connectorHttp),
                    "CTISTREAM_CONNECTOR_TENANTS", TENANT, "CTISTREAM_CONNECTOR_INSTANCE_ID", "bw-svc-1",
                    "CTISTREAM_BW_CREDENTIALS_FILE", credentials.toString()), "connector", "broadworks");
            launch("engine", common, Map.of("CTISTREAM_ENGINE_HTTP_HOST", "127.0.0.1", "CTISTREAM_ENGINE_HTTP_PORT", Integer.toString(engineHttp),
                    "CTISTREAM_ENGINE_STATE_DIR", state.toString(), "CTISTREAM_ENGINE_APPLICATION_ID", "svc-engine"), "engine");
            launch("push", common, Map.of("CTISTREAM_PUSH_HOST", "127.0.0.1", "CTISTREAM_PUSH_PORT", Integer.toString(pushHttp),
                    "CTISTREAM_PUSH_JWT_SECRET", SECRET), "push");
            // issue #18: the admin API and the CRM webhooks, each its own process too
            launch("admin", common, Map.of("CTISTREAM_ADMIN_HOST", "127.0.0.1", "CTISTREAM_ADMIN_PORT", Integer.toString(adminHttp),
                    "CTISTREAM_ADMIN_JWT_SECRET", SECRET, "CTISTREAM_ADMIN_INSTANCE_ID", "svc-admin"), "admin");
            launch("webhooks", common, Map.of("CTISTREAM_WEBHOOKS_HTTP_HOST", "127.0.0.1", "CTISTREAM_WEBHOOKS_HTTP_PORT", Integer.toString(webhooksHttp),
                    "CTISTREAM_WEBHOOKS_INSTANCE_ID", "svc-webhooks"), "webhooks");

            for (int port : new int[] {connectorHttp, engineHttp, pushHttp, adminHttp, webhooksHttp}) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .failFast("a service exited", processes::anyExited)
                        .until(() -> get(port, "/health/ready").statusCode() == 200);
            }
            assertThat(new JsonObject(get(connectorHttp, "/version").body()).getString("service")).isEqualTo("connector-broadworks");
            assertThat(new JsonObject(get(pushHttp, "/version").body()).getString("service")).isEqualTo("websocket-push");
            assertThat(new JsonObject(get(adminHttp, "/version").body()).getString("service")).isEqualTo("admin-api");
            assertThat(new JsonObject(get(webhooksHttp, "/version").body()).getString("service")).isEqualTo("crm-webhooks");
            assertThat(get(webhooksHttp, "/metrics").body()).contains("ctistream_webhooks_subscriptions{state=\"running\"} 0");
            // the admin API reads the roster the connector serves, for an admin token of its tenant
            String adminToken = new Jwt(SECRET, 0).sign(new JsonObject().put("sub", "ops").put("tenant", TENANT).put("role", "admin")
                    .put("exp", Instant.now().getEpochSecond() + 600));
            HttpResponse<String> agents = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + adminHttp + "/api/v1/tenants/" + TENANT + "/agents"))
                    .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(agents.statusCode()).as(agents.body()).isEqualTo(200);
            assertThat(agents.body()).contains(TENANT + "/a1");
            // ready does not wait for the roster: the agent is owned a moment later
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(connectorHttp, "/metrics").body())
                    .contains("ctistream_connector_agents_owned 1").contains("jvm_memory_used_bytes")
                    .contains("ctistream_kafka_client{group=\"producer-metrics\",name=\"record-send-rate\"}"));
            assertThat(get(engineHttp, "/metrics").body()).contains("ctistream_engine_running 1");
            assertThat(get(pushHttp, "/metrics").body()).contains("ctistream_push_connections").contains("jvm_threads_current")
                    .contains("ctistream_kafka_client{group=\"consumer-fetch-manager-metrics\",name=\"records-lag-max\"}");

            Vertx vertx = Vertx.vertx();
            try {
                WebSocketClient client = vertx.createWebSocketClient();
                WebSocket ws = client.connect(pushHttp, "127.0.0.1", "/ws").await(10, TimeUnit.SECONDS);
                List<JsonObject> frames = new CopyOnWriteArrayList<>();
                ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
                ws.writeTextMessage(new JsonObject().put("op", "auth").put("token", new Jwt(SECRET, 0).sign(new JsonObject().put("sub", "ops")
                        .put("tenant", TENANT).put("role", "admin").put("exp", Instant.now().getEpochSecond() + 600))).encode());
                ws.writeTextMessage(new JsonObject().put("op", "subscribe").put("topics", new JsonArray().add("agent/" + TENANT + "/a1")).encode());
                as.setAgentState("svc-a1", "ready", null);
                await().atMost(Duration.ofSeconds(60)).until(() -> frames.stream().anyMatch(f -> "state".equals(f.getString("type"))
                        && "READY".equals(f.getJsonObject("data").getString("state")) && f.getJsonObject("freshness").getBoolean("live")));
                // the SIP subscriptions by package and state, and this socket's subscription
                assertThat(get(connectorHttp, "/metrics").body()).contains("ctistream_connector_links{channel=\"as-feature-event\",state=\"ACTIVE\"} 1")
                        .contains("ctistream_connector_links{channel=\"as-feature-event\",state=\"LOST\"} 0");
                assertThat(get(pushHttp, "/metrics").body()).contains("ctistream_push_subscriptions{kind=\"agent\"} 1");
                client.close();
            } finally {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    private void launch(String name, Map<String, String> common, Map<String, String> env, String... command) throws IOException {
        Map<String, String> all = new HashMap<>(common);
        all.putAll(env);
        processes.launch(name, all, command);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return ServiceProcesses.get(port, path);
    }
}
