package io.ctistream.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.admin.ContractClient.Answer;
import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AdminAction;
import io.ctistream.events.AdminAudit;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.QueueProfile;
import io.ctistream.events.WebhookSecret;
import io.ctistream.events.WebhookSubscription;
import io.ctistream.push.Jwt;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin API over real HTTP on loopback against a real broker and the Apicurio serde: every
 * operation of the OpenAPI document, every answer it declares (the last test fails if one was never
 * seen), what lands on the topics and on {@code cti.admin-audit}, and the webhook secrets' life.
 * Each test has tenants of its own, so the shared broker's other records do not matter.
 */
@ExtendWith(CtiKafkaExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AdminApiIT {
    private static final String SECRET = "admin-it-secret-of-at-least-32-characters";
    private static final Jwt JWT = new Jwt(SECRET, 30);
    private static Vertx vertx;
    private static AdminApi admin;
    private static ContractClient api;
    private static TestKafka kafka;

    @BeforeAll
    static void start(TestKafka testKafka) throws Exception {
        kafka = testKafka;
        try (Admin topics = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(topics, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        vertx = Vertx.vertx();
        AdminSettings settings = AdminSettings.defaults("127.0.0.1", 0, SECRET);
        admin = AdminApi.start(vertx, settings, kafka.bootstrapServers(), kafka.registryUrl()).await(3, TimeUnit.MINUTES);
        api = new ContractClient(vertx, admin.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static String tenant() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String token(String tenant, String role) {
        long now = Instant.now().getEpochSecond();
        return JWT.sign(new JsonObject().put("sub", role + "-of-" + tenant).put("tenant", tenant).put("role", role).put("iat", now)
                .put("exp", now + 3600));
    }

    private static String admin(String tenant) {
        return token(tenant, "admin");
    }

    private static Answer post(String path, String token, JsonObject body) throws Exception {
        return api.send("POST", path, token, body, Map.of());
    }

    private static Answer put(String path, String token, JsonObject body, String ifMatch) throws Exception {
        return api.send("PUT", path, token, body, ifMatch == null ? Map.of() : Map.of("If-Match", ifMatch));
    }

    private static Answer delete(String path, String token, String ifMatch) throws Exception {
        return api.send("DELETE", path, token, null, ifMatch == null ? Map.of() : Map.of("If-Match", ifMatch));
    }

    private static JsonArray fields(Answer a) {
        return a.json().getJsonArray("errors", new JsonArray());
    }

    private static List<String> fieldNames(Answer a) {
        return fields(a).stream().map(o -> ((JsonObject) o).getString("field")).toList();
    }

    /** Verifies that the document reads without a message in swagger-parser, that docs/api holds the same, and that the service serves it. */
    @Test
    @Order(1)
    void theDocumentIsValidPublishedAndServed() throws Exception {
        ContractClient.parse();
        assertThat(Files.readString(Path.of("../docs/api/admin.openapi.yaml"))).as("docs/api/admin.openapi.yaml is the service's document")
                .isEqualTo(Files.readString(ContractClient.DOCUMENT));

        Answer served = api.get("/api/v1/openapi.json", null);

        assertThat(served.status()).isEqualTo(200);
        assertThat(served.json()).isEqualTo(AdminApi.document());
    }

    /** Verifies a team, a queue and an agent made through the API: each on GET, in its list and on its Kafka topic, and each audited. */
    @Test
    @Order(2)
    void createAgentTeamAndQueueVisibleOnGetAndOnTheTopics() throws Exception {
        // GIVEN a tenant's admin
        String t = tenant();
        String token = admin(t);

        // WHEN a team, a queue and an agent in both are created
        Answer team = post("/api/v1/tenants/" + t + "/teams", token, new JsonObject().put("teamId", t + "/sales").put("displayName", "Sales"));
        Answer queue = post("/api/v1/tenants/" + t + "/queues", token, new JsonObject().put("queueId", t + "/sales").put("platform", "BROADWORKS")
                .put("platformQueueId", "sales-cc@as.example.com").put("serviceLevelThresholdSeconds", 30).put("abandonGraceSeconds", 8));
        Answer agent = post("/api/v1/tenants/" + t + "/agents", token, agent(t, "alice", "alice@as.example.com"));

        // THEN each is answered 201 with where it is, and a GET right after shows it
        assertThat(List.of(team.status(), queue.status(), agent.status())).as(agent.body()).containsOnly(201);
        assertThat(agent.header("location")).isEqualTo("/api/v1/tenants/" + t + "/agents/alice");
        Answer got = api.get("/api/v1/tenants/" + t + "/agents/alice", token);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().getString("teamId")).isEqualTo(t + "/sales");
        assertThat(got.json().getJsonArray("queues")).containsExactly(t + "/sales");
        assertThat(got.header("etag")).isEqualTo(agent.header("etag"));
        assertThat(api.get("/api/v1/tenants/" + t + "/agents", token).json().getJsonArray("items")).hasSize(1);
        Answer q = api.get("/api/v1/tenants/" + t + "/queues/sales", token);
        assertThat(q.json().getInteger("serviceLevelThresholdSeconds")).isEqualTo(30);
        assertThat(q.json().getInteger("abandonGraceSeconds")).isEqualTo(8);
        assertThat(api.get("/api/v1/tenants/" + t + "/teams", token).json().getJsonArray("items")).hasSize(1);

        // AND the records are on the topics, keyed by the tenant-qualified id
        List<ConsumerRecord<String, AgentProfile>> agents = Topics.records(kafka.bootstrapServers(), kafka.registryUrl(), CtiTopics.AGENTS, t + "/");
        assertThat(agents).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(t + "/alice");
            assertThat(r.value().getPlatformUserId()).isEqualTo("alice@as.example.com");
        });
        List<ConsumerRecord<String, QueueProfile>> queues = Topics.records(kafka.bootstrapServers(), kafka.registryUrl(), CtiTopics.QUEUES, t + "/");
        assertThat(queues).singleElement().satisfies(r -> assertThat(r.value().getPlatformQueueId()).isEqualTo("sales-cc@as.example.com"));
        assertThat(Topics.records(kafka.bootstrapServers(), kafka.registryUrl(), CtiTopics.TEAMS, t + "/")).hasSize(1);

        // AND every change is audited: who, what, after
        List<ConsumerRecord<String, AdminAudit>> audit = Topics.records(kafka.bootstrapServers(), kafka.registryUrl(), CtiTopics.ADMIN_AUDIT, t + "/");
        assertThat(audit).extracting(r -> r.value().getResourceType().name() + " " + r.value().getAction() + " " + r.key())
                .containsExactlyInAnyOrder("TEAM CREATED " + t + "/sales", "QUEUE CREATED " + t + "/sales", "AGENT CREATED " + t + "/alice");
        assertThat(audit).allSatisfy(r -> {
            assertThat(r.value().getActor()).isEqualTo("admin-of-" + t);
            assertThat(r.value().getTenant()).isEqualTo(t);
            assertThat(r.value().getBefore()).isNull();
            assertThat(new JsonObject(r.value().getAfter()).getString("tenant")).isEqualTo(t);
        });
    }

    /** Verifies the checks the schema cannot make, each a 400 naming its field: unknown team, a platform user taken, another tenant's team. */
    @Test
    @Order(3)
    void checksBeyondTheSchemaNameTheirField() throws Exception {
        String t = tenant();
        String token = admin(t);
        String agents = "/api/v1/tenants/" + t + "/agents";
        assertThat(post("/api/v1/tenants/" + t + "/teams", token, new JsonObject().put("teamId", t + "/sales")).status()).isEqualTo(201);
        assertThat(post(agents, token, agent(t, "alice", "5001").put("platform", "AES").put("queues", new JsonArray())).status()).isEqualTo(201);

        // unknown team
        Answer unknownTeam = post(agents, token, agent(t, "bob", "5002").put("platform", "AES").put("teamId", t + "/nosuch").put("queues", new JsonArray()));
        assertThat(unknownTeam.status()).isEqualTo(400);
        assertThat(unknownTeam.header("content-type")).isEqualTo("application/problem+json");
        assertThat(fieldNames(unknownTeam)).containsExactly("teamId");

        // a platform user that is alice's already, on the same platform
        Answer taken = post(agents, token, agent(t, "bob", "5001").put("platform", "AES").put("queues", new JsonArray()));
        assertThat(taken.status()).isEqualTo(400);
        assertThat(fieldNames(taken)).containsExactly("platformUserId");
        assertThat(fields(taken).getJsonObject(0).getString("message")).contains(t + "/alice");

        // a team and a queue of another tenant
        Answer foreign = post(agents, token, agent(t, "bob", "5002").put("teamId", "other/sales").put("queues", new JsonArray().add("other/q")));
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(fieldNames(foreign)).containsExactlyInAnyOrder("teamId", "queues");

        // what the schema says, checked by the OpenAPI validator: a required field missing, a platform that is none
        Answer schema = post(agents, token, new JsonObject().put("agentId", t + "/bob").put("platformUserId", "5002"));
        assertThat(schema.status()).isEqualTo(400);
        assertThat(fieldNames(schema)).contains("platform");
        Answer badPlatform = post(agents, token, agent(t, "bob", "5002").put("platform", "SKYPE"));
        assertThat(fieldNames(badPlatform)).contains("platform");

        // a queue's platform id needs its platform, and once per platform
        String queues = "/api/v1/tenants/" + t + "/queues";
        assertThat(fieldNames(post(queues, token, new JsonObject().put("queueId", t + "/q1").put("platformQueueId", "7001")))).containsExactly("platform");
        assertThat(post(queues, token, new JsonObject().put("queueId", t + "/q1").put("platform", "AES").put("platformQueueId", "7001")).status())
                .isEqualTo(201);
        assertThat(fieldNames(post(queues, token, new JsonObject().put("queueId", t + "/q2").put("platform", "AES").put("platformQueueId", "7001"))))
                .containsExactly("platformQueueId");

        // nothing refused was written
        assertThat(Topics.records(kafka.bootstrapServers(), kafka.registryUrl(), CtiTopics.AGENTS, t + "/")).hasSize(1);
    }

    /** Verifies webhook URLs: absolute https with a host, no credentials, no loopback or private address (not allowed here). */
    @Test
    @Order(4)
    void webhookUrlsAreChecked() throws Exception {
        String t = tenant();
        String token = admin(t);
        String path = "/api/v1/tenants/" + t + "/webhook-subscriptions";
        for (String url : List.of("crm.example.com/hook", "http://crm.example.com/hook", "https://user:pw@crm.example.com/hook",
                "https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://[::1]/hook", "https://localhost:8443/hook", "ftp://crm.example.com/x")) {
            Answer a = post(path, token, new JsonObject().put("subscriptionId", t + "/crm").put("url", url));
            assertThat(a.status()).as(url).isEqualTo(400);
            assertThat(fieldNames(a)).as(url).containsExactly("url");
        }
        Answer unknownTeam = post(path, token, new JsonObject().put("subscriptionId", t + "/crm").put("url", "https://crm.example.com/hook")
                .put("teams", new JsonArray().add(t + "/nosuch")));
        assertThat(fieldNames(unknownTeam)).containsExactly("teams");
    }

    /**
     * Verifies a webhook secret's life: made by the server and shown once on create, never on GET or list; a rotation
     * shows the new one once and keeps the old one valid until its expiresAt, so the topic record carries both; and
     * neither secret is anywhere in the audit topic's bytes.
     */
    @Test
    @Order(5)
    void webhookSecretsAreShownOnceRotatedWithGraceAndNeverAudited() throws Exception {
        // GIVEN a subscription made through the API
        String t = tenant();
        String token = admin(t);
        String path = "/api/v1/tenants/" + t + "/webhook-subscriptions";
        Answer created = post(path, token, new JsonObject().put("subscriptionId", t + "/crm").put("url", "https://crm.example.com/hook")
                .put("eventTypes", new JsonArray().add("io.ctistream.call.offered")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("cache-control")).isEqualTo("no-store");
        String first = created.json().getString("secret");
        assertThat(first).startsWith("whsec_");
        assertThat(java.util.Base64.getDecoder().decode(first.substring("whsec_".length()))).hasSize(32);

        // THEN no GET shows it
        Answer got = api.get(path + "/crm", token);
        assertThat(got.body()).doesNotContain(first).doesNotContain(first.substring(6));
        assertThat(got.json().getJsonArray("secrets")).hasSize(1);
        assertThat(api.get(path, token).body()).doesNotContain(first.substring(6));

        // WHEN rotated with an hour's grace
        Answer rotated = post(path + "/crm/rotate-secret", token, new JsonObject().put("graceSeconds", 3600));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String second = rotated.json().getString("secret");
        assertThat(second).startsWith("whsec_").isNotEqualTo(first);

        // THEN the record on the topic holds both, the old one ending in about an hour and the new one without an end
        List<ConsumerRecord<String, WebhookSubscription>> records = Topics.records(kafka.bootstrapServers(), kafka.registryUrl(),
                CtiTopics.WEBHOOK_SUBSCRIPTIONS, t + "/");
        WebhookSubscription latest = records.get(records.size() - 1).value();
        assertThat(latest.getSecrets()).extracting(WebhookSecret::getSecret).containsExactly(first, second);
        Instant end = latest.getSecrets().get(0).getExpiresAt();
        assertThat(end).isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
        assertThat(latest.getSecrets().get(1).getExpiresAt()).isNull();
        assertThat(api.get(path + "/crm", token).json().getJsonArray("secrets")).hasSize(2);

        // AND a change of its URL keeps both secrets; a rotation without a grace out of range is refused
        Answer changed = put(path + "/crm", token, new JsonObject().put("subscriptionId", t + "/crm").put("url", "https://crm.example.com/v2"), null);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().getJsonArray("secrets")).hasSize(2);
        Answer tooLong = post(path + "/crm/rotate-secret", token, new JsonObject().put("graceSeconds", 9_999_999));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(fieldNames(tooLong)).containsExactly("graceSeconds");

        // AND the audit has the create, the rotation and the change, with neither secret in its bytes
        List<ConsumerRecord<String, byte[]>> audit = Topics.raw(kafka.bootstrapServers(), CtiTopics.ADMIN_AUDIT, t + "/");
        assertThat(audit).hasSize(3);
        for (ConsumerRecord<String, byte[]> r : audit) {
            String bytes = new String(r.value(), StandardCharsets.ISO_8859_1);
            assertThat(bytes).doesNotContain(first.substring(6), second.substring(6));
        }
        List<ConsumerRecord<String, AdminAudit>> decoded = Topics.records(kafka.bootstrapServers(), kafka.registryUrl(), CtiTopics.ADMIN_AUDIT, t + "/");
        assertThat(decoded).extracting(r -> r.value().getAction()).containsExactly(AdminAction.CREATED, AdminAction.UPDATED, AdminAction.UPDATED);
        assertThat(new JsonObject(decoded.get(1).value().getAfter()).getJsonArray("secrets")).hasSize(2);
    }

    /** Verifies each resource's whole life through the API: create, create again (409), invalid (400), get, list, replace with If-Match (200, 412), delete (412, 204). */
    @Test
    @Order(6)
    void everyResourceLifecycleWithOptimisticConcurrency() throws Exception {
        String t = tenant();
        String token = admin(t);
        assertThat(post("/api/v1/tenants/" + t + "/teams", token, new JsonObject().put("teamId", t + "/base")).status()).isEqualTo(201);
        assertThat(post("/api/v1/tenants/" + t + "/queues", token, new JsonObject().put("queueId", t + "/base")).status()).isEqualTo(201);
        Map<String, JsonObject> bodies = Map.of(
                "teams", new JsonObject().put("teamId", t + "/x").put("displayName", "X"),
                "queues", new JsonObject().put("queueId", t + "/x").put("displayName", "X"),
                "agents", agent(t, "x", "x@as.example.com").put("teamId", t + "/base").put("queues", new JsonArray().add(t + "/base")),
                "webhook-subscriptions", new JsonObject().put("subscriptionId", t + "/x").put("url", "https://crm.example.com/x"));
        String[] idFields = {"teamId", "queueId", "agentId", "subscriptionId"};
        int i = 0;
        for (String kind : List.of("teams", "queues", "agents", "webhook-subscriptions")) {
            String idField = idFields[i++];
            String list = "/api/v1/tenants/" + t + "/" + kind;
            String one = list + "/x";
            JsonObject body = bodies.get(kind);

            Answer created = post(list, token, body);
            assertThat(created.status()).as(kind + ": " + created.body()).isEqualTo(201);
            assertThat(post(list, token, body).status()).as(kind).isEqualTo(409);
            Answer invalid = post(list, token, body.copy().put(idField, "x"));
            assertThat(invalid.status()).as(kind).isEqualTo(400);
            assertThat(fieldNames(invalid)).as(kind).contains(idField);

            Answer got = api.get(one, token);
            assertThat(got.status()).isEqualTo(200);
            String etag = got.header("etag");
            assertThat(api.get(list, token).json().getJsonArray("items")).isNotEmpty();

            JsonObject changed = body.copy().put(kind.equals("webhook-subscriptions") ? "description" : "displayName", "changed");
            Answer replaced = put(one, token, changed, etag);
            assertThat(replaced.status()).as(kind + ": " + replaced.body()).isEqualTo(200);
            assertThat(replaced.header("etag")).isNotEqualTo(etag);
            assertThat(put(one, token, changed.copy().put(idField, t + "/y"), null).status()).as(kind).isEqualTo(400);
            assertThat(put(one, token, body, etag).status()).as(kind + ": a stale If-Match").isEqualTo(412);
            assertThat(delete(one, token, etag).status()).as(kind).isEqualTo(412);
            assertThat(api.get(one, token).json().getString(kind.equals("webhook-subscriptions") ? "description" : "displayName")).isEqualTo("changed");

            assertThat(delete(one, token, replaced.header("etag")).status()).as(kind).isEqualTo(204);
            assertThat(api.get(one, token).status()).as(kind + " is gone at once").isEqualTo(404);
        }
        // the tombstones are on the topics
        List<ConsumerRecord<String, AgentProfile>> agents = Topics.records(kafka.bootstrapServers(), kafka.registryUrl(), CtiTopics.AGENTS, t + "/");
        assertThat(agents.get(agents.size() - 1).value()).isNull();
        List<ConsumerRecord<String, AdminAudit>> audit = Topics.records(kafka.bootstrapServers(), kafka.registryUrl(), CtiTopics.ADMIN_AUDIT, t + "/x");
        assertThat(audit).filteredOn(r -> r.value().getAction() == AdminAction.DELETED).hasSize(4)
                .allSatisfy(r -> assertThat(r.value().getAfter()).isNull());
    }

    /**
     * Verifies the token rules on every operation of the document but the document itself: no token or a bad one is 401,
     * a role other than admin 403, and the token's tenant never sees another's (404, as if it did not exist).
     */
    @Test
    @Order(7)
    void everyOperationNeedsAnAdminTokenOfItsTenant() throws Exception {
        String t = tenant();
        String other = tenant();
        String token = admin(t);
        assertThat(post("/api/v1/tenants/" + t + "/teams", token, new JsonObject().put("teamId", t + "/sales")).status()).isEqualTo(201);
        Map<String, String> paths = Map.ofEntries(
                Map.entry("listAgents", "/agents"), Map.entry("createAgent", "/agents"), Map.entry("getAgent", "/agents/a"),
                Map.entry("updateAgent", "/agents/a"), Map.entry("deleteAgent", "/agents/a"),
                Map.entry("listTeams", "/teams"), Map.entry("createTeam", "/teams"), Map.entry("getTeam", "/teams/sales"),
                Map.entry("updateTeam", "/teams/sales"), Map.entry("deleteTeam", "/teams/sales"),
                Map.entry("listQueues", "/queues"), Map.entry("createQueue", "/queues"), Map.entry("getQueue", "/queues/q"),
                Map.entry("updateQueue", "/queues/q"), Map.entry("deleteQueue", "/queues/q"),
                Map.entry("listWebhookSubscriptions", "/webhook-subscriptions"), Map.entry("createWebhookSubscription", "/webhook-subscriptions"),
                Map.entry("getWebhookSubscription", "/webhook-subscriptions/w"), Map.entry("updateWebhookSubscription", "/webhook-subscriptions/w"),
                Map.entry("deleteWebhookSubscription", "/webhook-subscriptions/w"),
                Map.entry("rotateWebhookSecret", "/webhook-subscriptions/w/rotate-secret"));
        Set<String> covered = new TreeSet<>();
        for (Map.Entry<String, String> op : api.operationMethods().entrySet()) {
            if (op.getKey().equals("getOpenApiDocument")) {
                continue;
            }
            String method = op.getValue();
            String rest = paths.get(op.getKey());
            assertThat(rest).as("a path for " + op.getKey()).isNotNull();
            JsonObject body = method.equals("POST") || method.equals("PUT") ? new JsonObject().put("teamId", t + "/sales") : null;
            String own = "/api/v1/tenants/" + t + rest;
            String expired = JWT.sign(new JsonObject().put("sub", "x").put("tenant", t).put("role", "admin").put("exp", Instant.now().getEpochSecond() - 600));

            Answer none = api.send(method, own, null, body, Map.of());
            Answer forged = api.send(method, own, new Jwt("another-secret-of-at-least-32-characters", 30).sign(new JsonObject()
                    .put("sub", "x").put("tenant", t).put("role", "admin").put("exp", Instant.now().getEpochSecond() + 600)), body, Map.of());
            Answer late = api.send(method, own, expired, body, Map.of());
            Answer agentRole = api.send(method, own, token(t, "agent"), body, Map.of());
            Answer supervisor = api.send(method, own, token(t, "supervisor"), body, Map.of());
            Answer otherTenant = api.send(method, "/api/v1/tenants/" + other + rest, token, body, Map.of());

            assertThat(List.of(none.status(), forged.status(), late.status())).as(op.getKey()).containsOnly(401);
            assertThat(none.header("www-authenticate")).startsWith("Bearer");
            assertThat(List.of(agentRole.status(), supervisor.status())).as(op.getKey()).containsOnly(403);
            assertThat(otherTenant.status()).as(op.getKey()).isEqualTo(404);
            covered.add(op.getKey());
        }
        assertThat(covered).hasSize(api.operationMethods().size() - 1);
        // another tenant's id in the own tenant's path is just not there
        assertThat(api.get("/api/v1/tenants/" + t + "/teams/sales", token).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/tenants/" + other + "/teams/sales", admin(other)).status()).isEqualTo(404);
        Answer rotateMissing = post("/api/v1/tenants/" + t + "/webhook-subscriptions/none/rotate-secret", token, null);
        assertThat(rotateMissing.status()).isEqualTo(404);
    }

    /** Verifies the service endpoints every process has. */
    @Test
    @Order(8)
    void healthVersionAndMetrics() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String p : List.of("/health/live", "/health/ready", "/version", "/metrics")) {
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + admin.port() + p)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(p).isEqualTo(200);
            if (p.equals("/metrics")) {
                assertThat(r.body()).contains("ctistream_admin_requests_total{operation=\"createAgent\",status=\"201\"}",
                        "ctistream_admin_changes_total{action=\"CREATED\",resource=\"AGENT\"}");
            }
        }
    }

    /** Verifies that the tests above got every answer the document declares, for every operation: the document and the service stay together. */
    @Test
    @Order(Integer.MAX_VALUE)
    void everyDeclaredAnswerWasExercised() {
        Set<String> missing = new TreeSet<>(api.declared());
        missing.removeAll(api.seen());
        assertThat(missing).as("answers the document declares that no test got").isEmpty();
    }

    private static JsonObject agent(String tenant, String name, String platformUser) {
        return new JsonObject().put("agentId", tenant + "/" + name).put("displayName", "Agent " + name).put("teamId", tenant + "/sales")
                .put("queues", new JsonArray().add(tenant + "/sales")).put("platform", "BROADWORKS").put("platformUserId", platformUser)
                .put("timeZone", "Europe/Berlin").put("attributes", new JsonObject().put("skill", "sales"));
    }
}
