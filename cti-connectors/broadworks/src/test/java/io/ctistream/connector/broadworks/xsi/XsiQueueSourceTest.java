package io.ctistream.connector.broadworks.xsi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.broadworks.Credentials;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.Events;
import io.ctistream.connector.core.QueueOwnership;
import io.ctistream.connector.core.testkit.OnContext;
import io.ctistream.connector.core.testkit.RecordingSink;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueCallEntered;
import io.ctistream.events.QueueCallLeft;
import io.ctistream.events.QueueEvent;
import io.ctistream.events.QueueSeverity;
import io.ctistream.events.QueueStatistics;
import io.ctistream.simulator.broadworks.xsi.XsiEventsServer;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verifies the Xsi-Events queue source (issue #17) against the BroadWorks simulator's Xsi-Events
 * server over real HTTP on loopback: the channel day (events in order, every event acknowledged,
 * heartbeats, channel refresh), a channel dropped mid-stream (a new channel, a resync, no call
 * counted twice), a terminated channel, a malformed event, and refused credentials; the Call Center
 * Monitoring package's figures as QueueStatistics, throttled; a second Xsi server taking over when
 * the first dies, and the return to the preferred server (ADR 022).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class XsiQueueSourceTest {
    private static final String CC = "sales-cc@as.example";
    private static final String SALES = "acme/sales";
    /** The source's clock: a monitoring event is dated when it is read. */
    private static final Instant READ_AT = Instant.parse("2026-03-02T09:00:00Z");

    private Vertx vertx;
    private Context context;
    private XsiEventsServer sim;
    private RecordingSink sink;
    private ConnectorMetrics metrics;
    private XsiQueueSource source;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        // the server grants channels of 2 s and tears one down after 2 s without a heartbeat; calls ring 100 ms
        sim = XsiEventsServer.start(XsiEventsServer.Settings.loopback("xsi-ops", "s3cret")
                .with(2, 2, new XsiQueueModel.Plan(100, 60_000, 60_000, 60_000)));
        sim.addCallCenter(CC);
        sink = new RecordingSink();
        metrics = new ConnectorMetrics();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (source != null) {
            on(() -> source.stop()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        sim.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void start(String password) {
        start(password, XsiConfig.of(URI.create(sim.baseUrl()), "xsi", "acme", Map.of(SALES, CC)));
    }

    private void start(String password, XsiConfig base) {
        XsiConfig config = base.withTimers(60, 60, Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofMillis(200))
                .withAgents(Map.of("bob", "acme/bob"));
        Credentials credentials = Credentials.of(Map.of("xsi", new Credentials.Secret("xsi-ops", password, null)));
        source = new XsiQueueSource(config, credentials, Clock.fixed(READ_AT, ZoneOffset.UTC), new Random(17));
        ConnectorContext ctx = new ConnectorContext(vertx, sink, new Events(Platform.BROADWORKS, "bw-1", Clock.systemUTC()), metrics,
                new QueueOwnership());
        on(() -> source.start(ctx, queue -> true));
    }

    /** Verifies a day on one channel: calls wait, one abandons, one is answered; every event acknowledged; heartbeats and refresh keep the channel. */
    @Test
    void aChannelDay() {
        // GIVEN the source subscribed to the sales call center, and documents cut into 7-byte HTTP chunks
        sim.chunkBytes(7);
        start("s3cret");
        await().until(() -> sim.subscriptionsMade() == 1);

        // WHEN two callers wait with nobody READY, the second gives up after 300 ms, then bob becomes READY
        String c1 = sim.callArrives(CC, "+15550001", 60_000);
        String c2 = sim.callArrives(CC, "+15550002", 300);
        await().until(() -> sim.waiting(CC).size() == 1);
        sim.agentReady(CC, "bob");
        await().until(() -> sim.waiting(CC).isEmpty());

        // THEN the queue's facts came out in order: both entered, c2 abandoned, c1 answered by bob
        await().untilAsserted(() -> assertThat(facts()).containsExactly("1:1 entered +15550001", "2:1 entered +15550002",
                "2:1 left ABANDONED -", "1:1 left ANSWERED acme/bob"));
        assertThat(c1).isEqualTo("callhalf-1:0");
        assertThat(c2).isEqualTo("callhalf-2:0");
        QueueEvent answered = sink.queueEvents.get(3);
        QueueEvent entered = sink.queueEvents.get(0);
        assertThat(answered.getOccurredAt()).as("removeTime").isAfter(entered.getOccurredAt());
        assertThat(answered.getSource().getPlatformEventId()).startsWith("sim-ev-");
        // every event the server sent was acknowledged (the subscription's state, the five call events, the monitoring events)
        await().untilAsserted(() -> assertThat(sim.acknowledged()).containsExactlyInAnyOrderElementsOf(sim.sentEventIds()));
        assertThat(sim.sentEventIds()).filteredOn(id -> !sim.monitoringEventIds().contains(id)).hasSize(6);
        // heartbeats every 300 ms and refreshes at 80 % of the 2 s grant keep the one channel beyond its grant and its heartbeat timeout
        await().atMost(Duration.ofSeconds(15)).until(() -> sim.channelRefreshes() >= 2 && sim.heartbeats() >= 8);
        assertThat(sim.channelsOpened()).isEqualTo(1);
        assertThat(sim.openChannels()).isEqualTo(1);
        assertThat(metrics.malformedTotal(XsiQueueSource.CHANNEL_METRIC)).isZero();
    }

    /**
     * Verifies that a channel dropped mid-stream is replaced, the queue resynced from the new
     * subscription's state, and no call is entered or ended twice: a call answered while no channel
     * was open leaves as OTHER (not guessed), a call that arrived meanwhile enters once.
     */
    @Test
    void aDroppedChannelIsReplacedAndTheQueueResyncedWithoutCountingACallTwice() {
        // GIVEN two calls waiting, reported
        start("s3cret");
        await().until(() -> sim.subscriptionsMade() == 1);
        sim.callArrives(CC, "+15550001", 60_000);
        sim.callArrives(CC, "+15550002", 60_000);
        await().until(() -> facts().size() == 2);

        // WHEN the channel's connection drops and the server refuses new channels for a while,
        sim.refuseChannels(true);
        sim.dropChannels();
        await().until(() -> !on(() -> source.channelUp()));
        // while c1 is answered by bob and c3 arrives (their events are lost: no channel),
        sim.agentReady(CC, "bob");
        await().until(() -> sim.waiting(CC).size() == 1);
        sim.agentNotReady(CC, "bob");
        sim.callArrives(CC, "+15550003", 60_000);
        // and then accepts channels again
        sim.refuseChannels(false);
        await().until(() -> sim.subscriptionsMade() == 2 && on(() -> source.channelUp()));
        await().until(() -> facts().size() == 4);

        // THEN the resync said c1 left (how is unknown: OTHER) and c3 entered; c2 is not entered again
        assertThat(facts()).containsExactly("1:1 entered +15550001", "2:1 entered +15550002", "1:1 left OTHER -", "3:1 entered +15550003");
        assertThat(sim.channelsOpened()).isEqualTo(2);

        // AND the new channel carries on: c2 answered once
        sim.agentReady(CC, "bob");
        await().until(() -> facts().size() == 5);
        assertThat(facts().get(4)).isEqualTo("2:1 left ANSWERED acme/bob");
        await().untilAsserted(() -> assertThat(sim.acknowledged()).containsAll(sim.sentEventIds()));
    }

    /** Verifies that ChannelTerminatedEvent is not acknowledged and a new channel follows; a malformed event is counted and the channel lives on. */
    @Test
    void aTerminatedChannelIsReplacedAndAMalformedEventCounted() {
        start("s3cret");
        await().until(() -> sim.subscriptionsMade() == 1);

        // WHEN the server sends a broken event, then a good one
        sim.sendRaw("<?xml version=\"1.0\"?><xsi:Event xmlns:xsi=\"http://schema.broadsoft.com/xsi\"><xsi:eventID>bad-1</xsi:eventID><oops></xsi:Event>\n");
        sim.callArrives(CC, "+15550001", 60_000);
        // THEN the broken one is counted and the good one read on the same channel
        await().until(() -> facts().size() == 1);
        assertThat(metrics.malformedTotal(XsiQueueSource.CHANNEL_METRIC)).isEqualTo(1);
        assertThat(sim.channelsOpened()).isEqualTo(1);

        // WHEN the server terminates the channel
        sim.terminateChannels("MaxChannelsReached");
        // THEN a new channel is opened and subscribed; the waiting call is not entered again
        await().until(() -> sim.channelsOpened() == 2 && sim.subscriptionsMade() == 2);
        await().untilAsserted(() -> assertThat(sim.acknowledged()).containsExactlyInAnyOrderElementsOf(sim.sentEventIds()));
        assertThat(facts()).containsExactly("1:1 entered +15550001");
    }

    /** Verifies that refused credentials are permanent: an alarm, no retry, and the password never in what the source logs or tells. */
    @Test
    void refusedCredentialsAreNotRetried() {
        start("wrong");
        await().until(() -> on(() -> source.refusedForGood()));
        assertThat(metrics.alarmsTotal("xsi_channel_refused")).isEqualTo(1);
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() -> on(() -> source.channelsOpened()) == 1);
        assertThat(sim.channelsOpened()).isZero();
        assertThat(new Credentials.Secret("xsi-ops", "wrong", null).toString()).doesNotContain("wrong");
    }

    /**
     * Verifies the Call Center Monitoring package: each queue is subscribed to it too, and its figures
     * come out as QueueStatistics (seconds as milliseconds, the oldest call waiting since the event was
     * read minus the longest wait, agents, severities), at most once per interval and only when they
     * changed; every monitoring event is acknowledged.
     */
    @Test
    void theMonitoringPackageGivesTheQueueFigures() {
        // GIVEN a server that sends the figures at most every 200 ms; bob signed in but not ready; two callers waiting
        sim.monitoringInterval(Duration.ofMillis(200));
        sim.agentNotReady(CC, "bob");
        start("s3cret");
        await().until(() -> sim.subscriptionsMade() == 1);
        sim.callArrives(CC, "+15550001", 60_000);
        sim.callArrives(CC, "+15550002", 60_000);

        // THEN the figures say two calls wait, nobody idle, bob unavailable; the oldest waits since the read time minus the longest wait
        await().untilAsserted(() -> assertThat(statistics()).anySatisfy(s -> {
            assertThat(s.getCallsInQueue()).isEqualTo(2);
            assertThat(s.getStaffedAgents()).isEqualTo(1);
            assertThat(s.getIdleAgents()).isZero();
            assertThat(s.getUnavailableAgents()).isEqualTo(1);
            assertThat(s.getSeverities()).containsEntry("callsInQueue", QueueSeverity.NORMAL).containsEntry("oldestWaitingSince", QueueSeverity.NORMAL);
            assertThat(s.getOldestWaitingSince()).isBetween(READ_AT.minusSeconds(20), READ_AT);
            assertThat(s.getExpectedWaitMillis()).isPositive().isEqualTo(s.getExpectedWaitMillis() / 1000 * 1000);
        }));
        QueueEvent figures = sink.queueEvents.stream().filter(e -> e.getPayload() instanceof QueueStatistics).findFirst().orElseThrow();
        assertThat(figures.getCallId()).isEmpty();
        assertThat(figures.getOccurredAt()).isEqualTo(READ_AT);
        assertThat(figures.getQueueId()).isEqualTo(SALES);

        // WHEN bob takes both calls (60 s talk each... the second waits for him) and the queue empties
        sim.agentReady(CC, "bob");
        await().until(() -> sim.waiting(CC).size() == 1);
        sim.agentReady(CC, "alice");
        await().until(() -> sim.waiting(CC).isEmpty());
        // THEN the figures say nobody waits (no oldest call), an average speed of answer and the handle time of the answered calls
        await().untilAsserted(() -> assertThat(statistics().get(statistics().size() - 1)).satisfies(s -> {
            assertThat(s.getCallsInQueue()).isZero();
            assertThat(s.getOldestWaitingSince()).isNull();
            assertThat(s.getAverageHandleTimeMillis()).isEqualTo(60_000L);
            assertThat(s.getAverageSpeedOfAnswerMillis()).isNotNull();
            assertThat(s.getStaffedAgents()).isEqualTo(2);
        }));
        // AND with nothing changing no more figures come: only when changed (and every one was acknowledged)
        int sent = sim.monitoringEventIds().size();
        await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(3)).until(() -> sim.monitoringEventIds().size() == sent);
        assertThat(statistics()).hasSize(sent);
        await().untilAsserted(() -> assertThat(sim.acknowledged()).containsAll(sim.monitoringEventIds()));
        assertThat(facts()).containsExactly("1:1 entered +15550001", "2:1 entered +15550002", "1:1 left ANSWERED acme/bob", "2:1 left ANSWERED -");
    }

    /**
     * Verifies that a second Xsi server takes over (issue #17): two servers of one cluster share the
     * call center; the channel is on the preferred one; when it dies mid-day a channel opens on the
     * second, the queue resyncs there, no call is entered or ended twice, and events keep flowing.
     */
    @Test
    void aSecondXsiServerTakesOver() {
        // GIVEN the preferred server and a second one of its cluster, and two callers waiting, reported through the first
        XsiEventsServer second = sim.alongside(XsiEventsServer.Settings.loopback("xsi-ops", "s3cret")
                .with(2, 2, new XsiQueueModel.Plan(100, 60_000, 60_000, 60_000)));
        try {
            start("s3cret", XsiConfig.of(List.of(new XsiServer(URI.create(second.baseUrl()), 2, 50), new XsiServer(URI.create(sim.baseUrl()), 1, 50)),
                    "xsi", "acme", Map.of(SALES, CC)).withFailback(Duration.ZERO));
            await().until(() -> sim.subscriptionsMade() == 1);
            assertThat(on(() -> source.server().priority())).isEqualTo(1);
            sim.callArrives(CC, "+15550001", 60_000);
            sim.callArrives(CC, "+15550002", 60_000);
            await().until(() -> facts().size() == 2);

            // WHEN the first server dies
            sim.kill();
            // THEN a channel opens on the second and the queue is subscribed there; nothing is entered again
            await().until(() -> second.subscriptionsMade() == 1 && on(() -> source.channelUp()));
            assertThat(on(() -> source.server().uri().getPort())).isEqualTo(second.port());
            assertThat(second.channelsOpened()).isEqualTo(1);

            // AND the second carries on: c1 answered by bob once, a new caller entered once
            second.agentReady(CC, "bob");
            await().until(() -> facts().size() == 3);
            second.callArrives(CC, "+15550003", 60_000);
            await().until(() -> facts().size() == 4);
            assertThat(facts()).containsExactly("1:1 entered +15550001", "2:1 entered +15550002", "1:1 left ANSWERED acme/bob",
                    "3:1 entered +15550003");
            await().untilAsserted(() -> assertThat(second.acknowledged()).containsExactlyInAnyOrderElementsOf(second.sentEventIds()));
        } finally {
            second.close();
        }
    }

    /**
     * Verifies the return to the preferred server: while it refuses channels the second carries the
     * queue; once it answers again a channel opens there, the queue is subscribed there and the second's
     * channel is closed; the waiting call is entered once and answered once.
     */
    @Test
    void theChannelReturnsToThePreferredServerWhenItIsBack() {
        // GIVEN the preferred server refusing channels (503) and a second one answering
        XsiEventsServer second = sim.alongside(XsiEventsServer.Settings.loopback("xsi-ops", "s3cret")
                .with(2, 2, new XsiQueueModel.Plan(100, 60_000, 60_000, 60_000)));
        try {
            sim.refuseChannels(true);
            start("s3cret", XsiConfig.of(XsiServer.parseList(sim.baseUrl() + "," + second.baseUrl()), "xsi", "acme", Map.of(SALES, CC))
                    .withFailback(Duration.ofMillis(300)));
            await().until(() -> second.subscriptionsMade() == 1 && on(() -> source.channelUp()));
            sim.callArrives(CC, "+15550001", 60_000);
            await().until(() -> facts().size() == 1);

            // WHEN the preferred server answers again
            sim.refuseChannels(false);
            // THEN the channel returns to it (made before the second's is closed) and the queue is subscribed there
            await().until(() -> sim.subscriptionsMade() == 1 && second.openChannels() == 0);
            assertThat(on(() -> source.server().uri().getPort())).isEqualTo(sim.port());
            sim.agentReady(CC, "bob");
            await().until(() -> facts().size() == 2);
            assertThat(facts()).containsExactly("1:1 entered +15550001", "1:1 left ANSWERED acme/bob");
            assertThat(sim.openChannels()).isEqualTo(1);
        } finally {
            second.close();
        }
    }

    /** The order servers are tried in: by priority, then by weight at random (a weight of 0 almost never first). */
    @Test
    void serversAreOrderedByPriorityThenWeight() {
        List<XsiServer> set = XsiServer.parseList("https://c.example;priority=2, https://a.example;priority=1;weight=90, https://b.example;priority=1;weight=10");
        Random random = new Random(17);
        int aFirst = 0;
        for (int i = 0; i < 1_000; i++) {
            List<XsiServer> order = XsiServer.order(set, random);
            assertThat(order.get(2).host()).isEqualTo("c.example");
            aFirst += order.get(0).host().equals("a.example") ? 1 : 0;
        }
        assertThat(aFirst).isBetween(820, 970);
        assertThat(XsiServer.parseList("http://x.example, http://y.example")).extracting(XsiServer::priority).containsExactly(1, 2);
    }

    private List<QueueStatistics> statistics() {
        return sink.queueEvents.stream().filter(e -> e.getPayload() instanceof QueueStatistics).map(e -> (QueueStatistics) e.getPayload()).toList();
    }

    /** The queue facts published, as "call entered caller" / "call left disposition agent". */
    private List<String> facts() {
        return sink.queueEvents.stream().filter(e -> e.getQueueId().equals(SALES) && !(e.getPayload() instanceof QueueStatistics)).map(e -> {
            if (e.getPayload() instanceof QueueCallEntered in) {
                return e.getCallId() + " entered " + in.getCallerNumber();
            }
            QueueCallLeft left = (QueueCallLeft) e.getPayload();
            return e.getCallId() + " left " + left.getDisposition() + " " + (left.getAgentId() == null ? "-" : left.getAgentId());
        }).toList();
    }

    private <T> T on(Supplier<T> work) {
        return OnContext.call(context, work);
    }
}
