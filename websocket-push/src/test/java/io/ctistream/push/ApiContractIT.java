package io.ctistream.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentState;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Holds the AsyncAPI document ({@code docs/api/websocket.asyncapi.yaml}) and the service together
 * (issue #19 (6)): the error codes and close codes the document lists are exactly those the
 * service can send ({@link ErrorCode}, {@link CloseCode} and the WebSocket layer's own), and each
 * is made to happen against the running service, in the case the document names.
 */
@ExtendWith(CtiKafkaExtension.class)
class ApiContractIT {
    private static final String SECRET = "contract-it-secret-that-is-long-enough";
    private static final String T = "contract";
    private static final Jwt JWT = new Jwt(SECRET, 0);
    private static final Path DOC = Path.of("..", "docs", "api", "websocket.asyncapi.yaml");
    /** Close codes the WebSocket layer sends by itself: the echo of a client's close. */
    private static final Set<Integer> LAYER_CLOSE_CODES = Set.of(1000);
    private static Vertx vertx;
    private static StateView view;
    private static CommandRelay relay;
    private static EventStreams events;
    private static PushServer server;
    private static PrometheusRegistry registry;
    private static KafkaProducer<String, SpecificRecord> producer;
    private static TestKafka kafka;
    private final Set<String> errorCodes = new TreeSet<>();
    private final Set<Integer> closeCodes = new TreeSet<>();
    private final List<WsClient> clients = new ArrayList<>();

    @BeforeAll
    static void setUp(TestKafka k) throws Exception {
        kafka = k;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), CtiSerdes.<SpecificRecord>valueSerializer(kafka.registryUrl()));
        for (String a : List.of("a1", "a2", "a3", "a4")) {
            var s = PushIT.snapshot(a, "red", AgentState.READY, 1);
            s.setTenant(T);
            s.setAgentId(T + "/" + a);
            s.setTeamId(T + "/red");
            producer.send(new ProducerRecord<>(CtiTopics.AGENT_STATE.topicName(), s.getAgentId(), s)).get();
        }
        vertx = Vertx.vertx();
        view = new StateView(kafka.bootstrapServers(), kafka.registryUrl()).start();
        view.loaded().get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> view.get("agent/" + T + "/a4") != null);
        relay = new CommandRelay(kafka.bootstrapServers(), kafka.registryUrl(), "contract-it").start();
        relay.ready().get(60, TimeUnit.SECONDS);
        events = new EventStreams(kafka.bootstrapServers(), kafka.registryUrl(), 2);
        registry = new PrometheusRegistry();
        // small limits, so that each can be reached with a few frames
        PushConfig config = new PushConfig("127.0.0.1", 0, SECRET, Duration.ofMillis(300), 4096, 2, 1, 16 * 1024, Duration.ofSeconds(1), 1, 2,
                PushConfig.DEFAULT_REASONS, null, null, Duration.ZERO,
                PushLimits.DEFAULTS.withMaxArrayItems(4).withEventStreams(1, 10).withAuthDeadline(Duration.ofSeconds(2)));
        server = PushServer.start(vertx, config, view, relay, events, registry).await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void tearDown() throws Exception {
        server.close();
        relay.close();
        view.close();
        producer.close();
        vertx.close().await(30, TimeUnit.SECONDS); // paused test clients wait out their closing timeout
    }

    /** Verifies the document lists every error code the service has, and no other. */
    @Test
    void theDocumentListsEveryErrorAndCloseCodeOfTheService() throws Exception {
        assertThat(documentedErrorCodes()).containsExactlyInAnyOrderElementsOf(Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
        Set<Integer> service = new TreeSet<>(LAYER_CLOSE_CODES);
        Arrays.stream(CloseCode.values()).forEach(c -> service.add((int) c.code));
        assertThat(documentedCloseCodes()).containsExactlyInAnyOrderElementsOf(service);
    }

    /** Verifies what the probe found the document wrong about (issue #19 (6)) is now what it says. */
    @Test
    void theDocumentSaysWhatTheServiceDoes() throws Exception {
        String doc = Files.readString(DOC);
        assertThat(doc).doesNotContain("`Authorization` header and query string are not read").doesNotContain("`nbf`, `iat` and `iss` are not checked");
        assertThat(doc).doesNotContain("a token whose `exp` is not a number");
    }

    /** Verifies every documented error code and close code happens against the running service, as the document says. */
    @Test
    void everyDocumentedCodeHappens() throws Exception {
        String admin = token("admin", "admin-1", null, 600);
        // before auth: NOT_AUTHENTICATED, then BAD_TOKEN, TOKEN_EXPIRED; no token within the deadline closes 4003
        WsClient anon = client();
        anon.send(new JsonObject().put("op", "subscribe").put("id", "s").put("topics", new JsonArray().add("team/*")));
        expect(anon, "s", "NOT_AUTHENTICATED");
        anon.auth("bad", "x.y.z");
        expect(anon, "bad", "BAD_TOKEN");
        anon.auth("old", token("agent", "agent-1", T + "/a1", -120));
        expect(anon, "old", "TOKEN_EXPIRED");
        expectClose(anon, 4003);

        WsClient c = authed("c", admin);
        c.ws.writeTextMessage("{not json");
        await().until(() -> c.count("error", "code", "BAD_JSON") == 1); // answered without an id: the frame had none to echo
        errorCodes.add("BAD_JSON");
        c.send(new JsonObject().put("id", "noop"));
        expect(c, "noop", "BAD_FRAME");
        c.ws.writeBinaryMessage(Buffer.buffer("{}"));
        await().until(() -> c.count("error", "code", "BAD_FRAME") == 2);
        c.ws.writeTextMessage(new JsonObject().put("op", "ping").put("pad", "x".repeat(5000)).encode());
        await().until(() -> c.count("error", "code", "FRAME_TOO_LARGE") == 1);
        errorCodes.add("FRAME_TOO_LARGE");
        c.send(new JsonObject().put("op", "dance").put("id", "op"));
        expect(c, "op", "UNKNOWN_OP");
        c.send(subscribe("many", "agent/" + T + "/a1", "agent/" + T + "/a2", "agent/" + T + "/a3", "agent/" + T + "/a4", "team/*"));
        expect(c, "many", "TOO_MANY_ITEMS");
        // a topic without a tenant is no topic (BAD_TOPIC), not another tenant's (FORBIDDEN)
        c.send(subscribe("notenant", "team/sales"));
        expect(c, "notenant", "BAD_TOPIC");
        c.send(subscribe("ghost", "events/agent/" + T + "/ghost"));
        expect(c, "ghost", "UNKNOWN_AGENT");
        c.send(subscribe("three", "agent/" + T + "/a1", "agent/" + T + "/a2", "agent/" + T + "/a3"));
        expect(c, "three", "TOO_MANY_SUBSCRIPTIONS");
        c.send(command("bad").put("command", new JsonObject().put("type", "SetState").put("state", "TALKING")));
        expect(c, "bad", "BAD_COMMAND");
        c.send(command("r1"));
        c.send(command("r2"));
        await().atMost(Duration.ofSeconds(15)).until(() -> c.count("error", "code", "RATE_LIMITED") >= 1);
        errorCodes.add("RATE_LIMITED");

        // event streams: one per principal, two per instance
        WsClient e1 = authed("e1", token("admin", "streams-1", null, 600));
        e1.send(subscribe("two", "events/agent/" + T + "/a1", "events/agent/" + T + "/a2"));
        expect(e1, "two", "TOO_MANY_EVENT_STREAMS");
        // the log of a3 no longer goes back to where this client resumes
        WsClient e2 = authed("e2", token("admin", "streams-2", null, 600));
        trimEventsOf(T + "/a3");
        e2.send(subscribe("trimmed", "events/agent/" + T + "/a3").put("resume", new JsonObject().put("events/agent/" + T + "/a3", 0)));
        expect(e2, "trimmed", "EVENTS_TRIMMED");
        WsClient e3 = authed("e3", token("admin", "streams-3", null, 600));
        e3.send(subscribe("full", "events/agent/" + T + "/a4"));
        expect(e3, "full", "UNAVAILABLE");

        // scopes
        WsClient agent = authed("ag", token("agent", "agent-1", T + "/a1", 600));
        agent.send(subscribe("other", "agent/" + T + "/a2"));
        expect(agent, "other", "FORBIDDEN");
        // one connection per principal here: the second is refused and closed 4009
        WsClient twice = client().auth("twice", token("agent", "agent-1", T + "/a1", 600));
        expect(twice, "twice", "TOO_MANY_CONNECTIONS");
        expectClose(twice, 4009);
        // a token about to expire: TOKEN_EXPIRING at once, then TOKEN_EXPIRED and close 4001
        WsClient expiring = authed("x", token("wallboard", "board-1", null, 2));
        await().atMost(Duration.ofSeconds(5)).until(() -> expiring.count("error", "code", "TOKEN_EXPIRING") == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> expiring.count("error", "code", "TOKEN_EXPIRED") == 1);
        errorCodes.addAll(List.of("TOKEN_EXPIRING", "TOKEN_EXPIRED"));
        expectClose(expiring, 4001);

        // a message beyond 4 × the frame limit (1009), not UTF-8 (1007); a broken fragment sequence ends without a close frame (1006)
        WsClient big = client();
        big.ws.writeFrame(WebSocketFrame.textFrame("x".repeat(4000), false));
        for (int i = 0; i < 5 && !big.ws.isClosed(); i++) {
            big.ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("x".repeat(4000)), false));
        }
        expectClose(big, 1009);
        WsClient garbled = client();
        garbled.ws.writeFrame(WebSocketFrame.textFrame("{\"op\":\"ping\"", false));
        garbled.ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] {(byte) 0xFF, '}'}), true));
        expectClose(garbled, 1007);
        WsClient broken = client();
        broken.ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("x"), true));
        await().atMost(Duration.ofSeconds(15)).until(() -> broken.ws.isClosed());
        assertThat(broken.ws.closeStatusCode()).isIn(null, (short) 1006);
        WsClient polite = client();
        polite.ws.close().await(5, TimeUnit.SECONDS);
        expectClose(polite, 1000);
        // a client that does not read what it asks for: 4008 (it cannot read the close frame; the service counts it)
        WsClient slow = authed("slow", token("admin", "slow-1", null, 600));
        slow.ws.pause();
        for (int i = 0; i < 300; i++) {
            slow.send(new JsonObject().put("op", "ping").put("id", "p".repeat(3000)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> closesCounted(4008) >= 1);
        closeCodes.add(4008);

        assertThat(errorCodes).as("error codes seen").containsExactlyInAnyOrderElementsOf(documentedErrorCodes());
        assertThat(closeCodes).as("close codes seen").containsExactlyInAnyOrderElementsOf(documentedCloseCodes());
    }

    private WsClient client() {
        WsClient c = new WsClient(vertx, server.port());
        clients.add(c);
        return c;
    }

    private WsClient authed(String id, String token) {
        WsClient c = client().auth(id, token);
        c.await("welcome", "id", id);
        return c;
    }

    private void expect(WsClient c, String id, String code) {
        assertThat(c.await("error", "id", id).getString("code")).as("error for request %s", id).isEqualTo(code);
        errorCodes.add(code);
    }

    private void expectClose(WsClient c, int code) {
        await().atMost(Duration.ofSeconds(15)).until(() -> c.ws.isClosed());
        assertThat(c.ws.closeStatusCode()).as("close code").isEqualTo((short) code);
        closeCodes.add(code);
    }

    private static JsonObject subscribe(String id, String... topics) {
        return new JsonObject().put("op", "subscribe").put("id", id).put("topics", new JsonArray(List.of((Object[]) topics)));
    }

    private static JsonObject command(String id) {
        return new JsonObject().put("op", "command").put("id", id).put("agentId", T + "/a1")
                .put("command", new JsonObject().put("type", "SetState").put("state", "READY"));
    }

    private static String token(String role, String subject, String agentId, long expiresInSeconds) {
        return JWT.sign(new JsonObject().put("sub", subject).put("tenant", T).put("role", role).put("agentId", agentId)
                .put("exp", Instant.now().getEpochSecond() + expiresInSeconds));
    }

    /** Writes three records under the agent's key to its partition of the event log, then deletes them all (as retention would). */
    private static void trimEventsOf(String agentId) throws Exception {
        RecordMetadata last = null;
        for (int i = 0; i < 3; i++) {
            var s = PushIT.snapshot("trim", "red", AgentState.READY, i + 1);
            last = producer.send(new ProducerRecord<>(CtiTopics.AGENT_EVENTS.topicName(), agentId, s)).get();
        }
        TopicPartition tp = new TopicPartition(last.topic(), last.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(last.offset() + 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static double closesCounted(int code) {
        return registry.scrape().stream().filter(m -> m.getMetadata().getPrometheusName().equals("ctistream_push_closes"))
                .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
                .filter(d -> String.valueOf(code).equals(d.getLabels().get("code"))).mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
    }

    /** The {@code ErrorCode} enum of the document. */
    static List<String> documentedErrorCodes() throws Exception {
        String doc = Files.readString(DOC);
        int at = doc.indexOf("\n    ErrorCode:");
        String rest = doc.substring(doc.indexOf("      enum:\n", at) + "      enum:\n".length());
        List<String> codes = new ArrayList<>();
        for (String line : rest.split("\n")) {
            if (!line.startsWith("        - ")) {
                break;
            }
            codes.add(line.substring("        - ".length()).trim());
        }
        return codes;
    }

    /** The close codes of the document's "Close codes" table. */
    static Set<Integer> documentedCloseCodes() throws Exception {
        String doc = Files.readString(DOC);
        String table = doc.substring(doc.indexOf("## Close codes"), doc.indexOf("## ", doc.indexOf("## Close codes") + 3));
        Set<Integer> codes = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\| (\\d{4}) \\|").matcher(table);
        while (m.find()) {
            codes.add(Integer.parseInt(m.group(1)));
        }
        return codes;
    }
}
