package io.ctistream.simulator.finesse;

import static io.ctistream.simulator.finesse.SimFixture.PASSWORD;
import static io.ctistream.simulator.finesse.SimFixture.USER_NODE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Verifies HTTPS with a key store the test makes, and the notification style knob over a real session. */
@Timeout(60)
class TlsAndStyleTest {
    @TempDir
    Path dir;

    /** Verifies that with a PKCS12 key store the REST API answers over HTTPS, with hostname verification on. */
    @Test
    void restOverTls() throws Exception {
        // GIVEN a key store for localhost/127.0.0.1 made with the JDK's keytool
        Path ks = dir.resolve("sim.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keyalg", "RSA", "-keysize", "2048",
                "-alias", "sim", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2")
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(Files.readString(dir.resolve("keytool.log"))).isZero();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            trust.load(in, "changeit".toCharArray());
        }
        KeyStore trustOnly = KeyStore.getInstance("PKCS12");
        trustOnly.load(null, null);
        trustOnly.setCertificateEntry("sim", trust.getCertificate("sim"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustOnly);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        // WHEN the simulator serves TLS
        try (FinesseSimulator sim = FinesseSimulator.start(FinesseSimulator.Settings.loopback()
                .withTls(new FinesseSimulator.Tls(ks.toString(), "changeit")))) {
            // THEN SystemInfo answers over HTTPS, and the URLs say so
            assertThat(sim.restUrl()).startsWith("https://");
            assertThat(sim.wsUrl()).startsWith("wss://");
            HttpResponse<String> r = HttpClient.newBuilder().sslContext(ssl).build().send(
                    HttpRequest.newBuilder(URI.create(sim.restUrl() + "/finesse/api/SystemInfo")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("<status>IN_SERVICE</status>");
        }
    }

    /** Verifies that the varied style reaches a session: lower-case put, capital User, no requestId (§8.6). */
    @Test
    void variedNotificationsOverTheWire() {
        try (SimFixture f = new SimFixture()) {
            XmppTestClient x = f.xmpp("1234");
            f.sim.notificationStyle(NotificationStyle.varied(3));
            f.restA.put("/finesse/api/User/1234", "1234", PASSWORD, "<User><state>LOGIN</state><extension>1001</extension></User>", "gone");
            XmppTestClient.Update u = x.nextUpdate(USER_NODE);
            assertThat(u.field("event")).isEqualTo("put");
            assertThat(u.has("requestId")).isFalse();
            assertThat(u.root().getElementsByTagName("User").getLength()).isEqualTo(1);
            assertThat(u.field("state")).isEqualTo("NOT_READY");
        }
    }
}
