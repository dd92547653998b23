package io.ctistream.launcher;

import io.ctistream.settings.ConfigSource;
import io.ctistream.settings.KafkaEndpoints;
import io.ctistream.engine.EngineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent-state engine's settings, read from the environment (documented in
 * docs/config/engine.md): the typed {@link EngineConfig} plus where its read API listens.
 */
record EngineSettings(EngineConfig engine, String httpHost, int httpPort, String advertisedHost, String staticMemberId) {
    private static final Logger LOG = LoggerFactory.getLogger(EngineSettings.class);
    static final String BOOTSTRAP = KafkaEndpoints.BOOTSTRAP;
    static final String REGISTRY_URL = KafkaEndpoints.REGISTRY_URL;
    static final String APPLICATION_ID = "CTISTREAM_ENGINE_APPLICATION_ID";
    static final String STATE_DIR = "CTISTREAM_ENGINE_STATE_DIR";
    static final String STANDBY_REPLICAS = "CTISTREAM_ENGINE_STANDBY_REPLICAS";
    static final String COMMIT_INTERVAL = "CTISTREAM_ENGINE_COMMIT_INTERVAL";
    static final String GUARANTEE = "CTISTREAM_ENGINE_GUARANTEE";
    static final String TEAM_PUBLISH_INTERVAL = "CTISTREAM_ENGINE_TEAM_PUBLISH_INTERVAL";
    static final String DEDUPE_IDS = "CTISTREAM_ENGINE_DEDUPE_IDS";
    /** Read until ADR 034, which replaced the time window by each agent's latest ids: named in a warning only. */
    static final String RETIRED_DEDUPE_WINDOW = "CTISTREAM_ENGINE_DEDUPE_WINDOW";
    static final String TIME_ZONE = "CTISTREAM_TIME_ZONE";
    static final String TENANT_TIME_ZONES = "CTISTREAM_TENANT_TIME_ZONES";
    static final String SERVICE_LEVEL_THRESHOLD = "CTISTREAM_SERVICE_LEVEL_THRESHOLD";
    static final String HTTP_HOST = "CTISTREAM_ENGINE_HTTP_HOST";
    static final String HTTP_PORT = "CTISTREAM_ENGINE_HTTP_PORT";
    static final String ADVERTISED_HOST = "CTISTREAM_ENGINE_ADVERTISED_HOST";
    static final String CONNECTOR_LIVENESS = "CTISTREAM_ENGINE_CONNECTOR_LIVENESS";
    static final String CACHE_MIB = "CTISTREAM_ENGINE_CACHE_MIB";
    static final String STREAM_THREADS = "CTISTREAM_ENGINE_STREAM_THREADS";

    /** For {@code ctistream engine}: Kafka and the registry are named by the environment. */
    static EngineSettings standalone(ConfigSource config) {
        return from(config, bootstrap(config), registry(config), Path.of(".ctistream", "engine"), "0.0.0.0", null);
    }

    /** The Kafka bootstrap servers every separate service needs. */
    static String bootstrap(ConfigSource config) {
        return KafkaEndpoints.bootstrap(config);
    }

    /** The Apicurio Registry every separate service needs. */
    static String registry(ConfigSource config) {
        return KafkaEndpoints.registry(config);
    }

    /** For the single-machine run: the embedded broker and registry, state under the data directory, loopback only. */
    static EngineSettings embedded(ConfigSource config, String bootstrap, String registryUrl, Path dataDir) {
        // the only instance of its group: a static member, so a restart takes its partitions back at once
        return from(config, bootstrap, registryUrl, dataDir.resolve("engine"), "127.0.0.1", "all-in-one");
    }

    private static EngineSettings from(ConfigSource config, String bootstrap, String registryUrl, Path defaultStateDir, String defaultHost,
                                       String staticMemberId) {
        EngineConfig defaults = EngineConfig.defaults(bootstrap, registryUrl);
        EngineConfig engine = new EngineConfig(
                config.string(APPLICATION_ID, defaults.applicationId()),
                bootstrap, registryUrl,
                config.path(STATE_DIR, defaultStateDir).toString(),
                config.nonNegativeInt(STANDBY_REPLICAS, defaults.standbyReplicas()),
                positive(config, COMMIT_INTERVAL, defaults.commitInterval()),
                dedupeIds(config),
                config.zone(TIME_ZONE, ZoneId.of("UTC")),
                config.zones(TENANT_TIME_ZONES),
                positive(config, SERVICE_LEVEL_THRESHOLD, defaults.serviceLevelThreshold()),
                defaults.queueCallRetention(), defaults.housekeepingInterval(), EngineConfig.StoreKind.PERSISTENT,
                positive(config, CONNECTOR_LIVENESS, EngineConfig.DEFAULT_CONNECTOR_LIVENESS),
                guarantee(config), teamPublishInterval(config),
                (long) config.nonNegativeInt(CACHE_MIB, (int) (EngineConfig.DEFAULT_CACHE_BYTES >> 20)) << 20,
                config.positiveInt(STREAM_THREADS, 1));
        String host = config.string(HTTP_HOST, defaultHost);
        int port = config.port(HTTP_PORT, 8082);
        String advertised = config.string(ADVERTISED_HOST, "0.0.0.0".equals(host) ? localHostName() : host);
        return new EngineSettings(engine, host, port, advertised, staticMemberId);
    }

    private static int dedupeIds(ConfigSource config) {
        if (config.string(RETIRED_DEDUPE_WINDOW, null) != null) {
            LOG.warn("{} is no longer read: each agent's projection remembers its latest {} event ids instead (ADR 034)",
                    RETIRED_DEDUPE_WINDOW, DEDUPE_IDS);
        }
        int ids = config.positiveInt(DEDUPE_IDS, EngineConfig.DEFAULT_DEDUPE_IDS);
        if (ids > EngineConfig.MAX_DEDUPE_IDS) {
            throw new ConfigSource.ConfigException(DEDUPE_IDS + " must be 1 to " + EngineConfig.MAX_DEDUPE_IDS + ", was [" + ids + "]");
        }
        return ids;
    }

    private static EngineConfig.Guarantee guarantee(ConfigSource config) {
        String value = config.string(GUARANTEE, EngineConfig.Guarantee.AT_LEAST_ONCE.streamsValue());
        try {
            return EngineConfig.Guarantee.of(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigSource.ConfigException(GUARANTEE + " must be at_least_once or exactly_once_v2, was [" + value + "]");
        }
    }

    String applicationServer() {
        return advertisedHost + ":" + httpPort;
    }

    private static Duration teamPublishInterval(ConfigSource config) {
        Duration d = config.duration(TEAM_PUBLISH_INTERVAL, EngineConfig.DEFAULT_TEAM_PUBLISH_INTERVAL);
        if (d.isNegative()) {
            throw new ConfigSource.ConfigException(TEAM_PUBLISH_INTERVAL + " must be zero (every change) or a positive duration, was [" + d + "]");
        }
        return d;
    }

    private static Duration positive(ConfigSource config, String key, Duration defaultValue) {
        Duration d = config.duration(key, defaultValue);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigSource.ConfigException(key + " must be a positive duration, was [" + d + "]");
        }
        return d;
    }

    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}
