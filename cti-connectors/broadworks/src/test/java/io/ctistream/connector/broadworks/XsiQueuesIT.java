package io.ctistream.connector.broadworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.broadworks.xsi.XsiConfig;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.connector.core.testkit.KafkaTap;
import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.QueueCallDisposition;
import io.ctistream.events.QueueCallEntered;
import io.ctistream.events.QueueCallLeft;
import io.ctistream.events.QueueEvent;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import io.ctistream.simulator.broadworks.xsi.XsiEventsServer;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies BroadWorks queues over Xsi-Events end to end on a real broker (issue #17): two connector
 * instances split six call-center queues by the kit's queue ownership, each subscribes only its own
 * over its own channel set, and their facts reach {@code cti.queue-events} keyed by queue; when one
 * instance dies the survivor takes its queues over, resyncs them from the subscription's state and
 * reports how the waiting calls end, each answer once.
 */
@ExtendWith(CtiKafkaExtension.class)
class XsiQueuesIT {
    private static final String TENANT = "xsiq";
    private static final int QUEUES = 6;

    @Test
    void twoInstancesShareTheQueuesAndTheSurvivorTakesThemOver(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        Vertx vertx = Vertx.vertx();
        BroadWorksSimulator sip = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0));
        // a channel without heartbeats is torn down after 2 s: the dead instance's channel goes quickly
        XsiEventsServer xsi = XsiEventsServer.start(XsiEventsServer.Settings.loopback("xsi-ops", "s3cret")
                .with(3600, 2, new XsiQueueModel.Plan(100, 60_000, 120_000, 120_000)));
        Map<String, String> callCenters = new LinkedHashMap<>();
        IntStream.range(0, QUEUES).forEach(i -> {
            callCenters.put(TENANT + "/queue-" + i, "cc-" + i + "@as.example");
            xsi.addCallCenter("cc-" + i + "@as.example");
        });
        Instant started = Instant.now();
        try (KafkaTap tap = new KafkaTap(kafka.bootstrapServers(), kafka.registryUrl(), TENANT)) {
            // GIVEN two instances in one group, each following the queues it owns
            BroadWorksConnector one = start(vertx, kafka, sip, xsi, callCenters, "xq-one");
            BroadWorksConnector two = start(vertx, kafka, sip, xsi, callCenters, "xq-two");
            List<String> queues = List.copyOf(callCenters.keySet());
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(queues)
                    .allSatisfy(q -> assertThat(one.runtime().ownsQueue(q) ^ two.runtime().ownsQueue(q)).as(q).isTrue())
                    .anySatisfy(q -> assertThat(one.runtime().ownsQueue(q)).isTrue())
                    .anySatisfy(q -> assertThat(two.runtime().ownsQueue(q)).isTrue()));
            Set<String> ownedByOne = Set.copyOf(queues.stream().filter(q -> one.runtime().ownsQueue(q)).toList());
            // each call center is subscribed by its owner's channel set alone (a queue that moved at the join was unsubscribed)
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(queues).allSatisfy(q -> assertThat(xsi.subscribers(callCenters.get(q)))
                    .containsExactly("ctistream-" + TENANT + "-" + (ownedByOne.contains(q) ? "xq-one" : "xq-two"))));

            // WHEN a caller waits in every queue (nobody is READY)
            Map<String, String> callOf = new LinkedHashMap<>();
            for (int i = 0; i < QUEUES; i++) {
                xsi.callArrives("cc-" + i + "@as.example", "+1555010" + i);
                callOf.put(TENANT + "/queue-" + i, (i + 1) + ":1");
            }
            // THEN each queue's call entered once, reported by the instance that owns the queue
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(queues).allSatisfy(q ->
                    assertThat(facts(tap, q)).containsExactly(callOf.get(q) + " entered by " + (ownedByOne.contains(q) ? "xq-one" : "xq-two"))));
            QueueEvent first = tap.queueEvents().get(0);
            assertThat(first.getOccurredAt()).as("the platform's addTime, from this run's clock").isAfterOrEqualTo(started.minusSeconds(1));

            // WHEN instance one dies (no unsubscribe, no group leave) and, once two has its queues, agents answer every call
            one.abort();
            await().atMost(Duration.ofSeconds(60)).until(() -> queues.stream().allMatch(q -> two.runtime().ownsQueue(q)));
            // the survivor resyncs the queues it took over: their waiting calls are entered again, by two
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ownedByOne).allSatisfy(q ->
                    assertThat(facts(tap, q)).endsWith(callOf.get(q) + " entered by xq-two")));
            for (int i = 0; i < QUEUES; i++) {
                xsi.agentReady("cc-" + i + "@as.example", "agent-" + i);
            }

            // THEN every call is answered once, told by the survivor; nothing said a call left any other way
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(queues).allSatisfy(q ->
                    assertThat(facts(tap, q)).filteredOn(f -> f.contains(" left ")).containsExactly(callOf.get(q) + " left ANSWERED by xq-two")));
            two.stop().await(20, TimeUnit.SECONDS);
        } finally {
            xsi.close();
            sip.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static BroadWorksConnector start(Vertx vertx, TestKafka kafka, BroadWorksSimulator sip, XsiEventsServer xsi,
                                             Map<String, String> callCenters, String instance) throws Exception {
        BroadWorksConfig config = BroadWorksConfig.defaults("127.0.0.1", "127.0.0.1:" + sip.port())
                .withTimings(3600, Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(2));
        XsiConfig queues = XsiConfig.of(URI.create(xsi.baseUrl()), "xsi", TENANT, callCenters)
                .withTimers(3600, 3600, Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofSeconds(1));
        Credentials credentials = Credentials.of(Map.of("xsi", new Credentials.Secret("xsi-ops", "s3cret", null)));
        return BroadWorksConnector.start(vertx, ConnectorSettings.of(instance),
                new KafkaSettings(kafka.bootstrapServers(), kafka.registryUrl(), "bw-xsi-queues", Duration.ofSeconds(6), Map.of()),
                Set.of(TENANT), config, credentials, queues).await(60, TimeUnit.SECONDS);
    }

    /** A queue's facts on the broker, as "call entered by instance" / "call left DISPOSITION by instance". */
    private static List<String> facts(KafkaTap tap, String queueId) {
        return tap.queueEvents().stream().filter(e -> e.getQueueId().equals(queueId)).map(e -> {
            String by = " by " + e.getSource().getConnectorInstance();
            if (e.getPayload() instanceof QueueCallEntered) {
                return e.getCallId() + " entered" + by;
            }
            QueueCallDisposition d = ((QueueCallLeft) e.getPayload()).getDisposition();
            return e.getCallId() + " left " + d + by;
        }).toList();
    }
}
