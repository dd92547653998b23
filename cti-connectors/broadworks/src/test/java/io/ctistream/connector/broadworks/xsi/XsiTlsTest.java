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
import io.ctistream.simulator.broadworks.xsi.XsiEventsServer;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies Xsi-Events over TLS (ADR 022) against the simulator's Xsi server on https with a
 * self-signed certificate, made with the JDK's keytool for each run: without a trust store (the
 * JVM's trust) the channel is refused; with a trust store holding the certificate, opened with its
 * password from a credential reference, the channel opens and the queue's events flow; a trusted
 * certificate that names another host is refused while host names are verified.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class XsiTlsTest {
    private static final String STORE_PASSWORD = "Store-pw-7";
    private static final String CC = "sales-cc@as.example";

    @TempDir
    static Path dir;
    static Path localhostKeys;
    static Path localhostTrust;
    static Path otherHostKeys;
    static Path otherHostTrust;

    private Vertx vertx;
    private Context context;
    private XsiEventsServer sim;
    private RecordingSink sink;
    private XsiQueueSource source;

    @BeforeAll
    static void certificates() throws Exception {
        localhostKeys = keystore("localhost", "dns:localhost,ip:127.0.0.1");
        localhostTrust = trustStore(localhostKeys, "localhost");
        otherHostKeys = keystore("xsp.example", "dns:xsp.example");
        otherHostTrust = trustStore(otherHostKeys, "xsp.example");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (source != null) {
            on(() -> source.stop()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (sim != null) {
            sim.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Verifies that a self-signed server certificate is refused with the JVM's trust: no channel, nothing reported. */
    @Test
    void aSelfSignedServerIsRefusedWithoutTheTrustStore() {
        start(localhostKeys, null);
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5)).until(() -> !on(() -> source.channelUp()));
        assertThat(sim.channelsOpened()).isZero();
        assertThat(on(() -> source.channelsOpened())).as("retried: a certificate may be trusted later").isGreaterThan(1);
        assertThat(sink.queueEvents).isEmpty();
    }

    /** Verifies that with the trust store (its password from a credential reference) the channel opens over https and events flow. */
    @Test
    void theTrustStoreLetsTheChannelOpen() {
        start(localhostKeys, localhostTrust);
        await().until(() -> sim.subscriptionsMade() == 1 && on(() -> source.channelUp()));
        assertThat(sim.baseUrl()).startsWith("https://");
        sim.callArrives(CC, "+15550001", 60_000);
        await().until(() -> sink.queueEvents.stream().anyMatch(e -> e.getCallId().equals("1:1")));
        await().untilAsserted(() -> assertThat(sim.acknowledged()).containsExactlyInAnyOrderElementsOf(sim.sentEventIds()));
    }

    /** Verifies that a trusted certificate naming another host is refused: host names are verified. */
    @Test
    void aTrustedCertificateForAnotherHostIsRefused() {
        start(otherHostKeys, otherHostTrust);
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5)).until(() -> !on(() -> source.channelUp()));
        assertThat(sim.channelsOpened()).isZero();
    }

    /** Verifies the control: the same certificate is taken once host name verification is turned off (which the source warns about). */
    @Test
    void theOtherHostsCertificateIsTakenOnlyWithoutHostNameVerification() {
        start(otherHostKeys, otherHostTrust, false);
        await().until(() -> sim.subscriptionsMade() == 1 && on(() -> source.channelUp()));
    }

    private void start(Path serverKeys, Path trust) {
        start(serverKeys, trust, true);
    }

    private void start(Path serverKeys, Path trust, boolean verifyHost) {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        sim = XsiEventsServer.start(XsiEventsServer.Settings.loopback("xsi-ops", "s3cret")
                .with(60, 5, new XsiQueueModel.Plan(100, 60_000, 60_000, 60_000)).withTls(serverKeys.toString(), STORE_PASSWORD));
        sim.addCallCenter(CC);
        sink = new RecordingSink();
        XsiConfig config = XsiConfig.of(URI.create(sim.baseUrl()), "xsi", "acme", Map.of("acme/sales", CC))
                .withTimers(60, 60, Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofMillis(300))
                .withTrustStore(trust == null ? null : trust.toString(), trust == null ? null : "xsi-trust").withVerifyHost(verifyHost);
        Credentials credentials = Credentials.of(Map.of("xsi", new Credentials.Secret("xsi-ops", "s3cret", null),
                "xsi-trust", new Credentials.Secret(null, STORE_PASSWORD, null)));
        source = new XsiQueueSource(config, credentials);
        ConnectorContext ctx = new ConnectorContext(vertx, sink, new Events(Platform.BROADWORKS, "bw-1", Clock.systemUTC()),
                new ConnectorMetrics(), new QueueOwnership());
        on(() -> source.start(ctx, queue -> true)).toCompletionStage().toCompletableFuture().join();
    }

    /** A PKCS#12 key store with a self-signed certificate for {@code cn} and these subject alternative names. */
    private static Path keystore(String cn, String san) throws Exception {
        Path p = dir.resolve(cn + "-keys.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn, "-ext", "SAN=" + san,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", p.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        return p;
    }

    /** A PKCS#12 trust store holding only the certificate of {@code keys}, as an operator would export it. */
    private static Path trustStore(Path keys, String cn) throws Exception {
        Path cert = dir.resolve(cn + ".crt");
        Path p = dir.resolve(cn + "-trust.p12");
        keytool("-exportcert", "-alias", "server", "-keystore", keys.toString(), "-storepass", STORE_PASSWORD, "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "xsp", "-file", cert.toString(), "-storetype", "PKCS12", "-keystore", p.toString(),
                "-storepass", STORE_PASSWORD);
        return p;
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "keytool", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + Files.readString(log));
        }
    }

    private <T> T on(Supplier<T> work) {
        return OnContext.call(context, work);
    }
}
