package io.ctistream.connector.broadworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.broadworks.xsi.XsiConfig;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.connector.core.testkit.KafkaTap;
import io.ctistream.connector.core.testkit.Roster;
import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueCallDisposition;
import io.ctistream.events.QueueCallEntered;
import io.ctistream.events.QueueCallLeft;
import io.ctistream.events.QueueEvent;
import io.ctistream.events.QueueStatistics;
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
 * reports how the waiting calls end, each answer once; and the call centers follow the queue roster.
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

    /**
     * Verifies that the call centers follow the queue roster (ADR 022): the roster's BroadWorks queues
     * of the served tenant are subscribed by their {@code platformQueueId}, a Finesse queue and another
     * tenant's are not, the settings' call center wins for the same queue, a queue added to the roster
     * is subscribed and its calls reach {@code cti.queue-events}, and a queue removed is unsubscribed.
     */
    @Test
    void callCentersFollowTheQueueRoster(TestKafka kafka) throws Exception {
        String tenant = "xsir";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        Vertx vertx = Vertx.vertx();
        BroadWorksSimulator sip = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0));
        XsiEventsServer xsi = XsiEventsServer.start(XsiEventsServer.Settings.loopback("xsi-ops", "s3cret")
                .with(3600, 2, new XsiQueueModel.Plan(100, 60_000, 120_000, 120_000)));
        IntStream.range(0, 10).forEach(i -> xsi.addCallCenter("cc-" + i + "@as.example"));
        try (Roster roster = new Roster(kafka.bootstrapServers(), kafka.registryUrl());
             KafkaTap tap = new KafkaTap(kafka.bootstrapServers(), kafka.registryUrl(), tenant)) {
            // GIVEN a roster: two BroadWorks queues, a third the settings map elsewhere, a Finesse queue, another tenant's queue
            roster.put(Roster.queue(Platform.BROADWORKS, tenant, "queue-0", "cc-0@as.example"));
            roster.put(Roster.queue(Platform.BROADWORKS, tenant, "queue-1", "cc-1@as.example"));
            roster.put(Roster.queue(Platform.BROADWORKS, tenant, "queue-2", "cc-2@as.example"));
            roster.put(Roster.queue(Platform.FINESSE, tenant, "queue-3", "cc-3@as.example"));
            roster.put(Roster.queue(Platform.BROADWORKS, "other", "queue-4", "cc-4@as.example"));
            // WHEN one instance serving the tenant starts, its settings naming only queue-2's call center (an override)
            BroadWorksConnector one = start(vertx, kafka, sip, xsi, Map.of(tenant + "/queue-2", "cc-9@as.example"), "xr-one", tenant, "bw-xsi-roster");
            String set = "ctistream-" + tenant + "-xr-one";
            // THEN it subscribes the roster's BroadWorks call centers and the override, and nothing else
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(xsi.subscribers("cc-0@as.example")).containsExactly(set);
                assertThat(xsi.subscribers("cc-1@as.example")).containsExactly(set);
                assertThat(xsi.subscribers("cc-9@as.example")).containsExactly(set);
            });
            assertThat(List.of("cc-2@as.example", "cc-3@as.example", "cc-4@as.example")).allSatisfy(cc -> assertThat(xsi.subscribers(cc)).isEmpty());

            // WHEN a queue is added to the roster and a caller waits in it, and another queue is removed
            roster.put(Roster.queue(Platform.BROADWORKS, tenant, "queue-5", "cc-5@as.example"));
            await().atMost(Duration.ofSeconds(20)).until(() -> xsi.subscribers("cc-5@as.example").contains(set));
            xsi.callArrives("cc-5@as.example", "+15550105");
            roster.removeQueue(tenant + "/queue-1");
            // THEN the new queue's call reaches the topic under the roster's queue id and tenant, and the removed queue is unsubscribed
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(facts(tap, tenant + "/queue-5")).containsExactly("1:1 entered by xr-one"));
            await().atMost(Duration.ofSeconds(20)).until(() -> xsi.subscribers("cc-1@as.example").isEmpty());
            assertThat(tap.queueEvents()).allSatisfy(e -> assertThat(e.getTenant()).isEqualTo(tenant));
            one.stop().await(20, TimeUnit.SECONDS);
        } finally {
            xsi.close();
            sip.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static BroadWorksConnector start(Vertx vertx, TestKafka kafka, BroadWorksSimulator sip, XsiEventsServer xsi,
                                             Map<String, String> callCenters, String instance) throws Exception {
        return start(vertx, kafka, sip, xsi, callCenters, instance, TENANT, "bw-xsi-queues");
    }

    private static BroadWorksConnector start(Vertx vertx, TestKafka kafka, BroadWorksSimulator sip, XsiEventsServer xsi,
                                             Map<String, String> callCenters, String instance, String tenant, String group) throws Exception {
        BroadWorksConfig config = BroadWorksConfig.defaults("127.0.0.1", "127.0.0.1:" + sip.port())
                .withTimings(3600, Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(2));
        XsiConfig queues = XsiConfig.of(URI.create(xsi.baseUrl()), "xsi", tenant, callCenters)
                .withTimers(3600, 3600, Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofSeconds(1));
        Credentials credentials = Credentials.of(Map.of("xsi", new Credentials.Secret("xsi-ops", "s3cret", null)));
        return BroadWorksConnector.start(vertx, ConnectorSettings.of(instance),
                new KafkaSettings(kafka.bootstrapServers(), kafka.registryUrl(), group, Duration.ofSeconds(6), Map.of()),
                Set.of(tenant), config, credentials, queues).await(60, TimeUnit.SECONDS);
    }

    /** A queue's facts on the broker, as "call entered by instance" / "call left DISPOSITION by instance". */
    private static List<String> facts(KafkaTap tap, String queueId) {
        return tap.queueEvents().stream().filter(e -> e.getQueueId().equals(queueId) && !(e.getPayload() instanceof QueueStatistics)).map(e -> {
            String by = " by " + e.getSource().getConnectorInstance();
            if (e.getPayload() instanceof QueueCallEntered) {
                return e.getCallId() + " entered" + by;
            }
            QueueCallDisposition d = ((QueueCallLeft) e.getPayload()).getDisposition();
            return e.getCallId() + " left " + d + by;
        }).toList();
    }
}
