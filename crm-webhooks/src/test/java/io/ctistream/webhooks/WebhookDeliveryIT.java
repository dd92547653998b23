package io.ctistream.webhooks;

import static io.ctistream.webhooks.CrmFixtures.call;
import static io.ctistream.webhooks.CrmFixtures.now;
import static io.ctistream.webhooks.CrmFixtures.secret;
import static io.ctistream.webhooks.CrmFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import io.ctistream.events.DeadLetter;
import io.ctistream.events.WebhookSubscription;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.JsonTopics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The webhooks service against a real broker and registry and real HTTP endpoints on loopback:
 * retries while an endpoint is down, then everything in order; an event an endpoint never takes is
 * dead-lettered and the rest flows; subscriptions added, changed, disabled, enabled and removed live;
 * 410 Gone; SSRF refusals; the CloudEvents topic. Each test has its own agents and subscriptions,
 * removed at the end.
 */
@ExtendWith(CtiKafkaExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WebhookDeliveryIT {
    private static final String TENANT = "wdi" + UUID.randomUUID().toString().substring(0, 6);
    /** Short for tests: an event is given up on 8 s after its first attempt. */
    private static final RetryPolicy RETRY = new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(8));
    private static final String SECRET = WebhookSigner.newSecret();
    private static Vertx vertx;
    private static ItKafka kafka;
    private static WebhookService service;
    private static final List<String> created = new ArrayList<>();

    @BeforeAll
    static void start(TestKafka broker) throws Exception {
        vertx = Vertx.vertx();
        kafka = new ItKafka(broker);
        // loopback 127.0.0.1 is allowed for the test endpoints; every other internal address is refused
        service = WebhookService.start(vertx, kafka.settings().withTargets(TargetPolicy.parse("127.0.0.1/32")).withRetry(RETRY)
                .withInstanceId("delivery-it"), new PrometheusRegistry()).await(2, TimeUnit.MINUTES);
    }

    @AfterAll
    static void stop() throws Exception {
        for (String id : created) {
            kafka.remove(CtiTopics.WEBHOOK_SUBSCRIPTIONS, id);
        }
        if (service != null) {
            await().atMost(Duration.ofSeconds(30)).until(() -> created.stream().noneMatch(service.runningSubscriptions()::contains));
            service.close();
        }
        kafka.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static WebhookSubscription subscribe(String localId, String url, List<String> agents) throws Exception {
        Instant t = now();
        WebhookSubscription s = WebhookSubscription.newBuilder(CrmFixtures.subscription(TENANT, localId, url, List.of(secret(SECRET, t, null)), t))
                .setAgents(agents).build();
        put(s);
        await().atMost(Duration.ofSeconds(30)).until(() -> service.runningSubscriptions().contains(s.getSubscriptionId()));
        return s;
    }

    private static void put(WebhookSubscription s) throws Exception {
        if (!created.contains(s.getSubscriptionId())) {
            created.add(s.getSubscriptionId());
        }
        kafka.put(CtiTopics.WEBHOOK_SUBSCRIPTIONS, s.getSubscriptionId(), s);
    }

    /** {@code n} screen pops per agent, each a new call {@code <agent>-<seq>}, interleaved across the agents. */
    private static List<AgentEvent> offers(List<String> agents, int n) {
        List<AgentEvent> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            for (String a : agents) {
                out.add(call(a, a + "-" + String.format("%03d", i), CallState.OFFERED, CallDirection.INBOUND, TENANT + "/sales", now()));
            }
        }
        return out;
    }

    private static List<String> expectedCalls(String agent, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> agent + "-" + String.format("%03d", i)).toList();
    }

    private static double metric(String name, String... labels) {
        return service.metrics().value(name, labels);
    }

    private static List<DeadLetter> deadLettersOf(String subscriptionId) {
        return kafka.deadLetters(d -> d.getReason().startsWith("webhook subscription [" + subscriptionId + "]"));
    }

    /** Verifies that while an endpoint is down its events are retried, and once it is back all arrive, in order per agent. */
    @Test
    void anEndpointDownForAWhileGetsEverythingInOrderOnceBack() throws Exception {
        // GIVEN a subscription whose endpoint is down
        TestReceiver receiver = TestReceiver.start(vertx, "127.0.0.1");
        List<String> agents = List.of(TENANT + "/down1", TENANT + "/down2", TENANT + "/down3");
        WebhookSubscription sub = subscribe("down", receiver.url("/down"), agents);
        receiver.down();

        // WHEN 30 calls are offered to three agents
        kafka.events(offers(agents, 10));

        // THEN the service retries (connections refused) ...
        await().atMost(Duration.ofSeconds(30)).until(() -> metric(WebhookMetrics.RETRIES, sub.getSubscriptionId(), "connection") >= 3);
        assertThat(receiver.acceptedCount("/down")).isZero();

        // ... and once the endpoint is back, every event arrives, each agent's in order, none dead-lettered
        receiver.up();
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.acceptedCount("/down") == 30);
        Map<String, List<String>> perAgent = receiver.perAgent("/down", "callId");
        for (String a : agents) {
            assertThat(perAgent.get(a)).as("calls of %s in arrival order", a).containsExactlyElementsOf(expectedCalls(a, 10));
        }
        assertThat(metric(WebhookMetrics.DELIVERED, sub.getSubscriptionId())).isEqualTo(30.0);
        assertThat(deadLettersOf(sub.getSubscriptionId())).isEmpty();
        assertThat(service.health().subscriptions().get(sub.getSubscriptionId()).lastError()).isNull();
        receiver.close();
    }

    /**
     * Verifies that a busy subscription commits its progress at most once a second rather than after
     * every poll (each commit is a broker write), and that its progress still reaches the broker
     * within that second once it goes quiet.
     */
    @Test
    void progressIsCommittedAtMostOncePerIntervalAndReachesTheBrokerWhenQuiet() throws Exception {
        // GIVEN a subscription to one agent
        TestReceiver receiver = TestReceiver.start(vertx, "127.0.0.1");
        String agent = TENANT + "/commits1";
        WebhookSubscription sub = subscribe("commits", receiver.url("/commits"), List.of(agent));
        long commitsBefore = brokerRequests("OffsetCommit");
        long started = System.nanoTime();

        // WHEN 20 events come one at a time, each delivered before the next is written (20 polls that finish progress)
        int waves = 20;
        for (int i = 1; i <= waves; i++) {
            kafka.events(List.of(call(agent, agent + "-" + i, CallState.OFFERED, CallDirection.INBOUND, TENANT + "/sales", now())));
            int expected = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCount("/commits") == expected);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long commits = brokerRequests("OffsetCommit") - commitsBefore;

        // THEN the broker took at most one commit per reader per interval: every running subscription's reader and the
        // CloudEvents reader read these events (another agent's event is progress too, filtered out); a commit after
        // every poll would be at least one per wave each
        int readers = service.runningSubscriptions().size() + 1;
        long bound = readers * ((long) Math.ceil(seconds / AgentEventReader.COMMIT_INTERVAL.toSeconds()) + 2);
        assertThat(commits).as("offset commits over %.1f s", seconds).isLessThanOrEqualTo(bound);
        // ... and once quiet, the subscription's progress is committed up to the end of the agent's partition
        String group = SubscriptionDelivery.groupId(sub.getSubscriptionId());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.kafka().bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                assertThat(committed).isNotEmpty();
                committed.forEach((tp, o) -> assertThat(o.offset()).as("committed offset of %s", tp).isEqualTo(ends.get(tp).offset()));
            });
        }
        receiver.close();
    }

    /** Requests of one type the broker in this JVM has handled, from its own request meters. */
    private static long brokerRequests(String type) throws Exception {
        var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        long n = 0;
        for (var name : server.queryNames(new javax.management.ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=" + type + ",*"), null)) {
            n += ((Number) server.getAttribute(name, "Count")).longValue();
        }
        return n;
    }

    /** Verifies that an event an endpoint never accepts is dead-lettered with the reason after the retry period, and the agent's later events follow. */
    @Test
    void anEventTheEndpointNeverTakesIsDeadLetteredAndTheRestFlows() throws Exception {
        // GIVEN an endpoint that answers 503 to one call, and takes every other
        TestReceiver receiver = TestReceiver.start(vertx, "127.0.0.1");
        receiver.failWith503 = d -> d.data().getString("callId").endsWith("poison");
        String agent = TENANT + "/never1";
        WebhookSubscription sub = subscribe("never", receiver.url("/never"), List.of(agent));

        // WHEN the agent gets a call, the poison call, and two more
        List<AgentEvent> events = List.of(
                call(agent, agent + "-001", CallState.OFFERED, CallDirection.INBOUND, null, now()),
                call(agent, agent + "-poison", CallState.OFFERED, CallDirection.INBOUND, null, now()),
                call(agent, agent + "-003", CallState.OFFERED, CallDirection.INBOUND, null, now()),
                call(agent, agent + "-004", CallState.OFFERED, CallDirection.INBOUND, null, now()));
        kafka.events(events);

        // THEN after the retry period the poison event is dead-lettered, and the later events arrive after it, in order
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.acceptedCount("/never") == 3);
        assertThat(receiver.perAgent("/never", "callId").get(agent)).containsExactly(agent + "-001", agent + "-003", agent + "-004");
        List<TestReceiver.Delivery> attempts = receiver.attempts();
        int lastPoison = -1;
        int firstThird = -1;
        for (int i = 0; i < attempts.size(); i++) {
            String callId = attempts.get(i).data().getString("callId");
            if (callId.endsWith("poison")) {
                lastPoison = i;
            } else if (callId.endsWith("-003") && firstThird < 0) {
                firstThird = i;
            }
        }
        assertThat(attempts.stream().filter(a -> a.answered() == 503)).as("attempts of the poison event").hasSizeGreaterThan(2);
        assertThat(firstThird).as("the next event is sent only after the poison event was given up").isGreaterThan(lastPoison);

        // AND the dead letter holds the original record and says why
        List<DeadLetter> letters = deadLettersOf(sub.getSubscriptionId());
        assertThat(letters).singleElement().satisfies(d -> {
            assertThat(d.getReason()).contains("HTTP 503", "gave up after", events.get(1).getHeader().getEventId())
                    .doesNotContain(receiver.url("/never"));
            assertThat(d.getOriginalTopic()).isEqualTo(CtiTopics.AGENT_EVENTS.topicName());
            assertThat(d.getOriginalKey()).isEqualTo(agent);
            assertThat(d.getComponent()).isEqualTo("crm-webhooks/delivery-it");
            byte[] raw = new byte[d.getOriginalValue().remaining()];
            d.getOriginalValue().get(raw);
            try (var values = CtiSerdes.<AgentEvent>valueDeserializer(kafka.kafka().registryUrl())) {
                AgentEvent original = values.deserialize(CtiTopics.AGENT_EVENTS.topicName(), raw);
                assertThat(((AgentCallEvent) original.getPayload()).getCallId()).isEqualTo(agent + "-poison");
            }
        });
        assertThat(metric(WebhookMetrics.DEAD_LETTERED, sub.getSubscriptionId(), "http_5xx")).isEqualTo(1.0);
        assertThat(metric(WebhookMetrics.RETRIES, sub.getSubscriptionId(), "http_5xx")).isGreaterThanOrEqualTo(2.0);
        receiver.close();
    }

    /** Verifies that subscriptions are added, changed, disabled (paused), enabled (resumed) and removed without a restart. */
    @Test
    void subscriptionsAreAddedChangedDisabledEnabledAndRemovedLive() throws Exception {
        TestReceiver receiver = TestReceiver.start(vertx, "127.0.0.1");
        String agent = TENANT + "/live1";
        // GIVEN a witness subscription that gets all of the agent's events, and one that gets only screen pops
        subscribe("witness", receiver.url("/witness"), List.of(agent));
        WebhookSubscription live = WebhookSubscription.newBuilder(subscribe("live", receiver.url("/live"), List.of(agent)))
                .setEventTypes(List.of(CrmEventType.CALL_OFFERED.type())).setUpdatedAt(now()).build();
        put(live);
        await().atMost(Duration.ofSeconds(30)).until(() -> live.equals(service.current(live.getSubscriptionId())));

        // WHEN the agent becomes ready and gets a call: THEN the filtered subscription gets the screen pop only
        kafka.events(List.of(state(agent, AgentState.READY, now()), call(agent, "c-1", CallState.OFFERED, CallDirection.INBOUND, null, now())));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCount("/witness") == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCount("/live") == 1);
        assertThat(receiver.accepted("/live")).extracting(TestReceiver.Delivery::type).containsExactly("io.ctistream.call.offered");

        // WHEN its filter is widened: THEN state changes come too
        WebhookSubscription widened = WebhookSubscription.newBuilder(live).setEventTypes(List.of()).setUpdatedAt(now()).build();
        put(widened);
        await().atMost(Duration.ofSeconds(30)).until(() -> widened.equals(service.current(live.getSubscriptionId())));
        kafka.events(List.of(state(agent, AgentState.NOT_READY, now())));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCount("/live") == 2);
        assertThat(receiver.accepted("/live").get(1).type()).isEqualTo("io.ctistream.agent.state.changed");

        // WHEN it is disabled and the agent gets another call: THEN only the witness gets it
        put(WebhookSubscription.newBuilder(widened).setEnabled(false).setUpdatedAt(now()).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> "disabled".equals(stateOf(live.getSubscriptionId())));
        kafka.events(List.of(call(agent, "c-2", CallState.OFFERED, CallDirection.INBOUND, null, now())));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCount("/witness") == 4);
        assertThat(receiver.acceptedCount("/live")).isEqualTo(2);

        // WHEN it is enabled again: THEN it resumes where it stopped, and gets the call it missed
        put(WebhookSubscription.newBuilder(widened).setEnabled(true).setUpdatedAt(now()).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCount("/live") == 3);
        assertThat(receiver.accepted("/live").get(2).data().getString("callId")).isEqualTo("c-2");

        // WHEN it is removed: THEN it stops, its metrics and its consumer group go
        kafka.remove(CtiTopics.WEBHOOK_SUBSCRIPTIONS, live.getSubscriptionId());
        await().atMost(Duration.ofSeconds(30)).until(() -> stateOf(live.getSubscriptionId()) == null);
        String group = SubscriptionDelivery.groupId(live.getSubscriptionId());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.kafka().bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.listGroups().all().get(10, TimeUnit.SECONDS))
                    .extracting(org.apache.kafka.clients.admin.GroupListing::groupId).doesNotContain(group));
        }
        kafka.events(List.of(call(agent, "c-3", CallState.OFFERED, CallDirection.INBOUND, null, now())));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCount("/witness") == 5);
        assertThat(receiver.acceptedCount("/live")).isEqualTo(3);
        receiver.close();
    }

    /** Verifies that a 410 Gone dead-letters the event and disables the subscription on the topic. */
    @Test
    void goneDisablesTheSubscription() throws Exception {
        TestReceiver receiver = TestReceiver.start(vertx, "127.0.0.1");
        receiver.status = 410;
        String agent = TENANT + "/gone1";
        WebhookSubscription sub = subscribe("gone", receiver.url("/gone"), List.of(agent));

        kafka.events(List.of(call(agent, "c-1", CallState.OFFERED, CallDirection.INBOUND, null, now())));

        await().atMost(Duration.ofSeconds(30)).until(() -> "disabled".equals(stateOf(sub.getSubscriptionId())));
        assertThat(receiver.attempts()).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deadLettersOf(sub.getSubscriptionId())).singleElement()
                .satisfies(d -> assertThat(d.getReason()).contains("HTTP 410 Gone", "disabled")));
        assertThat(metric(WebhookMetrics.DEAD_LETTERED, sub.getSubscriptionId(), "gone")).isEqualTo(1.0);
        receiver.close();
    }

    /** Verifies the SSRF guard at delivery time: a link-local (cloud metadata) and a loopback target not allowed are refused and dead-lettered. */
    @Test
    void targetsOnInternalAddressesAreRefused() throws Exception {
        // GIVEN an endpoint on 127.0.0.2 (loopback, not in the allowed 127.0.0.1/32) and the cloud metadata address
        TestReceiver inside = TestReceiver.start(vertx, "127.0.0.2");
        String agent = TENANT + "/ssrf1";
        WebhookSubscription metadata = subscribe("metadata", "http://169.254.169.254/latest/meta-data/?token=s3cret", List.of(agent));
        WebhookSubscription loopback = subscribe("loopback", inside.url("/hook"), List.of(agent));

        // WHEN the agent gets a call
        kafka.events(List.of(call(agent, "c-1", CallState.OFFERED, CallDirection.INBOUND, null, now())));

        // THEN both deliveries are refused without a connection, dead-lettered with the kind of address, never the URL
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLettersOf(metadata.getSubscriptionId()).size() == 1
                && deadLettersOf(loopback.getSubscriptionId()).size() == 1);
        assertThat(deadLettersOf(metadata.getSubscriptionId()).get(0).getReason()).contains("a link-local address [169.254.169.254]")
                .doesNotContain("s3cret", "meta-data");
        assertThat(deadLettersOf(loopback.getSubscriptionId()).get(0).getReason()).contains("a loopback address [127.0.0.2]");
        assertThat(metric(WebhookMetrics.DEAD_LETTERED, metadata.getSubscriptionId(), "refused_target")).isEqualTo(1.0);
        assertThat(metric(WebhookMetrics.DEAD_LETTERED, loopback.getSubscriptionId(), "refused_target")).isEqualTo(1.0);
        assertThat(inside.attempts()).isEmpty();
        inside.close();
    }

    /** Verifies that a plain Kafka consumer reads the same events from cti.cloudevents: binary mode, ce_ headers, JSON data, key = agent. */
    @Test
    void theCloudEventsTopicCarriesTheEventsInBinaryMode() throws Exception {
        String agent = TENANT + "/topic1";
        AgentEvent offered = call(agent, "c-77", CallState.OFFERED, CallDirection.INBOUND, TENANT + "/sales", now());
        kafka.events(List.of(offered));

        String id = offered.getHeader().getEventId();
        ConsumerRecord<String, byte[]> found;
        try (var consumer = kafka.rawConsumer(JsonTopics.CLOUD_EVENTS.topicName())) {
            found = await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Header h = r.headers().lastHeader("ce_id");
                    if (h != null && id.equals(new String(h.value(), StandardCharsets.UTF_8))) {
                        return r;
                    }
                }
                return null;
            }, r -> r != null);
        }
        Map<String, String> headers = new HashMap<>();
        found.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        assertThat(found.key()).isEqualTo(agent);
        assertThat(headers).containsEntry("ce_specversion", "1.0").containsEntry("ce_type", "io.ctistream.call.offered")
                .containsEntry("ce_source", "/ctistream/" + TENANT + "/broadworks").containsEntry("ce_subject", agent)
                .containsEntry("ce_dataschema", "urn:ctistream:cloudevents:io.ctistream.call.offered:v1")
                .containsEntry("content-type", "application/json").containsKey("ce_time");
        JsonObject data = new JsonObject(new String(found.value(), StandardCharsets.UTF_8));
        assertThat(data.getString("agentId")).isEqualTo(agent);
        assertThat(data.getString("callId")).isEqualTo("c-77");
        assertThat(data.getString("queueId")).isEqualTo(TENANT + "/sales");
        assertThat(service.health().cloudEventsTopic()).isEqualTo("running");
    }

    /** Verifies the demo's CRM: it registers its subscription, verifies signatures (a forged delivery gets 401) and shows the screen pops. */
    @Test
    void theDemoCrmShowsVerifiedScreenPops() throws Exception {
        // GIVEN the demo CRM, subscribed to one agent's calls
        String agent = TENANT + "/demo1";
        DemoCrm crm = DemoCrm.start(vertx, "127.0.0.1", 0, WebhookSigner.newSecret(), 5).await(10, TimeUnit.SECONDS);
        WebhookSubscription sub = crm.register(vertx, kafka.kafka().bootstrapServers(), kafka.kafka().registryUrl(), TENANT, "demo-crm",
                List.of(agent)).await(30, TimeUnit.SECONDS);
        created.add(sub.getSubscriptionId());
        await().atMost(Duration.ofSeconds(30)).until(() -> service.runningSubscriptions().contains(sub.getSubscriptionId()));

        // WHEN a call is offered to the agent, and someone posts a delivery signed with another secret
        kafka.events(List.of(call(agent, "c-demo", CallState.OFFERED, CallDirection.INBOUND, TENANT + "/sales", now())));
        var client = io.vertx.ext.web.client.WebClient.create(vertx);
        byte[] body = "{\"specversion\":\"1.0\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> forged = WebhookSigner.headers(List.of(WebhookSigner.key(WebhookSigner.newSecret())), "forged", Instant.now(), body);
        var request = client.postAbs(crm.webhookUrl());
        forged.forEach(request::putHeader);
        int forgedStatus = request.sendBuffer(io.vertx.core.buffer.Buffer.buffer(body)).await(10, TimeUnit.SECONDS).statusCode();

        // THEN the screen pop is shown, the forgery refused
        await().atMost(Duration.ofSeconds(30)).until(() -> !crm.screenPops().isEmpty());
        assertThat(crm.screenPops()).singleElement().satisfies(p -> {
            assertThat(p.agentId()).isEqualTo(agent);
            assertThat(p.callerNumber()).isEqualTo("+4930123456");
            assertThat(p.queueId()).isEqualTo(TENANT + "/sales");
        });
        assertThat(forgedStatus).isEqualTo(401);
        assertThat(crm.rejected()).isEqualTo(1);
        String page = client.getAbs(crm.pageUrl()).send().await(10, TimeUnit.SECONDS).bodyAsString();
        assertThat(page).contains("http-equiv=\"refresh\"", "+4930123456", "Erika Mustermann", "c-demo");
        client.close();
        crm.close().await(10, TimeUnit.SECONDS);
    }

    private static String stateOf(String subscriptionId) {
        WebhookHealth.Subscription s = service.health().subscriptions().get(subscriptionId);
        return s == null ? null : s.state();
    }
}
