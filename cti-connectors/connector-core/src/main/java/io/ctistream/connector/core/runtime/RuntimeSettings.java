package io.ctistream.connector.core.runtime;

import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.settings.ConfigSource;
import io.ctistream.settings.KafkaEndpoints;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every connector process reads, whatever its platform (the CTISTREAM_CONNECTOR_* rows of each docs/config/connector-<platform>.md):
 * its instance, Kafka and the registry, the tenants it serves, the roster group and where health
 * and metrics are served.
 *
 * <p>The consumer group over the roster is derived from the platform: {@code ctistream-connector-<platform>}
 * by default, and {@code CTISTREAM_CONNECTOR_GROUP_ID} gets {@code -<platform>} appended unless it
 * already ends with it — two platforms never share a group by a copied setting.
 */
public record RuntimeSettings(ConnectorSettings connector, KafkaSettings kafka, Set<String> tenants, String httpHost, int httpPort) {
    public static final String INSTANCE_ID = "CTISTREAM_CONNECTOR_INSTANCE_ID";
    public static final String GROUP_ID = "CTISTREAM_CONNECTOR_GROUP_ID";
    public static final String TENANTS = "CTISTREAM_CONNECTOR_TENANTS";
    public static final String SESSION_TIMEOUT = "CTISTREAM_CONNECTOR_SESSION_TIMEOUT";
    public static final String HTTP_HOST = "CTISTREAM_CONNECTOR_HTTP_HOST";
    public static final String HTTP_PORT = "CTISTREAM_CONNECTOR_HTTP_PORT";

    public RuntimeSettings {
        tenants = Set.copyOf(tenants);
    }

    public static RuntimeSettings from(ConfigSource config, String platform) {
        Set<String> tenants = new TreeSet<>();
        String t = config.string(TENANTS, null);
        if (t != null) {
            for (String s : t.split(",")) {
                if (!s.isBlank()) {
                    tenants.add(s.trim());
                }
            }
        }
        return new RuntimeSettings(ConnectorSettings.of(config.string(INSTANCE_ID, hostName(platform))),
                new KafkaSettings(KafkaEndpoints.bootstrap(config), KafkaEndpoints.registry(config), group(config.string(GROUP_ID, null), platform),
                        config.duration(SESSION_TIMEOUT, Duration.ofSeconds(10)), Map.of()),
                tenants, config.string(HTTP_HOST, "0.0.0.0"), config.port(HTTP_PORT, 8083));
    }

    /** The roster group of a platform's connectors: never shared with another platform's. */
    static String group(String configured, String platform) {
        String base = configured == null ? "ctistream-connector" : configured;
        return base.endsWith("-" + platform) ? base : base + "-" + platform;
    }

    private static String hostName(String platform) {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "connector-" + platform;
        }
    }
}
