package io.ctistream.engine;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the engine's topology and runtime need, typed and validated once.
 *
 * @param applicationId          Kafka Streams application id (consumer group, internal topic prefix)
 * @param bootstrapServers       Kafka bootstrap servers
 * @param registryUrl            Apicurio Registry v3 API base
 * @param stateDir               where local state stores live
 * @param standbyReplicas        warm copies of each store on other instances
 * @param commitInterval         how often input offsets are committed (and, under exactly-once, transactions): under at-least-once it
 *                               bounds what a crash makes the engine read again, not the latency; under exactly-once it is the
 *                               floor of input→output latency
 * @param dedupeIds              how many of each agent's latest event ids its projection remembers to drop a duplicate sent upstream
 *                               (ADR 034)
 * @param defaultZone            the zone "today" is counted in for tenants without their own
 * @param tenantZones            per-tenant zones
 * @param serviceLevelThreshold  a queue call answered within this counts toward the service level
 * @param queueCallRetention     how long a finished queue call is remembered (late signals for it stay idempotent)
 * @param housekeepingInterval   how often (wall clock) days roll over and old entries are purged
 * @param stores                 RocksDB (persistent, the default) or in-memory stores; both are backed by changelog topics
 * @param connectorLiveness      a connector whose status has not been refreshed for this long (it publishes every 5 s) is taken
 *                               for dead: its agents turn UNKNOWN until a connector speaks for them again
 * @param guarantee              at-least-once (the default: output as soon as it is made, exact by idempotence, ADR 017) or
 *                               exactly-once (output visible at each transaction commit)
 * @param teamPublishInterval    a team is published at once when it changes, then at most once per this interval while it keeps
 *                               changing (its last change always goes out); zero publishes every change (ADR 017)
 * @param cacheBytes             the Kafka Streams record cache in front of the agent projection store (all stream threads together):
 *                               writes to it reach RocksDB and the changelog once per agent per commit instead of once per event; it
 *                               never holds an output back; zero turns it off (ADR 027)
 * @param streamThreads          Kafka Streams threads of this instance (tasks are shared out among them)
 */
