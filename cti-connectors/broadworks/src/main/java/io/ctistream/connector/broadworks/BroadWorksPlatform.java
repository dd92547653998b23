package io.ctistream.connector.broadworks;

import io.ctistream.connector.broadworks.discovery.BroadWorksDiscovery;
import io.ctistream.connector.broadworks.xsi.XsiConfig;
import io.ctistream.connector.broadworks.xsi.XsiQueueSource;
import io.ctistream.connector.broadworks.xsi.XsiServer;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.core.TrustStores;
import io.ctistream.connector.core.runtime.AgentDiscovery;
import io.ctistream.connector.core.runtime.ConnectorPlatform;
import io.ctistream.events.Platform;
import io.ctistream.settings.ConfigSource;
import io.ctistream.settings.SecretsFile;
import io.vertx.core.net.TrustOptions;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * BroadWorks as the launcher finds it ({@code ctistream connector broadworks}): its settings
 * ({@code CTISTREAM_BW_*}, docs/config/connector-broadworks.md) and its adapter. Everything else a
 * connector process needs comes from connector-core's runtime.
 */
public final class BroadWorksPlatform implements ConnectorPlatform {
    public static final String TRANSPORT = "CTISTREAM_BW_TRANSPORT";
    public static final String BIND_HOST = "CTISTREAM_BW_BIND_HOST";
    public static final String BIND_PORT = "CTISTREAM_BW_BIND_PORT";
    public static final String CONTACT_HOST = "CTISTREAM_BW_CONTACT_HOST";
    public static final String OUTBOUND_PROXY = "CTISTREAM_BW_OUTBOUND_PROXY";
    public static final String EXPIRES = "CTISTREAM_BW_EXPIRES";
    public static final String SUBSCRIBE_RATE = "CTISTREAM_BW_SUBSCRIBE_RATE";
    public static final String COMMAND_TIMEOUT = "CTISTREAM_BW_COMMAND_TIMEOUT";
    public static final String PROBE_INTERVAL = "CTISTREAM_BW_PROBE_INTERVAL";
    public static final String FEATURE_PACKAGE = "CTISTREAM_BW_FEATURE_PACKAGE";
    public static final String DIALOG = "CTISTREAM_BW_SUBSCRIBE_DIALOG";
    public static final String QUEUES = "CTISTREAM_BW_QUEUES";
    public static final String DEFAULT_NOT_READY_REASON = "CTISTREAM_BW_DEFAULT_NOT_READY_REASON";
    public static final String CREDENTIALS_FILE = "CTISTREAM_BW_CREDENTIALS_FILE";
    public static final String TLS_KEYSTORE = "CTISTREAM_BW_TLS_KEYSTORE";
    public static final String TLS_KEYSTORE_PASSWORD = "CTISTREAM_BW_TLS_KEYSTORE_PASSWORD";
    public static final String TLS_TRUSTSTORE = "CTISTREAM_BW_TLS_TRUSTSTORE";
    public static final String TLS_TRUSTSTORE_PASSWORD = "CTISTREAM_BW_TLS_TRUSTSTORE_PASSWORD";
    public static final String TLS_VERIFY_HOSTNAME = "CTISTREAM_BW_TLS_VERIFY_HOSTNAME";
    public static final String XSI_URL = "CTISTREAM_BW_XSI_URL";
    public static final String XSI_CREDENTIAL = "CTISTREAM_BW_XSI_CREDENTIAL";
    public static final String XSI_TENANT = "CTISTREAM_BW_XSI_TENANT";
    public static final String XSI_CALL_CENTERS = "CTISTREAM_BW_XSI_CALL_CENTERS";
    public static final String XSI_AGENTS = "CTISTREAM_BW_XSI_AGENTS";
    public static final String XSI_EXPIRES = "CTISTREAM_BW_XSI_EXPIRES";
    public static final String XSI_HEARTBEAT = "CTISTREAM_BW_XSI_HEARTBEAT";
    public static final String XSI_ACTIONS_URL = "CTISTREAM_BW_XSI_ACTIONS_URL";
    public static final String DISCOVERY_CALL_CENTERS = "CTISTREAM_BW_DISCOVERY_CALL_CENTERS";
    public static final String DISCOVERY_CREDENTIAL = "CTISTREAM_BW_DISCOVERY_CREDENTIAL";
    public static final String XSI_FAILBACK = "CTISTREAM_BW_XSI_FAILBACK";
    public static final String XSI_MONITORING = "CTISTREAM_BW_XSI_MONITORING";
    public static final String XSI_TRUSTSTORE = "CTISTREAM_BW_XSI_TRUSTSTORE";
    public static final String XSI_TRUSTSTORE_CREDENTIAL = "CTISTREAM_BW_XSI_TRUSTSTORE_CREDENTIAL";

