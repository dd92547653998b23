package io.ctistream.connector.finesse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.ConnectorVerticle;
import io.ctistream.connector.core.Events;
import io.ctistream.connector.core.QueueOwnership;
import io.ctistream.connector.core.testkit.ManualCommandSource;
import io.ctistream.connector.core.testkit.RecordingSink;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.LinkState;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueEvent;
import io.ctistream.events.QueueProfile;
import io.ctistream.events.QueueStatistics;
import io.ctistream.events.SubscriptionChanged;
import io.ctistream.simulator.finesse.FinesseSimulator;
import io.ctistream.simulator.finesse.FinesseSimulator.Side;
import io.ctistream.simulator.finesse.QueueSpec;
import io.ctistream.simulator.finesse.UserSpec;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verifies the supervisor session of ADR 023 against the Finesse simulator over real sockets (REST
 * and its XMPP-over-WebSocket server): the Queue nodes of exactly the owned queues are subscribed
 * from the supervisor's full JID and read on connect, their statistics become {@code QueueStatistics}
 * (unknown figures null, never 0), a queue given away is unsubscribed, a fail-over reports the
 * figures unknown and reads them again on side B, the Team node corrects an agent whose own
 * notification was lost, and a clean stop unsubscribes everything.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FinesseQueuesTest {
    private static final String LOGIN = "1234";
    private static final String SUPERVISOR = "1236";
    private static final String PASSWORD = "queue-secret";
    private static final String SALES = "acme/sales";
    private static final String SUPPORT = "acme/billing";
    private static final Instant OLDEST = Instant.parse("2024-03-01T17:50:00Z");
    private Vertx vertx;
    private FinesseSimulator sim;
    private RecordingSink sink;
    private ManualCommandSource source;
    private String deployment;
    private final AgentProfile agent = AgentProfile.newBuilder().setTenant("acme").setAgentId("acme/a1").setDisplayName("Agent a1")
            .setTeamId("acme/team").setQueues(List.of(SALES)).setPlatform(Platform.FINESSE).setPlatformUserId(LOGIN)
            .setCredentialRef("a1").setAttributes(Map.of(FinesseCommands.EXTENSION, "1001")).build();

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        if (sim != null) {
            sim.close();
        }
    }

    /** Verifies that exactly the owned queues are followed: read on connect, then their changed figures, and a queue given away is left. */
    @Test
    void theOwnedQueuesFiguresArrive() throws Exception {
        // GIVEN this instance owns only the roster partition of acme/sales (of two), and the agent signed in READY
        start(false, Set.of(QueueOwnership.partitionOf(SALES, 2)), 2);
        assertThat(QueueOwnership.partitionOf(SUPPORT, 2)).as("the test needs the two queues in different partitions")
                .isNotEqualTo(QueueOwnership.partitionOf(SALES, 2));

        // THEN the sales queue is read on connect and its Queue node subscribed from the supervisor's full JID; billing is not
        await().atMost(Duration.ofSeconds(10)).until(() -> last(SALES) != null);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.subscribers(Side.A, "/finesse/api/Queue/10").size() == 1);
        assertThat(sim.subscribers(Side.A, "/finesse/api/Queue/10").get(0)).startsWith(SUPERVISOR + "@fin-a.example.com/ctistream-");
        assertThat(sim.subscribers(Side.A, "/finesse/api/Queue/11")).isEmpty();
        QueueEvent first = lastEvent(SALES);
        assertThat(first.getTenant()).isEqualTo("acme");
        assertThat(first.getCallId()).isEmpty();
        assertThat(first.getSource().getPlatform()).isEqualTo(Platform.FINESSE);

        // WHEN calls wait and the agent goes READY
        sim.setAgentState(LOGIN, "READY", -1);
        sim.queueCalls("10", 3, OLDEST);

        // THEN the Queue node's next statistics say so, in canonical terms
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            QueueStatistics s = last(SALES);
            assertThat(s.getCallsInQueue()).isEqualTo(3);
            assertThat(s.getOldestWaitingSince()).isEqualTo(OLDEST);
            assertThat(s.getStaffedAgents()).isEqualTo(1);
            assertThat(s.getIdleAgents()).isEqualTo(1);
            assertThat(s.getUnavailableAgents()).isZero();
            assertThat(s.getExpectedWaitMillis()).as("Finesse has no expected wait").isNull();
        });
        assertThat(sink.queueEvents).noneMatch(e -> e.getQueueId().equals(SUPPORT));

        // WHEN the billing queue's partition comes to this instance too (a rebalance)
        source.own(Set.of(0, 1), 2);
        // THEN the unassigned billing queue is read and subscribed: Finesse's -1 figures are unknown, never 0
        await().atMost(Duration.ofSeconds(10)).until(() -> last(SUPPORT) != null);
        QueueStatistics billing = last(SUPPORT);
        assertThat(billing.getCallsInQueue()).isNull();
        assertThat(billing.getStaffedAgents()).isNull();
        assertThat(billing.getIdleAgents()).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.subscribers(Side.A, "/finesse/api/Queue/11").size() == 1);

        // WHEN the sales queue moves to another instance
        source.own(Set.of(QueueOwnership.partitionOf(SUPPORT, 2)), 2);
        // THEN its node is unsubscribed and its figures are no longer published here
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.subscribers(Side.A, "/finesse/api/Queue/10").isEmpty());
        int sales = count(SALES);
        sim.queueCalls("10", 5, OLDEST);
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> count(SALES) == sales);
    }

    /** Verifies §7 for the queues: while no side serves, the figures are reported unknown once; on side B they are read again. */
    @Test
    void aFailoverReportsFiguresUnknownThenReadsThemOnSideB() throws Exception {
        start(true, Set.of(0), 1);
        sim.queueCalls("10", 2, OLDEST);
        await().atMost(Duration.ofSeconds(10)).until(() -> last(SALES) != null && Integer.valueOf(2).equals(last(SALES).getCallsInQueue()));
        int mark = count(SALES);

        // WHEN side A fails over to side B, and calls arrive meanwhile
        sim.failover();
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.activeSide() == Side.B);
        sim.queueCalls("10", 4, OLDEST);

        // THEN the figures went unknown (no stale 2 shown as current) and came back from B with what B says
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<QueueEvent> after = events(SALES).subList(mark, count(SALES));
            assertThat(after).anySatisfy(e -> assertThat(((QueueStatistics) e.getPayload()).getCallsInQueue()).isNull());
            assertThat(last(SALES).getCallsInQueue()).isEqualTo(4);
            assertThat(sim.subscribers(Side.B, "/finesse/api/Queue/10")).hasSize(1);
        });
        List<QueueEvent> after = events(SALES).subList(mark, count(SALES));
        assertThat(after.stream().filter(e -> ((QueueStatistics) e.getPayload()).getCallsInQueue() == null).count())
                .as("unknown is said once, not on every poll").isEqualTo(1);
    }

    /** Verifies that the Team node is followed and corrects an agent whose own User notification was lost (§8.4). */
    @Test
    void theTeamNodeCorrectsALostAgentNotification() throws Exception {
        start(false, Set.of(0), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.subscribers(Side.A, "/finesse/api/Team/5005/Users").size() == 1);

        // WHEN the agent's own User notification is lost on the way, while the Team node's goes out
        sim.dropNotifications(LOGIN, 1);
        sim.setAgentState(LOGIN, "READY", -1);

        // THEN the connector notices the disagreement and reads the agent again: READY is published
        await().atMost(Duration.ofSeconds(10)).until(() -> lastState() == AgentState.READY);
    }

    /** Verifies that a clean stop unsubscribes the Queue and Team nodes before it disconnects (Finesse keeps what is left behind). */
    @Test
    void aCleanStopUnsubscribesEveryNode() throws Exception {
        start(false, Set.of(0), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.subscribers(Side.A, "/finesse/api/Queue/10").size() == 1
                && sim.subscribers(Side.A, "/finesse/api/Queue/11").size() == 1
                && sim.subscribers(Side.A, "/finesse/api/Team/5005/Users").size() == 1);

        vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);

        assertThat(sim.subscribers(Side.A, "/finesse/api/Queue/10")).isEmpty();
        assertThat(sim.subscribers(Side.A, "/finesse/api/Queue/11")).isEmpty();
        assertThat(sim.subscribers(Side.A, "/finesse/api/Team/5005/Users")).isEmpty();
    }

    /** Verifies that the queue roster names the queues to follow: its Finesse queues with a Finesse id, no other platform's. */
    @Test
    void theQueueRosterNamesTheQueuesToFollow() throws Exception {
        // GIVEN no queue in the settings, every roster partition owned
        start(false, Set.of(0), 1, Map.of());

        // WHEN the roster gives acme/sales Finesse queue 10, and a BroadWorks queue the id 11
        source.rosterQueues(QueueProfile.newBuilder().setTenant("acme").setQueueId(SALES).setPlatform(Platform.FINESSE).setPlatformQueueId("10").build(),
                QueueProfile.newBuilder().setTenant("acme").setQueueId(SUPPORT).setPlatform(Platform.BROADWORKS).setPlatformQueueId("11").build());

        // THEN queue 10 is followed and read for acme/sales; the BroadWorks entry is not Finesse's queue 11
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.subscribers(Side.A, "/finesse/api/Queue/10").size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> last(SALES) != null);
        assertThat(sim.subscribers(Side.A, "/finesse/api/Queue/11")).isEmpty();
        assertThat(sink.queueEvents).noneMatch(e -> e.getQueueId().equals(SUPPORT));

        // WHEN the queue leaves the roster
        source.rosterQueues();
        // THEN its node is left
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.subscribers(Side.A, "/finesse/api/Queue/10").isEmpty());
    }

    private void start(boolean bothSides, Set<Integer> owned, int partitions) throws Exception {
        start(bothSides, owned, partitions, Map.of("10", SALES, "11", SUPPORT));
    }

    private void start(boolean bothSides, Set<Integer> owned, int partitions, Map<String, String> queues) throws Exception {
        sim = FinesseSimulator.start(FinesseSimulator.Settings.loopback().withTimings(Duration.ofMillis(20), Duration.ZERO,
                Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMillis(200)));
        sim.addUser(UserSpec.agent(LOGIN, PASSWORD, "1001", "5005", "Sales"));
        sim.addUser(UserSpec.agent(SUPERVISOR, PASSWORD, "1003", "5005", "Sales").asSupervisor());
        sim.addQueue(new QueueSpec("10", "Sales", List.of(LOGIN)));
        sim.addQueue(new QueueSpec("11", "Billing", List.of())); // assigned to no one: Finesse says -1
        List<URI> nodes = bothSides ? List.of(URI.create(sim.restUrl(Side.A)), URI.create(sim.restUrl(Side.B)))
                : List.of(URI.create(sim.restUrl()));
        FinesseConfig config = FinesseConfig.defaults(nodes).withTimeouts(Duration.ofSeconds(3), Duration.ofMillis(500))
                .withRetry(Duration.ofMillis(100), Duration.ofSeconds(1)).withSignInRate(100);
        vertx = Vertx.vertx();
        sink = new RecordingSink();
        source = new ManualCommandSource();
        Events events = new Events(Platform.FINESSE, "fin-" + UUID.randomUUID().toString().substring(0, 8), Clock.systemUTC());
        FinesseCredentials credentials = FinesseCredentials.of(Map.of("a1", new FinesseCredentials.Secret(LOGIN, PASSWORD),
                "sup", new FinesseCredentials.Secret(SUPERVISOR, PASSWORD)));
        ConnectorVerticle connector = new ConnectorVerticle(new ConnectorSettings(events.instanceId(), Duration.ofMillis(200), 100),
                FinesseAdapter.overXmpp(config, credentials, 10, "sup", queues), source, sink, events,
                new ConnectorMetrics());
        deployment = vertx.deployVerticle(connector).await(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(source::started);
        source.own(owned, partitions);
        source.gain(agent);
        await().atMost(Duration.ofSeconds(20)).until(() -> sink.events(agent.getAgentId()).stream()
                .anyMatch(e -> e.getPayload() instanceof SubscriptionChanged s && s.getLinkState() == LinkState.ACTIVE));
    }

    private List<QueueEvent> events(String queueId) {
        return sink.queueEvents.stream().filter(e -> e.getQueueId().equals(queueId)).toList();
    }

    private int count(String queueId) {
        return events(queueId).size();
    }

    private QueueEvent lastEvent(String queueId) {
        List<QueueEvent> all = events(queueId);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    private QueueStatistics last(String queueId) {
        QueueEvent e = lastEvent(queueId);
        return e == null ? null : (QueueStatistics) e.getPayload();
    }

    private AgentState lastState() {
        AgentState last = null;
        for (var e : sink.events(agent.getAgentId())) {
            if (e.getPayload() instanceof AgentStateChanged s) {
                last = s.getState();
            }
        }
        return last;
    }
}
