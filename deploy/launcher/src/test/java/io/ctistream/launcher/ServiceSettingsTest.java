package io.ctistream.launcher;

import io.ctistream.connector.broadworks.BroadWorksConfig;
import io.ctistream.connector.broadworks.BroadWorksPlatform;
import io.ctistream.connector.broadworks.Credentials;
import io.ctistream.connector.core.runtime.ConnectorPlatforms;
import io.ctistream.connector.core.runtime.RuntimeSettings;
import io.ctistream.settings.ConfigSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
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

    /** Verifies the pusher serves on one event loop per processor unless told how many, and refuses a count below one. */
    @Test
    void pushEventLoopsDefaultToTheProcessors() {
        String secret = "a-secret-of-more-than-thirty-two-characters";
        assertThat(PushSettings.standalone(ConfigSource.from(with(Map.of("CTISTREAM_PUSH_JWT_SECRET", secret)))).push().eventLoops())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(PushSettings.standalone(ConfigSource.from(with(Map.of("CTISTREAM_PUSH_JWT_SECRET", secret,
                "CTISTREAM_PUSH_EVENT_LOOPS", "3")))).push().eventLoops()).isEqualTo(3);
        assertThatThrownBy(() -> PushSettings.standalone(ConfigSource.from(with(Map.of("CTISTREAM_PUSH_JWT_SECRET", secret,
                "CTISTREAM_PUSH_EVENT_LOOPS", "0"))))).hasMessageContaining("CTISTREAM_PUSH_EVENT_LOOPS");
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
        assertThatThrownBy(() -> BroadWorksPlatform.config(ConfigSource.from(KAFKA))).hasMessageContaining("CTISTREAM_BW_OUTBOUND_PROXY");
        Path creds = dir.resolve("credentials.properties");
        Files.writeString(creds, "a1.sipPassword=s3cret-sip\na1.guestPassword=s3cret-guest\n");
        ConfigSource config = ConfigSource.from(with(Map.of("CTISTREAM_BW_OUTBOUND_PROXY", "as.example:5060",
                "CTISTREAM_BW_QUEUES", "sip:sales@as.example=acme/sales,sip:support@as.example=acme/support",
                "CTISTREAM_BW_CREDENTIALS_FILE", creds.toString(), "CTISTREAM_CONNECTOR_TENANTS", "acme, globex",
                "CTISTREAM_BW_TLS_KEYSTORE_PASSWORD", "s3cret-store")));
        BroadWorksConfig sip = BroadWorksPlatform.config(config);
        Credentials credentials = BroadWorksPlatform.credentials(config.string(BroadWorksPlatform.CREDENTIALS_FILE, null));
        assertThat(sip.queueAddresses()).containsEntry("sip:sales@as.example", "acme/sales").hasSize(2);
        assertThat(RuntimeSettings.from(config, "broadworks").tenants()).containsExactlyInAnyOrder("acme", "globex");
        assertThat(credentials.resolve("a1")).get().satisfies(x -> assertThat(x.sipPassword()).isEqualTo("s3cret-sip"));
        assertThat(sip.toString() + credentials.resolve("a1").get()).doesNotContain("s3cret");
        assertThatThrownBy(() -> BroadWorksPlatform.config(ConfigSource.from(with(Map.of("CTISTREAM_BW_OUTBOUND_PROXY", "as:5060",
                "CTISTREAM_BW_QUEUES", "no-equals-sign"))))).hasMessageContaining("CTISTREAM_BW_QUEUES");
    }

    /** Verifies that platforms are found by name, and that each platform's roster group is its own (issue #14). */
    @Test
    void platformsAreFoundAndKeepTheirOwnGroup() {
        assertThat(ConnectorPlatforms.named("broadworks")).isInstanceOf(BroadWorksPlatform.class);
        assertThatThrownBy(() -> ConnectorPlatforms.named("pbx9000")).hasMessageContaining("broadworks").hasMessageContaining("[pbx9000]");
        assertThat(RuntimeSettings.from(ConfigSource.from(KAFKA), "broadworks").kafka().groupId()).isEqualTo("ctistream-connector-broadworks");
        assertThat(RuntimeSettings.from(ConfigSource.from(with(Map.of("CTISTREAM_CONNECTOR_GROUP_ID", "acme-cti"))), "finesse").kafka().groupId())
                .isEqualTo("acme-cti-finesse");
        assertThat(RuntimeSettings.from(ConfigSource.from(with(Map.of("CTISTREAM_CONNECTOR_GROUP_ID", "ctistream-connector-broadworks"))), "broadworks")
                .kafka().groupId()).isEqualTo("ctistream-connector-broadworks");
    }

    /** Verifies that the engine's settings come from the environment with the documented defaults. */
    @Test
    void engineSettingsForAStandaloneEngine() {
        var settings = EngineSettings.standalone(ConfigSource.from(Map.of(
                "CTISTREAM_KAFKA_BOOTSTRAP", "k1:9092,k2:9092", "CTISTREAM_REGISTRY_URL", "http://registry:8080/apis/registry/v3",
                "CTISTREAM_ENGINE_STANDBY_REPLICAS", "1", "CTISTREAM_ENGINE_ADVERTISED_HOST", "engine-0.engine")));
        assertThat(settings.engine().bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(settings.engine().standbyReplicas()).isEqualTo(1);
        assertThat(settings.engine().commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.engine().guarantee()).isEqualTo(io.ctistream.engine.EngineConfig.Guarantee.AT_LEAST_ONCE);
        assertThat(settings.engine().teamPublishInterval()).isEqualTo(io.ctistream.engine.EngineConfig.DEFAULT_TEAM_PUBLISH_INTERVAL);
        assertThat(EngineSettings.standalone(ConfigSource.from(Map.of("CTISTREAM_KAFKA_BOOTSTRAP", "k:9092", "CTISTREAM_REGISTRY_URL", "http://r",
                "CTISTREAM_ENGINE_GUARANTEE", "exactly_once_v2"))).engine().guarantee()).isEqualTo(io.ctistream.engine.EngineConfig.Guarantee.EXACTLY_ONCE_V2);
        assertThat(EngineSettings.standalone(ConfigSource.from(Map.of("CTISTREAM_KAFKA_BOOTSTRAP", "k:9092", "CTISTREAM_REGISTRY_URL", "http://r",
                "CTISTREAM_ENGINE_TEAM_PUBLISH_INTERVAL", "0ms"))).engine().teamPublishInterval()).isZero();
        assertThat(settings.engine().cacheBytes()).isZero();
        assertThat(settings.engine().streamThreads()).isEqualTo(1);
        var tuned = EngineSettings.standalone(ConfigSource.from(Map.of("CTISTREAM_KAFKA_BOOTSTRAP", "k:9092", "CTISTREAM_REGISTRY_URL", "http://r",
                "CTISTREAM_ENGINE_CACHE_MIB", "32", "CTISTREAM_ENGINE_STREAM_THREADS", "2"))).engine();
        assertThat(tuned.cacheBytes()).isEqualTo(32L << 20);
        assertThat(tuned.streamThreads()).isEqualTo(2);
        // each agent's latest event ids remembered (ADR 034): 32 unless set, at most 1024; the retired window is not read
        assertThat(settings.engine().dedupeIds()).isEqualTo(32);
        assertThat(EngineSettings.standalone(ConfigSource.from(Map.of("CTISTREAM_KAFKA_BOOTSTRAP", "k:9092", "CTISTREAM_REGISTRY_URL", "http://r",
                "CTISTREAM_ENGINE_DEDUPE_IDS", "100", "CTISTREAM_ENGINE_DEDUPE_WINDOW", "1h"))).engine().dedupeIds()).isEqualTo(100);
        assertThatThrownBy(() -> EngineSettings.standalone(ConfigSource.from(Map.of("CTISTREAM_KAFKA_BOOTSTRAP", "k:9092",
                "CTISTREAM_REGISTRY_URL", "http://r", "CTISTREAM_ENGINE_DEDUPE_IDS", "1025")))).hasMessageContaining("CTISTREAM_ENGINE_DEDUPE_IDS");
        assertThat(settings.httpHost()).isEqualTo("0.0.0.0");
        assertThat(settings.applicationServer()).isEqualTo("engine-0.engine:8082");
    }

    /**
     * Verifies the single-machine run's own defaults for the admin and webhooks services (issue #18): admin tokens
     * are signed with the push secret unless an admin secret is set; only the demo accepts the demo CRM's loopback
     * http URL and delivers to 127.0.0.1; what the operator sets wins; the port stays the module's default.
     */
    @Test
    void adminAndWebhooksInTheSingleMachineRun() {
        String push = "p".repeat(40);
        var all = AdminService.embedded(ConfigSource.from(Map.of()), push, false);
        assertThat(all.jwtSecret()).isEqualTo(push);
        assertThat(all.port()).isEqualTo(io.ctistream.admin.AdminSettings.DEFAULT_PORT);
        assertThat(all.host()).isEqualTo("127.0.0.1");
        assertThat(all.allowHttpWebhooks()).isFalse();
        assertThat(all.allowPrivateWebhooks()).isFalse();
        var demo = AdminService.embedded(ConfigSource.from(Map.of("CTISTREAM_ADMIN_JWT_SECRET", "a".repeat(40),
                "CTISTREAM_ADMIN_WEBHOOK_ALLOW_PRIVATE", "false")), push, true);
        assertThat(demo.jwtSecret()).isEqualTo("a".repeat(40));
        assertThat(demo.allowHttpWebhooks()).isTrue();
        assertThat(demo.allowPrivateWebhooks()).as("the operator's setting wins").isFalse();

        assertThat(WebhooksService.embedded(ConfigSource.from(Map.of()), "k:1", "http://r", false).targets().allowsSomePrivate()).isFalse();
        assertThat(WebhooksService.embedded(ConfigSource.from(Map.of()), "k:1", "http://r", true).targets().describe()).contains("127.0.0.1/32");
        assertThat(WebhooksService.Http.from(ConfigSource.from(Map.of())).port()).isEqualTo(8087);
    }

    /** Verifies CTISTREAM_TENANT: demo by default, refused when it cannot be a tenant of ids and tokens. */
    @Test
    void theTenantOfTheSingleMachineRun() {
        assertThat(EmbeddedConfig.from(ConfigSource.from(Map.of())).tenant()).isEqualTo(DemoRoster.TENANT);
        assertThat(EmbeddedConfig.from(ConfigSource.from(Map.of(EmbeddedConfig.TENANT, "acme"))).tenant()).isEqualTo("acme");
        assertThatThrownBy(() -> EmbeddedConfig.from(ConfigSource.from(Map.of(EmbeddedConfig.TENANT, "acme/sales"))))
                .hasMessageContaining("CTISTREAM_TENANT").hasMessageContaining("[acme/sales]");
    }
}
