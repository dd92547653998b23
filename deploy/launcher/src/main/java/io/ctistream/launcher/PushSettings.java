package io.ctistream.launcher;

import io.ctistream.settings.ConfigSource;
import io.ctistream.push.PushConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The push service's settings, read from the environment (documented in docs/config/push.md):
 * the typed {@link PushConfig} plus where Kafka and the registry are and the instance id.
 */
record PushSettings(PushConfig push, String bootstrapServers, String registryUrl, String instanceId, String engineGroup,
                    java.time.Duration engineLiveness) {
    static final String HOST = "CTISTREAM_PUSH_HOST";
    static final String PORT = "CTISTREAM_PUSH_PORT";
    static final String JWT_SECRET = "CTISTREAM_PUSH_JWT_SECRET";
    static final String JWKS_URL = "CTISTREAM_PUSH_JWKS_URL";
    static final String HEARTBEAT = "CTISTREAM_PUSH_HEARTBEAT";
    static final String MAX_FRAME_BYTES = "CTISTREAM_PUSH_MAX_FRAME_BYTES";
    static final String MAX_SUBSCRIPTIONS = "CTISTREAM_PUSH_MAX_SUBSCRIPTIONS";
    static final String COMMANDS_PER_SECOND = "CTISTREAM_PUSH_COMMANDS_PER_SECOND";
    static final String WRITE_QUEUE_BYTES = "CTISTREAM_PUSH_WRITE_QUEUE_BYTES";
    static final String STUCK_LIMIT = "CTISTREAM_PUSH_STUCK_LIMIT";
    static final String MAX_CONNECTIONS_PER_PRINCIPAL = "CTISTREAM_PUSH_MAX_CONNECTIONS_PER_PRINCIPAL";
    static final String MAX_EVENT_STREAMS = "CTISTREAM_PUSH_MAX_EVENT_STREAMS";
    static final String REASONS = "CTISTREAM_PUSH_REASONS";
    static final String INSTANCE_ID = "CTISTREAM_PUSH_INSTANCE_ID";
    static final String JWT_AUDIENCE = "CTISTREAM_PUSH_JWT_AUDIENCE";
    static final String JWT_LEEWAY = "CTISTREAM_PUSH_JWT_LEEWAY";
    static final String ENGINE_GROUP = "CTISTREAM_PUSH_ENGINE_GROUP";
    static final String ENGINE_LIVENESS = "CTISTREAM_PUSH_ENGINE_LIVENESS";
    static final String EVENT_LOOPS = "CTISTREAM_PUSH_EVENT_LOOPS";

    /** For {@code ctistream push}: Kafka, the registry and the token secret (or a JWKS URL) come from the environment. */
    static PushSettings standalone(ConfigSource config) {
        String bootstrap = EngineSettings.bootstrap(config);
        String registry = EngineSettings.registry(config);
        String jwks = config.string(JWKS_URL, null);
        String secret = config.string(JWT_SECRET, null);
        if (secret == null && jwks == null) {
            throw new ConfigSource.ConfigException(JWT_SECRET + " (HS256, at least 32 characters) or " + JWKS_URL
                    + " (RS256 keys of an identity provider) must be set: the push service verifies every client's token");
        }
        if (jwks != null && config.string(JWT_AUDIENCE, null) == null) {
            throw new ConfigSource.ConfigException(JWT_AUDIENCE + " must be set with " + JWKS_URL
                    + ": an identity provider signs tokens for other applications too, and only those meant for ctistream may pass");
        }
        return from(config, bootstrap, registry, secret, jwks, "0.0.0.0", hostName());
    }

    /**
     * For the single-machine run: loopback by default, and a token secret made once and kept in the
     * data directory (readable by its owner only), so links printed by one run still work after a restart.
     */
    static PushSettings embedded(ConfigSource config, String bootstrap, String registryUrl, Path dataDir) {
        String secret = config.string(JWT_SECRET, null);
        if (secret == null) {
            secret = keptSecret(dataDir.resolve("push-jwt-secret"));
        }
        return from(config, bootstrap, registryUrl, secret, config.string(JWKS_URL, null), "127.0.0.1", "all-in-one");
    }

    private static PushSettings from(ConfigSource config, String bootstrap, String registry, String secret, String jwks, String defaultHost,
                                     String defaultInstance) {
        PushConfig d = PushConfig.defaults("127.0.0.1", 8080, "x".repeat(32));
        if (secret != null && secret.length() < 32) {
            throw new ConfigSource.ConfigException(JWT_SECRET + " must be at least 32 characters");
        }
        PushConfig push;
        try {
            push = new PushConfig(config.string(HOST, defaultHost), config.port(PORT, 8080), secret,
                    config.duration(HEARTBEAT, d.heartbeat()), config.positiveInt(MAX_FRAME_BYTES, d.maxFrameBytes()),
                    config.positiveInt(MAX_SUBSCRIPTIONS, d.maxSubscriptions()), config.positiveInt(COMMANDS_PER_SECOND, d.commandsPerSecond()),
                    config.positiveInt(WRITE_QUEUE_BYTES, d.writeQueueBytes()), config.duration(STUCK_LIMIT, d.stuckLimit()),
                    config.positiveInt(MAX_CONNECTIONS_PER_PRINCIPAL, d.maxConnectionsPerPrincipal()),
                    config.nonNegativeInt(MAX_EVENT_STREAMS, d.maxEventStreams()), reasons(config.string(REASONS, null)), jwks,
                    config.string(JWT_AUDIENCE, null), config.duration(JWT_LEEWAY, d.jwtLeeway()));
            // the abuse limits (docs/security.md): each validated, a bad one names its setting
            push = push.withLimits(io.ctistream.push.PushLimits.read(name -> config.string(name, null)));
            // one server per event loop on the one port (ADR 028)
            push = push.withEventLoops(config.positiveInt(EVENT_LOOPS, Runtime.getRuntime().availableProcessors()));
        } catch (IllegalArgumentException e) {
            throw new ConfigSource.ConfigException("push settings: " + e.getMessage());
        }
        // the engine's consumer group is its application id; "off" turns the watch off
        String engineGroup = config.string(ENGINE_GROUP, config.string(EngineSettings.APPLICATION_ID, "ctistream-engine"));
        engineGroup = "off".equalsIgnoreCase(engineGroup) ? null : engineGroup;
        java.time.Duration engineLiveness = config.duration(ENGINE_LIVENESS, java.time.Duration.ofSeconds(15));
        if (engineLiveness.toMillis() < 1000) {
            throw new ConfigSource.ConfigException(ENGINE_LIVENESS + " must be at least 1s");
        }
        return new PushSettings(push, bootstrap, registry, config.string(INSTANCE_ID, defaultInstance),
                engineGroup, engineLiveness);
    }

    /** {@code 0010=Break,0012=Lunch}: codes stay opaque strings. */
    static List<PushConfig.Reason> reasons(String value) {
        if (value == null) {
            return PushConfig.DEFAULT_REASONS;
        }
        List<PushConfig.Reason> out = new ArrayList<>();
        for (String item : value.split(",")) {
            String[] kv = item.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new ConfigSource.ConfigException(REASONS + " must look like 0010=Break,0012=Lunch; [" + item.trim() + "] does not");
            }
            out.add(new PushConfig.Reason(kv[0].trim(), kv[1].trim()));
        }
        return out;
    }

    private static String keptSecret(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            Files.createDirectories(file.getParent());
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            try {
                // created readable by its owner only, before anything is written into it
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file); // not a POSIX file system: the data directory's own permissions protect it
            }
            Files.writeString(file, secret, StandardCharsets.US_ASCII);
            return secret;
        } catch (IOException e) {
            throw new ConfigSource.ConfigException("the push token secret cannot be kept in [" + file + "]: " + e.getMessage());
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "push";
        }
    }
}
