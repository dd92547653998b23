package io.ctistream.launcher;

import io.ctistream.settings.ConfigSource;
import java.nio.file.Path;

/**
 * Settings of the single-machine default ({@code ctistream all} and {@code ctistream demo}).
 * Documented in docs/config/embedded.md; read once at start.
 *
 * @param dataDir          where the broker keeps topics, offsets and schemas across restarts
 * @param kafkaPort        the broker's client port on 127.0.0.1
 * @param registryPort     the schema registry's HTTP port on 127.0.0.1
 * @param agentPartitions  partitions of the agent-keyed topics (all of them share it)
 * @param demoAgents       agents in the demo roster
 * @param demoTeams        teams in the demo roster
 * @param demoQueues       queues in the demo roster
 * @param demoCallsPerMinute calls arriving at each demo queue per minute (0: no ACD day, the simulator only answers)
 * @param tenant           the tenant of the admin links {@code all} prints (the demo's roster is always tenant {@code demo})
 * @param demoCrmPort      the demo CRM's port on 127.0.0.1 (0: any free one)
 */
public record EmbeddedConfig(Path dataDir, int kafkaPort, int registryPort, int agentPartitions,
                             int demoAgents, int demoTeams, int demoQueues, int demoCallsPerMinute, String tenant, int demoCrmPort) {
    public static final String DATA_DIR = "CTISTREAM_DATA_DIR";
    public static final String KAFKA_PORT = "CTISTREAM_KAFKA_PORT";
    public static final String REGISTRY_PORT = "CTISTREAM_REGISTRY_PORT";
    public static final String AGENT_PARTITIONS = "CTISTREAM_AGENT_PARTITIONS";
    public static final String DEMO_AGENTS = "CTISTREAM_DEMO_AGENTS";
    public static final String DEMO_TEAMS = "CTISTREAM_DEMO_TEAMS";
    public static final String DEMO_QUEUES = "CTISTREAM_DEMO_QUEUES";
    public static final String DEMO_CALLS_PER_MINUTE = "CTISTREAM_DEMO_CALLS_PER_MINUTE";
    public static final String TENANT = "CTISTREAM_TENANT";
    public static final String DEMO_CRM_PORT = "CTISTREAM_DEMO_CRM_PORT";
    /** Seed of the demo's ACD day (read by {@link AllInOne}). */
    public static final String DEMO_SEED = "CTISTREAM_DEMO_SEED";
    /** How many times faster than real time the demo's BroadWorks day runs (tests; read by {@link AllInOne}). */
    public static final String DEMO_PACE = "CTISTREAM_DEMO_PACE";

    public static EmbeddedConfig from(ConfigSource config) {
        return new EmbeddedConfig(
                config.path(DATA_DIR, Path.of(".ctistream", "data")),
                config.port(KAFKA_PORT, 9092),
                config.port(REGISTRY_PORT, 8081),
                config.positiveInt(AGENT_PARTITIONS, 12),
                config.positiveInt(DEMO_AGENTS, 50),
                config.positiveInt(DEMO_TEAMS, 5),
                config.positiveInt(DEMO_QUEUES, 3),
                config.nonNegativeInt(DEMO_CALLS_PER_MINUTE, 4),
                tenant(config),
                config.port(DEMO_CRM_PORT, 8088));
    }

    /** A tenant as ids and tokens carry it: no '/', no spaces (as the admin API's document says). */
    private static String tenant(ConfigSource config) {
        String tenant = config.string(TENANT, DemoRoster.TENANT);
        if (tenant.length() > 64 || !tenant.matches("[^/\\s]+")) {
            throw new ConfigSource.ConfigException(TENANT + " must be a tenant name of 1 to 64 characters without '/' or spaces, was [" + tenant + "]");
        }
        return tenant;
    }
}
