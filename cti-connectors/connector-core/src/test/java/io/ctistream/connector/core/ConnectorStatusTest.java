package io.ctistream.connector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.core.testkit.FakePlatformAdapter;
import io.ctistream.connector.core.testkit.ManualCommandSource;
import io.ctistream.connector.core.testkit.RecordingSink;
import io.ctistream.events.ConnectorStatus;
import io.ctistream.events.Platform;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Verifies how often a connector publishes its status. */
class ConnectorStatusTest {

    /** Regression for issue #19 (8): an unchanged status went out every second instead of every heartbeat. */
    @Test
    void anUnchangedStatusIsPublishedOncePerHeartbeat() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            RecordingSink sink = new RecordingSink();
            Events events = new Events(Platform.BROADWORKS, "status-1", Clock.systemUTC());
            // the status is compared every 100 ms: an unchanged one must still go out only every heartbeat (5 s)
            ConnectorVerticle connector = new ConnectorVerticle(new ConnectorSettings("status-1", Duration.ofMillis(100), 10),
                    new FakePlatformAdapter(), new ManualCommandSource(), sink, events, new ConnectorMetrics());
            vertx.deployVerticle(connector).await(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> !sink.statuses.isEmpty());

            // WHEN nothing changes for a little more than two heartbeats
            // THEN no more than the first status and one per heartbeat go out meanwhile (not one per comparison)
            Duration watched = ConnectorVerticle.STATUS_HEARTBEAT.multipliedBy(2).plusSeconds(1);
            await().during(watched).atMost(watched.plusSeconds(2)).until(() -> sink.statuses.size() <= 4);
            assertThat(sink.statuses).hasSizeGreaterThanOrEqualTo(3);
            ConnectorStatus first = sink.statuses.get(0);
            assertThat(sink.statuses).allSatisfy(s -> assertThat(s.getStartedAt()).isEqualTo(first.getStartedAt()));
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** Review finding: a connector whose group could not be joined left its platform link open. */
    @Test
    void aConnectorThatCannotJoinItsGroupClosesThePlatformLink() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            FakePlatformAdapter adapter = new FakePlatformAdapter();
            CommandSource refusing = new CommandSource() {
                @Override
                public void start(Listener listener) {
                    throw new IllegalStateException("cti.agents has 12 partitions but cti.agent-commands has 6");
                }

                @Override
                public void stop() {
                }

                @Override
                public void abort() {
                }

                @Override
                public boolean healthy() {
                    return false;
                }
            };
            ConnectorVerticle connector = new ConnectorVerticle(new ConnectorSettings("refused-1", Duration.ofMillis(100), 10), adapter, refusing,
                    new RecordingSink(), new Events(Platform.BROADWORKS, "refused-1", Clock.systemUTC()), new ConnectorMetrics());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> vertx.deployVerticle(connector).await(10, TimeUnit.SECONDS))
                    .hasMessageContaining("partitions");
            assertThat(adapter.aborts.get()).isEqualTo(1);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
