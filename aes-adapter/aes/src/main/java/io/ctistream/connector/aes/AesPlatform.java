package io.ctistream.connector.aes;

import io.ctistream.connector.aes.dmcc.DmccOptions;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.core.runtime.ConnectorPlatform;
import io.ctistream.events.Platform;
import io.ctistream.settings.ConfigSource;
import io.ctistream.settings.SecretsFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Avaya AES as the launcher finds it ({@code ctistream connector aes}): its settings
 * ({@code CTISTREAM_AES_*}, docs/config/connector-aes.md) and its adapter.
 */
public final class AesPlatform implements ConnectorPlatform {
    public static final String ADDRESSES = "CTISTREAM_AES_ADDRESSES";
    public static final String TLS = "CTISTREAM_AES_TLS";
    public static final String TLS_TRUSTSTORE = "CTISTREAM_AES_TLS_TRUSTSTORE";
    public static final String TLS_TRUSTSTORE_PASSWORD = "CTISTREAM_AES_TLS_TRUSTSTORE_PASSWORD";
    public static final String TLS_VERIFY_HOSTNAME = "CTISTREAM_AES_TLS_VERIFY_HOSTNAME";
    public static final String CTI_USER = "CTISTREAM_AES_CTI_USER";
    public static final String CTI_PASSWORD = "CTISTREAM_AES_CTI_PASSWORD";
    public static final String APPLICATION_ID = "CTISTREAM_AES_APPLICATION_ID";
    public static final String SWITCH_NAME = "CTISTREAM_AES_SWITCH_NAME";
    public static final String SESSION_DURATION = "CTISTREAM_AES_SESSION_DURATION";
    public static final String SESSION_CLEANUP_DELAY = "CTISTREAM_AES_SESSION_CLEANUP_DELAY";
    public static final String MONITOR_RATE = "CTISTREAM_AES_MONITOR_RATE";
    public static final String AGENT_EVENTS = "CTISTREAM_AES_AGENT_EVENTS";
    public static final String POLL_INTERVAL = "CTISTREAM_AES_POLL_INTERVAL";
    public static final String COMMAND_TIMEOUT = "CTISTREAM_AES_COMMAND_TIMEOUT";
    public static final String READY_MODE = "CTISTREAM_AES_READY_MODE";
    public static final String QUEUES = "CTISTREAM_AES_QUEUES";
    public static final String REASON_LABELS = "CTISTREAM_AES_REASON_LABELS";
    public static final String CREDENTIALS_FILE = "CTISTREAM_AES_CREDENTIALS_FILE";

    @Override
    public String name() {
        return "aes";
    }

    @Override
    public Platform platform() {
        return Platform.AES;
    }

    @Override
    public PlatformAdapter adapter(ConfigSource config) {
        return new AesAdapter(config(config), options(config), credentials(config.string(CREDENTIALS_FILE, null)));
    }

    /** The adapter's side of the settings. */
    public static AesConfig config(ConfigSource config) {
        try {
            AesConfig base = AesConfig.defaults(config.required(SWITCH_NAME, "the AES switch-connection name of Communication Manager, e.g. CM1"));
            boolean events = !"false".equalsIgnoreCase(config.string(AGENT_EVENTS, "true"));
            // without agent events (AES 6.2) polling is the only way to see a change made at the phone: 5 s unless told
            var poll = config.duration(POLL_INTERVAL, events ? base.pollInterval() : java.time.Duration.ofSeconds(5));
            return new AesConfig(base.switchName(), config.positiveInt(MONITOR_RATE, base.monitorRate()), events, poll,
                    config.duration(COMMAND_TIMEOUT, base.commandTimeout()), config.string(READY_MODE, base.readyMode()),
                    pairs(config, QUEUES), pairs(config, REASON_LABELS));
        } catch (IllegalArgumentException e) {
            throw new ConfigSource.ConfigException("aes settings: " + e.getMessage());
        }
    }

    /** The DMCC session's side: where AES is, TLS, the CTI user. */
    public static DmccOptions options(ConfigSource config) {
        boolean tls = !"false".equalsIgnoreCase(config.string(TLS, "true"));
        List<DmccOptions.Address> addresses = new ArrayList<>();
        for (String a : config.required(ADDRESSES, "AES, host:port (4722 TLS), a second one after a comma where there is no virtual IP").split(",")) {
            if (a.isBlank()) {
                continue;
            }
            String s = a.strip();
            int colon = s.lastIndexOf(':');
            try {
                addresses.add(colon < 0 ? new DmccOptions.Address(s, tls ? 4722 : 4721)
                        : new DmccOptions.Address(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new ConfigSource.ConfigException(ADDRESSES + ": [" + s + "] is not host:port");
            }
        }
        String user = config.required(CTI_USER, "the AES CTI user (User Management, CT User)");
        String password = config.required(CTI_PASSWORD, "the AES CTI user's password");
        DmccOptions d = DmccOptions.defaults(addresses, user, password);
        try {
            return new DmccOptions(d.addresses(), tls, config.string(TLS_TRUSTSTORE, null), config.string(TLS_TRUSTSTORE_PASSWORD, null),
                    !"false".equalsIgnoreCase(config.string(TLS_VERIFY_HOSTNAME, "true")), config.string(APPLICATION_ID, d.applicationId()),
                    d.user(), d.password(), config.positiveInt(SESSION_CLEANUP_DELAY, d.cleanupDelaySeconds()),
                    config.positiveInt(SESSION_DURATION, d.sessionDurationSeconds()), d.protocolVersions(), d.requestTimeout(), d.connectTimeout(),
                    d.reconnectMin(), d.reconnectMax(), d.maxFrame());
        } catch (IllegalArgumentException e) {
            throw new ConfigSource.ConfigException("aes settings: " + e.getMessage());
        }
    }

    /** {@code 4001=support,4002=sales}: extension to name. */
    private static Map<String, String> pairs(ConfigSource config, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = config.string(key, "");
        for (String pair : raw.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new ConfigSource.ConfigException(key + ": [" + pair.strip() + "] is not number=name");
            }
            out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return out;
    }

    /**
     * Each credential reference's ACD login, from a properties file ({@code <ref>.agentId},
     * {@code <ref>.password}): mounted from a secret store, never on Kafka.
     */
    public static AesCredentials credentials(String file) {
        Map<String, AesCredentials.Secret> secrets = new HashMap<>();
        SecretsFile.read(CREDENTIALS_FILE, file, List.of("agentId", "password")).forEach((ref, f) ->
                secrets.put(ref, new AesCredentials.Secret(f.get("agentId"), f.get("password"))));
        return AesCredentials.of(secrets);
    }
}
