package io.ctistream.connector.finesse;

import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.core.runtime.AgentDiscovery;
import io.ctistream.connector.core.runtime.ConnectorPlatform;
import io.ctistream.events.Platform;
import io.ctistream.settings.ConfigSource;
import io.ctistream.settings.SecretsFile;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cisco Finesse as the launcher finds it ({@code ctistream connector finesse}): its settings
 * ({@code CTISTREAM_FINESSE_*}, docs/config/connector-finesse.md) and its adapter.
 */
public final class FinessePlatform implements ConnectorPlatform {
    public static final String NODES = "CTISTREAM_FINESSE_NODES";
    public static final String NOTIFICATION_PATH = "CTISTREAM_FINESSE_NOTIFICATION_PATH";
    public static final String NOTIFICATION_URLS = "CTISTREAM_FINESSE_NOTIFICATION_URLS";
    public static final String COMMAND_TIMEOUT = "CTISTREAM_FINESSE_COMMAND_TIMEOUT";
    public static final String PING_INTERVAL = "CTISTREAM_FINESSE_PING_INTERVAL";
    public static final String SIGN_IN_RATE = "CTISTREAM_FINESSE_SIGN_IN_RATE";
    public static final String MAX_SESSIONS = "CTISTREAM_FINESSE_MAX_SESSIONS";
    public static final String CREDENTIALS_FILE = "CTISTREAM_FINESSE_CREDENTIALS_FILE";
    public static final String TLS_TRUSTSTORE = "CTISTREAM_FINESSE_TLS_TRUSTSTORE";
    public static final String TLS_TRUSTSTORE_PASSWORD = "CTISTREAM_FINESSE_TLS_TRUSTSTORE_PASSWORD";
    public static final String TLS_VERIFY_HOSTNAME = "CTISTREAM_FINESSE_TLS_VERIFY_HOSTNAME";
    public static final String DISCOVERY_TEAMS = "CTISTREAM_FINESSE_DISCOVERY_TEAMS";
    public static final String DISCOVERY_CREDENTIAL = "CTISTREAM_FINESSE_DISCOVERY_CREDENTIAL";
    public static final String QUEUES = "CTISTREAM_FINESSE_QUEUES";
    public static final String SUPERVISOR_CREDENTIAL = "CTISTREAM_FINESSE_SUPERVISOR_CREDENTIAL";

    @Override
    public String name() {
        return "finesse";
    }

    @Override
    public Platform platform() {
        return Platform.FINESSE;
    }

    @Override
    public PlatformAdapter adapter(ConfigSource config) {
        FinesseConfig fc = config(config);
        int maxSessions = config.positiveInt(MAX_SESSIONS, 5000);
        FinesseCredentials credentials = credentials(config.string(CREDENTIALS_FILE, null));
        String supervisor = config.string(SUPERVISOR_CREDENTIAL, null);
        Map<String, String> queues = queues(config.string(QUEUES, ""));
        if (supervisor == null || supervisor.isBlank()) {
            if (!queues.isEmpty()) {
                throw new ConfigSource.ConfigException(QUEUES + " needs " + SUPERVISOR_CREDENTIAL
                        + ": the Queue nodes are followed by a supervisor's session (a user who sees those queues)");
            }
            return FinesseAdapter.overXmpp(fc, credentials, maxSessions);
        }
        if (credentials.resolve(supervisor.strip()).filter(s -> s.loginId() != null && s.password() != null).isEmpty()) {
            throw new ConfigSource.ConfigException(SUPERVISOR_CREDENTIAL + ": no loginId and password for [" + supervisor.strip() + "] in "
                    + CREDENTIALS_FILE);
        }
        return FinesseAdapter.overXmpp(fc, credentials, maxSessions, supervisor.strip(), queues);
    }

