package io.ctistream.admin;

import io.ctistream.settings.ConfigSource;
import java.time.Duration;
import java.util.Locale;

/**
 * The admin service's settings (docs/config/admin.md), validated when made: a bad value fails
 * the start with a message naming the setting. Kafka and the registry are given apart, as the
 * launcher has them for every service.
 *
 * @param host            where to listen
 * @param port            the HTTP port (0: any free one)
 * @param jwtSecret       HS256 secret of admin tokens (at least 32 characters), or null where only RS256 is accepted
 * @param jwksUrl         an identity provider's JWKS for RS256 tokens, or null
 * @param jwtAudience     the {@code aud} a token must name (required with a JWKS), or null
 * @param jwtLeeway       clock skew allowed on {@code exp} and {@code nbf}
 * @param instanceId      this instance's name: its Kafka transactional id is {@code ctistream-admin-<instanceId>}, so it must be
 *                        unique among running admin instances and the same across a restart of one
 * @param secretGrace     how long a webhook secret stays valid after a rotation when the request does not say
 * @param allowHttpWebhooks    webhook URLs may be plain http (never on by default: the events carry caller numbers)
 * @param allowPrivateWebhooks webhook URLs may name a loopback or private address literally (tests, labs)
 * @param writeTimeout    how long a change may wait for Kafka's acknowledgement and for the view to show it
 */
