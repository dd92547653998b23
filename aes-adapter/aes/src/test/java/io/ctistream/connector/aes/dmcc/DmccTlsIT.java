package io.ctistream.connector.aes.dmcc;

import static io.ctistream.connector.aes.dmcc.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies DMCC over TLS (port 4722's way): a certificate in the configured trust store (PKCS#12 or
 * JKS) naming the host connects; without a trust store (the JDK's trust) a self-signed AES
 * certificate is refused; a trusted certificate naming another host is refused while hostname
 * verification is on, and accepted once the configuration turns it off. Certificates are made
 * with the JDK's keytool for each run; the server is {@link FakeDmccServer} over TLS.
 */
@Timeout(90)
class DmccTlsIT {
    static final String STORE_PASSWORD = "changeit";

    @TempDir
    static Path dir;
    static Path localhost;
    static Path otherHost;
    static Path localhostJks;
    static Vertx vertx;

    FakeDmccServer server;
    DmccSession session;
    final RecordingListener listener = new RecordingListener();

    @BeforeAll
    static void certificates() throws Exception {
        localhost = keystore("localhost", "dns:localhost,ip:127.0.0.1");
        otherHost = keystore("aes-a.example.com", "dns:aes-a.example.com");
        localhostJks = dir.resolve("localhost-trust.jks");
        keytool("-importkeystore", "-srckeystore", localhost.toString(), "-srcstoretype", "PKCS12", "-srcstorepass", STORE_PASSWORD,
                "-destkeystore", localhostJks.toString(), "-deststoretype", "JKS", "-deststorepass", STORE_PASSWORD, "-noprompt");
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        join(vertx.close());
    }

    @AfterEach
    void tearDown() {
        if (session != null) {
            session.abort();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Verifies that a PKCS#12 trust store holding AES's certificate, which names the host dialled, gives a session. */
    @Test
    void trustedCertificateConnects() {
        server = tlsServer(localhost);

        start(options().withTrustStore(localhost.toString(), STORE_PASSWORD));

        await().until(() -> session.up());
        assertThat(listener.ups).containsExactly(DmccSession.Recovery.NEW);
    }

    /** Verifies that a JKS trust store is recognised by its extension. */
    @Test
    void jksTrustStoreConnects() {
        server = tlsServer(localhost);

        start(options().withTrustStore(localhostJks.toString(), STORE_PASSWORD));

        await().until(() -> session.up());
    }

    /** Verifies that without a trust store (the JDK's trust) a self-signed certificate is refused: no session, nothing sent. */
    @Test
    void untrustedCertificateIsRefused() {
        server = tlsServer(localhost);

        start(options());

        assertThat(session.up()).isFalse();
        assertThat(server.received).as("nothing, the password above all, was sent over the failed handshake").isEmpty();
        assertThat(listener.ups).isEmpty();
    }

    /** Verifies that hostname verification is on: a trusted certificate for another name is refused. */
    @Test
    void certificateForAnotherHostIsRefused() {
        server = tlsServer(otherHost);

        start(options().withTrustStore(otherHost.toString(), STORE_PASSWORD));

        assertThat(session.up()).isFalse();
        assertThat(server.received).isEmpty();
    }

    /** Verifies that turning hostname verification off (lab only, warned) accepts that certificate. */
    @Test
    void hostnameVerificationOffAcceptsIt() {
        server = tlsServer(otherHost);

        start(options().withTrustStore(otherHost.toString(), STORE_PASSWORD).withVerifyHostname(false));

        await().until(() -> session.up());
    }

    private void start(DmccOptions o) {
        session = new DmccSession(vertx, o, listener);
        join(session.start());
    }

    private DmccOptions options() {
        return DmccOptions.defaults(List.of(new DmccOptions.Address("localhost", server.port())), FakeDmccServer.USER, FakeDmccServer.PASSWORD)
                .withReconnect(Duration.ofMillis(200), Duration.ofSeconds(2)).withConnectTimeout(Duration.ofSeconds(3));
    }

    private static FakeDmccServer tlsServer(Path keystore) {
        return FakeDmccServer.start(vertx, new NetServerOptions().setSsl(true)
                .setKeyCertOptions(new PfxOptions().setPath(keystore.toString()).setPassword(STORE_PASSWORD)));
    }

    /** A PKCS#12 store with one self-signed EC key pair for {@code cn} and the given subject alternative names. */
    private static Path keystore(String cn, String san) throws IOException, InterruptedException {
        Path store = dir.resolve(cn + ".p12");
        keytool("-genkeypair", "-alias", "aes", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn, "-ext", "SAN=" + san,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        return store;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        if (args[0].equals("-genkeypair") && !Files.exists(Path.of(args[args.length - 5]))) {
            throw new IllegalStateException("keytool wrote no store: " + out);
        }
    }
}
