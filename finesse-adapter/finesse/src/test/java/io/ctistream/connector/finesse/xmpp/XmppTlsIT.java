package io.ctistream.connector.finesse.xmpp;

import static io.ctistream.connector.finesse.xmpp.Futures.failure;
import static io.ctistream.connector.finesse.xmpp.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.connector.core.Failure;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies {@code wss://}: a trusted certificate naming the host connects; an untrusted one, and a
 * trusted one naming another host, are permanent {@code XMPP_TLS} failures, because trust and
 * hostname verification are on unless the caller turns them off. Certificates are made with the
 * JDK's keytool for each run; the server is {@link FakeXmppServer} over TLS. Each test has its own
 * client: the TLS policy is the client's (ADR 011).
 */
@Timeout(60)
class XmppTlsIT {
    static final String STORE_PASSWORD = "changeit";

    @TempDir
    static Path dir;
    static Path localhost;
    static Path otherHost;
    static Vertx vertx;

    @BeforeAll
    static void certificates() throws Exception {
        localhost = keystore("localhost", "dns:localhost,ip:127.0.0.1");
        otherHost = keystore("fin-a.example.com", "dns:fin-a.example.com");
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        join(vertx.close());
    }

    /** Verifies that a certificate the caller trusts, naming the host dialled, gives an established session. */
    @Test
    void trustedCertificateNamingTheHostConnects() {
        try (FakeXmppServer server = tlsServer(localhost)) {
            XmppSession session = session(server, client(trust(localhost), true));

            join(session.connect());

            assertThat(session.state()).isEqualTo(XmppSession.State.ESTABLISHED);
            join(session.close());
        }
    }

    /** Verifies that a certificate outside the trust store is a permanent failure. */
    @Test
    void untrustedCertificateIsPermanent() {
        try (FakeXmppServer server = tlsServer(localhost)) {
            Failure f = (Failure) failure(session(server, client(null, true)).connect());

            assertThat(f.code()).isEqualTo("XMPP_TLS");
            assertThat(f.retriable()).isFalse();
        }
    }

    /** Verifies that hostname verification is on: a trusted certificate for another name is refused. */
    @Test
    void trustedCertificateForAnotherHostIsRefused() {
        try (FakeXmppServer server = tlsServer(otherHost)) {
            Failure f = (Failure) failure(session(server, client(trust(otherHost), true)).connect());

            assertThat(f.code()).isEqualTo("XMPP_TLS");
            assertThat(f.retriable()).isFalse();
        }
    }

    /** Verifies that the TLS options are the caller's: turning hostname verification off (insecure, warned about) accepts that certificate. */
    @Test
    void hostnameVerificationCanBeTurnedOffByTheCaller() {
        try (FakeXmppServer server = tlsServer(otherHost)) {
            XmppSession session = session(server, client(trust(otherHost), false));

            join(session.connect());

            assertThat(session.state()).isEqualTo(XmppSession.State.ESTABLISHED);
            join(session.close());
        }
    }

    /**
     * Pins the Vert.x 5.1.1 behaviour behind ADR 011's "TLS policy per client": on one client,
     * per-connection {@code ClientSSLOptions} that differ only in hostname verification share one
     * cached TLS setup, so a connection that asks for verification can get none. If this test
     * fails after a Vert.x upgrade, per-session TLS options have become safe.
     */
    @Test
    void vertxSharesTlsSetupAcrossHostnameSettingsOnOneClient() {
        try (FakeXmppServer server = tlsServer(otherHost)) {
            WebSocketClient shared = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions());
            io.vertx.core.http.WebSocketConnectOptions lax = connect(server).setSslOptions(new io.vertx.core.net.ClientSSLOptions()
                    .setTrustOptions(trust(otherHost)).setHostnameVerificationAlgorithm(""));
            io.vertx.core.http.WebSocketConnectOptions strict = connect(server).setSslOptions(new io.vertx.core.net.ClientSSLOptions()
                    .setTrustOptions(trust(otherHost)).setHostnameVerificationAlgorithm("HTTPS"));

            join(join(shared.connect(lax)).close());
            var second = shared.connect(strict);

            assertThat(join(second).isClosed()).as("the strict connection succeeded although the certificate names another host").isFalse();
            join(shared.close());
        }
    }

    private static io.vertx.core.http.WebSocketConnectOptions connect(FakeXmppServer server) {
        return new io.vertx.core.http.WebSocketConnectOptions().setHost("localhost").setPort(server.uri().getPort()).setURI("/ws/")
                .setSsl(true).addSubProtocol("xmpp");
    }

    private static XmppSession session(FakeXmppServer server, WebSocketClient client) {
        XmppSessionOptions options = XmppSessionOptions.builder(server.uri("wss"), FakeXmppServer.DOMAIN, FakeXmppServer.USER,
                FakeXmppServer.PASSWORD, "tls-1").build();
        return new XmppSession(vertx.getOrCreateContext(), client, options, new RecordingListener());
    }

    private static WebSocketClient client(PfxOptions trust, boolean verifyHost) {
        return vertx.createWebSocketClient(XmppSessionOptions.clientOptions(10, XmppSessionOptions.DEFAULT_MAX_STANZA_BYTES, trust, verifyHost));
    }

    private static PfxOptions trust(Path keystore) {
        return new PfxOptions().setPath(keystore.toString()).setPassword(STORE_PASSWORD);
    }

    private static FakeXmppServer tlsServer(Path keystore) {
        return FakeXmppServer.start(vertx, new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(new PfxOptions().setPath(keystore.toString()).setPassword(STORE_PASSWORD))
                .setWebSocketSubProtocols(List.of("xmpp")));
    }

    /** A PKCS#12 store with one self-signed EC key pair for {@code cn} and the given subject alternative names. */
    private static Path keystore(String cn, String san) throws IOException, InterruptedException {
        Path store = dir.resolve(cn + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + cn, "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(store)) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        return store;
    }
}
