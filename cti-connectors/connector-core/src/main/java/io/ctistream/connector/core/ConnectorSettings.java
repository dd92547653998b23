package io.ctistream.connector.core;

import java.time.Duration;

/**
 * What every connector instance needs regardless of platform.
 *
 * @param instanceId this instance's id: the key of its {@code cti.connector-status} record
 * @param statusInterval how often the status is compared and published when it changed
 * @param commandMemory how many command ids are remembered to execute a repeated id once
 */
public record ConnectorSettings(String instanceId, Duration statusInterval, int commandMemory) {
    public ConnectorSettings {
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("a connector needs an instance id");
        }
        if (statusInterval.isNegative() || statusInterval.isZero()) {
            throw new IllegalArgumentException("status interval must be positive");
        }
        if (commandMemory < 1) {
            throw new IllegalArgumentException("command memory must be at least 1");
        }
    }

    public static ConnectorSettings of(String instanceId) {
        return new ConnectorSettings(instanceId, Duration.ofSeconds(1), 10_000);
    }
}
