package io.ctistream.settings;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A connector's secrets per credential reference, from a properties file mounted from a secret
 * store ({@code <reference>.<field>=value}): agent profiles on Kafka carry only the reference. The
 * values are never logged; an unreadable file or an unknown field is a {@link ConfigSource.ConfigException}
 * naming the setting and the key, not the value.
 */
public final class SecretsFile {
    private SecretsFile() {
    }

    /**
     * Reads {@code file} (named by the setting {@code key}) into reference → field → value; only
     * {@code fields} are accepted. A null file is no secrets.
     */
    public static Map<String, Map<String, String>> read(String key, String file, List<String> fields) {
        Map<String, Map<String, String>> byRef = new HashMap<>();
        if (file == null) {
            return byRef;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(file))) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigSource.ConfigException(key + " names [" + file + "], which cannot be read: " + e.getMessage());
        }
        for (String name : p.stringPropertyNames()) {
            int dot = name.lastIndexOf('.');
            String field = dot <= 0 ? "" : name.substring(dot + 1);
            if (!fields.contains(field)) {
                throw new ConfigSource.ConfigException(key + ": keys are <reference>." + String.join(", .", fields) + ", not [" + name + "]");
            }
            byRef.computeIfAbsent(name.substring(0, dot), k -> new HashMap<>()).put(field, p.getProperty(name));
        }
        return byRef;
    }
}
