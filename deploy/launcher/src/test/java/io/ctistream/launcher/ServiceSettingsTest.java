package io.ctistream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies what the service settings refuse and protect, from the environment as an operator sets it. */
class ServiceSettingsTest {
    private static final Map<String, String> KAFKA = Map.of("CTISTREAM_KAFKA_BOOTSTRAP", "kafka:9092",
            "CTISTREAM_REGISTRY_URL", "http://registry:8080/apis/registry/v3");

    private static Map<String, String> with(Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(KAFKA);
        env.putAll(extra);
        return env;
    }

    /** Verifies push needs a secret or a JWKS, a JWKS only with an audience, and never echoes the secret. */
    @Test
    void pushRefusesMissingOrWeakTokenSettings() {
        assertThatThrownBy(() -> PushSettings.standalone(ConfigSource.from(KAFKA))).hasMessageContaining("CTISTREAM_PUSH_JWT_SECRET");
        assertThatThrownBy(() -> PushSettings.standalone(ConfigSource.from(with(Map.of("CTISTREAM_PUSH_JWKS_URL", "https://kc/certs")))))
                .hasMessageContaining("CTISTREAM_PUSH_JWT_AUDIENCE");
        assertThatThrownBy(() -> PushSettings.standalone(ConfigSource.from(with(Map.of("CTISTREAM_PUSH_JWT_SECRET", "short-secret-value")))))
                .hasMessageContaining("at least 32").hasMessageNotContaining("short-secret-value");
        PushSettings ok = PushSettings.standalone(ConfigSource.from(with(Map.of("CTISTREAM_PUSH_JWKS_URL", "https://kc/certs",
                "CTISTREAM_PUSH_JWT_AUDIENCE", "ctistream", "CTISTREAM_PUSH_REASONS", "0010=Break,0012=Lunch"))));
        assertThat(ok.push().jwtAudience()).isEqualTo("ctistream");
        assertThat(ok.push().reasons()).extracting(r -> r.code()).containsExactly("0010", "0012");
        String secret = "a-secret-of-more-than-thirty-two-characters";
        assertThat(PushSettings.standalone(ConfigSource.from(with(Map.of("CTISTREAM_PUSH_JWT_SECRET", secret)))).push().toString())
                .doesNotContain(secret);
    }

    /** Verifies the single-machine secret is made once, kept, and readable by its owner only. */
    @Test
    void theEmbeddedSecretIsKeptPrivately(@TempDir Path dir) throws Exception {
        PushSettings first = PushSettings.embedded(ConfigSource.from(Map.of()), "k:1", "http://r", dir);
        PushSettings second = PushSettings.embedded(ConfigSource.from(Map.of()), "k:1", "http://r", dir);
        assertThat(second.push().jwtSecret()).isEqualTo(first.push().jwtSecret()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(Files.getPosixFilePermissions(dir.resolve("push-jwt-secret")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    /** Verifies the connector needs the AS address, reads queue maps and the credentials file, and keeps passwords out of its description. */
    @Test
    void connectorSettingsFromTheEnvironment(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> BroadWorksSettings.from(ConfigSource.from(KAFKA))).hasMessageContaining("CTISTREAM_BW_OUTBOUND_PROXY");
        Path creds = dir.resolve("credentials.properties");
        Files.writeString(creds, "a1.sipPassword=s3cret-sip\na1.guestPassword=s3cret-guest\n");
        BroadWorksSettings s = BroadWorksSettings.from(ConfigSource.from(with(Map.of("CTISTREAM_BW_OUTBOUND_PROXY", "as.example:5060",
                "CTISTREAM_BW_QUEUES", "sip:sales@as.example=acme/sales,sip:support@as.example=acme/support",
                "CTISTREAM_BW_CREDENTIALS_FILE", creds.toString(), "CTISTREAM_CONNECTOR_TENANTS", "acme, globex",
                "CTISTREAM_BW_TLS_KEYSTORE_PASSWORD", "s3cret-store"))));
        assertThat(s.sip().queueAddresses()).containsEntry("sip:sales@as.example", "acme/sales").hasSize(2);
        assertThat(s.tenants()).containsExactly("acme", "globex");
        assertThat(s.credentials().resolve("a1")).get().satisfies(x -> assertThat(x.sipPassword()).isEqualTo("s3cret-sip"));
        assertThat(s.sip().toString() + s.credentials().resolve("a1").get()).doesNotContain("s3cret");
        assertThatThrownBy(() -> BroadWorksSettings.from(ConfigSource.from(with(Map.of("CTISTREAM_BW_OUTBOUND_PROXY", "as:5060",
                "CTISTREAM_BW_QUEUES", "no-equals-sign"))))).hasMessageContaining("CTISTREAM_BW_QUEUES");
    }
}
