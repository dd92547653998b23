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
import io.ctistream.events.AgentState;
import io.ctistream.events.CommandStatus;
import io.ctistream.events.SetState;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SIP over TLS between the connector and the simulator, with certificates made for the test by
 * the JDK's keytool: the AS certificate must name the host dialled (hostname verification, on by
 * default); a trusted certificate for another name is refused unless verification is turned off.
 */
@ExtendWith(CtiKafkaExtension.class)
class TlsIT {
    private static final String PASSWORD = "changeit";
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static Path dir;
    private static Vertx vertx;
    private static TestKafka kafka;
    private static Roster roster;

    @BeforeAll
    static void setUp(TestKafka testKafka) throws Exception {
        kafka = testKafka;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        dir = Files.createDirectories(Path.of("target", "tls").toAbsolutePath());
        for (String f : List.of("good.p12", "wrong.p12", "trust.p12", "good.cer", "wrong.cer")) {
            Files.deleteIfExists(dir.resolve(f));
        }
        keytool("-genkeypair", "-alias", "peer", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", "good.p12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-genkeypair", "-alias", "peer", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=wrong.example",
                "-ext", "SAN=dns:wrong.example", "-validity", "2", "-storetype", "PKCS12", "-keystore", "wrong.p12", "-storepass", PASSWORD,
                "-keypass", PASSWORD);
        for (String name : List.of("good", "wrong")) {
            keytool("-exportcert", "-alias", "peer", "-keystore", name + ".p12", "-storepass", PASSWORD, "-file", name + ".cer");
            keytool("-importcert", "-noprompt", "-alias", name, "-file", name + ".cer", "-storetype", "PKCS12", "-keystore", "trust.p12",
                    "-storepass", PASSWORD);
        }
        vertx = Vertx.vertx();
        roster = new Roster(kafka.bootstrapServers(), kafka.registryUrl());
    }

    @AfterAll
    static void tearDown() throws Exception {
        roster.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Verifies the whole path over TLS: subscriptions up, the full state published, a command confirmed. */
    @Test
    void subscribesAndCommandsOverTls() throws Exception {
        try (Setup s = new Setup("good.p12", true)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(s.tap.lines(s.agent.getAgentId()))
                    .contains("link ACTIVE", "state NOT_READY 0005"));
            String c = roster.command(s.agent, SetState.newBuilder().setState(AgentState.READY).build());
            await().atMost(Duration.ofSeconds(20)).until(() -> s.tap.result(c) != null);
            assertThat(s.tap.result(c).getStatus()).isEqualTo(CommandStatus.COMPLETED);
        }
    }

    /**
     * Verifies that a trusted certificate that does not name the AS host is refused, and only because
     * of its name: nothing reaches the AS (the policy runs after the handshake, before the request
     * leaves), and the same setup with verification off links up.
     */
    @Test
    void certificateForAnotherNameIsRefusedUnlessVerificationIsOff() throws Exception {
        try (Setup s = new Setup("wrong.p12", true)) {
            // the connector owns the agent (so it tries to subscribe) before the watch starts
            await().atMost(Duration.ofSeconds(30)).until(() -> s.connector.agentsOwned() == 1);
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8))
                    .until(() -> !s.tap.lines(s.agent.getAgentId()).contains("link ACTIVE"));
            assertThat(s.as.activeSubscriptions()).isZero();
        }
        try (Setup s = new Setup("wrong.p12", false)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> s.tap.lines(s.agent.getAgentId()).contains("link ACTIVE"));
        }
    }

    /** A simulator with a certificate, one agent on it, and a connector over TLS. */
    private static final class Setup implements AutoCloseable {
        final BroadWorksSimulator as;
        final KafkaTap tap;
        final AgentProfile agent;
        final BroadWorksConnector connector;
        private final List<AutoCloseable> closers = new ArrayList<>();

        Setup(String asCertificate, boolean verifyHostname) throws Exception {
            String tenant = "tls" + SEQ.incrementAndGet();
            as = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0)
                    .withTls(0, dir.resolve(asCertificate).toString(), dir.resolve("trust.p12").toString(), PASSWORD));
            closers.add(as);
            tap = new KafkaTap(kafka.bootstrapServers(), kafka.registryUrl(), tenant);
            closers.add(tap);
            as.addUser(new BroadWorksSimulator.UserSpec(tenant + "-a", false, Map.of(), null));
            as.setAgentState(tenant + "-a", "notReady", "0005");
            agent = Roster.agent(tenant, "a", tenant + "-a", as.domain(), null);
            roster.put(agent);
            BroadWorksConfig config = BroadWorksConfig.defaults("127.0.0.1", "127.0.0.1:" + as.tlsPort()).toBuilder()
                    .transport("tls").retryBase(Duration.ofMillis(300)).retryMax(Duration.ofSeconds(2))
                    .tls(new BroadWorksConfig.Tls(dir.resolve("good.p12").toString(), PASSWORD, dir.resolve("trust.p12").toString(),
                            PASSWORD, verifyHostname)).build();
            connector = BroadWorksConnector.start(vertx, ConnectorSettings.of(tenant),
                    new KafkaSettings(kafka.bootstrapServers(), kafka.registryUrl(), "bw-" + tenant, Duration.ofSeconds(6), Map.of()),
                    Set.of(tenant), config, ref -> Optional.empty()).await(60, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            connector.stop().await(20, TimeUnit.SECONDS);
            for (AutoCloseable c : closers) {
                c.close();
            }
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
