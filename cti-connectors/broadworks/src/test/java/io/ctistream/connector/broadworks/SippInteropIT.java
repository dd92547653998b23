package io.ctistream.connector.broadworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.core.testkit.KafkaTap;
import io.ctistream.connector.core.testkit.Roster;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentProfile;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.sip.FreePort;
import io.vertx.core.Vertx;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interop with an implementation that is not ours: SIPp (Debian package {@code sip-tester}) plays
 * the AS side of an as-feature-event subscription ({@code src/it/sipp/as-feature-event-uas.xml}):
 * 200 OK, a multipart full-state NOTIFY, then a NOT_READY 0012 NOTIFY. The connector must turn
 * them into the right canonical events and end the subscription so that SIPp's call succeeds.
 * Skipped when sipp is not installed; {@code .ci/run} installs it and fails if this was skipped.
 */
@ExtendWith(CtiKafkaExtension.class)
class SippInteropIT {
    private static final Path SCENARIO = Path.of("src/it/sipp/as-feature-event-uas.xml").toAbsolutePath();

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"udp", "tcp"})
    void connectorAgainstSippAsFeatureEventNotifier(String transport, TestKafka kafka) throws Exception {
        Assumptions.assumeTrue(onPath("sipp"), "sipp is not installed (apt-get install sip-tester); .ci/run installs it");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        String tenant = "sipp-" + transport;
        int port = FreePort.find("127.0.0.1");
        Path dir = Files.createDirectories(Path.of("target", "sipp-" + transport).toAbsolutePath());
        // GIVEN SIPp as the AS, waiting for one subscription
        Process sipp = new ProcessBuilder("sipp", "-sf", SCENARIO.toString(), "-p", String.valueOf(port), "-i", "127.0.0.1",
                "-t", transport.equals("udp") ? "u1" : "t1", "-m", "1", "-timeout", "60s", "-timeout_error", "-nostdin",
                "-trace_msg", "-message_file", dir.resolve("messages.log").toString(), "-trace_err", "-error_file",
                dir.resolve("errors.log").toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("sipp.out").toFile()).start();
        Vertx vertx = Vertx.vertx();
        try (Roster roster = new Roster(kafka.bootstrapServers(), kafka.registryUrl());
             KafkaTap tap = new KafkaTap(kafka.bootstrapServers(), kafka.registryUrl(), tenant)) {
            AgentProfile agent = Roster.agent(tenant, "6001", "6001", "as.example", null);
            roster.put(agent);
            // WHEN the connector subscribes through SIPp as its outbound proxy (the dialog package and the
            // platform probe's OPTIONS are not in the scenario, which plays one subscription's exchange)
            BroadWorksConfig config = BroadWorksConfig.defaults("127.0.0.1", "127.0.0.1:" + port).withTransport(transport)
                    .withDialog(false).withTimings(3600, Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(2))
                    .toBuilder().probeInterval(Duration.ZERO).build();
            BroadWorksConnector connector = BroadWorksConnector.start(vertx, ConnectorSettings.of(tenant),
                    new KafkaSettings(kafka.bootstrapServers(), kafka.registryUrl(), "bw-" + tenant, Duration.ofSeconds(6), Map.of()),
                    Set.of(tenant), config, ref -> Optional.empty()).await(60, TimeUnit.SECONDS);
            // THEN the multipart full state and the change arrive as canonical events, in order
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(tap.lines(agent.getAgentId()))
                    .containsSubsequence("dnd false", "fwd ALWAYS true 700", "state READY", "state NOT_READY 0012")
                    .contains("link ACTIVE"));
            // AND ending the subscription completes SIPp's call successfully
            connector.stop().await(20, TimeUnit.SECONDS);
            assertThat(sipp.waitFor(30, TimeUnit.SECONDS)).as("sipp ended").isTrue();
            assertThat(sipp.exitValue()).as("sipp exit code; see %s", dir.toAbsolutePath()).isZero();
        } finally {
            sipp.destroy();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

}
