package io.ctistream.simulator.aes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Verifies DMCC over TLS (AES's port 4722) with a key store made at test time, and that Settings hide the TLS password. */
@Timeout(60)
class TlsTest {
    @TempDir
    Path dir;

    /** Verifies that a session starts over TLS with the peer's certificate trusted and the host name checked. */
    @Test
    void sessionOverTls() throws Exception {
        // GIVEN a key store for localhost/127.0.0.1 made with the JDK's keytool
        Path ks = dir.resolve("aes.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keyalg", "RSA", "-keysize", "2048",
                "-alias", "aes", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2")
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(Files.readString(dir.resolve("keytool.log"))).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyStore trustOnly = KeyStore.getInstance("PKCS12");
        trustOnly.load(null, null);
        trustOnly.setCertificateEntry("aes", store.getCertificate("aes"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustOnly);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        AesPeer.Tls tls = new AesPeer.Tls(ks.toString(), "changeit");
        AesPeer.Settings settings = AesPeer.Settings.loopback().withTls(tls);
        assertThat(tls.toString()).doesNotContain("changeit");
        assertThat(settings.toString()).doesNotContain("changeit").doesNotContain("Secret#1");
        // WHEN a client speaks TLS to the peer
        try (AesPeer peer = AesPeer.start(settings)) {
            SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", peer.port());
            var params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.startHandshake();
            // THEN a session starts as over plain TCP
            try (DmccTestClient c = new DmccTestClient(socket)) {
                assertThat(c.startSession(60)).matches("[0-9A-F]{32}-0");
                assertThat(peer.sessions()).isEqualTo(1);
            }
        }
    }
}
