package io.ctistream.connector.broadworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.connector.broadworks.xsi.XsiConfig;
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
    }

    /** Verifies that a URL without its call centers, or an expiry under a minute, fails at start with the setting's name. */
    @Test
    void incompleteSettingsFailAtStart() {
        assertThatThrownBy(() -> BroadWorksPlatform.xsi(ConfigSource.from(Map.of(BroadWorksPlatform.XSI_URL, "https://xsp.example"))))
                .isInstanceOf(ConfigSource.ConfigException.class).hasMessageContaining(BroadWorksPlatform.XSI_CALL_CENTERS);
        assertThatThrownBy(() -> BroadWorksPlatform.xsi(ConfigSource.from(Map.of(BroadWorksPlatform.XSI_URL, "https://xsp.example",
                BroadWorksPlatform.XSI_CREDENTIAL, "x", BroadWorksPlatform.XSI_TENANT, "acme", BroadWorksPlatform.XSI_CALL_CENTERS, "a=acme/a",
                BroadWorksPlatform.XSI_EXPIRES, "30")))).isInstanceOf(ConfigSource.ConfigException.class).hasMessageContaining("60 s");
    }
}
