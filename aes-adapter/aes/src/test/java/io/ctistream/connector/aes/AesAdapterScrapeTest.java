package io.ctistream.connector.aes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.aes.dmcc.DmccOptions;
import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.ConnectorVerticle;
import io.ctistream.connector.core.Events;
import io.ctistream.connector.core.testkit.ManualCommandSource;
import io.ctistream.connector.core.testkit.RecordingSink;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.Platform;
import io.ctistream.simulator.aes.AesPeer;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Verifies that what a metrics scrape and /health/ready read off the connector's context (links
 * active, links by state, refused links) never throws while the context takes and releases agents:
 * the AES benchmark's 2,000-agent intake once died of a ConcurrentModificationException there.
 */
class AesAdapterScrapeTest {

    @Test
    void readsOffTheContextNeverThrowWhileAgentsComeAndGo() throws Exception {
        AesPeer peer = AesPeer.start(AesPeer.Settings.loopback());
        Vertx vertx = Vertx.vertx();
        try {
            DmccOptions options = DmccOptions.defaults(List.of(new DmccOptions.Address("127.0.0.1", peer.port())), "ctiuser", "Secret#1")
                    .withTls(false);
            AesAdapter adapter = new AesAdapter(AesConfig.defaults("CM1"), options, AesCredentials.of(Map.of()));
            ManualCommandSource source = new ManualCommandSource();
            Events events = new Events(Platform.AES, "aes-scrape", Clock.systemUTC());
            vertx.deployVerticle(new ConnectorVerticle(new ConnectorSettings("aes-scrape", Duration.ofSeconds(1), 100), adapter, source,
                    new RecordingSink(), events, new ConnectorMetrics())).await(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(source::started);

            // GIVEN a scrape reading in a loop on another thread
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread scrape = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        adapter.linksActive();
                        adapter.linksByChannelAndState();
                        adapter.refusedLinks();
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                        return;
                    }
                }
            });
            scrape.start();
            // WHEN 2,000 agents are taken, released and taken again in small batches on the connector's context
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 2000; i += 20) {
                    List<AgentProfile> batch = new ArrayList<>();
                    for (int j = i; j < i + 20; j++) {
                        batch.add(AgentProfile.newBuilder().setTenant("t").setAgentId("t/a" + j).setTeamId("t/team").setQueues(List.of())
                                .setPlatform(Platform.AES).setPlatformUserId(String.valueOf(50000 + j)).build());
                    }
                    source.gain(batch.toArray(AgentProfile[]::new));
                }
                source.lose(java.util.stream.IntStream.range(0, 2000).mapToObj(j -> "t/a" + j).toArray(String[]::new));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> adapter.linksByChannelAndState().get("dmcc").values().stream()
                    .mapToInt(Integer::intValue).sum() == 0);
            scrape.interrupt();
            scrape.join(5000);

            // THEN the reads never failed
            assertThat(failure.get()).isNull();
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
            peer.close();
        }
    }
}