    @Override
    public String name() {
        return "broadworks";
    }

    @Override
    public Platform platform() {
        return Platform.BROADWORKS;
    }

    @Override
    public PlatformAdapter adapter(ConfigSource config) {
        Credentials credentials = credentials(config.string(CREDENTIALS_FILE, null));
        XsiConfig xsi = xsi(config);
        return new BroadWorksAdapter(config(config), credentials, xsi == null ? null : new XsiQueueSource(xsi, credentials));
    }

    /**
     * {@code ctistream roster discover broadworks} (ADR 020): the agents of the call centers
     * {@value #DISCOVERY_CALL_CENTERS} names, from Xsi-Actions at {@value #XSI_ACTIONS_URL} (else
     * {@value #XSI_URL}), signed in as the supervisor whose sign-in {@value #DISCOVERY_CREDENTIAL}
     * (else {@value #XSI_CREDENTIAL}) names in the credentials file.
     */
    @Override
    public Optional<AgentDiscovery> discovery(ConfigSource config) {
        String url = config.string(XSI_ACTIONS_URL, config.string(XSI_URL, null));
        if (url == null) {
            throw new ConfigSource.ConfigException(XSI_ACTIONS_URL + " (or " + XSI_URL + ") is required: the Xsi-Actions server, https://xsp.example");
        }
        List<String> callCenters = BroadWorksDiscovery.callCenters(config.required(DISCOVERY_CALL_CENTERS,
                "the call centers' user ids to list, comma-separated: sales-cc@as.example,support-cc@as.example"));
        if (callCenters.isEmpty()) {
            throw new ConfigSource.ConfigException(DISCOVERY_CALL_CENTERS + " names no call center");
        }
        String ref = config.string(DISCOVERY_CREDENTIAL, config.string(XSI_CREDENTIAL, null));
        if (ref == null) {
            throw new ConfigSource.ConfigException(DISCOVERY_CREDENTIAL + " (or " + XSI_CREDENTIAL + ") is required: the credential reference (in "
                    + CREDENTIALS_FILE + ") of a supervisor of those call centers");
        }
        Credentials credentials = credentials(config.string(CREDENTIALS_FILE, null));
        Credentials.Secret secret = credentials.resolve(ref)
                .filter(s -> s.sipUser() != null && s.sipPassword() != null)
                .orElseThrow(() -> new ConfigSource.ConfigException(DISCOVERY_CREDENTIAL + ": no sipUser and sipPassword for [" + ref + "] in "
                        + CREDENTIALS_FILE));
        // Xsi-Actions is served by the Xsi servers: their trust store first, else the connector's
        TrustOptions trust;
        String xsiTrustStore = config.string(XSI_TRUSTSTORE, null);
        if (xsiTrustStore != null) {
            String trustRef = config.string(XSI_TRUSTSTORE_CREDENTIAL, null);
            String password = trustRef == null ? null : credentials.resolve(trustRef).map(Credentials.Secret::sipPassword)
                    .orElseThrow(() -> new ConfigSource.ConfigException(XSI_TRUSTSTORE_CREDENTIAL + ": no sipPassword for [" + trustRef + "] in "
                            + CREDENTIALS_FILE));
            trust = TrustStores.of(xsiTrustStore, password);
        } else {
            trust = TrustStores.of(config.string(TLS_TRUSTSTORE, null), config.string(TLS_TRUSTSTORE_PASSWORD, null));
        }
        try {
            return Optional.of(new BroadWorksDiscovery(new BroadWorksDiscovery.Settings(URI.create(url), callCenters, ref, secret,
                    !"false".equalsIgnoreCase(config.string(TLS_VERIFY_HOSTNAME, "true")), trust, BroadWorksDiscovery.DEFAULT_MAX_BYTES)));
        } catch (IllegalArgumentException e) {
            throw new ConfigSource.ConfigException("broadworks discovery settings: " + e.getMessage());
        }
    }

