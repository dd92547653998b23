package io.ctistream.settings;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Reads {@code CTISTREAM_*} settings: environment variables, over an optional properties file
 * named by {@code CTISTREAM_CONFIG_FILE} (same keys). Every getter validates and fails with a
 * message naming the key, the value and what was expected; values are never echoed for keys
 * that look secret.
 */
public final class ConfigSource {
    public static final String CONFIG_FILE = "CTISTREAM_CONFIG_FILE";
    private static final List<String> SECRET_MARKERS = List.of("SECRET", "PASSWORD", "TOKEN", "KEY");

    private final Map<String, String> values;

    private ConfigSource(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** The process environment over the optional file. */
    public static ConfigSource fromEnvironment() {
        return from(System.getenv());
    }

    /** {@code env} over the file it names, if any. */
    public static ConfigSource from(Map<String, String> env) {
        Map<String, String> merged = new HashMap<>();
        String file = env.get(CONFIG_FILE);
        if (file != null && !file.isBlank()) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(Path.of(file))) {
                props.load(reader);
            } catch (IOException e) {
                throw new ConfigException(CONFIG_FILE + " names [" + file + "], which cannot be read: " + e.getMessage());
            }
            props.stringPropertyNames().forEach(k -> merged.put(k, props.getProperty(k)));
        }
        env.forEach((k, v) -> {
            if (k.startsWith("CTISTREAM_")) {
                merged.put(k, v);
            }
        });
        return new ConfigSource(merged);
    }

    /**
     * This source, with {@code defaults} for the keys it does not set: a run's own defaults that no
     * single service can know (a token secret kept in a data directory, the demo's loopback targets).
     * What the environment or the file sets always wins.
     */
    public ConfigSource withDefaults(Map<String, String> defaults) {
        Map<String, String> merged = new HashMap<>(defaults);
        values.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                merged.put(k, v);
            }
        });
        return new ConfigSource(merged);
    }

    public String string(String key, String defaultValue) {
        String v = values.get(key);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    public int port(String key, int defaultValue) {
        int port = parse(key, defaultValue, Integer::parseInt, "a port number");
        if (port < 0 || port > 65535) {
            throw invalid(key, "a port number from 0 to 65535");
        }
        return port;
    }

    public int positiveInt(String key, int defaultValue) {
        int n = parse(key, defaultValue, Integer::parseInt, "a whole number");
        if (n < 1) {
            throw invalid(key, "a whole number of at least 1");
        }
        return n;
    }

    public Duration duration(String key, Duration defaultValue) {
        return parse(key, defaultValue, v -> {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            try {
                return Duration.parse(v.startsWith("P") || v.startsWith("p") ? v : "PT" + v);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(e);
            }
        }, "a duration such as 100ms, 30s, 5m or PT1H");
    }

    public int nonNegativeInt(String key, int defaultValue) {
        int n = parse(key, defaultValue, Integer::parseInt, "a whole number");
        if (n < 0) {
            throw invalid(key, "a whole number of at least 0");
        }
        return n;
    }

    /** A setting that has no sensible default. */
    public String required(String key, String what) {
        String v = string(key, null);
        if (v == null) {
            throw new ConfigException(key + " must name " + what + ", and is not set");
        }
        return v;
    }

    public java.time.ZoneId zone(String key, java.time.ZoneId defaultValue) {
        return parse(key, defaultValue, java.time.ZoneId::of, "a time zone such as Europe/Berlin or UTC");
    }

    /** {@code tenant=Zone,tenant=Zone}, e.g. {@code acme=Europe/Berlin,globex=America/Chicago}. */
    public java.util.Map<String, java.time.ZoneId> zones(String key) {
        return parse(key, java.util.Map.of(), v -> {
            java.util.Map<String, java.time.ZoneId> zones = new java.util.LinkedHashMap<>();
            for (String pair : v.split(",")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2 || kv[0].isBlank()) {
                    throw new IllegalArgumentException(pair);
                }
                zones.put(kv[0].trim(), java.time.ZoneId.of(kv[1].trim()));
            }
            return zones;
        }, "tenant=Zone pairs separated by commas, such as acme=Europe/Berlin,globex=America/Chicago");
    }

    public Path path(String key, Path defaultValue) {
        String v = values.get(key);
        return (v == null || v.isBlank() ? defaultValue : Path.of(v.trim())).toAbsolutePath().normalize();
    }

    private <T> T parse(String key, T defaultValue, Function<String, T> parser, String expected) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return parser.apply(v.trim());
        } catch (RuntimeException e) {
            throw invalid(key, expected);
        }
    }

    private ConfigException invalid(String key, String expected) {
        boolean secret = SECRET_MARKERS.stream().anyMatch(key::contains);
        return new ConfigException(key + " must be " + expected + ", was [" + (secret ? "***" : values.get(key)) + "]");
    }

    /** A setting that is missing or malformed; the message says which and why. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
