package io.ctistream.connector.broadworks.xsi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.broadworks.Credentials;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.Events;
import io.ctistream.connector.core.QueueOwnership;
import io.ctistream.connector.core.testkit.RecordingSink;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueCallEntered;
import io.ctistream.events.QueueCallLeft;
import io.ctistream.events.QueueEvent;
import io.ctistream.simulator.broadworks.xsi.XsiEventsServer;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * counted twice), a terminated channel, a malformed event, and refused credentials.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class XsiQueueSourceTest {
    private static final String CC = "sales-cc@as.example";
    private static final String SALES = "acme/sales";

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
        XsiConfig config = XsiConfig.of(URI.create(sim.baseUrl()), "xsi", "acme", Map.of(SALES, CC))
                .withTimers(60, 60, Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofMillis(200))
                .withAgents(Map.of("bob", "acme/bob"));
        Credentials credentials = Credentials.of(Map.of("xsi", new Credentials.Secret("xsi-ops", password, null)));
        source = new XsiQueueSource(config, credentials);
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
        // every event the server sent was acknowledged (the subscription's state and the five call events)
        await().untilAsserted(() -> assertThat(sim.acknowledged()).containsExactlyInAnyOrderElementsOf(sim.sentEventIds()));
        assertThat(sim.sentEventIds()).hasSize(6);
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

    /** The queue facts published, as "call entered caller" / "call left disposition agent". */
    private List<String> facts() {
        return sink.queueEvents.stream().filter(e -> e.getQueueId().equals(SALES)).map(e -> {
            if (e.getPayload() instanceof QueueCallEntered in) {
                return e.getCallId() + " entered " + in.getCallerNumber();
            }
            QueueCallLeft left = (QueueCallLeft) e.getPayload();
            return e.getCallId() + " left " + left.getDisposition() + " " + (left.getAgentId() == null ? "-" : left.getAgentId());
        }).toList();
    }

    private <T> T on(Supplier<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                f.complete(work.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.orTimeout(10, TimeUnit.SECONDS).join();
    }
}
