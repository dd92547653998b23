package io.ctistream.schemas;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The topics whose values are JSON, not Avro: no registry schema, so they are kept out of
 * {@link CtiTopics} (which {@link SchemaRegistrar} registers whole) and listed here with the same
 * facts. {@link TopicProvisioner#ensure(JsonTopics...)} creates them; whoever writes one ensures it
 * at start. Their values are described by JSON Schemas under {@code docs/api/}.
 */
public enum JsonTopics {
    /**
     * The CRM events as CloudEvents 1.0 in Kafka binary mode: attributes in {@code ce_} headers,
     * the JSON data as the value, key = agent id (docs/crm.md, docs/adr/015).
     */
    CLOUD_EVENTS("cti.cloudevents", "agent id", "CloudEvents 1.0, binary mode: `ce_` headers, JSON data (docs/crm.md)",
            CtiTopics.KeyedBy.AGENT, CtiTopics.Cleanup.DELETE, Duration.ofDays(7));

    private final String topicName;
    private final String keyMeaning;
    private final String valueFormat;
    private final CtiTopics.KeyedBy keyedBy;
    private final CtiTopics.Cleanup cleanup;
    private final Duration retention;

    JsonTopics(String topicName, String keyMeaning, String valueFormat, CtiTopics.KeyedBy keyedBy, CtiTopics.Cleanup cleanup,
               Duration retention) {
        this.topicName = topicName;
        this.keyMeaning = keyMeaning;
        this.valueFormat = valueFormat;
        this.keyedBy = keyedBy;
        this.cleanup = cleanup;
        this.retention = retention;
    }

    public String topicName() {
        return topicName;
    }

    public String keyMeaning() {
        return keyMeaning;
    }

    /** What the value is, in words (there is no registry schema to name). */
    public String valueFormat() {
        return valueFormat;
    }

    public CtiTopics.KeyedBy keyedBy() {
        return keyedBy;
    }

    public CtiTopics.Cleanup cleanup() {
        return cleanup;
    }

    public Optional<Duration> retention() {
        return Optional.ofNullable(retention);
    }

    /**
     * The default partition count in a production cluster: an agent-keyed JSON topic has as many
     * partitions as the agent-keyed Avro topics, so an agent's events land in the same partition number.
     */
    public int defaultPartitions() {
        return keyedBy == CtiTopics.KeyedBy.AGENT ? CtiTopics.DEFAULT_AGENT_PARTITIONS : 1;
    }

    public static Optional<JsonTopics> byName(String topicName) {
        return Arrays.stream(values()).filter(t -> t.topicName.equals(topicName)).findFirst();
    }
}
