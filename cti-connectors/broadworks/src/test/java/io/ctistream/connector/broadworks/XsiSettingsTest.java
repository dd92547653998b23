package io.ctistream.connector.broadworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.connector.broadworks.xsi.XsiConfig;
import io.ctistream.connector.broadworks.xsi.XsiServer;
import java.net.URI;
import io.ctistream.settings.ConfigSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the Xsi-Events queue source's settings (issue #17, docs/config/connector-broadworks.md). */
class XsiSettingsTest {

    /** Verifies that without an Xsi URL there is no queue source, as before. */
    @Test
    void noUrlNoQueueSource() {
        assertThat(BroadWorksPlatform.xsi(ConfigSource.from(Map.of()))).isNull();
    }

    /** Verifies that the settings give the call centers by queue id, the agents, the timers and host name verification. */
    @Test
    void settingsAreRead() {
        XsiConfig c = BroadWorksPlatform.xsi(ConfigSource.from(Map.of(BroadWorksPlatform.XSI_URL, "https://xsp.example",
                BroadWorksPlatform.XSI_CREDENTIAL, "xsi-ops", BroadWorksPlatform.XSI_TENANT, "acme",
                BroadWorksPlatform.XSI_CALL_CENTERS, "sales-cc@as.example=acme/sales, support-cc@as.example=acme/support",
                BroadWorksPlatform.XSI_AGENTS, "6001@as.example=acme/alice", BroadWorksPlatform.XSI_HEARTBEAT, "10s",
                BroadWorksPlatform.XSI_EXPIRES, "1800")));
        assertThat(c.callCenters()).containsExactlyInAnyOrderEntriesOf(Map.of("acme/sales", "sales-cc@as.example", "acme/support", "support-cc@as.example"));
        assertThat(c.agentsByUserId()).containsEntry("6001@as.example", "acme/alice");
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.channelExpires()).isEqualTo(1800);
        assertThat(c.verifyHost()).isTrue();
        assertThat(c.toString()).doesNotContain("password");
        assertThat(c.servers()).extracting(XsiServer::uri).containsExactly(URI.create("https://xsp.example"));
        assertThat(c.failback()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.monitoring()).isTrue();
        assertThat(c.trustStore()).isNull();
    }

    /**
     * Verifies the ADR 022 settings: several servers with priority and weight in the URL setting, the
     * failback interval, the monitoring package switch, the trust store and its password's credential
     * reference; without call centers in the settings the roster alone names them (no tenant needed).
     */
    @Test
    void channelSetTrustStoreAndRosterSettings() {
        XsiConfig c = BroadWorksPlatform.xsi(ConfigSource.from(Map.of(BroadWorksPlatform.XSI_URL,
                "https://xsp1.example;priority=1;weight=70, https://xsp2.example;weight=30, https://xsp3.example:8443;priority=5",
                BroadWorksPlatform.XSI_CREDENTIAL, "xsi-ops", BroadWorksPlatform.XSI_FAILBACK, "0s", BroadWorksPlatform.XSI_MONITORING, "false",
                BroadWorksPlatform.XSI_TRUSTSTORE, "/etc/ctistream/xsi-trust.p12", BroadWorksPlatform.XSI_TRUSTSTORE_CREDENTIAL, "xsi-trust")));
        assertThat(c.servers()).extracting(XsiServer::toString).containsExactly("https://xsp1.example;priority=1;weight=70",
                "https://xsp2.example;priority=2;weight=30", "https://xsp3.example:8443;priority=5;weight=50");
        assertThat(c.failback()).isZero();
        assertThat(c.monitoring()).isFalse();
        assertThat(c.trustStore()).isEqualTo("/etc/ctistream/xsi-trust.p12");
        assertThat(c.trustStoreCredentialRef()).isEqualTo("xsi-trust");
        assertThat(c.callCenters()).isEmpty();
        assertThat(c.tenant()).isNull();
        assertThatThrownBy(() -> BroadWorksPlatform.xsi(ConfigSource.from(Map.of(BroadWorksPlatform.XSI_URL, "https://xsp1.example;priority=x",
                BroadWorksPlatform.XSI_CREDENTIAL, "x")))).isInstanceOf(ConfigSource.ConfigException.class).hasMessageContaining("priority=x");
    }

    /** Verifies that a URL without its credential, call centers without their tenant, or an expiry under a minute, fail at start with the setting's name. */
    @Test
    void incompleteSettingsFailAtStart() {
        assertThatThrownBy(() -> BroadWorksPlatform.xsi(ConfigSource.from(Map.of(BroadWorksPlatform.XSI_URL, "https://xsp.example"))))
                .isInstanceOf(ConfigSource.ConfigException.class).hasMessageContaining(BroadWorksPlatform.XSI_CREDENTIAL);
        assertThatThrownBy(() -> BroadWorksPlatform.xsi(ConfigSource.from(Map.of(BroadWorksPlatform.XSI_URL, "https://xsp.example",
                BroadWorksPlatform.XSI_CREDENTIAL, "x", BroadWorksPlatform.XSI_CALL_CENTERS, "a=acme/a"))))
                .isInstanceOf(ConfigSource.ConfigException.class).hasMessageContaining(BroadWorksPlatform.XSI_TENANT);
        assertThatThrownBy(() -> BroadWorksPlatform.xsi(ConfigSource.from(Map.of(BroadWorksPlatform.XSI_URL, "https://xsp.example",
                BroadWorksPlatform.XSI_CREDENTIAL, "x", BroadWorksPlatform.XSI_TENANT, "acme", BroadWorksPlatform.XSI_CALL_CENTERS, "a=acme/a",
                BroadWorksPlatform.XSI_EXPIRES, "30")))).isInstanceOf(ConfigSource.ConfigException.class).hasMessageContaining("60 s");
    }
}