public record EngineConfig(String applicationId, String bootstrapServers, String registryUrl, String stateDir,
                           int standbyReplicas, Duration commitInterval, int dedupeIds, ZoneId defaultZone,
                           Map<String, ZoneId> tenantZones, Duration serviceLevelThreshold, Duration queueCallRetention,
                           Duration housekeepingInterval, StoreKind stores, Duration connectorLiveness, Guarantee guarantee,
                           Duration teamPublishInterval, long cacheBytes, int streamThreads) {

    /** Where the engine keeps its state between changelog restores. */
    public enum StoreKind { PERSISTENT, IN_MEMORY }

    /** Kafka Streams' processing guarantee, by its configuration value. */
    public enum Guarantee {
        AT_LEAST_ONCE("at_least_once"), EXACTLY_ONCE_V2("exactly_once_v2");

        private final String streamsValue;

        Guarantee(String streamsValue) {
            this.streamsValue = streamsValue;
        }

        public String streamsValue() {
            return streamsValue;
        }

        /** By its Streams name ({@code at_least_once}, {@code exactly_once_v2}), case-insensitive. */
        public static Guarantee of(String value) {
            for (Guarantee g : values()) {
                if (g.streamsValue.equalsIgnoreCase(value.trim())) {
                    return g;
                }
            }
            throw new IllegalArgumentException("processing guarantee must be at_least_once or exactly_once_v2, was [" + value + "]");
        }
    }

    /**
     * Under at-least-once the commit interval no longer holds output back; it bounds what is read
     * again after a crash and how long the agent projection keeps outputs it may have to re-send.
     */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);

    /**
     * Event ids each agent's projection remembers (16 bytes each): a connector re-sends what it is
     * unsure landed in the order it was sent, so a duplicate follows its original within the few
     * events that were in flight (ADR 034).
     */
    public static final int DEFAULT_DEDUPE_IDS = 32;
    /** At most this many: 16 KiB of ids in every write of an agent's projection. */
    public static final int MAX_DEDUPE_IDS = 1024;

    public EngineConfig {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(defaultZone, "defaultZone");
        tenantZones = Map.copyOf(tenantZones);
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("standby replicas must be 0 or more, was [" + standbyReplicas + "]");
        }
        requirePositive("commit interval", commitInterval);
        if (dedupeIds < 1 || dedupeIds > MAX_DEDUPE_IDS) {
            throw new IllegalArgumentException("event ids remembered per agent must be 1 to " + MAX_DEDUPE_IDS + ", was [" + dedupeIds + "]");
        }
        requirePositive("service level threshold", serviceLevelThreshold);
        requirePositive("queue call retention", queueCallRetention);
        requirePositive("housekeeping interval", housekeepingInterval);
        Objects.requireNonNull(stores, "stores");
        requirePositive("connector liveness", connectorLiveness);
        Objects.requireNonNull(guarantee, "guarantee");
        if (teamPublishInterval == null || teamPublishInterval.isNegative()) {
            throw new IllegalArgumentException("team publish interval must be zero or more, was [" + teamPublishInterval + "]");
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("record cache must be zero bytes or more, was [" + cacheBytes + "]");
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("stream threads must be 1 or more, was [" + streamThreads + "]");
        }
    }

    /**
     * No record cache in front of the agent projections by default: measured neutral on the
     * benchmark box, and without it a crash leaves the projections ahead of the committed offsets,
     * the case ADR 017's positions handle and the kill test proves (ADR 027).
     */
    public static final long DEFAULT_CACHE_BYTES = 0;

    public EngineConfig(String applicationId, String bootstrapServers, String registryUrl, String stateDir,
                        int standbyReplicas, Duration commitInterval, int dedupeIds, ZoneId defaultZone,
                        Map<String, ZoneId> tenantZones, Duration serviceLevelThreshold, Duration queueCallRetention,
                        Duration housekeepingInterval, StoreKind stores, Duration connectorLiveness, Guarantee guarantee,
                        Duration teamPublishInterval) {
        this(applicationId, bootstrapServers, registryUrl, stateDir, standbyReplicas, commitInterval, dedupeIds, defaultZone, tenantZones,
                serviceLevelThreshold, queueCallRetention, housekeepingInterval, stores, connectorLiveness, guarantee, teamPublishInterval,
                DEFAULT_CACHE_BYTES, 1);
    }

    /**
     * A busy team (hundreds of agent changes a second) is published at most this often: each
     * publication is a whole team of up to hundreds of members that every pusher decodes (issue #20).
     */
    public static final Duration DEFAULT_TEAM_PUBLISH_INTERVAL = Duration.ofMillis(50);

    public EngineConfig(String applicationId, String bootstrapServers, String registryUrl, String stateDir,
                        int standbyReplicas, Duration commitInterval, int dedupeIds, ZoneId defaultZone,
                        Map<String, ZoneId> tenantZones, Duration serviceLevelThreshold, Duration queueCallRetention,
                        Duration housekeepingInterval, StoreKind stores, Duration connectorLiveness, Guarantee guarantee) {
        this(applicationId, bootstrapServers, registryUrl, stateDir, standbyReplicas, commitInterval, dedupeIds, defaultZone, tenantZones,
                serviceLevelThreshold, queueCallRetention, housekeepingInterval, stores, connectorLiveness, guarantee, DEFAULT_TEAM_PUBLISH_INTERVAL);
    }

    public EngineConfig(String applicationId, String bootstrapServers, String registryUrl, String stateDir,
                        int standbyReplicas, Duration commitInterval, int dedupeIds, ZoneId defaultZone,
                        Map<String, ZoneId> tenantZones, Duration serviceLevelThreshold, Duration queueCallRetention,
                        Duration housekeepingInterval, StoreKind stores, Duration connectorLiveness) {
        this(applicationId, bootstrapServers, registryUrl, stateDir, standbyReplicas, commitInterval, dedupeIds, defaultZone, tenantZones,
                serviceLevelThreshold, queueCallRetention, housekeepingInterval, stores, connectorLiveness, Guarantee.AT_LEAST_ONCE);
    }

    /** True when outputs and state changes are not one transaction, so idempotence has to make them exact (ADR 017). */
    public boolean atLeastOnce() {
        return guarantee == Guarantee.AT_LEAST_ONCE;
    }

    public static final Duration DEFAULT_CONNECTOR_LIVENESS = Duration.ofSeconds(15);

    public EngineConfig(String applicationId, String bootstrapServers, String registryUrl, String stateDir,
                        int standbyReplicas, Duration commitInterval, int dedupeIds, ZoneId defaultZone,
                        Map<String, ZoneId> tenantZones, Duration serviceLevelThreshold, Duration queueCallRetention,
                        Duration housekeepingInterval, StoreKind stores) {
        this(applicationId, bootstrapServers, registryUrl, stateDir, standbyReplicas, commitInterval, dedupeIds, defaultZone, tenantZones,
                serviceLevelThreshold, queueCallRetention, housekeepingInterval, stores, DEFAULT_CONNECTOR_LIVENESS);
    }

    public EngineConfig withConnectorLiveness(Duration liveness) {
        return with(c -> c.connectorLiveness = liveness);
    }

    /** Defaults for everything but where Kafka and the registry are. */
    public static EngineConfig defaults(String bootstrapServers, String registryUrl) {
        return new EngineConfig("ctistream-engine", bootstrapServers, registryUrl,
                System.getProperty("java.io.tmpdir") + "/ctistream-engine", 0, DEFAULT_COMMIT_INTERVAL, DEFAULT_DEDUPE_IDS,
                ZoneId.of("UTC"), Map.of(), Duration.ofSeconds(20), Duration.ofHours(4), Duration.ofSeconds(30), StoreKind.PERSISTENT);
    }

    public ZoneId zoneOf(String tenant) {
        return tenantZones.getOrDefault(tenant, defaultZone);
    }

    public EngineConfig withDedupeIds(int ids) {
        return with(c -> c.dedupeIds = ids);
    }

    public EngineConfig withApplicationId(String id) {
        return with(c -> c.applicationId = id);
    }

    public EngineConfig withStateDir(String dir) {
        return with(c -> c.stateDir = dir);
    }

    public EngineConfig withZones(ZoneId defaultZone, Map<String, ZoneId> tenantZones) {
        return with(c -> {
            c.defaultZone = defaultZone;
            c.tenantZones = tenantZones;
        });
    }

    public EngineConfig withHousekeepingInterval(Duration interval) {
        return with(c -> c.housekeepingInterval = interval);
    }

    public EngineConfig withStandbyReplicas(int replicas) {
        return with(c -> c.standbyReplicas = replicas);
    }

    public EngineConfig withStores(StoreKind kind) {
        return with(c -> c.stores = kind);
    }

    public EngineConfig withGuarantee(Guarantee g) {
        return with(c -> c.guarantee = g);
    }

    public EngineConfig withTeamPublishInterval(Duration interval) {
        return with(c -> c.teamPublishInterval = interval);
    }

    public EngineConfig withCommitInterval(Duration interval) {
        return with(c -> c.commitInterval = interval);
    }

    public EngineConfig withCacheBytes(long bytes) {
        return with(c -> c.cacheBytes = bytes);
    }

    public EngineConfig withStreamThreads(int threads) {
        return with(c -> c.streamThreads = threads);
    }

    /** This config with {@code change} made to a mutable copy of its fields: one place lists them, not every {@code with…}. */
    private EngineConfig with(java.util.function.Consumer<Fields> change) {
        Fields c = new Fields(this);
        change.accept(c);
        return c.build();
    }

    /** The fields of an {@link EngineConfig}, mutable, for {@link #with}. */
    private static final class Fields {
        private String applicationId;
        private String bootstrapServers;
        private String registryUrl;
        private String stateDir;
        private int standbyReplicas;
        private Duration commitInterval;
        private int dedupeIds;
        private ZoneId defaultZone;
        private Map<String, ZoneId> tenantZones;
        private Duration serviceLevelThreshold;
        private Duration queueCallRetention;
        private Duration housekeepingInterval;
        private StoreKind stores;
        private Duration connectorLiveness;
        private Guarantee guarantee;
        private Duration teamPublishInterval;
        private long cacheBytes;
        private int streamThreads;

        private Fields(EngineConfig c) {
            applicationId = c.applicationId;
            bootstrapServers = c.bootstrapServers;
            registryUrl = c.registryUrl;
            stateDir = c.stateDir;
            standbyReplicas = c.standbyReplicas;
            commitInterval = c.commitInterval;
            dedupeIds = c.dedupeIds;
            defaultZone = c.defaultZone;
            tenantZones = c.tenantZones;
            serviceLevelThreshold = c.serviceLevelThreshold;
            queueCallRetention = c.queueCallRetention;
            housekeepingInterval = c.housekeepingInterval;
            stores = c.stores;
            connectorLiveness = c.connectorLiveness;
            guarantee = c.guarantee;
            teamPublishInterval = c.teamPublishInterval;
            cacheBytes = c.cacheBytes;
            streamThreads = c.streamThreads;
        }

        private EngineConfig build() {
            return new EngineConfig(applicationId, bootstrapServers, registryUrl, stateDir, standbyReplicas, commitInterval, dedupeIds, defaultZone, tenantZones,
                    serviceLevelThreshold, queueCallRetention, housekeepingInterval, stores, connectorLiveness, guarantee, teamPublishInterval, cacheBytes, streamThreads);
        }
    }

    private static void requirePositive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was [" + d + "]");
        }
    }
}