    /** {@value #QUEUES}: Finesse queue ids to the tenant's queue ids, {@code 10=acme/sales,11=acme/support}. */
    static Map<String, String> queues(String value) {
        Map<String, String> queues = new java.util.LinkedHashMap<>();
        for (String pair : value.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String id = eq < 0 ? "" : pair.substring(0, eq).strip();
            String queueId = eq < 0 ? "" : pair.substring(eq + 1).strip();
            if (id.isEmpty() || queueId.indexOf('/') <= 0 || queueId.endsWith("/")) {
                throw new ConfigSource.ConfigException(QUEUES + ": [" + pair.strip() + "] is not <finesse queue id>=<tenant>/<queue>");
            }
            if (queues.put(id, queueId) != null) {
                throw new ConfigSource.ConfigException(QUEUES + ": Finesse queue [" + id + "] named twice");
            }
        }
        return queues;
    }

    /**
     * {@code ctistream roster discover finesse}: the teams named by {@value #DISCOVERY_TEAMS}, read
     * with the sign-in that {@value #DISCOVERY_CREDENTIAL} names in the credentials file.
     */
    @Override
    public Optional<AgentDiscovery> discovery(ConfigSource config) {
        FinesseConfig fc = config(config);
        List<String> teams = new ArrayList<>();
        for (String t : config.required(DISCOVERY_TEAMS, "the Finesse team ids to list, comma-separated: 5005,5006").split(",")) {
            if (!t.isBlank()) {
                teams.add(t.strip());
            }
        }
        if (teams.isEmpty()) {
            throw new ConfigSource.ConfigException(DISCOVERY_TEAMS + " names no team");
        }
        String ref = config.required(DISCOVERY_CREDENTIAL, "the credential reference (in " + CREDENTIALS_FILE
                + ") of a supervisor of those teams or an administrator");
        FinesseCredentials.Secret secret = credentials(config.string(CREDENTIALS_FILE, null)).resolve(ref)
                .filter(s -> s.password() != null && s.loginId() != null)
                .orElseThrow(() -> new ConfigSource.ConfigException(DISCOVERY_CREDENTIAL + ": no loginId and password for [" + ref + "] in "
                        + CREDENTIALS_FILE));
        return Optional.of(new FinesseDiscovery(fc, teams, ref, secret));
    }

    /** The Finesse side from the settings. */
    public static FinesseConfig config(ConfigSource config) {
        String nodes = config.required(NODES, "the Finesse nodes, side A first: https://fin-a.example.com:8445,https://fin-b.example.com:8445");
        List<URI> uris = urls(NODES, nodes);
        List<URI> notificationUrls = urls(NOTIFICATION_URLS, config.string(NOTIFICATION_URLS, ""));
        try {
            FinesseConfig base = FinesseConfig.defaults(uris);
            return new FinesseConfig(uris, config.string(NOTIFICATION_PATH, base.notificationPath()),
                    new FinesseConfig.Tls(config.string(TLS_TRUSTSTORE, null), config.string(TLS_TRUSTSTORE_PASSWORD, null),
                            !"false".equalsIgnoreCase(config.string(TLS_VERIFY_HOSTNAME, "true"))),
                    config.duration(COMMAND_TIMEOUT, base.commandTimeout()), config.duration(PING_INTERVAL, base.pingInterval()),
                    config.positiveInt(SIGN_IN_RATE, base.signInRate()), base.retryMin(), base.retryMax(), notificationUrls);
        } catch (IllegalArgumentException e) {
            throw new ConfigSource.ConfigException("finesse settings: " + e.getMessage());
        }
    }

    private static List<URI> urls(String key, String value) {
        List<URI> uris = new ArrayList<>();
        for (String n : value.split(",")) {
            if (!n.isBlank()) {
                try {
                    uris.add(URI.create(n.strip()));
                } catch (IllegalArgumentException e) {
                    throw new ConfigSource.ConfigException(key + ": [" + n.strip() + "] is not a URL");
                }
            }
        }
        return uris;
    }

    /**
     * Each credential reference's sign-in, from a properties file ({@code <ref>.loginId},
     * {@code <ref>.password}): mounted from a secret store, never on Kafka.
     */
    public static FinesseCredentials credentials(String file) {
        Map<String, FinesseCredentials.Secret> secrets = new HashMap<>();
        SecretsFile.read(CREDENTIALS_FILE, file, List.of("loginId", "password")).forEach((ref, f) ->
                secrets.put(ref, new FinesseCredentials.Secret(f.get("loginId"), f.get("password"))));
        return FinesseCredentials.of(secrets);
    }
}