    /**
     * The Xsi-Events queue source from the settings, or null when {@code CTISTREAM_BW_XSI_URL} is not
     * set (ADR 019). The URL may name several servers of a channel set with priority and weight; the
     * call centers come from the queue roster, and {@code CTISTREAM_BW_XSI_CALL_CENTERS} (with its
     * tenant) overrides or adds to it (ADR 022).
     */
    public static XsiConfig xsi(ConfigSource config) {
        String url = config.string(XSI_URL, null);
        if (url == null) {
            return null;
        }
        Map<String, String> queues = new LinkedHashMap<>();
        pairs(XSI_CALL_CENTERS, config.string(XSI_CALL_CENTERS, null)).forEach((callCenter, queue) -> queues.put(queue, callCenter));
        String tenant = queues.isEmpty() ? config.string(XSI_TENANT, null)
                : config.required(XSI_TENANT, "the tenant of the call centers in " + XSI_CALL_CENTERS);
        try {
            int expires = config.positiveInt(XSI_EXPIRES, 3600);
            XsiConfig defaults = XsiConfig.of(XsiServer.parseList(url), config.required(XSI_CREDENTIAL, "the credential reference of the Xsi user"),
                    tenant, queues);
            return defaults.withTimers(expires, expires, config.duration(XSI_HEARTBEAT, Duration.ofSeconds(15)), defaults.retryBase(), defaults.retryMax())
                    .withAgents(pairs(XSI_AGENTS, config.string(XSI_AGENTS, null)))
                    .withVerifyHost(!"false".equalsIgnoreCase(config.string(TLS_VERIFY_HOSTNAME, "true")))
                    .withFailback(config.duration(XSI_FAILBACK, Duration.ofMinutes(5)))
                    .withMonitoring(!"false".equalsIgnoreCase(config.string(XSI_MONITORING, "true")))
                    .withTrustStore(config.string(XSI_TRUSTSTORE, null), config.string(XSI_TRUSTSTORE_CREDENTIAL, null));
        } catch (IllegalArgumentException e) {
            throw new ConfigSource.ConfigException("broadworks xsi settings: " + e.getMessage());
        }
    }

    /** The SIP side from the settings. */
    public static BroadWorksConfig config(ConfigSource config) {
        String proxy = config.required(OUTBOUND_PROXY, "where SUBSCRIBEs go: the BroadWorks AS (or its SBC), host:port");
        try {
            return BroadWorksConfig.defaults(config.string(BIND_HOST, "0.0.0.0"), proxy).toBuilder()
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
    public static Credentials credentials(String file) {
        if (file == null) {
            return Credentials.none();
        }
        Map<String, Credentials.Secret> secrets = new HashMap<>();
        SecretsFile.read(CREDENTIALS_FILE, file, List.of("sipUser", "sipPassword", "guestPassword")).forEach((ref, f) ->
                secrets.put(ref, new Credentials.Secret(f.get("sipUser"), f.get("sipPassword"), f.get("guestPassword"))));
        return Credentials.of(secrets);
    }
}
