package io.ctistream.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.settings.ConfigSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies that the admin settings are read from CTISTREAM_ADMIN_*, fall back to the push token settings, and fail naming the setting. */
class AdminSettingsTest {
    private static final String SECRET = "s".repeat(32);

    /** Verifies the defaults, and the push service's secret used where the admin one is not set. */
    @Test
    void defaultsAndThePushSecret() {
        AdminSettings s = AdminSettings.from(ConfigSource.from(Map.of("CTISTREAM_PUSH_JWT_SECRET", SECRET)), "0.0.0.0", "host-1");

        assertThat(s.port()).isEqualTo(8086);
        assertThat(s.host()).isEqualTo("0.0.0.0");
        assertThat(s.jwtSecret()).isEqualTo(SECRET);
        assertThat(s.transactionalId()).isEqualTo("ctistream-admin-host-1");
        assertThat(s.secretGrace()).isEqualTo(Duration.ofHours(24));
        assertThat(s.allowHttpWebhooks()).isFalse();
        assertThat(s.toString()).doesNotContain(SECRET);
    }

    /** Verifies each setting read, the admin secret before the push one. */
    @Test
    void everySettingIsRead() {
        AdminSettings s = AdminSettings.from(ConfigSource.from(Map.ofEntries(Map.entry("CTISTREAM_ADMIN_PORT", "9000"),
                Map.entry("CTISTREAM_ADMIN_HOST", "127.0.0.1"), Map.entry("CTISTREAM_ADMIN_JWT_SECRET", "a".repeat(40)),
                Map.entry("CTISTREAM_PUSH_JWT_SECRET", SECRET), Map.entry("CTISTREAM_ADMIN_INSTANCE_ID", "admin-2"),
                Map.entry("CTISTREAM_ADMIN_WEBHOOK_SECRET_GRACE", "2h"), Map.entry("CTISTREAM_ADMIN_WEBHOOK_ALLOW_HTTP", "true"),
                Map.entry("CTISTREAM_ADMIN_WEBHOOK_ALLOW_PRIVATE", "yes"), Map.entry("CTISTREAM_ADMIN_WRITE_TIMEOUT", "10s"))), "0.0.0.0", "h");

        assertThat(s).extracting(AdminSettings::port, AdminSettings::host, AdminSettings::jwtSecret, AdminSettings::instanceId,
                AdminSettings::secretGrace, AdminSettings::allowHttpWebhooks, AdminSettings::allowPrivateWebhooks, AdminSettings::writeTimeout)
                .containsExactly(9000, "127.0.0.1", "a".repeat(40), "admin-2", Duration.ofHours(2), true, true, Duration.ofSeconds(10));
    }

    /** Verifies that a start without a way to verify tokens, or with a bad value, fails naming the setting. */
    @Test
    void badSettingsNameTheSetting() {
        assertThatThrownBy(() -> AdminSettings.from(ConfigSource.from(Map.of()), "0.0.0.0", "h"))
                .isInstanceOf(ConfigSource.ConfigException.class).hasMessageContaining("CTISTREAM_ADMIN_JWT_SECRET");
        assertThatThrownBy(() -> AdminSettings.from(ConfigSource.from(Map.of("CTISTREAM_ADMIN_JWT_SECRET", "short")), "0.0.0.0", "h"))
                .hasMessageContaining("at least 32 characters").hasMessageNotContaining("short");
        assertThatThrownBy(() -> AdminSettings.from(ConfigSource.from(Map.of("CTISTREAM_ADMIN_JWKS_URL", "https://idp/jwks")), "0.0.0.0", "h"))
                .hasMessageContaining("CTISTREAM_ADMIN_JWT_AUDIENCE");
        assertThatThrownBy(() -> AdminSettings.from(ConfigSource.from(Map.of("CTISTREAM_ADMIN_JWT_SECRET", SECRET,
                "CTISTREAM_ADMIN_WEBHOOK_SECRET_GRACE", "P30D")), "0.0.0.0", "h")).hasMessageContaining("CTISTREAM_ADMIN_WEBHOOK_SECRET_GRACE");
        assertThatThrownBy(() -> AdminSettings.from(ConfigSource.from(Map.of("CTISTREAM_ADMIN_JWT_SECRET", SECRET,
                "CTISTREAM_ADMIN_WEBHOOK_ALLOW_HTTP", "maybe")), "0.0.0.0", "h")).hasMessageContaining("CTISTREAM_ADMIN_WEBHOOK_ALLOW_HTTP");
        assertThatThrownBy(() -> AdminSettings.from(ConfigSource.from(Map.of("CTISTREAM_ADMIN_JWT_SECRET", SECRET,
                "CTISTREAM_ADMIN_INSTANCE_ID", "a b")), "0.0.0.0", "h")).hasMessageContaining("CTISTREAM_ADMIN_INSTANCE_ID");
    }
}
