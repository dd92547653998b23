package io.ctistream.webhooks;

import io.ctistream.settings.ConfigSource;
import io.ctistream.settings.KafkaEndpoints;
import java.time.Duration;
import java.util.Locale;

/**
 * The CRM webhooks service's settings (documented in docs/config/webhooks.md), read from
 * {@code CTISTREAM_WEBHOOKS_*} and validated at start: a bad value names its key.
 *
 * @param bootstrapServers Kafka
 * @param registryUrl      the Apicurio Registry v3 API base
 * @param instanceId       this instance, in client ids and dead letters' component
 * @param retry            backoff and how long a failing event is retried before it is dead-lettered
 * @param requestTimeout   one delivery attempt, from sending to the end of the response
 * @param connectTimeout   opening the connection
 * @param maxBuffered      events one subscription holds in memory (in flight and waiting); its consumer pauses beyond
 * @param targets          which target addresses are allowed (SSRF)
 * @param disableOnGone    a 410 Gone disables the subscription (written back to cti.webhook-subscriptions)
 * @param cloudEventsTopic whether this instance also writes cti.cloudevents
 * @param stateLookback    how far back a reader replays a partition it takes, to know each agent's state before it
 */
public record WebhookSettings(String bootstrapServers, String registryUrl, String instanceId, RetryPolicy retry, Duration requestTimeout,
                              Duration connectTimeout, int maxBuffered, TargetPolicy targets, boolean disableOnGone,
                              boolean cloudEventsTopic, Duration stateLookback) {
    public static final String INSTANCE_ID = "CTISTREAM_WEBHOOKS_INSTANCE_ID";
    public static final String RETRY_PERIOD = "CTISTREAM_WEBHOOKS_RETRY_PERIOD";
    public static final String RETRY_INITIAL_DELAY = "CTISTREAM_WEBHOOKS_RETRY_INITIAL_DELAY";
    public static final String RETRY_MAX_DELAY = "CTISTREAM_WEBHOOKS_RETRY_MAX_DELAY";
    public static final String REQUEST_TIMEOUT = "CTISTREAM_WEBHOOKS_REQUEST_TIMEOUT";
    public static final String CONNECT_TIMEOUT = "CTISTREAM_WEBHOOKS_CONNECT_TIMEOUT";
    public static final String MAX_BUFFERED = "CTISTREAM_WEBHOOKS_MAX_BUFFERED";
    public static final String ALLOW_PRIVATE_TARGETS = "CTISTREAM_WEBHOOKS_ALLOW_PRIVATE_TARGETS";
    public static final String DISABLE_ON_GONE = "CTISTREAM_WEBHOOKS_DISABLE_ON_GONE";
    public static final String CLOUDEVENTS_TOPIC = "CTISTREAM_WEBHOOKS_CLOUDEVENTS_TOPIC";
    public static final String STATE_LOOKBACK = "CTISTREAM_WEBHOOKS_STATE_LOOKBACK";

    public static final RetryPolicy DEFAULT_RETRY = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(24));

    public WebhookSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank() || registryUrl == null || registryUrl.isBlank()) {
            throw new IllegalArgumentException("Kafka and the registry must be named");
        }
        if (requestTimeout.toMillis() < 1 || connectTimeout.toMillis() < 1 || stateLookback.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive and the state lookback not negative");
        }
        if (maxBuffered < 1) {
            throw new IllegalArgumentException("maxBuffered must be at least 1");
        }
    }

    /** Every default, for Kafka and the registry named by the caller (tests and embedded runs). */
    public static WebhookSettings defaults(String bootstrapServers, String registryUrl) {
        return new WebhookSettings(bootstrapServers, registryUrl, "webhooks", DEFAULT_RETRY, Duration.ofSeconds(10), Duration.ofSeconds(5),
                1000, TargetPolicy.refusePrivate(), true, true, Duration.ofMinutes(15));
    }

    /** For a separate {@code ctistream webhooks} process: Kafka and the registry come from the environment. */
    public static WebhookSettings standalone(ConfigSource config) {
        return from(config, KafkaEndpoints.bootstrap(config), KafkaEndpoints.registry(config), hostName());
    }

    /** For the single-machine run: the embedded broker and registry. */
    public static WebhookSettings embedded(ConfigSource config, String bootstrapServers, String registryUrl) {
        return from(config, bootstrapServers, registryUrl, "all-in-one");
    }

    private static WebhookSettings from(ConfigSource config, String bootstrap, String registry, String defaultInstance) {
        WebhookSettings d = defaults(bootstrap, registry);
        RetryPolicy retry;
        try {
            retry = new RetryPolicy(positive(config, RETRY_INITIAL_DELAY, d.retry().initialDelay()),
                    positive(config, RETRY_MAX_DELAY, d.retry().maxDelay()),
                    positive(config, RETRY_PERIOD, d.retry().period()));
        } catch (IllegalArgumentException e) {
            throw new ConfigSource.ConfigException(RETRY_MAX_DELAY + " must be at least " + RETRY_INITIAL_DELAY);
        }
        TargetPolicy targets;
        try {
            targets = TargetPolicy.parse(config.string(ALLOW_PRIVATE_TARGETS, null));
        } catch (IllegalArgumentException e) {
            throw new ConfigSource.ConfigException(ALLOW_PRIVATE_TARGETS + " must be true, false or CIDR blocks separated by commas: "
                    + e.getMessage());
        }
        Duration lookback = config.duration(STATE_LOOKBACK, d.stateLookback());
        if (lookback.isNegative()) {
            throw new ConfigSource.ConfigException(STATE_LOOKBACK + " must not be negative");
        }
        return new WebhookSettings(bootstrap, registry, config.string(INSTANCE_ID, defaultInstance), retry,
                positive(config, REQUEST_TIMEOUT, d.requestTimeout()), positive(config, CONNECT_TIMEOUT, d.connectTimeout()),
                config.positiveInt(MAX_BUFFERED, d.maxBuffered()), targets, bool(config, DISABLE_ON_GONE, d.disableOnGone()),
                bool(config, CLOUDEVENTS_TOPIC, d.cloudEventsTopic()), lookback);
    }

    public WebhookSettings withRetry(RetryPolicy retry) {
        return new WebhookSettings(bootstrapServers, registryUrl, instanceId, retry, requestTimeout, connectTimeout, maxBuffered, targets,
                disableOnGone, cloudEventsTopic, stateLookback);
    }

    public WebhookSettings withTargets(TargetPolicy targets) {
        return new WebhookSettings(bootstrapServers, registryUrl, instanceId, retry, requestTimeout, connectTimeout, maxBuffered, targets,
                disableOnGone, cloudEventsTopic, stateLookback);
    }

    public WebhookSettings withMaxBuffered(int maxBuffered) {
        return new WebhookSettings(bootstrapServers, registryUrl, instanceId, retry, requestTimeout, connectTimeout, maxBuffered, targets,
                disableOnGone, cloudEventsTopic, stateLookback);
    }

    public WebhookSettings withRequestTimeout(Duration requestTimeout) {
        return new WebhookSettings(bootstrapServers, registryUrl, instanceId, retry, requestTimeout, connectTimeout, maxBuffered, targets,
                disableOnGone, cloudEventsTopic, stateLookback);
    }

    public WebhookSettings withCloudEventsTopic(boolean cloudEventsTopic) {
        return new WebhookSettings(bootstrapServers, registryUrl, instanceId, retry, requestTimeout, connectTimeout, maxBuffered, targets,
                disableOnGone, cloudEventsTopic, stateLookback);
    }

    public WebhookSettings withInstanceId(String instanceId) {
        return new WebhookSettings(bootstrapServers, registryUrl, instanceId, retry, requestTimeout, connectTimeout, maxBuffered, targets,
                disableOnGone, cloudEventsTopic, stateLookback);
    }

    private static Duration positive(ConfigSource config, String key, Duration defaultValue) {
        Duration d = config.duration(key, defaultValue);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigSource.ConfigException(key + " must be a positive duration, was [" + d + "]");
        }
        return d;
    }

    private static boolean bool(ConfigSource config, String key, boolean defaultValue) {
        String v = config.string(key, null);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigSource.ConfigException(key + " must be true or false, was [" + v + "]");
        };
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "webhooks";
        }
    }
}
