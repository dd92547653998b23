package io.ctistream.connector.core.kafka;

import java.time.Duration;
import java.util.Map;

/**
 * How a connector reaches Kafka and the registry.
 *
 * @param groupId the consumer group that splits agents among the instances of one platform's connector
 * @param sessionTimeout how long the group waits for a silent instance before its agents move
 * @param extra further client settings (security), passed as given
 */
public record KafkaSettings(String bootstrapServers, String registryUrl, String groupId, Duration sessionTimeout,
                            Map<String, Object> extra) {
    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("kafka bootstrap servers are required");
        }
        if (registryUrl == null || registryUrl.isBlank()) {
            throw new IllegalArgumentException("the schema registry url is required");
        }
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("the connector consumer group id is required");
        }
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }
}
