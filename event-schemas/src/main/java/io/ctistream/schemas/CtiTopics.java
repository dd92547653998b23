package io.ctistream.schemas;

import io.ctistream.events.AdminAudit;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.CommandResult;
import io.ctistream.events.ConnectorStatus;
import io.ctistream.events.DeadLetter;
import io.ctistream.events.QueueEvent;
import io.ctistream.events.QueueProfile;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.TeamProfile;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.events.WebhookSubscription;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one catalogue of ctistream topics: name, what the (string) key means, the value schema,
 * partitions, cleanup policy and retention. Everything that creates, produces to or consumes
 * from a topic takes its facts from here.
 *
 * <p>Topics whose {@link #coPartitioned()} flag is set share one partition count, so that the
 * owner of an agent's roster partition also owns its command partition.
 */
public enum CtiTopics {
    AGENTS("cti.agents", "agent id", AgentProfile.class, KeyedBy.AGENT, Cleanup.COMPACT, null),
    AGENT_EVENTS("cti.agent-events", "agent id", AgentEvent.class, KeyedBy.AGENT, Cleanup.DELETE, Duration.ofDays(7)),
    QUEUE_EVENTS("cti.queue-events", "queue id", QueueEvent.class, KeyedBy.QUEUE, Cleanup.DELETE, Duration.ofDays(7)),
    AGENT_COMMANDS("cti.agent-commands", "agent id", AgentCommand.class, KeyedBy.AGENT, Cleanup.DELETE, Duration.ofDays(1)),
    COMMAND_RESULTS("cti.command-results", "agent id", CommandResult.class, KeyedBy.AGENT, Cleanup.DELETE, Duration.ofDays(1)),
    AGENT_STATE("cti.agent-state", "agent id", AgentSnapshot.class, KeyedBy.AGENT, Cleanup.COMPACT, null),
    TEAM_STATS("cti.team-stats", "team id", TeamSnapshot.class, KeyedBy.TEAM, Cleanup.COMPACT, null),
    QUEUE_STATS("cti.queue-stats", "queue id", QueueSnapshot.class, KeyedBy.QUEUE, Cleanup.COMPACT, null),
    CONNECTOR_STATUS("cti.connector-status", "connector instance id", ConnectorStatus.class, KeyedBy.INSTANCE, Cleanup.COMPACT, null),
    DEAD_LETTER("cti.dead-letter", "the original record's key", DeadLetter.class, KeyedBy.ORIGINAL, Cleanup.DELETE, Duration.ofDays(30)),
    TEAMS("cti.teams", "team id", TeamProfile.class, KeyedBy.TEAM, Cleanup.COMPACT, null),
    QUEUES("cti.queues", "queue id", QueueProfile.class, KeyedBy.QUEUE, Cleanup.COMPACT, null),
    WEBHOOK_SUBSCRIPTIONS("cti.webhook-subscriptions", "subscription id", WebhookSubscription.class, KeyedBy.SUBSCRIPTION,
            Cleanup.COMPACT, null),
    ADMIN_AUDIT("cti.admin-audit", "the changed resource's id", AdminAudit.class, KeyedBy.RESOURCE, Cleanup.DELETE,
            Duration.ofDays(400));

    /** What the record key of a topic is. All keys are strings; ids are tenant-qualified ({@code tenant/id}). */
    public enum KeyedBy { AGENT, QUEUE, TEAM, INSTANCE, ORIGINAL, SUBSCRIPTION, RESOURCE }

    public enum Cleanup {
        COMPACT("compact"), DELETE("delete");

        private final String kafkaValue;

        Cleanup(String kafkaValue) {
            this.kafkaValue = kafkaValue;
        }

        public String kafkaValue() {
            return kafkaValue;
        }
    }

    /** Partitions of the agent-keyed topics in a production cluster; all agent-keyed topics share it. */
    public static final int DEFAULT_AGENT_PARTITIONS = 12;
    /** Partitions of team- and queue-keyed topics. */
    public static final int DEFAULT_AGGREGATE_PARTITIONS = 6;

    private final String topicName;
    private final String keyMeaning;
    private final Class<? extends SpecificRecord> valueType;
    private final KeyedBy keyedBy;
    private final Cleanup cleanup;
    private final Duration retention;

    CtiTopics(String topicName, String keyMeaning, Class<? extends SpecificRecord> valueType, KeyedBy keyedBy,
              Cleanup cleanup, Duration retention) {
        this.topicName = topicName;
        this.keyMeaning = keyMeaning;
        this.valueType = valueType;
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

    public Class<? extends SpecificRecord> valueType() {
        return valueType;
    }

    public Schema valueSchema() {
        return SpecificData.get().getSchema(valueType);
    }

    public KeyedBy keyedBy() {
        return keyedBy;
    }

    public Cleanup cleanup() {
        return cleanup;
    }

    /** Time-based retention; empty for compacted topics, which keep the latest value per key forever. */
    public Optional<Duration> retention() {
        return Optional.ofNullable(retention);
    }

    /**
     * True for the two inputs the engine's agent projector orders against each other ({@code cti.agents}
     * and {@code cti.agent-events}): their records are stamped by the broker when appended
     * ({@code message.timestamp.type=LogAppendTime}), not by the producers' clocks, so that the order
     * of their record times is the order they were written in (ADR 017, "Roster and events").
     */
    public boolean stampedByBroker() {
        return this == AGENTS || this == AGENT_EVENTS;
    }

    /** Agent-keyed topics are co-partitioned: same partition count, same key, same partitioner. */
    public boolean coPartitioned() {
        return keyedBy == KeyedBy.AGENT;
    }

    /** The default partition count in a production cluster. */
    public int defaultPartitions() {
        return switch (keyedBy) {
            case AGENT -> DEFAULT_AGENT_PARTITIONS;
            case TEAM, QUEUE -> DEFAULT_AGGREGATE_PARTITIONS;
            case INSTANCE, SUBSCRIPTION -> 1;
            case RESOURCE -> 3;
            case ORIGINAL -> 3;
        };
    }

    /** Registry artifact id of the value schema under the serde's default topic strategy. */
    public String valueArtifactId() {
        return topicName + "-value";
    }

    public static Optional<CtiTopics> byName(String topicName) {
        return Arrays.stream(values()).filter(t -> t.topicName.equals(topicName)).findFirst();
    }
}
