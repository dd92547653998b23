package io.ctistream.connector.core.runtime;

import io.ctistream.settings.ConfigSource;
import java.util.List;
import java.util.ServiceLoader;

/** The platform connectors on the class path, found through {@link ServiceLoader}. */
public final class ConnectorPlatforms {
    private ConnectorPlatforms() {
    }

    /** Every platform found, by name. */
    public static List<ConnectorPlatform> all() {
        return ServiceLoader.load(ConnectorPlatform.class).stream().map(ServiceLoader.Provider::get)
                .sorted(java.util.Comparator.comparing(ConnectorPlatform::name)).toList();
    }

    /** The platform called {@code name}; a {@link ConfigSource.ConfigException} listing the known ones otherwise. */
    public static ConnectorPlatform named(String name) {
        List<ConnectorPlatform> all = all();
        return all.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new ConfigSource.ConfigException("connector platforms: "
                        + String.join(", ", all.stream().map(ConnectorPlatform::name).toList()) + "; not [" + name + "]"));
    }
}
