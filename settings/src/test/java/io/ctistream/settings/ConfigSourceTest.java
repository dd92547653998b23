package io.ctistream.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies typed settings: defaults, the file under the environment, and clear errors. */
class ConfigSourceTest {

    @Test
    void defaultsApplyAndEnvironmentWinsOverTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ctistream.properties");
        Files.writeString(file, "CTISTREAM_KAFKA_PORT=19092\nCTISTREAM_REGISTRY_PORT=18081\n");
        var config = ConfigSource.from(Map.of(ConfigSource.CONFIG_FILE, file.toString(), "CTISTREAM_REGISTRY_PORT", "28081"));
        assertThat(config.port("CTISTREAM_KAFKA_PORT", 9092)).isEqualTo(19092);
        assertThat(config.port("CTISTREAM_REGISTRY_PORT", 8081)).isEqualTo(28081);
        assertThat(config.positiveInt("CTISTREAM_AGENT_PARTITIONS", 12)).isEqualTo(12);
    }

    @Test
    void malformedValuesNameKeyAndValueButNeverASecret() {
        assertThatThrownBy(() -> ConfigSource.from(Map.of("CTISTREAM_AGENT_PARTITIONS", "0")).positiveInt("CTISTREAM_AGENT_PARTITIONS", 12))
                .hasMessage("CTISTREAM_AGENT_PARTITIONS must be a whole number of at least 1, was [0]");
        assertThatThrownBy(() -> ConfigSource.from(Map.of("CTISTREAM_JWT_SECRET_LENGTH", "hunter2")).positiveInt("CTISTREAM_JWT_SECRET_LENGTH", 1))
                .hasMessageNotContaining("hunter2").hasMessageContaining("***");
        assertThatThrownBy(() -> ConfigSource.from(Map.of(ConfigSource.CONFIG_FILE, "/nonexistent/ctistream.properties")))
                .hasMessageContaining("cannot be read");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        var config = ConfigSource.from(Map.of("CTISTREAM_A", "30s", "CTISTREAM_B", "PT1H"));
        assertThat(config.duration("CTISTREAM_A", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.duration("CTISTREAM_B", Duration.ZERO)).isEqualTo(Duration.ofHours(1));
        assertThat(config.duration("CTISTREAM_C", Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(5));
    }

    /** Verifies millisecond durations, per-tenant time zones, and that a bad zone names its key. */
    @Test
    void millisecondsAndTenantZones() {
        var config = ConfigSource.from(Map.of("CTISTREAM_A", "100ms", "CTISTREAM_Z", "acme=Europe/Berlin, globex=America/Chicago",
                "CTISTREAM_BAD", "acme=Mars/Olympus"));
        assertThat(config.duration("CTISTREAM_A", Duration.ZERO)).isEqualTo(Duration.ofMillis(100));
        assertThat(config.zones("CTISTREAM_Z")).containsEntry("acme", java.time.ZoneId.of("Europe/Berlin"))
                .containsEntry("globex", java.time.ZoneId.of("America/Chicago"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> config.zones("CTISTREAM_BAD"))
                .hasMessageContaining("CTISTREAM_BAD must be tenant=Zone pairs").hasMessageContaining("[acme=Mars/Olympus]");
    }

    /** Verifies that a run's own defaults fill only the keys the environment leaves unset (or blank). */
    @Test
    void defaultsOfARunNeverOverrideWhatIsSet() {
        var config = ConfigSource.from(Map.of("CTISTREAM_A", "set", "CTISTREAM_B", " ")).withDefaults(Map.of("CTISTREAM_A", "run default",
                "CTISTREAM_B", "run default", "CTISTREAM_C", "run default"));
        assertThat(config.string("CTISTREAM_A", null)).isEqualTo("set");
        assertThat(config.string("CTISTREAM_B", null)).isEqualTo("run default");
        assertThat(config.string("CTISTREAM_C", null)).isEqualTo("run default");
        assertThat(config.string("CTISTREAM_D", "service default")).isEqualTo("service default");
    }
}
