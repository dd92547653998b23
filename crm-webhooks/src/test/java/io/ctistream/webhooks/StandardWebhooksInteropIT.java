package io.ctistream.webhooks;

import static io.ctistream.webhooks.CrmFixtures.call;
import static io.ctistream.webhooks.CrmFixtures.now;
import static io.ctistream.webhooks.CrmFixtures.secret;
import static io.ctistream.webhooks.CrmFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import io.ctistream.events.WebhookSubscription;
import io.ctistream.schemas.CtiTopics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that ctistream's webhook signatures verify with the Standard Webhooks reference library
 * (npm {@code standardwebhooks@1.1.1}, run by node over the real deliveries), an implementation no
 * one here wrote, including a secret rotation with two valid secrets. Skips only where node or
 * {@code src/test/node/node_modules} is missing (install: {@code npm ci --prefix crm-webhooks/src/test/node}).
 */
@ExtendWith(CtiKafkaExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StandardWebhooksInteropIT {
    private static final String TENANT = "swi" + UUID.randomUUID().toString().substring(0, 6);
    private static Vertx vertx;
    private static ItKafka kafka;
    private static TestReceiver receiver;
    private static WebhookService service;
    @TempDir
    Path work;

    @BeforeAll
    static void start(TestKafka broker) throws Exception {
        String missing = NodeVerifier.unavailable();
        Assumptions.assumeTrue(missing == null, () -> "StandardWebhooksInteropIT skipped: " + missing);
        vertx = Vertx.vertx();
        kafka = new ItKafka(broker);
        receiver = TestReceiver.start(vertx, "127.0.0.1");
        service = WebhookService.start(vertx, kafka.settings().withTargets(TargetPolicy.parse("127.0.0.1/32")).withCloudEventsTopic(false),
                new PrometheusRegistry()).await(2, TimeUnit.MINUTES);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.remove(CtiTopics.WEBHOOK_SUBSCRIPTIONS, TENANT + "/crm");
        }
        if (service != null) {
            service.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** Verifies deliveries signed with two secrets (a rotation), then with the new one alone, against the reference library. */
    @Test
    void deliveriesVerifyWithTheReferenceLibraryThroughARotation() throws Exception {
        // GIVEN a subscription in the middle of a rotation: the old secret still signs for an hour, the new one too
        Instant t = now();
        String oldSecret = WebhookSigner.newSecret();
        String newSecret = WebhookSigner.newSecret();
        String agent = TENANT + "/agent001";
        WebhookSubscription sub = CrmFixtures.subscription(TENANT, "crm", receiver.url("/crm"),
                List.of(secret(oldSecret, t.minusSeconds(86_400), t.plusSeconds(3600)), secret(newSecret, t, null)), t);
        kafka.put(CtiTopics.WEBHOOK_SUBSCRIPTIONS, sub.getSubscriptionId(), sub);

        // WHEN a call is offered, answered and ended, and the agent's state changes
        kafka.events(List.of(call(agent, "c1", CallState.OFFERED, CallDirection.INBOUND, TENANT + "/sales", now()),
                state(agent, AgentState.TALKING, now()),
                call(agent, "c1", CallState.CONNECTED, CallDirection.INBOUND, TENANT + "/sales", now()),
                call(agent, "c1", CallState.ENDED, CallDirection.INBOUND, TENANT + "/sales", now())));

        // THEN the endpoint gets four CloudEvents in structured mode, each with two signatures
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.acceptedCount("/crm") == 4);
        List<TestReceiver.Delivery> rotating = receiver.accepted("/crm");
        assertThat(rotating).extracting(TestReceiver.Delivery::type).containsExactly("io.ctistream.call.offered",
                "io.ctistream.agent.state.changed", "io.ctistream.call.answered", "io.ctistream.call.ended");
        assertThat(rotating).allSatisfy(d -> {
            assertThat(d.headers().get("content-type")).isEqualTo("application/cloudevents+json");
            assertThat(d.headers().get("webhook-signature").split(" ")).hasSize(2);
            JsonObject ce = d.event();
            assertThat(ce.getString("id")).isEqualTo(d.id());
            assertThat(ce.getString("specversion")).isEqualTo("1.0");
            assertThat(ce.getString("subject")).isEqualTo(agent);
            assertThat(ce.getString("dataschema")).startsWith("urn:ctistream:cloudevents:");
        });
        // AND the reference library verifies every delivery with the old secret and with the new one
        NodeVerifier.Verdict both = NodeVerifier.verify(rotating, List.of(oldSecret, newSecret), work);
        assertThat(both.failed()).as("verify.mjs failures").isEmpty();
        assertThat(both.exitCode()).isZero();
        assertThat(both.verified()).isEqualTo(8);

        // WHEN the rotation ends (the old secret expired) and another call is offered
        Instant t2 = now();
        WebhookSubscription rotated = WebhookSubscription.newBuilder(sub)
                .setSecrets(List.of(secret(oldSecret, t.minusSeconds(86_400), t2.minusSeconds(1)), secret(newSecret, t, null)))
                .setUpdatedAt(t2).build();
        kafka.put(CtiTopics.WEBHOOK_SUBSCRIPTIONS, sub.getSubscriptionId(), rotated);
        await().atMost(Duration.ofSeconds(30)).until(() -> rotated.equals(service.current(sub.getSubscriptionId())));
        kafka.events(List.of(call(agent, "c2", CallState.OFFERED, CallDirection.INBOUND, null, now())));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCount("/crm") == 5);

        // THEN it carries one signature, which verifies with the new secret and not with the old one
        List<TestReceiver.Delivery> single = receiver.accepted("/crm").subList(4, 5);
        assertThat(single.get(0).headers().get("webhook-signature").split(" ")).hasSize(1);
        assertThat(NodeVerifier.verify(single, List.of(newSecret), work).exitCode()).isZero();
        NodeVerifier.Verdict old = NodeVerifier.verify(single, List.of(oldSecret), work);
        assertThat(old.exitCode()).isNotZero();
        assertThat(old.failed()).hasSize(1);
    }
}
