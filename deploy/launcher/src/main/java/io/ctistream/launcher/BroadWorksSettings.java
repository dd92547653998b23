package io.ctistream.launcher;

import io.ctistream.connector.broadworks.BroadWorksConfig;
import io.ctistream.connector.broadworks.Credentials;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The BroadWorks connector's settings, read from the environment (documented in
 * docs/config/connector-broadworks.md): the connector-core settings, Kafka, the SIP side
 * ({@link BroadWorksConfig}), the credentials file and where health and metrics are served.
 */
record BroadWorksSettings(ConnectorSettings connector, KafkaSettings kafka, Set<String> tenants, BroadWorksConfig sip, Credentials credentials,
                          String httpHost, int httpPort) {
    static final String INSTANCE_ID = "CTISTREAM_CONNECTOR_INSTANCE_ID";
    static final String GROUP_ID = "CTISTREAM_CONNECTOR_GROUP_ID";
    static final String TENANTS = "CTISTREAM_CONNECTOR_TENANTS";
    static final String SESSION_TIMEOUT = "CTISTREAM_CONNECTOR_SESSION_TIMEOUT";
    static final String HTTP_HOST = "CTISTREAM_CONNECTOR_HTTP_HOST";
    static final String HTTP_PORT = "CTISTREAM_CONNECTOR_HTTP_PORT";
    static final String TRANSPORT = "CTISTREAM_BW_TRANSPORT";
    static final String BIND_HOST = "CTISTREAM_BW_BIND_HOST";
    static final String BIND_PORT = "CTISTREAM_BW_BIND_PORT";
    static final String CONTACT_HOST = "CTISTREAM_BW_CONTACT_HOST";
    static final String OUTBOUND_PROXY = "CTISTREAM_BW_OUTBOUND_PROXY";
    static final String EXPIRES = "CTISTREAM_BW_EXPIRES";
    static final String SUBSCRIBE_RATE = "CTISTREAM_BW_SUBSCRIBE_RATE";
    static final String COMMAND_TIMEOUT = "CTISTREAM_BW_COMMAND_TIMEOUT";
    static final String PROBE_INTERVAL = "CTISTREAM_BW_PROBE_INTERVAL";
    static final String FEATURE_PACKAGE = "CTISTREAM_BW_FEATURE_PACKAGE";
    static final String DIALOG = "CTISTREAM_BW_SUBSCRIBE_DIALOG";
    static final String QUEUES = "CTISTREAM_BW_QUEUES";
    static final String DEFAULT_NOT_READY_REASON = "CTISTREAM_BW_DEFAULT_NOT_READY_REASON";
    static final String CREDENTIALS_FILE = "CTISTREAM_BW_CREDENTIALS_FILE";
    static final String TLS_KEYSTORE = "CTISTREAM_BW_TLS_KEYSTORE";
    static final String TLS_KEYSTORE_PASSWORD = "CTISTREAM_BW_TLS_KEYSTORE_PASSWORD";
    static final String TLS_TRUSTSTORE = "CTISTREAM_BW_TLS_TRUSTSTORE";
    static final String TLS_TRUSTSTORE_PASSWORD = "CTISTREAM_BW_TLS_TRUSTSTORE_PASSWORD";
    static final String TLS_VERIFY_HOSTNAME = "CTISTREAM_BW_TLS_VERIFY_HOSTNAME";

    static BroadWorksSettings from(ConfigSource config) {
        String bootstrap = EngineSettings.bootstrap(config);
        String registry = EngineSettings.registry(config);
        String proxy = config.required(OUTBOUND_PROXY, "where SUBSCRIBEs go: the BroadWorks AS (or its SBC), host:port");
        String instance = config.string(INSTANCE_ID, hostName());
        BroadWorksConfig sip;
        try {
            sip = BroadWorksConfig.defaults(config.string(BIND_HOST, "0.0.0.0"), proxy).toBuilder()
                    .transport(config.string(TRANSPORT, "udp"))
                    .bind(config.string(BIND_HOST, "0.0.0.0"), config.nonNegativeInt(BIND_PORT, 5060))
                    .contactHost(config.string(CONTACT_HOST, null))
                    .requestedExpires(config.positiveInt(EXPIRES, 3600))
                    .subscribeRate(config.nonNegativeInt(SUBSCRIBE_RATE, 200))
                    .commandTimeout(config.duration(COMMAND_TIMEOUT, Duration.ofSeconds(5)))
                    .probeInterval(config.duration(PROBE_INTERVAL, Duration.ofSeconds(5)))
                    .featurePackage(config.string(FEATURE_PACKAGE, BroadWorksConfig.FEATURE_PACKAGE))
                    .subscribeDialog(!"false".equalsIgnoreCase(config.string(DIALOG, "true")))
                    .queueAddresses(pairs(QUEUES, config.string(QUEUES, null)))
                    .defaultNotReadyReason(config.string(DEFAULT_NOT_READY_REASON, null))
                    .tls(new BroadWorksConfig.Tls(config.string(TLS_KEYSTORE, null), config.string(TLS_KEYSTORE_PASSWORD, null),
                            config.string(TLS_TRUSTSTORE, null), config.string(TLS_TRUSTSTORE_PASSWORD, null),
                            !"false".equalsIgnoreCase(config.string(TLS_VERIFY_HOSTNAME, "true"))))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ConfigSource.ConfigException("broadworks settings: " + e.getMessage());
        }
        Set<String> tenants = new TreeSet<>();
        String t = config.string(TENANTS, null);
        if (t != null) {
            for (String s : t.split(",")) {
                if (!s.isBlank()) {
                    tenants.add(s.trim());
                }
            }
        }
        return new BroadWorksSettings(ConnectorSettings.of(instance),
                new KafkaSettings(bootstrap, registry, config.string(GROUP_ID, "ctistream-connector-broadworks"),
                        config.duration(SESSION_TIMEOUT, Duration.ofSeconds(10)), Map.of()),
                tenants, sip, credentials(config.string(CREDENTIALS_FILE, null)), config.string(HTTP_HOST, "0.0.0.0"), config.port(HTTP_PORT, 8083));
    }

    /** {@code sip:sales@as.example=acme/sales,...}: call-center addresses to queue ids. */
    static Map<String, String> pairs(String key, String value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        for (String item : value.split(",")) {
            int eq = item.lastIndexOf('=');
            if (eq <= 0 || eq == item.length() - 1) {
                throw new ConfigSource.ConfigException(key + " must look like sip:sales@as.example=acme/sales,...; [" + item.trim() + "] does not");
            }
            out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return out;
    }

    /**
     * The secrets of each credential reference, from a properties file ({@code <ref>.sipUser},
     * {@code <ref>.sipPassword}, {@code <ref>.guestPassword}): mounted from a secret store, never on Kafka.
     */
    static Credentials credentials(String file) {
        if (file == null) {
            return Credentials.none();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(file))) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigSource.ConfigException(CREDENTIALS_FILE + " names [" + file + "], which cannot be read: " + e.getMessage());
        }
        Map<String, String[]> byRef = new HashMap<>();
        for (String name : p.stringPropertyNames()) {
            int dot = name.lastIndexOf('.');
            if (dot <= 0) {
                throw new ConfigSource.ConfigException(CREDENTIALS_FILE + ": keys are <reference>.sipUser, .sipPassword or .guestPassword, not [" + name + "]");
            }
            String[] s = byRef.computeIfAbsent(name.substring(0, dot), k -> new String[3]);
            switch (name.substring(dot + 1)) {
                case "sipUser" -> s[0] = p.getProperty(name);
                case "sipPassword" -> s[1] = p.getProperty(name);
                case "guestPassword" -> s[2] = p.getProperty(name);
                default -> throw new ConfigSource.ConfigException(CREDENTIALS_FILE + ": keys are <reference>.sipUser, .sipPassword or .guestPassword, not ["
                        + name + "]");
            }
        }
        Map<String, Credentials.Secret> secrets = new HashMap<>();
        byRef.forEach((ref, s) -> secrets.put(ref, new Credentials.Secret(s[0], s[1], s[2])));
        return Credentials.of(secrets);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "connector-broadworks";
        }
    }
}
