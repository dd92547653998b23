package io.ctistream.connector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.core.testkit.FakePlatformAdapter;
import io.ctistream.connector.core.testkit.ManualCommandSource;
import io.ctistream.connector.core.testkit.RecordingSink;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueCallEntered;
import io.ctistream.events.QueueEvent;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** Verifies the queue side of the kit: one owner per queue, following the roster assignment, and queue events through the sink. */
class QueueOwnershipTest {
    private static final List<String> QUEUES = IntStream.range(0, 50).mapToObj(i -> "acme/queue-" + i).toList();

    @Test
    void aQueueFallsWhereKafkaWouldPutItsKey() {
        for (String q : QUEUES) {
            assertThat(QueueOwnership.partitionOf(q, 12)).isEqualTo(BuiltInPartitioner.partitionForKey(q.getBytes(StandardCharsets.UTF_8), 12));
        }
    }

    @Test
    void everyQueueHasExactlyOneOwnerAmongInstancesThatSplitTheRoster() {
        QueueOwnership one = new QueueOwnership();
        QueueOwnership two = new QueueOwnership();
        one.assign(Set.of(0, 1), 4);
        two.assign(Set.of(2, 3), 4);
        assertThat(QUEUES).allSatisfy(q -> assertThat(one.owns(q) ^ two.owns(q)).as(q).isTrue());
        // a takeover: one is gone, two gets everything
        one.assign(Set.of(), 4);
        two.assign(Set.of(0, 1, 2, 3), 4);
        assertThat(QUEUES).allSatisfy(q -> assertThat(two.owns(q) && !one.owns(q)).as(q).isTrue());
        assertThat(new QueueOwnership().owns("acme/anything")).as("nothing before an assignment").isFalse();
    }

    /** Verifies that an assignment reaches the adapter, and that its queue events go out keyed by queue, naming the run. */
    @Test
    void theAdapterIsToldAndItsQueueEventsGoOut() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            RecordingSink sink = new RecordingSink();
            ManualCommandSource source = new ManualCommandSource();
            FakePlatformAdapter adapter = new FakePlatformAdapter();
            Events events = new Events(Platform.BROADWORKS, "queues-1", Clock.systemUTC());
            ConnectorVerticle connector = new ConnectorVerticle(new ConnectorSettings("queues-1", Duration.ofMillis(200), 10), adapter, source, sink,
                    events, new ConnectorMetrics());
            vertx.deployVerticle(connector).await(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(source::started);

            source.own(Set.of(1, 3), 4);
            await().atMost(Duration.ofSeconds(5)).until(() -> adapter.queueAssignments.get() == 1);
            String owned = QUEUES.stream().filter(q -> Set.of(1, 3).contains(QueueOwnership.partitionOf(q, 4))).findFirst().orElseThrow();
            String other = QUEUES.stream().filter(q -> !Set.of(1, 3).contains(QueueOwnership.partitionOf(q, 4))).findFirst().orElseThrow();
            assertThat(connector.queues().owns(owned)).isTrue();
            assertThat(connector.queues().owns(other)).isFalse();

            adapter.queueCallEntered(owned, "call-1");
            await().atMost(Duration.ofSeconds(5)).until(() -> !sink.queueEvents.isEmpty());
            QueueEvent e = sink.queueEvents.get(0);
            assertThat(e.getQueueId()).isEqualTo(owned);
            assertThat(e.getCallId()).isEqualTo("call-1");
            assertThat(e.getPayload()).isInstanceOf(QueueCallEntered.class);
            assertThat(e.getSource().getConnectorRun()).isEqualTo(events.run());
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