public record AdminSettings(String host, int port, String jwtSecret, String jwksUrl, String jwtAudience, Duration jwtLeeway, String instanceId,
                            Duration secretGrace, boolean allowHttpWebhooks, boolean allowPrivateWebhooks, Duration writeTimeout) {
    public static final String HOST = "CTISTREAM_ADMIN_HOST";
    public static final String PORT = "CTISTREAM_ADMIN_PORT";
    public static final String JWT_SECRET = "CTISTREAM_ADMIN_JWT_SECRET";
    public static final String JWKS_URL = "CTISTREAM_ADMIN_JWKS_URL";
    public static final String JWT_AUDIENCE = "CTISTREAM_ADMIN_JWT_AUDIENCE";
    public static final String JWT_LEEWAY = "CTISTREAM_ADMIN_JWT_LEEWAY";
    public static final String INSTANCE_ID = "CTISTREAM_ADMIN_INSTANCE_ID";
    public static final String SECRET_GRACE = "CTISTREAM_ADMIN_WEBHOOK_SECRET_GRACE";
    public static final String ALLOW_HTTP = "CTISTREAM_ADMIN_WEBHOOK_ALLOW_HTTP";
    public static final String ALLOW_PRIVATE = "CTISTREAM_ADMIN_WEBHOOK_ALLOW_PRIVATE";
    public static final String WRITE_TIMEOUT = "CTISTREAM_ADMIN_WRITE_TIMEOUT";
    /** The push service's token settings, used where the admin ones are not set: one identity setup for both. */
    static final String PUSH_JWT_SECRET = "CTISTREAM_PUSH_JWT_SECRET";
    static final String PUSH_JWKS_URL = "CTISTREAM_PUSH_JWKS_URL";
    static final String PUSH_JWT_AUDIENCE = "CTISTREAM_PUSH_JWT_AUDIENCE";

    public static final int DEFAULT_PORT = 8086;
    /** The longest grace a rotation may give (the document's RotateSecretRequest.graceSeconds maximum). */
    public static final Duration MAX_SECRET_GRACE = Duration.ofDays(7);

    public AdminSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(HOST + " must name an address to listen on");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PORT + " must be a port number from 0 to 65535");
        }
        if (jwtSecret != null && jwtSecret.length() < 32) {
            throw new IllegalArgumentException(JWT_SECRET + " must be at least 32 characters");
        }
        if (jwtSecret == null && jwksUrl == null) {
            throw new IllegalArgumentException(JWT_SECRET + " (HS256) or " + JWKS_URL + " (RS256 keys of an identity provider) must be set: "
                    + "the admin service verifies every request's token");
        }
        if (jwksUrl != null && jwtAudience == null) {
            throw new IllegalArgumentException(JWT_AUDIENCE + " must be set with " + JWKS_URL
                    + ": an identity provider signs tokens for other applications too");
        }
        if (jwtLeeway == null || jwtLeeway.isNegative() || jwtLeeway.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException(JWT_LEEWAY + " must be from 0s to 5m");
        }
        if (instanceId == null || instanceId.isBlank() || !instanceId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException(INSTANCE_ID + " must be 1 to 100 letters, digits, '.', '_' or '-', was [" + instanceId + "]");
        }
        if (secretGrace == null || secretGrace.isNegative() || secretGrace.compareTo(MAX_SECRET_GRACE) > 0) {
            throw new IllegalArgumentException(SECRET_GRACE + " must be from 0s to 7 days (P7D)");
        }
        if (writeTimeout == null || writeTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(WRITE_TIMEOUT + " must be at least 1s");
        }
    }

    /** Defaults with an HS256 secret: what tests and the single-machine run start from. */
    public static AdminSettings defaults(String host, int port, String jwtSecret) {
        return new AdminSettings(host, port, jwtSecret, null, null, Duration.ofSeconds(30), "admin", Duration.ofHours(24), false, false,
                Duration.ofSeconds(30));
    }

    /**
     * From {@code CTISTREAM_ADMIN_*} (docs/config/admin.md). The token settings fall back to the push service's
     * ({@code CTISTREAM_PUSH_JWT_SECRET}, {@code _JWKS_URL}, {@code _JWT_AUDIENCE}), so one identity setup serves both.
     *
     * @param defaultHost     where to listen when {@code CTISTREAM_ADMIN_HOST} is not set (0.0.0.0 for a separate service, 127.0.0.1 on one machine)
     * @param defaultInstance the instance id when {@code CTISTREAM_ADMIN_INSTANCE_ID} is not set
     * @throws ConfigSource.ConfigException naming the setting that is wrong
     */
    public static AdminSettings from(ConfigSource config, String defaultHost, String defaultInstance) {
        AdminSettings d = defaults("127.0.0.1", DEFAULT_PORT, "x".repeat(32));
        try {
            return new AdminSettings(config.string(HOST, defaultHost), config.port(PORT, DEFAULT_PORT),
                    config.string(JWT_SECRET, config.string(PUSH_JWT_SECRET, null)), config.string(JWKS_URL, config.string(PUSH_JWKS_URL, null)),
                    config.string(JWT_AUDIENCE, config.string(PUSH_JWT_AUDIENCE, null)), config.duration(JWT_LEEWAY, d.jwtLeeway()),
                    config.string(INSTANCE_ID, defaultInstance), config.duration(SECRET_GRACE, d.secretGrace()), flag(config, ALLOW_HTTP),
                    flag(config, ALLOW_PRIVATE), config.duration(WRITE_TIMEOUT, d.writeTimeout()));
        } catch (IllegalArgumentException e) {
            throw new ConfigSource.ConfigException("admin settings: " + e.getMessage());
        }
    }

    private static boolean flag(ConfigSource config, String key) {
        String v = config.string(key, "false").toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new ConfigSource.ConfigException(key + " must be true or false, was [" + v + "]");
        };
    }

    /** The Kafka transactional id of this instance's writer. */
    public String transactionalId() {
        return "ctistream-admin-" + instanceId;
    }

    /** Without the secret, for logs. */
    @Override
    public String toString() {
        return "AdminSettings[host=" + host + ", port=" + port + ", jwtSecret=" + (jwtSecret == null ? "none" : "***") + ", jwksUrl=" + jwksUrl
                + ", jwtAudience=" + jwtAudience + ", instanceId=" + instanceId + ", secretGrace=" + secretGrace + ", allowHttpWebhooks="
                + allowHttpWebhooks + ", allowPrivateWebhooks=" + allowPrivateWebhooks + ", writeTimeout=" + writeTimeout + "]";
    }
}
