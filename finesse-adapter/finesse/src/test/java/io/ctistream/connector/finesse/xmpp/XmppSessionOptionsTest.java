package io.ctistream.connector.finesse.xmpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.PfxOptions;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Verifies the session settings: defaults, validation, TLS defaults, and a password that never shows. */
class XmppSessionOptionsTest {
    static XmppSessionOptions.Builder finesse() {
        return XmppSessionOptions.builder(URI.create("wss://fin-a.example.com:8445/ws/"), "fin-a.example.com", "1234", "s3cr3t-pw", "ctistream-1");
    }

    /** Verifies the defaults of the class table and the parts of the endpoint. */
    @Test
    void defaults() {
        XmppSessionOptions o = finesse().build();

        assertThat(o.pubsubService()).isEqualTo("pubsub.fin-a.example.com");
        assertThat(o.pingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.pingTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.maxMissedPings()).isEqualTo(2);
        assertThat(o.maxStanzaBytes()).isEqualTo(256 * 1024);
        assertThat(o.secure()).isTrue();
        assertThat(o.host()).isEqualTo("fin-a.example.com");
        assertThat(o.port()).isEqualTo(8445);
        assertThat(o.path()).isEqualTo("/ws/");
    }

    /** Verifies that bad settings are refused at build time with the setting named and without the password. */
    @Test
    void validation() {
        assertThatThrownBy(() -> XmppSessionOptions.builder(URI.create("http://x/ws"), "d", "u", "p", "r").build()).hasMessageContaining("ws://");
        assertThatThrownBy(() -> finesse().pingInterval(Duration.ZERO).build()).hasMessageContaining("pingInterval");
        assertThatThrownBy(() -> finesse().maxMissedPings(0).build()).hasMessageContaining("maxMissedPings");
        assertThatThrownBy(() -> XmppSessionOptions.builder(URI.create("ws://x/ws"), "d", "u", "", "r").build()).hasMessageContaining("password");
        assertThatThrownBy(() -> XmppSessionOptions.builder(URI.create("ws://x/ws"), "d", "u", "p", " ").build()).hasMessageContaining("resource");
    }

    /** Verifies that toString shows the settings but not the password. */
    @Test
    void toStringHidesThePassword() {
        assertThat(finesse().build().toString()).contains("loginId=1234").contains("password=***").doesNotContain("s3cr3t-pw");
    }

    /** Verifies the shared client options: no 50-connection cap, frames up to 4 x the stanza limit, TLS policy. */
    @Test
    void clientOptions() {
        var o = XmppSessionOptions.clientOptions(2000, 256 * 1024);
        assertThat(o.getMaxConnections()).isEqualTo(2000);
        assertThat(o.getMaxFrameSize()).isEqualTo(1024 * 1024);
        assertThat(o.isVerifyHost()).isTrue();
        assertThat(o.isTrustAll()).isFalse();
        var insecure = XmppSessionOptions.clientOptions(10, 256 * 1024, new PfxOptions().setPath("trust.p12"), false);
        assertThat(insecure.isVerifyHost()).isFalse();
        assertThat(insecure.getTrustOptions()).isInstanceOf(PfxOptions.class);
    }
}
