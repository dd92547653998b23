package io.ctistream.webhooks;

import static io.ctistream.webhooks.CrmFixtures.call;
import static io.ctistream.webhooks.CrmFixtures.now;
import static io.ctistream.webhooks.CrmFixtures.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import io.ctistream.events.WebhookSubscription;
import io.ctistream.schemas.CtiTopics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Many events: 10,000 to three subscriptions of which one is slow (the fast ones finish while the
 * slow one is still far behind, then all three have everything, in order per agent), and a restart
 * of the service mid-stream (nothing lost, duplicates only within the in-flight window).
 */
@ExtendWith(CtiKafkaExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WebhookLoadIT {
    private static final RetryPolicy RETRY = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(10));
    private final String tenant = "wli" + UUID.randomUUID().toString().substring(0, 6);
    private final String secret = WebhookSigner.newSecret();
    private final List<String> created = new ArrayList<>();
    private final List<TestReceiver> receivers = new ArrayList<>();
    private Vertx vertx;
    private ItKafka kafka;
    private WebhookService service;

    @BeforeEach
    void setUp(TestKafka broker) throws Exception {
        vertx = Vertx.vertx();
        kafka = new ItKafka(broker);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String id : created) {
            kafka.remove(CtiTopics.WEBHOOK_SUBSCRIPTIONS, id);
        }
        if (service != null) {
            await().atMost(Duration.ofSeconds(30)).until(() -> created.stream().noneMatch(service.runningSubscriptions()::contains));
            service.close();
        }
        for (TestReceiver r : receivers) {
            r.close().await(10, TimeUnit.SECONDS);
        }
        kafka.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private WebhookService startService() throws Exception {
        return WebhookService.start(vertx, kafka.settings().withTargets(TargetPolicy.parse("127.0.0.1/32")).withRetry(RETRY)
                .withCloudEventsTopic(false).withInstanceId("load-it"), new PrometheusRegistry()).await(2, TimeUnit.MINUTES);
    }

    private TestReceiver receiver() throws Exception {
        TestReceiver r = TestReceiver.start(vertx, "127.0.0.1");
        receivers.add(r);
        return r;
    }

    private String subscribe(String localId, String url) throws Exception {
        Instant t = now();
        WebhookSubscription s = CrmFixtures.subscription(tenant, localId, url, List.of(secret(secret, t, null)), t);
        created.add(s.getSubscriptionId());
        kafka.put(CtiTopics.WEBHOOK_SUBSCRIPTIONS, s.getSubscriptionId(), s);
        await().atMost(Duration.ofSeconds(30)).until(() -> service.runningSubscriptions().contains(s.getSubscriptionId()));
        return s.getSubscriptionId();
    }

    /** {@code perAgent} screen pops for each of {@code agents} agents, interleaved; call ids {@code <agent>-<seq>}. */
    private List<AgentEvent> offers(int agents, int perAgent) {
        List<AgentEvent> out = new ArrayList<>(agents * perAgent);
        for (int i = 1; i <= perAgent; i++) {
            for (int a = 1; a <= agents; a++) {
                String agent = tenant + "/agent" + a;
                out.add(call(agent, agent + "-" + String.format("%05d", i), CallState.OFFERED, CallDirection.INBOUND, tenant + "/sales", now()));
            }
        }
        return out;
    }

    private void assertInOrderPerAgent(TestReceiver r, String path, int agents, int perAgent) {
        Map<String, List<String>> got = r.perAgent(path, "callId");
        assertThat(got).as("agents delivered to %s", path).hasSize(agents);
        for (int a = 1; a <= agents; a++) {
            String agent = tenant + "/agent" + a;
            List<String> expected = IntStream.rangeClosed(1, perAgent).mapToObj(i -> agent + "-" + String.format("%05d", i)).toList();
            assertThat(got.get(agent)).as("calls of %s at %s, in arrival order", agent, path).containsExactlyElementsOf(expected);
        }
    }

    /** Verifies that a slow endpoint delays no other subscription, holds bounded memory, and still gets every event in order. */
    @Test
    void tenThousandEventsToThreeSubscriptionsOfWhichOneIsSlow() throws Exception {
        // GIVEN two fast endpoints and one that takes 200 ms per event
        service = startService();
        TestReceiver fast = receiver();
        TestReceiver slow = receiver();
        slow.delayMillis = 200;
        subscribe("fast1", fast.url("/fast1"));
        subscribe("fast2", fast.url("/fast2"));
        String slowId = subscribe("slow", slow.url("/slow"));

        // WHEN 10,000 screen pops for 20 agents are written
        kafka.events(offers(20, 500));

        // THEN both fast subscriptions get all 10,000 while the slow one is still far behind
        await().atMost(Duration.ofSeconds(150)).until(() -> fast.acceptedCount("/fast1") == 10_000 && fast.acceptedCount("/fast2") == 10_000);
        int slowWhenFastDone = slow.acceptedCount("/slow");
        assertThat(slowWhenFastDone).as("slow deliveries when the fast ones were done").isLessThan(10_000);
        assertThat(service.health().subscriptions().get(slowId).lag()).isPositive();
        // AND the slow one holds no more than its bound in memory (its consumer pauses instead)
        assertThat(service.buffered(slowId)).isLessThanOrEqualTo(kafka.settings().maxBuffered());

        // WHEN the slow endpoint speeds up: THEN it gets everything too
        slow.delayMillis = 0;
        await().atMost(Duration.ofSeconds(150)).until(() -> slow.acceptedCount("/slow") == 10_000);

        // AND every subscription got each agent's events in order, once
        assertInOrderPerAgent(fast, "/fast1", 20, 500);
        assertInOrderPerAgent(fast, "/fast2", 20, 500);
        assertInOrderPerAgent(slow, "/slow", 20, 500);
        assertThat(fast.duplicates()).isZero();
        assertThat(slow.duplicates()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> service.health().subscriptions().get(slowId).lag() == 0);
    }

    /** Verifies that a restart mid-stream loses nothing and repeats only what was in flight (a receiver de-duplicates by webhook-id). */
    @Test
    void aRestartMidStreamLosesNothing() throws Exception {
        // GIVEN an endpoint taking 5 ms per event, and 3,000 events on their way
        service = startService();
        TestReceiver r = receiver();
        r.delayMillis = 5;
        String id = subscribe("restart", r.url("/restart"));
        kafka.events(offers(10, 300));
        await().atMost(Duration.ofSeconds(60)).until(() -> r.acceptedCount("/restart") >= 600);

        // WHEN the service stops mid-stream and a new one starts
        service.close();
        int atStop = r.acceptedCount("/restart");
        assertThat(atStop).isLessThan(3000);
        service = startService();

        // THEN every event arrives, in order per agent; repeats only those in flight at the stop (one per partition at most)
        await().atMost(Duration.ofSeconds(120)).until(() -> r.acceptedCount("/restart") == 3000);
        assertInOrderPerAgent(r, "/restart", 10, 300);
        assertThat(r.duplicates()).as("deliveries repeated after the restart").isLessThanOrEqualTo(ItKafka.PARTITIONS);
        assertThat(service.runningSubscriptions()).contains(id);
    }
}
