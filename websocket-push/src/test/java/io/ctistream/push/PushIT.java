package io.ctistream.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AgentState;
import io.ctistream.events.DailyCounters;
import io.ctistream.events.Freshness;
import io.ctistream.events.LinkState;
import io.ctistream.events.WallboardCategory;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WebSocket API over loopback with a real client, the state topics on the real broker:
 * auth (bad, expired, in-band replacement), scopes, malformed and oversized frames (error frame,
 * connection alive), subscribe → full state then updates in version order, resume with versions.
 */
@ExtendWith(CtiKafkaExtension.class)
class PushIT {
    private static final String SECRET = "push-it-secret-that-is-long-enough-0001";
    private static final String T = "pushit";
    private static Vertx vertx;
    private static StateView view;
    private static PushServer server;
    private static EventStreams events;
    private static CommandRelay relay;
    private static StandIn standIn;
    private static KafkaProducer<String, SpecificRecord> producer;
    private static final Jwt JWT = new Jwt(SECRET, 0);

    @BeforeAll
    static void setUp(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), CtiSerdes.<SpecificRecord>valueSerializer(kafka.registryUrl()));
        agent("a1", "red", AgentState.READY, 1);
        agent("a2", "blue", AgentState.NOT_READY, 1);
        vertx = Vertx.vertx();
        view = new StateView(kafka.bootstrapServers(), kafka.registryUrl()).start();
        view.loaded().get(60, TimeUnit.SECONDS);
        relay = new CommandRelay(kafka.bootstrapServers(), kafka.registryUrl(), "push-it").start();
        relay.ready().get(60, TimeUnit.SECONDS);
        standIn = new StandIn(kafka.bootstrapServers(), kafka.registryUrl());
        events = new EventStreams(kafka.bootstrapServers(), kafka.registryUrl(), 10);
        server = PushServer.start(vertx, new PushConfig("127.0.0.1", 0, SECRET, Duration.ofSeconds(1), 4096, 12, 5, 16 * 1024, Duration.ofSeconds(60)),
                view, relay, events, new io.prometheus.metrics.model.registry.PrometheusRegistry()).await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void tearDown() throws Exception {
        server.close();
        standIn.close();
        relay.close();
        view.close();
        producer.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static void agent(String id, String team, AgentState state, long version) throws Exception {
        agentAsync(id, team, state, version).get();
    }

    static java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> agentAsync(String id, String team, AgentState state,
                                                                                                  long version) {
        AgentSnapshot s = snapshot(id, team, state, version);
        return producer.send(new ProducerRecord<>(CtiTopics.AGENT_STATE.topicName(), s.getAgentId(), s));
    }

    static AgentSnapshot snapshot(String id, String team, AgentState state, long version) {
        Instant now = Instant.now();
        return AgentSnapshot.newBuilder().setTenant(T).setAgentId(T + "/" + id).setTeamId(T + "/" + team).setState(state)
                .setCategory(state == AgentState.READY ? WallboardCategory.AVAIL : WallboardCategory.AUX).setStateSince(now)
                .setLink(LinkState.ACTIVE).setFreshness(Freshness.LIVE)
                .setToday(DailyCounters.newBuilder().setDay(now.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString()).setCallsHandled(0).setTalkTimeMillis(0).setHoldTimeMillis(0)
                        .setWrapUpTimeMillis(0).setNotReadyTimeMillis(0).build())
                .setVersion(version).setUpdatedAt(now).build();
    }

    static String token(String role, String agentId, List<String> teams, long expiresInSeconds) {
        return JWT.sign(new JsonObject().put("sub", "user-" + role).put("tenant", T).put("role", role).put("agentId", agentId)
                .put("teams", new JsonArray(teams)).put("exp", Instant.now().getEpochSecond() + expiresInSeconds));
    }

    /** A connected test client that records every frame it receives. */
    static final class Client {
        /** Kept: Vert.x closes a client's connections once the client object is collected. */
        final WebSocketClient client;
        final WebSocket ws;
        final List<JsonObject> frames = new CopyOnWriteArrayList<>();

        Client() throws Exception {
            this(server.port());
        }

        Client(int port) throws Exception {
            // a small receive buffer, so that a paused client pushes back on the server quickly
            client = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions().setReceiveBufferSize(8192));
            ws = client.connect(port, "127.0.0.1", "/ws").await(10, TimeUnit.SECONDS);
            ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
        }

        void send(JsonObject frame) {
            ws.writeTextMessage(frame.encode());
        }

        JsonObject await(String type, String predicateKey, Object value) {
            try {
                return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> frames.stream()
                        .filter(f -> type.equals(f.getString("type")) && (predicateKey == null || value.equals(f.getValue(predicateKey))))
                        .reduce((a, b) -> b).orElse(null), f -> f != null);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no " + type + " frame with " + predicateKey + "=" + value + " among " + frames
                        + " (closed=" + ws.isClosed() + ", server sessions=" + server.connections() + ")", e);
            }
        }

        long count(String type) {
            return frames.stream().filter(f -> type.equals(f.getString("type"))).count();
        }
    }

    /** Verifies auth: a bad token and an expired one get error frames on a connection that stays usable; a good one gets welcome. */
    @Test
    void authentication() throws Exception {
        Client c = new Client();
        c.send(new JsonObject().put("op", "subscribe").put("id", "s0").put("topics", new JsonArray().add("agent/" + T + "/a1")));
        assertThat(c.await("error", "id", "s0").getString("code")).isEqualTo("NOT_AUTHENTICATED");
        c.send(new JsonObject().put("op", "auth").put("id", "1").put("token", "x.y.z"));
        assertThat(c.await("error", "id", "1").getString("code")).isEqualTo("BAD_TOKEN");
        c.send(new JsonObject().put("op", "auth").put("id", "2").put("token", token("agent", T + "/a1", List.of(), -60)));
        assertThat(c.await("error", "id", "2").getString("code")).isEqualTo("TOKEN_EXPIRED");
        // issue #19 (3): time claims out of range are bad tokens, answered, and leave the connection unauthenticated
        for (double exp : new double[] {1e16, 1e17}) {
            String id = "range-" + (long) Math.log10(exp);
            c.send(new JsonObject().put("op", "auth").put("id", id).put("token", JWT.sign(new JsonObject().put("sub", "user-agent").put("tenant", T)
                    .put("role", "agent").put("agentId", T + "/a1").put("exp", exp))));
            assertThat(c.await("error", "id", id).getString("code")).isEqualTo("BAD_TOKEN");
        }
        c.send(new JsonObject().put("op", "subscribe").put("id", "s1").put("topics", new JsonArray().add("agent/" + T + "/a1")));
        assertThat(c.await("error", "id", "s1").getString("code")).isEqualTo("NOT_AUTHENTICATED");
        c.send(new JsonObject().put("op", "auth").put("id", "3").put("token", token("agent", T + "/a1", List.of(), 600)));
        assertThat(c.await("welcome", "id", "3").getString("role")).isEqualTo("agent");
        // in-band replacement before expiry
        c.send(new JsonObject().put("op", "auth").put("id", "4").put("token", token("agent", T + "/a1", List.of(), 1200)));
        assertThat(c.await("welcome", "id", "4").getBoolean("replaced")).isTrue();
        assertThat(c.ws.isClosed()).isFalse();
    }

    /** Verifies subscribe → full state, then updates in version order; scope violations and bad frames get error frames; heartbeats flow. */
    @Test
    void subscribeScopesAndBadFrames() throws Exception {
        Client c = new Client();
        c.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("agent", T + "/a1", List.of(), 600)));
        c.await("welcome", "id", "a");
        c.send(new JsonObject().put("op", "subscribe").put("id", "s1").put("topics", new JsonArray().add("agent/" + T + "/a1")));
        JsonObject first = c.await("state", "topic", "agent/" + T + "/a1");
        assertThat(first.getLong("version")).isEqualTo(1);
        assertThat(first.getJsonObject("data").getString("state")).isEqualTo("READY");
        assertThat(first.getJsonObject("freshness").getBoolean("live")).isTrue();
        // updates arrive in version order, ending with the newest (two changes close together may be merged into the newer)
        agent("a1", "red", AgentState.NOT_READY, 2);
        agent("a1", "red", AgentState.READY, 3);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(c.frames.stream().filter(f -> "state".equals(f.getString("type")))
                .map(f -> f.getLong("version")).toList()).startsWith(1L).endsWith(3L).isSorted().doesNotHaveDuplicates());
        // another agent is out of an agent token's scope; the connection stays
        c.send(new JsonObject().put("op", "subscribe").put("id", "s2").put("topics", new JsonArray().add("agent/" + T + "/a2")));
        assertThat(c.await("error", "id", "s2").getString("code")).isEqualTo("FORBIDDEN");
        c.send(new JsonObject().put("op", "subscribe").put("id", "s3").put("topics", new JsonArray().add("team/other/red")));
        assertThat(c.await("error", "id", "s3").getString("code")).isEqualTo("FORBIDDEN");
        c.ws.writeTextMessage("{not json");
        c.await("error", "code", "BAD_JSON");
        c.ws.writeTextMessage(new JsonObject().put("op", "ping").put("pad", "x".repeat(5000)).encode());
        c.await("error", "code", "FRAME_TOO_LARGE");
        // the limit is in bytes as sent: 3,000 characters of 'é' are 6,000 bytes
        c.ws.writeTextMessage(new JsonObject().put("op", "ping").put("id", "accented").put("pad", "é".repeat(3000)).encode());
        await().atMost(Duration.ofSeconds(15)).until(() -> c.frames.stream().filter(f -> "FRAME_TOO_LARGE".equals(f.getString("code"))).count() == 2);
        c.send(new JsonObject().put("op", "ping").put("id", "p"));
        c.await("pong", "id", "p");
        await().atMost(Duration.ofSeconds(5)).until(() -> c.count("heartbeat") >= 1);
        assertThat(c.ws.isClosed()).isFalse();
    }

    /**
     * Verifies the welcome names the token's agent and teams, and that a wallboard's {@code team/*}
     * and {@code queue/*} deliver every team and queue of its tenant, including ones that appear
     * later, and nothing of another tenant; an agent token may not use a wildcard.
     */
    @Test
    void wildcardsDeliverTheTenantsTeamsAndQueues() throws Exception {
        team("green", 1);
        team("other-tenant-team", 1, "elsewhere");
        await().atMost(Duration.ofSeconds(30)).until(() -> view.get("team/elsewhere/other-tenant-team") != null);
        Client c = new Client();
        c.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("wallboard", null, List.of(T + "/green", T + "/red"), 600)));
        JsonObject welcome = c.await("welcome", "id", "a");
        assertThat(welcome.getJsonArray("teams").getList()).containsExactly(T + "/green", T + "/red");
        c.send(new JsonObject().put("op", "subscribe").put("id", "w").put("topics", new JsonArray().add("team/*").add("queue/*")));
        assertThat(c.await("subscribed", "id", "w").getJsonArray("topics").getList()).containsExactly("team/*", "queue/*");
        assertThat(c.await("state", "topic", "team/" + T + "/green").getJsonObject("data").getJsonObject("counts").getInteger("avail")).isEqualTo(1);
        team("violet", 3); // appears after the subscription
        assertThat(c.await("state", "topic", "team/" + T + "/violet").getLong("version")).isEqualTo(3);
        assertThat(c.frames).noneMatch(f -> String.valueOf(f.getString("topic")).contains("elsewhere"));

        Client agentClient = new Client();
        agentClient.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("agent", T + "/a1", List.of(), 600)));
        assertThat(agentClient.await("welcome", "id", "a").getString("agentId")).isEqualTo(T + "/a1");
        agentClient.send(new JsonObject().put("op", "subscribe").put("id", "w").put("topics", new JsonArray().add("team/*")));
        assertThat(agentClient.await("error", "id", "w").getString("code")).isEqualTo("FORBIDDEN");
    }

    /** Verifies connections per principal are bounded with a clear error and close code, and a freed slot can be used again. */
    @Test
    void connectionsPerPrincipalAreLimited() throws Exception {
        try (PushServer limited = PushServer.start(vertx, PushConfig.defaults("127.0.0.1", 0, SECRET).withConnectionsPerPrincipal(2), view, relay)
                .await(30, TimeUnit.SECONDS)) {
            String token = token("agent", T + "/a1", List.of(), 600);
            List<Client> clients = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Client c = new Client(limited.port());
                c.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token));
                clients.add(c);
                if (i < 2) {
                    c.await("welcome", "id", "a");
                }
            }
            assertThat(clients.get(2).await("error", "id", "a").getString("code")).isEqualTo("TOO_MANY_CONNECTIONS");
            await().atMost(Duration.ofSeconds(10)).until(() -> clients.get(2).ws.isClosed());
            assertThat(clients.get(2).ws.closeStatusCode()).isEqualTo((short) 4009);
            // another user is not affected; a freed slot is usable again
            Client other = new Client(limited.port());
            other.send(new JsonObject().put("op", "auth").put("id", "a").put("token", JWT.sign(new JsonObject().put("sub", "another-user")
                    .put("tenant", T).put("role", "agent").put("agentId", T + "/a2").put("exp", Instant.now().getEpochSecond() + 600))));
            other.await("welcome", "id", "a");
            clients.get(0).ws.close().await(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> limited.connections() == 2);
            Client again = new Client(limited.port());
            again.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token));
            again.await("welcome", "id", "a");
        }
    }

    /**
     * Verifies {@code events/agent/{id}}: resumed after an offset, the agent's events arrive in
     * order with their offsets (none of another agent's), then new ones live; out of scope is refused.
     */
    @Test
    void agentEventLogResumesByOffset() throws Exception {
        long first = agentEvent("a1", AgentState.NOT_READY, "0012");
        agentEvent("a2", AgentState.READY, null); // same topic, another agent
        long second = agentEvent("a1", AgentState.READY, null);
        Client c = new Client();
        c.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("agent", T + "/a1", List.of(), 600)));
        c.await("welcome", "id", "a");
        String topic = "events/agent/" + T + "/a1";
        c.send(new JsonObject().put("op", "subscribe").put("id", "e").put("topics", new JsonArray().add(topic))
                .put("resume", new JsonObject().put(topic, first - 1)));
        c.await("subscribed", "id", "e");
        await().atMost(Duration.ofSeconds(15)).until(() -> c.count("event") >= 2);
        List<JsonObject> got = c.frames.stream().filter(f -> "event".equals(f.getString("type"))).toList();
        assertThat(got).extracting(f -> f.getLong("offset")).containsExactly(first, second);
        assertThat(got.get(0).getJsonObject("data").getString("payloadType")).isEqualTo("AgentStateChanged");
        assertThat(got.get(0).getJsonObject("data").getJsonObject("payload").getString("reasonCode")).isEqualTo("0012");
        long third = agentEvent("a1", AgentState.WRAP_UP, null);
        await().atMost(Duration.ofSeconds(15)).until(() -> c.count("event") == 3);
        assertThat(c.frames.stream().filter(f -> "event".equals(f.getString("type"))).reduce((a, b) -> b).orElseThrow().getLong("offset")).isEqualTo(third);
        c.send(new JsonObject().put("op", "subscribe").put("id", "x").put("topics", new JsonArray().add("events/agent/" + T + "/a2")));
        assertThat(c.await("error", "id", "x").getString("code")).isEqualTo("FORBIDDEN");
        c.send(new JsonObject().put("op", "unsubscribe").put("id", "u").put("topics", new JsonArray().add(topic)));
        c.await("unsubscribed", "id", "u");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.open() == 0);
    }

    /**
     * Verifies RS256 tokens verified with keys fetched from a JWKS URL (served over HTTP here, as
     * an identity provider does), and that after the provider rotates its keys a token signed with
     * the new key is accepted without restarting the pusher.
     */
    @Test
    void rs256TokensThroughAJwksUrl() throws Exception {
        var k1 = JwtTest.rsa();
        var k2 = JwtTest.rsa();
        java.util.concurrent.atomic.AtomicReference<String> published = new java.util.concurrent.atomic.AtomicReference<>(jwksDocument(java.util.Map.of("k1", k1)));
        var idp = vertx.createHttpServer().requestHandler(r -> r.response().putHeader("content-type", "application/json").end(published.get()))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        PushConfig config = new PushConfig("127.0.0.1", 0, null, Duration.ofSeconds(5), 4096, 12, 5, 16 * 1024, Duration.ofSeconds(60), 20, 0,
                PushConfig.DEFAULT_REASONS, "http://127.0.0.1:" + idp.actualPort() + "/realms/acme/protocol/openid-connect/certs", null, null);
        try (PushServer rs = PushServer.start(vertx, config, view, relay).await(30, TimeUnit.SECONDS)) {
            JsonObject claims = new JsonObject().put("sub", "kc-sup").put("tenant", T).put("role", "supervisor")
                    .put("teams", new JsonArray().add(T + "/blue")).put("exp", Instant.now().getEpochSecond() + 600);
            Client c = new Client(rs.port());
            // the key set is fetched at start; a token arriving before that completes waits for it
            c.send(new JsonObject().put("op", "auth").put("id", "k1").put("token", JwtTest.rs256(k1, "k1", claims)));
            assertThat(c.await("welcome", "id", "k1").getString("subject")).isEqualTo("kc-sup");
            c.send(new JsonObject().put("op", "auth").put("id", "forged").put("token", JwtTest.rs256(JwtTest.rsa(), "k1", claims)));
            assertThat(c.await("error", "id", "forged").getString("code")).isEqualTo("BAD_TOKEN");

            published.set(jwksDocument(java.util.Map.of("k1", k1, "k2", k2))); // the provider rotates
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
                c.send(new JsonObject().put("op", "auth").put("id", "k2").put("token", JwtTest.rs256(k2, "k2", claims)));
                return c.frames.stream().anyMatch(f -> "welcome".equals(f.getString("type")) && "k2".equals(f.getString("id")));
            });
            assertThat(c.await("welcome", "id", "k2").getBoolean("replaced")).isTrue();
        } finally {
            idp.close();
        }
    }

    static String jwksDocument(java.util.Map<String, java.security.KeyPair> keys) {
        var enc = java.util.Base64.getUrlEncoder().withoutPadding();
        JsonArray list = new JsonArray();
        keys.forEach((kid, pair) -> {
            var pub = (java.security.interfaces.RSAPublicKey) pair.getPublic();
            byte[] n = pub.getModulus().toByteArray();
            n = n[0] == 0 ? java.util.Arrays.copyOfRange(n, 1, n.length) : n;
            list.add(new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("n", enc.encodeToString(n))
                    .put("e", enc.encodeToString(pub.getPublicExponent().toByteArray())));
        });
        return new JsonObject().put("keys", list).encode();
    }

    /**
     * Verifies the token's life on a connection: warned before expiry, refreshed in-band (the
     * connection stays past the old expiry), closed with 4001 when not refreshed; a replacement
     * with fewer teams unsubscribes what it may no longer read; a bearer token on the upgrade
     * authenticates; a connection that never authenticates is closed (4003).
     */
    @Test
    void tokenLifecycleOnOneConnection() throws Exception {
        try (PushServer strict = PushServer.start(vertx, PushConfig.defaults("127.0.0.1", 0, SECRET).withJwtLeeway(Duration.ZERO), view, relay)
                .await(30, TimeUnit.SECONDS)) {
            Client lapsing = new Client(strict.port());
            lapsing.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("agent", T + "/a1", List.of(), 5)));
            lapsing.await("welcome", "id", "a");
            lapsing.await("error", "code", "TOKEN_EXPIRING");
            await().atMost(Duration.ofSeconds(15)).until(() -> lapsing.ws.isClosed());
            assertThat(lapsing.ws.closeStatusCode()).isEqualTo((short) 4001);
            assertThat(lapsing.frames).anyMatch(f -> "TOKEN_EXPIRED".equals(f.getString("code")));

            agent("lc1", "red", AgentState.READY, 1);
            agent("lc2", "blue", AgentState.READY, 1);
            Client refreshing = new Client(strict.port());
            refreshing.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("supervisor", null, List.of(T + "/blue", T + "/red"), 8)));
            refreshing.await("welcome", "id", "a");
            refreshing.send(new JsonObject().put("op", "subscribe").put("id", "s").put("topics", new JsonArray().add("agent/" + T + "/lc1").add("agent/" + T + "/lc2")));
            refreshing.await("subscribed", "id", "s");
            refreshing.await("error", "code", "TOKEN_EXPIRING");
            // the new token names only team blue: lc1 (team red) is dropped, lc2 stays
            refreshing.send(new JsonObject().put("op", "auth").put("id", "b").put("token", token("supervisor", null, List.of(T + "/blue"), 600)));
            assertThat(refreshing.await("welcome", "id", "b").getBoolean("replaced")).isTrue();
            assertThat(refreshing.await("error", "id", "b").getString("message")).contains("agent/" + T + "/lc1");
            // open past the first token's expiry (8 s, whole seconds)
            await().during(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(11)).until(() -> !refreshing.ws.isClosed());
            long lc1Before = refreshing.frames.stream().filter(f -> ("agent/" + T + "/lc1").equals(f.getString("topic"))).count();
            agent("lc1", "red", AgentState.NOT_READY, 2);
            agent("lc2", "blue", AgentState.NOT_READY, 2);
            assertThat(refreshing.await("state", "topic", "agent/" + T + "/lc2").getLong("version")).isEqualTo(2);
            // fence: the view has lc1's change, and a pong sent after it arrives (a frame for lc1 would have come before)
            await().atMost(Duration.ofSeconds(15)).until(() -> view.get("agent/" + T + "/lc1").version() == 2);
            refreshing.send(new JsonObject().put("op", "ping").put("id", "fence"));
            refreshing.await("pong", "id", "fence");
            assertThat(refreshing.frames.stream().filter(f -> ("agent/" + T + "/lc1").equals(f.getString("topic"))).count()).isEqualTo(lc1Before);

            // a client that can set headers authenticates on the upgrade
            WebSocketClient headerClient = vertx.createWebSocketClient();
            List<JsonObject> got = new CopyOnWriteArrayList<>();
            io.vertx.core.http.ClientWebSocket ws = headerClient.webSocket();
            ws.textMessageHandler(t -> got.add(new JsonObject(t))); // before connecting: the welcome comes at once
            ws.connect(new io.vertx.core.http.WebSocketConnectOptions().setPort(strict.port()).setHost("127.0.0.1").setURI("/ws")
                    .addHeader("Authorization", "Bearer " + token("agent", T + "/a1", List.of(), 600))).await(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().anyMatch(f -> "welcome".equals(f.getString("type"))));

            // explicit nulls are absent values, not crashes
            refreshing.send(new JsonObject().put("op", "subscribe").put("id", "n").put("topics", new JsonArray().add("agent/" + T + "/lc2")).putNull("resume"));
            refreshing.await("subscribed", "id", "n");
            refreshing.send(new JsonObject().put("op", "subscribe").put("id", "r").put("topics", new JsonArray().add("agent/" + T + "/lc2"))
                    .put("resume", new JsonObject().put("agent/" + T + "/lc2", "latest")));
            assertThat(refreshing.await("error", "id", "r").getString("code")).isEqualTo("BAD_FRAME");

            // a connection that never authenticates does not stay
            Client silent = new Client(strict.port());
            await().atMost(Duration.ofSeconds(20)).until(() -> silent.ws.isClosed());
            assertThat(silent.ws.closeStatusCode()).isEqualTo((short) 4003);
            headerClient.close();
        }
    }

    /**
     * Verifies the pusher's own endpoints: /metrics counts state frames, error frames by code, and
     * records the end-to-end lag of a change caused by a new platform event (not of one without);
     * /version and the health endpoints answer.
     */
    @Test
    void metricsVersionAndHealthAreServed() throws Exception {
        Client c = new Client();
        c.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("agent", T + "/m1", List.of(), 600)));
        c.await("welcome", "id", "a");
        agent("m1", "red", AgentState.READY, 1);
        c.send(new JsonObject().put("op", "subscribe").put("id", "s").put("topics", new JsonArray().add("agent/" + T + "/m1")));
        c.await("state", "topic", "agent/" + T + "/m1");
        Instant occurred = Instant.now().minusMillis(40);
        AgentSnapshot caused = AgentSnapshot.newBuilder(snapshot("m1", "red", AgentState.NOT_READY, 2)).setLastEventId("e-1")
                .setLastSourceOccurredAt(occurred).setLastEventIngestedAt(occurred.plusMillis(2)).build();
        producer.send(new ProducerRecord<>(CtiTopics.AGENT_STATE.topicName(), caused.getAgentId(), caused)).get();
        await().atMost(Duration.ofSeconds(15)).until(() -> c.frames.stream()
                .anyMatch(f -> "state".equals(f.getString("type")) && Long.valueOf(2).equals(f.getLong("version"))));
        JsonObject live = c.frames.stream().filter(f -> "state".equals(f.getString("type")) && Long.valueOf(2).equals(f.getLong("version")))
                .findFirst().orElseThrow();
        assertThat(live.getJsonObject("freshness").getLong("lagMillis")).as("platform event to this socket").isGreaterThanOrEqualTo(40L);
        assertThat(c.frames.stream().filter(f -> "state".equals(f.getString("type")) && Long.valueOf(1).equals(f.getLong("version")))
                .findFirst().orElseThrow().getJsonObject("freshness").getValue("lagMillis")).as("a value sent on subscribe has no lag").isNull();
        c.send(new JsonObject().put("op", "nonsense").put("id", "x"));
        c.await("error", "id", "x");
        var http = vertx.createHttpClient();
        String metrics = http.request(io.vertx.core.http.HttpMethod.GET, server.port(), "127.0.0.1", "/metrics")
                .compose(r -> r.send().compose(io.vertx.core.http.HttpClientResponse::body)).await(10, TimeUnit.SECONDS).toString();
        assertThat(metrics).contains("ctistream_push_connections ").contains("ctistream_push_state_frames_total ")
                .contains("ctistream_push_errors_total{code=\"UNKNOWN_OP\"}");
        double lagCount = metrics.lines().filter(l -> l.startsWith("ctistream_push_e2e_lag_seconds_count")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .sum();
        assertThat(lagCount).as("one live change caused by an event").isGreaterThanOrEqualTo(1);
        assertThat(metrics.lines().filter(l -> l.startsWith("ctistream_push_subscriptions{kind=\"agent\"}"))
                .mapToDouble(l -> Double.parseDouble(l.split(" ")[1])).sum()).as("this client follows agent/m1").isGreaterThanOrEqualTo(1);
        assertThat(metrics).contains("ctistream_push_subscriptions{kind=\"team/*\"}").contains("ctistream_push_subscriptions{kind=\"events\"}");
        String version = http.request(io.vertx.core.http.HttpMethod.GET, server.port(), "127.0.0.1", "/version")
                .compose(r -> r.send().compose(io.vertx.core.http.HttpClientResponse::body)).await(10, TimeUnit.SECONDS).toString();
        assertThat(new JsonObject(version).getString("service")).isEqualTo("websocket-push");
        int ready = http.request(io.vertx.core.http.HttpMethod.GET, server.port(), "127.0.0.1", "/health/ready")
                .compose(r -> r.send().map(io.vertx.core.http.HttpClientResponse::statusCode)).await(10, TimeUnit.SECONDS);
        assertThat(ready).isEqualTo(200);
        http.close();
    }

    static long agentEvent(String id, AgentState state, String reason) throws Exception {
        Instant now = Instant.now();
        io.ctistream.events.AgentEvent e = io.ctistream.events.AgentEvent.newBuilder()
                .setHeader(io.ctistream.events.EventHeader.newBuilder().setEventId(java.util.UUID.randomUUID().toString()).setTenant(T)
                        .setAgentId(T + "/" + id).setSource(io.ctistream.events.EventSource.newBuilder()
                                .setPlatform(io.ctistream.events.Platform.BROADWORKS).setConnectorInstance("push-it").build())
                        .setOccurredAt(now).setIngestedAt(now).build())
                .setPayload(io.ctistream.events.AgentStateChanged.newBuilder().setState(state).setReasonCode(reason).build()).build();
        return producer.send(new ProducerRecord<>(CtiTopics.AGENT_EVENTS.topicName(), T + "/" + id, e)).get().offset();
    }

    static void team(String id, long version) throws Exception {
        team(id, version, T);
    }

    static void team(String id, long version, String tenant) throws Exception {
        io.ctistream.events.TeamSnapshot t = io.ctistream.events.TeamSnapshot.newBuilder().setTenant(tenant).setTeamId(tenant + "/" + id)
                .setCounts(io.ctistream.events.CategoryCounts.newBuilder().setAvail(1).setRing(0).setAcd(0).setAux(0).setAcw(0).setOff(0).setUnknown(0).build())
                .setMembers(List.of()).setAvailableAgents(List.of()).setVersion(version).setUpdatedAt(Instant.now()).build();
        producer.send(new ProducerRecord<>(CtiTopics.TEAM_STATS.topicName(), t.getTeamId(), t)).get();
    }

    /** Verifies a supervisor reads its teams' agents only, and that a resume with versions sends only keys whose version moved. */
    @Test
    void supervisorScopeAndResume() throws Exception {
        Client c = new Client();
        c.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("supervisor", null, List.of(T + "/blue"), 600)));
        c.await("welcome", "id", "a");
        c.send(new JsonObject().put("op", "subscribe").put("id", "s").put("topics", new JsonArray().add("agent/" + T + "/a2").add("agent/" + T + "/a1")));
        c.await("subscribed", "id", "s");
        assertThat(c.await("error", "id", "s").getString("message")).contains("agent/" + T + "/a1");
        long a2Version = c.await("state", "topic", "agent/" + T + "/a2").getLong("version");

        // a reconnecting client that already has a2 at its version gets nothing for it; a newer a2 is sent
        Client again = new Client();
        again.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("supervisor", null, List.of(T + "/blue"), 600)));
        again.await("welcome", "id", "a");
        again.send(new JsonObject().put("op", "subscribe").put("id", "r").put("topics", new JsonArray().add("agent/" + T + "/a2"))
                .put("resume", new JsonObject().put("agent/" + T + "/a2", a2Version)));
        again.await("subscribed", "id", "r");
        assertThat(again.count("state")).isZero();
        agent("a2", "blue", AgentState.READY, a2Version + 1);
        assertThat(again.await("state", "topic", "agent/" + T + "/a2").getLong("version")).isEqualTo(a2Version + 1);
    }

    /**
     * Verifies a key deleted while the client was away is reported on resume as {@code removed},
     * through a wildcard and a named topic, and that keys the token may not read are not answered.
     */
    @Test
    void aKeyDeletedWhileAwayIsReportedOnResume() throws Exception {
        team("gone", 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> view.get("team/" + T + "/gone") != null);
        producer.send(new ProducerRecord<>(CtiTopics.TEAM_STATS.topicName(), T + "/gone", null)).get();
        await().atMost(Duration.ofSeconds(30)).until(() -> view.get("team/" + T + "/gone") == null);

        Client wildcard = new Client();
        wildcard.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("wallboard", null, List.of(), 600)));
        wildcard.await("welcome", "id", "a");
        wildcard.send(new JsonObject().put("op", "subscribe").put("id", "w").put("topics", new JsonArray().add("team/*"))
                .put("resume", new JsonObject().put("team/" + T + "/gone", 2).put("team/elsewhere/gone", 2)));
        wildcard.await("subscribed", "id", "w");
        JsonObject removed = wildcard.await("state", "topic", "team/" + T + "/gone");
        assertThat(removed.getBoolean("removed")).isTrue();
        assertThat(removed.getValue("data")).isNull();

        Client named = new Client();
        named.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("supervisor", null, List.of(T + "/gone"), 600)));
        named.await("welcome", "id", "a");
        named.send(new JsonObject().put("op", "subscribe").put("id", "n").put("topics", new JsonArray().add("team/" + T + "/gone"))
                .put("resume", new JsonObject().put("team/" + T + "/gone", 2)));
        named.await("subscribed", "id", "n");
        assertThat(named.await("state", "topic", "team/" + T + "/gone").getBoolean("removed")).isTrue();
        // a client that never had it gets nothing for it
        named.send(new JsonObject().put("op", "subscribe").put("id", "m").put("topics", new JsonArray().add("team/" + T + "/gone")));
        named.await("subscribed", "id", "m");
        assertThat(named.count("state")).isEqualTo(1);
        assertThat(wildcard.frames).noneMatch(f -> String.valueOf(f.getString("topic")).contains("elsewhere"));
    }

    /**
     * Verifies the engine watch: a fresh event the engine takes a moment to consume is no alarm;
     * events waiting on its inputs for the window while its group's committed offsets stand still
     * make every client hear {@code engine SILENT} (and later ones read it in their welcome); the
     * group moving again makes it {@code LIVE}.
     */
    @Test
    void anEngineThatStopsWorkingIsToldToClients(io.ctistream.embedded.testing.TestKafka kafka) throws Exception {
        String group = "engine-watch-it-" + java.util.UUID.randomUUID();
        try (var engine = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(Map.of(
                org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, group),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer());
             EngineWatch watch = EngineWatch.start(kafka.bootstrapServers(), group, Duration.ofSeconds(1), server::engineStatus)) {
            // GIVEN an "engine" group that has consumed every agent event so far
            List<org.apache.kafka.common.TopicPartition> parts = engine.partitionsFor(CtiTopics.AGENT_EVENTS.topicName()).stream()
                    .map(pi -> new org.apache.kafka.common.TopicPartition(pi.topic(), pi.partition())).toList();
            engine.assign(parts);
            engine.seekToEnd(parts);
            Runnable caughtUp = () -> {
                Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> at = new java.util.HashMap<>();
                engine.seekToEnd(parts);
                parts.forEach(tp -> at.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(engine.position(tp))));
                engine.commitSync(at);
            };
            caughtUp.run();
            Client c = new Client();
            c.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("wallboard", null, List.of(), 600)));
            assertThat(c.await("welcome", "id", "a").getString("engine")).isEqualTo("LIVE");
            // a fresh event on a partition quiet for longer than the window, consumed a moment later, is not a silent engine
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> c.count("engine") == 0);
            long before = watch.checks();
            agentEvent("ew0", AgentState.READY, null);
            await().atMost(Duration.ofSeconds(10)).until(() -> watch.checks() >= before + 2); // the watch saw it waiting
            caughtUp.run();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> c.count("engine") == 0);
            // WHEN an event waits and the group does not move for the window
            agentEvent("ew1", AgentState.READY, null);
            // THEN the client is told the engine is silent, and a client arriving now reads it in its welcome
            assertThat(c.await("engine", "state", "SILENT").getString("at")).isNotNull();
            Client late = new Client();
            late.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("wallboard", null, List.of(), 600)));
            assertThat(late.await("welcome", "id", "a").getString("engine")).isEqualTo("SILENT");
            // WHEN the group consumes again
            caughtUp.run();
            // THEN both hear it works again
            c.await("engine", "state", "LIVE");
            late.await("engine", "state", "LIVE");
            assertThat(watch.silent()).isFalse();
        } finally {
            server.engineStatus(false);
        }
    }

    /**
     * Stands in for a connector: answers every command on cti.agent-commands for agent a1 with
     * COMPLETED on cti.command-results, and keeps what it saw; commands for other agents go unanswered.
     */
    static final class StandIn implements AutoCloseable {
        final List<io.ctistream.events.AgentCommand> seen = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean assigned;

        StandIn(String bootstrap, String registry) {
            var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, SpecificRecord>(Map.of(
                    org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, "push-it-stand-in",
                    org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                    new org.apache.kafka.common.serialization.StringDeserializer(), CtiSerdes.<SpecificRecord>valueDeserializer(registry));
            consumer.subscribe(List.of(CtiTopics.AGENT_COMMANDS.topicName()));
            thread = new Thread(() -> {
                try (consumer) {
                    while (running) {
                        var records = consumer.poll(Duration.ofMillis(100));
                        if (!assigned && !consumer.assignment().isEmpty()) {
                            consumer.assignment().forEach(consumer::position); // "latest" resolved now: nothing sent after this is skipped
                            assigned = true;
                        }
                        for (var r : records) {
                            if (r.value() instanceof io.ctistream.events.AgentCommand c && c.getTenant().equals(T)) {
                                seen.add(c);
                                if (c.getAgentId().equals(T + "/a1")) {
                                    var result = io.ctistream.events.CommandResult.newBuilder().setCommandId(c.getCommandId())
                                            .setTenant(T).setAgentId(c.getAgentId()).setStatus(io.ctistream.events.CommandStatus.COMPLETED)
                                            .setCompletedAt(Instant.now()).setConnectorInstance("stand-in").build();
                                    producer.send(new ProducerRecord<>(CtiTopics.COMMAND_RESULTS.topicName(), c.getAgentId(), result));
                                }
                            }
                        }
                    }
                }
            }, "stand-in");
            thread.setDaemon(true);
            thread.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> assigned);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }

    /**
     * Verifies a command round trip: published with the principal and a deadline, answered on
     * cti.command-results, delivered as a result frame to the issuing connection; another agent's
     * command is refused; a malformed one is an error; one nobody answers ends TIMED_OUT.
     */
    @Test
    void commandRoundTrip() throws Exception {
        Client c = new Client();
        c.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("agent", T + "/a1", List.of(), 600)));
        c.await("welcome", "id", "a");
        c.send(new JsonObject().put("op", "command").put("id", "c1")
                .put("command", new JsonObject().put("type", "SetState").put("state", "NOT_READY").put("reasonCode", "0012")));
        String commandId = c.await("accepted", "id", "c1").getString("commandId");
        JsonObject result = c.await("result", "id", "c1");
        assertThat(result.getString("status")).isEqualTo("COMPLETED");
        assertThat(result.getString("commandId")).isEqualTo(commandId);
        io.ctistream.events.AgentCommand published = standIn.seen.stream().filter(x -> x.getCommandId().equals(commandId)).findFirst().orElseThrow();
        assertThat(published.getPrincipal().getSubject()).isEqualTo("user-agent");
        assertThat(published.getPrincipal().getRole()).isEqualTo(io.ctistream.events.Role.AGENT);
        assertThat(published.getDeadline()).isAfter(published.getIssuedAt());
        assertThat(((io.ctistream.events.SetState) published.getCommand()).getReasonCode()).isEqualTo("0012");

        c.send(new JsonObject().put("op", "command").put("id", "c2").put("agentId", T + "/a2")
                .put("command", new JsonObject().put("type", "SetState").put("state", "READY")));
        assertThat(c.await("error", "id", "c2").getString("code")).isEqualTo("FORBIDDEN");
        c.send(new JsonObject().put("op", "command").put("id", "c3").put("command", new JsonObject().put("type", "SetState").put("state", "TALKING")));
        assertThat(c.await("error", "id", "c3").getString("code")).isEqualTo("BAD_COMMAND");

        // an admin's command for an agent no connector answers ends TIMED_OUT at the pusher
        Client admin = new Client();
        admin.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("admin", null, List.of(), 600)));
        admin.await("welcome", "id", "a");
        admin.send(new JsonObject().put("op", "command").put("id", "c4").put("agentId", T + "/a2").put("timeoutMillis", 500)
                .put("command", new JsonObject().put("type", "LogOff")));
        assertThat(admin.await("result", "id", "c4").getString("status")).isEqualTo("TIMED_OUT");
        c.send(new JsonObject().put("op", "ping").put("id", "fence"));
        c.await("pong", "id", "fence");
        assertThat(c.frames).noneMatch(f -> "c4".equals(f.getString("id")));
    }

    /**
     * Verifies backpressure: a paused client under thousands of updates across 10 keys has at most one
     * frame per key waiting at the server (conflation), is told it was conflated, and after it
     * resumes ends with the latest value of every key; of the 10,000 updates sent once every key was
     * held back, at most one frame per key reached it.
     */
    @Test
    void pausedClientIsConflatedToTheLatestValues() throws Exception {
        for (int k = 0; k < 10; k++) {
            agent("c" + k, "green", AgentState.READY, 1);
        }
        Client c = new Client();
        c.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("admin", null, List.of(), 600)));
        c.await("welcome", "id", "a");
        JsonArray topics = new JsonArray();
        for (int k = 0; k < 10; k++) {
            topics.add("agent/" + T + "/c" + k);
        }
        c.send(new JsonObject().put("op", "subscribe").put("id", "s").put("topics", topics));
        c.await("subscribed", "id", "s");
        c.ws.pause();
        try {
            java.util.concurrent.atomic.AtomicInteger maxPending = new java.util.concurrent.atomic.AtomicInteger();
            long sampler = vertx.setPeriodic(2, id -> maxPending.accumulateAndGet(server.maxPending(), Math::max));
            long heldBack = floodUntil("c", 1, () -> server.maxPending() == 10);
            long last = flood("c", heldBack + 1, heldBack + 1000); // all of these while every key has a frame held back
            await().atMost(Duration.ofSeconds(5)).until(() -> server.maxPending() == 10);
            vertx.cancelTimer(sampler);
            assertThat(maxPending.get()).as("frames waiting for the paused client: one per key at most").isBetween(1, 10);
            c.ws.resume();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (int k = 0; k < 10; k++) {
                    String topic = "agent/" + T + "/c" + k;
                    long seen = c.frames.stream().filter(f -> "state".equals(f.getString("type")) && topic.equals(f.getString("topic")))
                            .mapToLong(f -> f.getLong("version")).max().orElse(0);
                    assertThat(seen).as(topic).isEqualTo(last);
                }
            });
            assertThat(c.count("conflated")).isGreaterThanOrEqualTo(1);
            long updates = 10 * (last - 1);
            assertThat(c.count("state")).as("far fewer frames than updates: the last 10,000 became at most 10").isLessThan(updates - 9_000);
            assertThat(c.ws.isClosed()).isFalse();
        } finally {
            c.ws.resume(); // a failed check must not leave a paused client to hold up the server's close
        }
    }

    /**
     * Sends versions {@code from + 1}, {@code from + 2}, … of agents {@code prefix}0–9, 1,000 of each per round, until {@code done}
     * holds once the server has seen a round, and returns the last version sent. How much a paused client's socket takes
     * before the server has to hold frames back is the kernel's buffer tuning, so the number of rounds is not fixed.
     */
    static long floodUntil(String prefix, long from, java.util.function.BooleanSupplier done) throws Exception {
        long v = from;
        for (int round = 0; round < 8; round++) {
            v = flood(prefix, v + 1, v + 1000);
            try {
                await().atMost(Duration.ofSeconds(2)).until(done::getAsBoolean);
                return v;
            } catch (org.awaitility.core.ConditionTimeoutException notYet) {
                // the socket took this round whole: another one
            }
        }
        throw new AssertionError("8 rounds of 10,000 updates and the server never held frames back for the paused client");
    }

    /**
     * Sends versions {@code from}..{@code to} of agents {@code prefix}0–9, interleaved, alternating NOT_READY and READY, and
     * returns {@code to} once the server's view has the last of them.
     */
    static long flood(String prefix, long from, long to) {
        for (long v = from; v <= to; v++) {
            for (int k = 0; k < 10; k++) {
                agentAsync(prefix + k, "green", v % 2 == 0 ? AgentState.NOT_READY : AgentState.READY, v);
            }
        }
        producer.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> view.get("agent/" + T + "/" + prefix + "9").version() == to);
        return to;
    }

    /**
     * Verifies that a client that stays behind past the stuck limit is let go: the server closes
     * it (4008) and, since a client that does not read cannot read a close frame either, cuts the
     * connection; the server holds nothing for it any more. The client sees the end once it reads.
     */
    @Test
    void aClientStuckPastTheLimitIsClosed() throws Exception {
        PushConfig config = new PushConfig("127.0.0.1", 0, SECRET, Duration.ofMillis(500), 4096, 12, 5, 16 * 1024, Duration.ofSeconds(2));
        try (PushServer strict = PushServer.start(vertx, config, view, relay).await(30, TimeUnit.SECONDS)) {
            for (int k = 0; k < 10; k++) {
                agent("d" + k, "green", AgentState.READY, 1);
            }
            Client c = new Client(strict.port());
            c.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("admin", null, List.of(), 600)));
            c.await("welcome", "id", "a");
            JsonArray topics = new JsonArray();
            for (int k = 0; k < 10; k++) {
                topics.add("agent/" + T + "/d" + k);
            }
            c.send(new JsonObject().put("op", "subscribe").put("id", "s").put("topics", topics));
            c.await("subscribed", "id", "s");
            c.ws.pause();
            floodUntil("d", 1, () -> strict.maxPending() > 0 || strict.connections() == 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> strict.connections() == 0);
            c.ws.resume();
            await().atMost(Duration.ofSeconds(20)).until(() -> c.ws.isClosed());
        }
    }

    /**
     * Verifies the pusher serves its connections on several event loops (issue #20, ADR 028): its servers share the one port
     * (given as 0), the connections are spread over every loop, shown per loop on /metrics, and a change reaches the clients
     * of every loop.
     */
    @Test
    void connectionsAreServedOnEveryEventLoop() throws Exception {
        var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
        PushServer loops = PushServer.start(vertx, new PushConfig("127.0.0.1", 0, SECRET, Duration.ofSeconds(5), 4096, 12, 5, 16 * 1024,
                Duration.ofSeconds(60)).withEventLoops(3), view, relay, null, registry).await(30, TimeUnit.SECONDS);
        try {
            assertThat(loops.eventLoops()).as("three loops, or every loop of a smaller pool").isBetween(2, 3);
            agent("el1", "red", AgentState.READY, 1);
            List<Client> clients = new java.util.ArrayList<>();
            for (int i = 0; i < 3 * loops.eventLoops(); i++) {
                Client c = new Client(loops.port());
                c.send(new JsonObject().put("op", "auth").put("id", "a").put("token", token("agent", T + "/el1", List.of(), 600)));
                c.await("welcome", "id", "a");
                c.send(new JsonObject().put("op", "subscribe").put("id", "s").put("topics", new JsonArray().add("agent/" + T + "/el1")));
                assertThat(c.await("state", "topic", "agent/" + T + "/el1").getLong("version")).isEqualTo(1);
                clients.add(c);
            }
            var http = vertx.createHttpClient();
            Map<String, Integer> perLoop = new java.util.TreeMap<>();
            for (String line : http.request(io.vertx.core.http.HttpMethod.GET, loops.port(), "127.0.0.1", "/metrics")
                    .compose(r -> r.send().compose(io.vertx.core.http.HttpClientResponse::body)).await(10, TimeUnit.SECONDS).toString().split("\n")) {
                if (line.startsWith(PushMetrics.LOOP_CONNECTIONS + "{")) {
                    perLoop.put(line.substring(line.indexOf('"') + 1, line.lastIndexOf('"')), (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                }
            }
            assertThat(perLoop).as("connections by event loop").hasSize(loops.eventLoops());
            assertThat(perLoop.values()).as("every loop serves some of the connections, %s", perLoop).allMatch(n -> n > 0);
            assertThat(perLoop.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(clients.size());
            // one change: the view hands it to each loop, each loop to its clients
            agent("el1", "red", AgentState.NOT_READY, 2);
            for (Client c : clients) {
                await().atMost(Duration.ofSeconds(15)).until(() -> c.frames.stream().anyMatch(f -> "state".equals(f.getString("type"))
                        && Long.valueOf(2).equals(f.getLong("version"))));
            }
            clients.forEach(c -> c.ws.close());
            await().atMost(Duration.ofSeconds(15)).until(() -> loops.connections() == 0);
        } finally {
            loops.close();
        }
    }
}
