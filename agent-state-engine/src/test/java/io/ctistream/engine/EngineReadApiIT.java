package io.ctistream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.LoopbackPorts;
import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.RecordTimes;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies the read API on a real broker with two instances: every instance answers for every
 * agent, team and queue (from its own store or by asking the owner), unknown ids are 404, and
 * health and metrics tell an operator what the engine is doing.
 */
@ExtendWith(CtiKafkaExtension.class)
class EngineReadApiIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyInstanceAnswersForEveryKey(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        EngineConfig base = EngineConfig.defaults(kafka.bootstrapServers(), kafka.registryUrl()).withApplicationId("engine-api-" + UUID.randomUUID())
                .withHousekeepingInterval(Duration.ofHours(1)); // no day rollover mid-test, whatever the time of day
        Vertx vertx = Vertx.vertx();
        int[] ports = LoopbackPorts.free(2);
        int portOne = ports[0];
        int portTwo = ports[1];
        try (AgentStateEngine one = AgentStateEngine.start(base.withStateDir(Files.createTempDirectory("api-one-").toString()),
                     ValueSerdes.registry(kafka.registryUrl()), "127.0.0.1:" + portOne);
             AgentStateEngine two = AgentStateEngine.start(base.withStateDir(Files.createTempDirectory("api-two-").toString()),
                     ValueSerdes.registry(kafka.registryUrl()), "127.0.0.1:" + portTwo);
             EngineHttp apiOne = EngineHttp.start(vertx, one, "0.0.0.0", portOne).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
             EngineHttp apiTwo = EngineHttp.start(vertx, two, "0.0.0.0", portTwo).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)) {
            one.awaitRunning(Duration.ofSeconds(90));
            two.awaitRunning(Duration.ofSeconds(90));

            // GIVEN twelve agents in two teams, all ready, one on a queue call
            // (a tenant of its own: the broker is shared with the other ITs of this module)
            List<AgentProfile> roster = java.util.stream.IntStream.range(0, 12).mapToObj(i -> AgentProfile.newBuilder(Scenario.profile(i, i % 2))
                    .setTenant("api").setAgentId("api/u" + i).setTeamId("api/t" + (i % 2)).setQueues(List.of("api/q0")).build()).toList();
            // (stamped from the clock: a real broker deletes what is older than retention, issue #12)
            Instant now = Instant.now();
            RecordTimes.requireKept(Clock.systemUTC(), now, now.plusSeconds(5), CtiTopics.AGENT_EVENTS);
            try (var producer = new KafkaProducer<String, SpecificRecord>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(), CtiSerdes.<SpecificRecord>valueSerializer(kafka.registryUrl()))) {
                for (AgentProfile p : roster) {
                    producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), p.getAgentId(), p));
                    AgentEvent ready = EngineDriver.event(p.getAgentId(), now, EngineDriver.state(AgentState.READY), 1L);
                    producer.send(new ProducerRecord<>(CtiTopics.AGENT_EVENTS.topicName(), p.getAgentId(), ready));
                }
                String caller = roster.get(0).getAgentId();
                producer.send(new ProducerRecord<>(CtiTopics.AGENT_EVENTS.topicName(), caller, EngineDriver.event(caller,
                        now.plusSeconds(5), EngineDriver.call("c1", io.ctistream.events.CallState.RINGING, "api/q0"), 2L)));
            }

            // THEN both instances answer for every agent, whichever owns it
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (AgentProfile p : roster) {
                    for (int port : new int[] {portOne, portTwo}) {
                        HttpResponse<String> r = get(port, "/agents/" + p.getAgentId());
                        assertThat(r.statusCode()).as("agent %s on port %d: %s", p.getAgentId(), port, r.body()).isEqualTo(200);
                        assertThat(new io.vertx.core.json.JsonObject(r.body()).getString("agentId")).isEqualTo(p.getAgentId());
                    }
                }
                assertThat(get(portTwo, "/teams/api%2Ft0").body()).contains("\"teamId\": \"api/t0\"");
                assertThat(get(portOne, "/teams/api/t1").body()).contains("\"avail\": 6");
                assertThat(get(portOne, "/queues/api/q0").body()).contains("\"offeredToday\": 1");
                assertThat(get(portTwo, "/queues/api/q0").body()).contains("\"offeredToday\": 1");
            });
            // (both instances own agents, so half of the answers above were forwarded to the owner)
            for (AgentStateEngine e : List.of(one, two)) {
                assertThat(e.streams().metadataForLocalThreads()).flatExtracting(t -> t.activeTasks()).isNotEmpty();
            }
            assertThat(new io.vertx.core.json.JsonObject(get(portOne, "/agents/" + roster.get(0).getAgentId()).body()).getString("state"))
                    .isEqualTo("RESERVED");

            // AND unknown ids are 404 with a message, on either instance
            HttpResponse<String> unknown = get(portTwo, "/agents/api/nobody");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("no agent [api/nobody]");

            // AND health and metrics
            assertThat(get(portOne, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(portTwo, "/health/live").statusCode()).isEqualTo(200);
            String metrics = get(portOne, "/metrics").body() + get(portTwo, "/metrics").body();
            assertThat(metrics).contains("ctistream_engine_records_total{outcome=\"applied\"}")
                    .contains("ctistream_engine_running 1").doesNotContain("api/")
                    .contains("jvm_memory_used_bytes{area=\"heap\"}")
                    .contains("ctistream_engine_kafka_client{group=\"producer-metrics\",name=\"record-send-rate\"}");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
