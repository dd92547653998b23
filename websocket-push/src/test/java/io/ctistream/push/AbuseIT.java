package io.ctistream.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentState;
import io.ctistream.events.CommandResult;
import io.ctistream.events.CommandStatus;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #19: what an outside probe did to the push service, done again against the real service
 * (real sockets, the real broker). Each abuse runs while a well-behaved client (the bystander)
 * follows an agent whose state changes every 100 ms: it must keep getting its updates, and
 * {@code /health/ready} must stay 200.
 */
@ExtendWith(CtiKafkaExtension.class)
class AbuseIT {
    private static final String SECRET = "abuse-it-secret-that-is-long-enough-01";
    private static final String T = "abuse";
    private static final Jwt JWT = new Jwt(SECRET, 0);
    private static Vertx vertx;
    private static StateView view;
    private static CommandRelay relay;
    private static EventStreams events;
    private static PushServer server;
    private static KafkaProducer<String, SpecificRecord> producer;
    private static StandIn standIn;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private ScheduledExecutorService ticker;
    private WsClient bystander;
    private final AtomicLong bystanderVersion = new AtomicLong(1);

    @BeforeAll
    static void setUp(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), CtiSerdes.<SpecificRecord>valueSerializer(kafka.registryUrl()));
        for (int i = 0; i < 12; i++) {
            agent("k" + i, 1).get();
        }
        agent("a1", 1).get();
        agent("bystander", 1).get();
        vertx = Vertx.vertx();
        view = new StateView(kafka.bootstrapServers(), kafka.registryUrl()).start();
        view.loaded().get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> view.get("agent/" + T + "/bystander") != null && view.get("agent/" + T + "/k11") != null);
        relay = new CommandRelay(kafka.bootstrapServers(), kafka.registryUrl(), "abuse-it").start();
        relay.ready().get(60, TimeUnit.SECONDS);
        standIn = new StandIn(kafka.bootstrapServers(), kafka.registryUrl());
        events = new EventStreams(kafka.bootstrapServers(), kafka.registryUrl(), 50);
        // 64 KiB frames as in production; a 2 s stuck limit so that a client that never reads is let go within the test
        server = PushServer.start(vertx, new PushConfig("127.0.0.1", 0, SECRET, Duration.ofMillis(500), 64 * 1024, 500, 50, 16 * 1024,
                Duration.ofSeconds(2)), view, relay, events, new io.prometheus.metrics.model.registry.PrometheusRegistry()).await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void tearDown() throws Exception {
        server.close();
        standIn.close();
        relay.close();
        view.close();
        producer.close();
        vertx.close().await(30, TimeUnit.SECONDS); // paused test clients wait out their closing timeout
    }

    /** GIVEN a well-behaved client following an agent whose state changes every 100 ms. */
    @BeforeEach
    void bystanderFollows() {
        bystander = new WsClient(vertx, server.port()).auth("a", token("admin", "bystander-user", null, List.of(), 600));
        bystander.await("welcome", "id", "a");
        bystander.send(new JsonObject().put("op", "subscribe").put("id", "s").put("topics", new JsonArray().add("agent/" + T + "/bystander")));
        bystander.await("subscribed", "id", "s");
        bystanderVersion.set(view.get("agent/" + T + "/bystander").version());
        ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> agent("bystander", bystanderVersion.incrementAndGet()), 0, 100, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stopTicker() throws Exception {
        ticker.shutdownNow();
        bystander.ws.close().await(5, TimeUnit.SECONDS);
    }

    /** The bystander gets a newer value than it has now, and the service says it is ready. */
    private void bystanderStillServed() throws Exception {
        long seen = newestBystanderVersion();
        await().atMost(Duration.ofSeconds(5)).until(() -> newestBystanderVersion() > seen);
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as("/health/ready during the abuse").isEqualTo(200);
    }

    private long newestBystanderVersion() {
        return bystander.frames.stream().filter(f -> "state".equals(f.getString("type"))).mapToLong(f -> f.getLong("version")).max().orElse(0);
    }

    /**
     * Verifies issue #19 (1): a 64 KB subscribe holding 16,000 topics is refused as a whole with
     * one error frame (not one per topic); a request with 100 refused topics gets one error frame
     * listing them; an unsubscribe is bounded the same way.
     */
    @Test
    void oneRequestCausesAtMostOneErrorFrame() throws Exception {
        WsClient attacker = new WsClient(vertx, server.port()).auth("a", token("admin", "attacker", null, List.of(), 600));
        attacker.await("welcome", "id", "a");
        JsonArray huge = new JsonArray();
        for (int i = 0; i < 16_000; i++) {
            huge.add("x");
        }
        // WHEN thirty such frames arrive
        for (int i = 0; i < 30; i++) {
            attacker.send(new JsonObject().put("op", "subscribe").put("id", "huge").put("topics", huge));
        }
        attacker.send(new JsonObject().put("op", "unsubscribe").put("id", "hugeU").put("topics", huge));
        JsonArray hundred = new JsonArray().add("agent/" + T + "/a1");
        for (int i = 0; i < 100; i++) {
            hundred.add("nope-" + i);
        }
        attacker.send(new JsonObject().put("op", "subscribe").put("id", "hundred").put("topics", hundred));
        // THEN each request is answered once
        attacker.await("subscribed", "id", "hundred");
        bystanderStillServed();
        attacker.send(new JsonObject().put("op", "ping").put("id", "fence"));
        attacker.await("pong", "id", "fence");
        assertThat(attacker.count("error", "id", "huge")).isEqualTo(30);
        assertThat(attacker.await("error", "id", "huge").getString("code")).isEqualTo("TOO_MANY_ITEMS");
        assertThat(attacker.count("error", "id", "hugeU")).isEqualTo(1);
        assertThat(attacker.count("error", "id", "hundred")).isEqualTo(1);
        JsonObject refused = attacker.await("error", "id", "hundred");
        assertThat(refused.getString("code")).isEqualTo("BAD_TOPIC");
        assertThat(refused.getJsonArray("refused")).hasSizeLessThanOrEqualTo(100);
        assertThat(refused.getInteger("refusedCount")).isEqualTo(100);
        assertThat(refused.encode().length()).as("an error frame is bounded").isLessThan(16 * 1024);
        assertThat(attacker.await("subscribed", "id", "hundred").getJsonArray("topics").getList()).containsExactly("agent/" + T + "/a1");
    }

    /**
     * Verifies issue #19 (1): answers to a client that never reads count against its write queue
     * like state frames do: the server stops reading its requests once the queue is full (what it
     * holds stays bounded) and cuts it after the stuck limit.
     */
    @Test
    void aClientThatNeverReadsCannotMakeTheServerHoldItsAnswers() throws Exception {
        int before = server.connections();
        WsClient attacker = new WsClient(vertx, server.port()).auth("a", token("admin", "never-reads", null, List.of(), 600));
        attacker.await("welcome", "id", "a");
        attacker.ws.pause();
        JsonArray bad = new JsonArray();
        for (int i = 0; i < 100; i++) {
            bad.add("nope-" + i);
        }
        String frame = new JsonObject().put("op", "subscribe").put("topics", bad).encode();
        AtomicLong maxQueued = new AtomicLong();
        long sampler = vertx.setPeriodic(5, id -> maxQueued.accumulateAndGet(server.maxQueuedBytes(), Math::max));
        try {
            for (int i = 0; i < 2_000 && !attacker.ws.isClosed(); i++) {
                attacker.ws.writeTextMessage(frame);
            }
            bystanderStillServed();
            await().atMost(Duration.ofSeconds(20)).until(() -> server.connections() <= before); // the attacker is gone
        } finally {
            vertx.cancelTimer(sampler);
        }
        assertThat(maxQueued.get()).as("bytes the server held for a client that never reads").isLessThan(512 * 1024);
    }

    /**
     * Verifies issue #19 (2): event streams only for agents in the roster (an unknown one is
     * refused by name, no stream) and at most so many per principal, so one admin cannot take the
     * instance's streams; an agent asking for its own log afterwards gets it.
     */
    @Test
    void eventStreamsAreBoundedPerPrincipalAndOnlyForKnownAgents() throws Exception {
        WsClient admin = new WsClient(vertx, server.port()).auth("a", token("admin", "stream-hog", null, List.of(), 600));
        admin.await("welcome", "id", "a");
        JsonArray ghosts = new JsonArray();
        for (int i = 0; i < 200; i++) {
            ghosts.add("events/agent/" + T + "/ghost-" + i);
        }
        admin.send(new JsonObject().put("op", "subscribe").put("id", "ghosts").put("topics", ghosts));
        assertThat(admin.await("subscribed", "id", "ghosts").getJsonArray("topics")).isEmpty();
        assertThat(admin.await("error", "id", "ghosts").getString("code")).isEqualTo("UNKNOWN_AGENT");
        JsonArray known = new JsonArray();
        for (int i = 0; i < 12; i++) {
            known.add("events/agent/" + T + "/k" + i);
        }
        admin.send(new JsonObject().put("op", "subscribe").put("id", "known").put("topics", known));
        assertThat(admin.await("subscribed", "id", "known").getJsonArray("topics")).hasSize(10);
        assertThat(admin.await("error", "id", "known").getString("code")).isEqualTo("TOO_MANY_EVENT_STREAMS");
        bystanderStillServed();

        WsClient agent = new WsClient(vertx, server.port()).auth("a", token("agent", "agent-a1", T + "/a1", List.of(), 600));
        agent.await("welcome", "id", "a");
        agent.send(new JsonObject().put("op", "subscribe").put("id", "own").put("topics", new JsonArray().add("events/agent/" + T + "/a1")));
        assertThat(agent.await("subscribed", "id", "own").getJsonArray("topics").getList()).containsExactly("events/agent/" + T + "/a1");
        assertThat(agent.count("error", "id", "own")).isZero();
        admin.ws.close();
        agent.ws.close();
        await().atMost(Duration.ofSeconds(15)).until(() -> events.open() == 0);
    }

    /**
     * Verifies issue #19 (3): a token with a claim out of range is BAD_TOKEN and changes nothing:
     * an unauthenticated connection stays so, an authenticated one keeps its token; nothing is
     * logged at WARN or above.
     */
    @Test
    void aTokenWithAClaimOutOfRangeChangesNothing() throws Exception {
        List<JsonObject> bad = List.of(claims().put("exp", 1e16), claims().put("exp", 1e17), claims().put("exp", -5), claims().put("exp", 1.5e9 + 0.5),
                claims().put("exp", "soon"), claims().put("nbf", "now"), claims().put("nbf", 1e17), claims().put("iat", 1e17), claims().put("iat", -1),
                claims().put("iat", "x"), claims().put("teams", new JsonArray().add(1).add(new JsonObject())), claims().put("sub", 7),
                claims().put("agentId", new JsonArray()));
        try (LogCapture logs = new LogCapture()) {
            WsClient c = new WsClient(vertx, server.port());
            for (int i = 0; i < bad.size(); i++) {
                c.auth("bad" + i, JWT.sign(bad.get(i)));
                assertThat(c.await("error", "id", "bad" + i).getString("code")).as("%s", bad.get(i)).isEqualTo("BAD_TOKEN");
            }
            c.send(new JsonObject().put("op", "subscribe").put("id", "s1").put("topics", new JsonArray().add("agent/" + T + "/a1")));
            assertThat(c.await("error", "id", "s1").getString("code")).isEqualTo("NOT_AUTHENTICATED");
            c.auth("good", token("agent", "agent-a1", T + "/a1", List.of(), 600));
            String expiresAt = c.await("welcome", "id", "good").getString("expiresAt");
            for (int i = 0; i < bad.size(); i++) {
                c.auth("again" + i, JWT.sign(bad.get(i)));
                assertThat(c.await("error", "id", "again" + i).getString("code")).isEqualTo("BAD_TOKEN");
            }
            assertThat(c.count("welcome")).isEqualTo(1);
            c.send(new JsonObject().put("op", "subscribe").put("id", "s2").put("topics", new JsonArray().add("agent/" + T + "/a1")));
            assertThat(c.await("subscribed", "id", "s2").getJsonArray("topics").getList()).containsExactly("agent/" + T + "/a1");
            assertThat(c.await("welcome", "id", "good").getString("expiresAt")).isEqualTo(expiresAt);
            bystanderStillServed();
            assertThat(logs.warnings()).isEmpty();
        }
    }

    private static JsonObject claims() {
        return new JsonObject().put("sub", "agent-a1").put("tenant", T).put("role", "agent").put("agentId", T + "/a1")
                .put("exp", Instant.now().getEpochSecond() + 600);
    }

    /**
     * Verifies issue #19 (4): a message assembled from fragments beyond 4 × the frame limit closes
     * the connection with 1009, logged once; invalid UTF-8 in a text message closes it with 1007.
     */
    @Test
    void oversizedFragmentedMessagesAndInvalidUtf8CloseTheConnection() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            WsClient big = new WsClient(vertx, server.port());
            String fragment = "x".repeat(16 * 1024);
            big.ws.writeFrame(WebSocketFrame.textFrame("{\"op\":\"ping\",\"pad\":\"" + fragment, false));
            for (int i = 0; i < 62 && !big.ws.isClosed(); i++) {
                big.ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(fragment), false));
            }
            big.ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("\"}"), true));
            await().atMost(Duration.ofSeconds(10)).until(() -> big.ws.isClosed());
            assertThat(big.ws.closeStatusCode()).isEqualTo((short) 1009);
            assertThat(logs.events().stream().filter(e -> e.getFormattedMessage().contains("too large"))).hasSize(1);

            WsClient garbled = new WsClient(vertx, server.port());
            garbled.ws.writeFrame(WebSocketFrame.textFrame("{\"op\":\"ping\",\"id\":\"", false));
            garbled.ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] {(byte) 0xC3, (byte) 0x28, '"', '}'}), true));
            await().atMost(Duration.ofSeconds(10)).until(() -> garbled.ws.isClosed());
            assertThat(garbled.ws.closeStatusCode()).isEqualTo((short) 1007);
            assertThat(garbled.count("pong")).isZero();
            bystanderStillServed();
        }
    }

    /**
     * Verifies issue #19 (5): a command repeated with the same idempotency key by the same principal
     * (on another connection, after the first finished, or while it still runs) is sent to Kafka
     * once and every repeat gets the first command's id and result.
     */
    @Test
    void aRepeatedCommandWithTheSameKeyRunsOnce() throws Exception {
        String token = token("agent", "agent-a1", T + "/a1", List.of(), 600);
        JsonObject command = new JsonObject().put("op", "command").put("idempotencyKey", "retry-" + java.util.UUID.randomUUID())
                .put("command", new JsonObject().put("type", "SetState").put("state", "READY"));
        WsClient first = new WsClient(vertx, server.port()).auth("a", token);
        first.await("welcome", "id", "a");
        first.send(command.copy().put("id", "c1"));
        String commandId = first.await("result", "id", "c1").getString("commandId");
        assertThat(first.await("result", "id", "c1").getString("status")).isEqualTo("COMPLETED");
        // the answer was "lost": the client reconnects and sends the command again
        WsClient retry = new WsClient(vertx, server.port()).auth("a", token);
        retry.await("welcome", "id", "a");
        retry.send(command.copy().put("id", "c1-again"));
        assertThat(retry.await("accepted", "id", "c1-again").getString("commandId")).isEqualTo(commandId);
        assertThat(retry.await("result", "id", "c1-again").getString("status")).isEqualTo("COMPLETED");
        assertThat(retry.await("result", "id", "c1-again").getString("commandId")).isEqualTo(commandId);

        // while the first is still running: both get the one result when it comes
        standIn.hold = true;
        JsonObject slow = command.copy().put("idempotencyKey", "slow-" + java.util.UUID.randomUUID());
        retry.send(slow.copy().put("id", "s1"));
        String slowId = retry.await("accepted", "id", "s1").getString("commandId");
        await().atMost(Duration.ofSeconds(10)).until(() -> standIn.count(slowId) == 1);
        retry.send(slow.copy().put("id", "s2"));
        assertThat(retry.await("accepted", "id", "s2").getString("commandId")).isEqualTo(slowId);
        assertThat(retry.count("result", "id", "s1")).isZero();
        standIn.hold = false;
        assertThat(retry.await("result", "id", "s1").getString("status")).isEqualTo("COMPLETED");
        assertThat(retry.await("result", "id", "s2").getString("commandId")).isEqualTo(slowId);
        retry.send(new JsonObject().put("op", "ping").put("id", "fence"));
        retry.await("pong", "id", "fence");
        assertThat(standIn.count(commandId)).isEqualTo(1);
        assertThat(standIn.count(slowId)).isEqualTo(1);
        // another principal's same key is another command
        WsClient admin = new WsClient(vertx, server.port()).auth("a", token("admin", "admin-user", null, List.of(), 600));
        admin.await("welcome", "id", "a");
        admin.send(command.copy().put("id", "other").put("agentId", T + "/a1"));
        assertThat(admin.await("accepted", "id", "other").getString("commandId")).isNotEqualTo(commandId);
    }

    /**
     * Verifies issue #19 (7): closing a client that stays too slow (4008), and cutting it when it
     * does not read the close frame either, logs no WARN or ERROR (there used to be a "promise
     * already done" stack trace about 7 s later).
     */
    @Test
    void closingATooSlowClientLogsNoWarning() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            int before = server.connections();
            WsClient slow = new WsClient(vertx, server.port()).auth("a", token("admin", "slow-reader", null, List.of(), 600));
            slow.await("welcome", "id", "a");
            JsonArray topics = new JsonArray();
            for (int i = 0; i < 12; i++) {
                topics.add("agent/" + T + "/k" + i);
            }
            slow.send(new JsonObject().put("op", "subscribe").put("id", "s").put("topics", topics).put("pad", "p".repeat(40_000)));
            slow.await("subscribed", "id", "s");
            slow.ws.pause();
            for (int v = 2; v <= 300; v++) {
                for (int i = 0; i < 12; i++) {
                    agent("k" + i, v);
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> server.connections() <= before);
            // the cut comes 2 s after the close; Vert.x's own closing timeout would fire 5 s after that
            await().during(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(10)).until(() -> logs.warnings().isEmpty());
            bystanderStillServed();
        }
    }

    static String token(String role, String subject, String agentId, List<String> teams, long expiresInSeconds) {
        return JWT.sign(new JsonObject().put("sub", subject).put("tenant", T).put("role", role).put("agentId", agentId)
                .put("teams", new JsonArray(teams)).put("exp", Instant.now().getEpochSecond() + expiresInSeconds));
    }

    static java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> agent(String id, long version) {
        var s = PushIT.snapshot(id, "red", version % 2 == 0 ? AgentState.NOT_READY : AgentState.READY, version);
        s.setTenant(T);
        s.setAgentId(T + "/" + id);
        s.setTeamId(T + "/red");
        return producer.send(new ProducerRecord<>(CtiTopics.AGENT_STATE.topicName(), s.getAgentId(), s));
    }

    /** Stands in for a connector: answers commands of this test's tenant with COMPLETED, unless told to hold them. */
    static final class StandIn implements AutoCloseable {
        private final List<AgentCommand> seen = new CopyOnWriteArrayList<>();
        private final Set<String> answered = ConcurrentHashMap.newKeySet();
        private final Thread thread;
        volatile boolean hold;
        private volatile boolean running = true;
        private volatile boolean assigned;

        StandIn(String bootstrap, String registry) {
            var consumer = new KafkaConsumer<String, SpecificRecord>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "abuse-it-stand-in", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                    new StringDeserializer(), CtiSerdes.<SpecificRecord>valueDeserializer(registry));
            consumer.subscribe(List.of(CtiTopics.AGENT_COMMANDS.topicName()));
            thread = new Thread(() -> {
                try (consumer) {
                    while (running) {
                        var records = consumer.poll(Duration.ofMillis(100));
                        if (!assigned && !consumer.assignment().isEmpty()) {
                            consumer.assignment().forEach(consumer::position);
                            assigned = true;
                        }
                        for (var r : records) {
                            if (r.value() instanceof AgentCommand c && c.getTenant().equals(T)) {
                                seen.add(c);
                            }
                        }
                        if (!hold) {
                            for (AgentCommand c : seen) {
                                if (answered.add(c.getCommandId())) {
                                    producer.send(new ProducerRecord<>(CtiTopics.COMMAND_RESULTS.topicName(), c.getAgentId(), CommandResult.newBuilder()
                                            .setCommandId(c.getCommandId()).setTenant(T).setAgentId(c.getAgentId()).setStatus(CommandStatus.COMPLETED)
                                            .setCompletedAt(Instant.now()).setConnectorInstance("stand-in").build()));
                                }
                            }
                        }
                    }
                }
            }, "abuse-stand-in");
            thread.setDaemon(true);
            thread.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> assigned);
        }

        long count(String commandId) {
            return seen.stream().filter(c -> c.getCommandId().equals(commandId)).count();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }
}
