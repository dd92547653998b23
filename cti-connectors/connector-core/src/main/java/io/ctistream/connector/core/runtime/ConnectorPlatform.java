package io.ctistream.connector.core.runtime;

import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.events.Platform;
import io.ctistream.settings.ConfigSource;
import java.util.Optional;

/**
 * A platform connector as the launcher finds it: {@code ctistream connector <name>} looks the
 * platform up among the implementations listed in
 * {@code META-INF/services/io.ctistream.connector.core.runtime.ConnectorPlatform} on the class path
 * ({@link ConnectorPlatforms}), so adding a platform touches neither the launcher nor core. A
 * platform supplies its adapter; {@link ConnectorRuntime} supplies everything else (Kafka sink,
 * agent ownership, commands, status, health, metrics). See docs/dev-guide/new-connector.md.
 */
public interface ConnectorPlatform {
    /** The name on the command line and in the consumer group: lower case, e.g. {@code broadworks}. */
    String name();

    /** What its events say they came from. */
    Platform platform();

    /**
     * Reads this platform's own settings ({@code CTISTREAM_<PLATFORM>_*}, documented in
     * docs/config/connector-{@code <name>}.md) and makes an adapter; a missing or bad setting is a
     * {@link ConfigSource.ConfigException} naming the key. Secrets are read here and never logged.
     */
    PlatformAdapter adapter(ConfigSource config);

    /**
     * How this platform lists its agents for {@code ctistream roster discover}, from the same
     * settings as {@link #adapter}; empty when it cannot (the default).
     */
    default Optional<AgentDiscovery> discovery(ConfigSource config) {
        return Optional.empty();
    }
}
