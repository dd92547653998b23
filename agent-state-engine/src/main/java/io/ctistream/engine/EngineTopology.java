package io.ctistream.engine;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.DeadLetter;
import io.ctistream.events.QueueEvent;
import io.ctistream.events.QueueProfile;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.events.internal.AgentProjection;
import io.ctistream.events.internal.QueueCall;
import io.ctistream.events.internal.QueueProjection;
import io.ctistream.events.internal.QueueSignal;
import io.ctistream.events.internal.TeamMemberDelta;
import io.ctistream.events.internal.TeamEntry;
import io.ctistream.schemas.CtiTopics;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine's whole topology, built by one static method so {@code main} and
 * {@code TopologyTestDriver} tests run the same code.
 *
 * <pre>
 * cti.agents + cti.agent-events ─▶ agent-projector ─▶ cti.agent-state
 *                                        ├─ team member deltas ─▶ (repartition by team) ─▶ team-projector ─▶ cti.team-stats
 *                                        └─ queue signals ─┐
 * cti.queue-events ─▶ queue-event-decoder ─ queue signals ─┴▶ (repartition by queue) ─▶ queue-projector ─▶ cti.queue-stats
 * cti.connector-status, cti.queues ─▶ global stores (every instance reads them whole)
 * undecodable / inapplicable records from any input ─▶ cti.dead-letter
 * </pre>
 *
 * One hop from an agent change to its team: the agent projector sends the team a small delta
 * (the member's category at an agent version), the team projector keeps its members and derives
 * the team's figures from them (ADR 017).
 */
public final class EngineTopology {
    public static final String TEAM_PROJECTIONS = TeamProcessor.TEAMS;
    public static final String QUEUE_PROJECTIONS = QueueProcessor.PROJECTIONS;
    public static final String AGENT_PROJECTIONS = AgentProcessor.PROJECTIONS;

    private EngineTopology() {
    }

    public static Topology build(EngineConfig config, ValueSerdes serdes, EngineMetrics metrics) {
        return build(config, serdes, metrics, CommitWatch.none());
    }

    /** @param commits what this instance's consumers committed: kept outputs older than that are dropped ({@link AgentLedger}) */
    static Topology build(EngineConfig config, ValueSerdes serdes, EngineMetrics metrics, CommitWatch commits) {
        StreamsBuilder builder = new StreamsBuilder();
        Serde<String> keys = Serdes.String();
        Serde<AgentSnapshot> snapshotSerde = serdes.of(AgentSnapshot.class);
        Serde<DeadLetter> deadLetterSerde = serdes.of(DeadLetter.class);
        Serde<QueueSignal> signalSerde = serdes.of(QueueSignal.class);

        boolean persistent = config.stores() == EngineConfig.StoreKind.PERSISTENT;
        var agentProjections = Stores.keyValueStoreBuilder(kv(persistent, AgentProcessor.PROJECTIONS), keys, serdes.of(AgentProjection.class));
        // cached: an agent's writes reach RocksDB and the changelog once per commit, each its whole state with its
        // position (ADR 027); the other stores hold entries whose order in the changelog matters, or are written once
        builder.addStateStore(config.cacheBytes() > 0 ? agentProjections.withCachingEnabled() : agentProjections);
        builder.addStateStore(Stores.keyValueStoreBuilder(kv(persistent, AgentProcessor.REMOVED), keys, Serdes.Long()));
        // every connector's last status, on every instance: whether the connector that speaks for an agent is alive
        mirror(builder, AgentProcessor.CONNECTOR_STATUS, CtiTopics.CONNECTOR_STATUS.topicName(), "connector-status-in");
        // the queue roster, on every instance: each queue's service-level threshold and abandon grace (ADR 021)
        mirror(builder, QueueProcessor.PROFILES, CtiTopics.QUEUES.topicName(), "queue-roster-in");
        builder.addStateStore(Stores.keyValueStoreBuilder(kv(persistent, TeamProcessor.TEAMS), keys, serdes.of(TeamEntry.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(kv(persistent, QueueProcessor.PROJECTIONS), keys, serdes.of(QueueProjection.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(kv(persistent, QueueProcessor.CALLS), keys, serdes.of(QueueCall.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(kv(persistent, QueueProcessor.WAITING), keys, serdes.of(QueueCall.class)));

        // agents: roster and events of one agent meet in one task (co-partitioned topics)
        KStream<String, byte[]> roster = builder.stream(CtiTopics.AGENTS.topicName(), Consumed.with(keys, Serdes.ByteArray()).withName("roster-in"));
        KStream<String, byte[]> events = builder.stream(CtiTopics.AGENT_EVENTS.topicName(), Consumed.with(keys, Serdes.ByteArray()).withName("agent-events-in"));
        Map<String, KStream<String, SpecificRecord>> agentOut = roster.merge(events, Named.as("agent-inputs"))
                // a processor per task, each with its own deserializers: nothing shared between stream threads
                .process(() -> new AgentProcessor(config, metrics, commits, serdes.of(AgentEvent.class).deserializer(),
                                serdes.of(AgentProfile.class).deserializer(), serdes.of(io.ctistream.events.ConnectorStatus.class).deserializer()),
                        Named.as("agent-projector"), AgentProcessor.PROJECTIONS, AgentProcessor.REMOVED)
                .split(Named.as("agent-out-"))
                .branch((k, v) -> v == null || v instanceof AgentSnapshot, Branched.as("snapshots"))
                .branch((k, v) -> v instanceof TeamMemberDelta, Branched.as("members"))
                .branch((k, v) -> v instanceof QueueSignal, Branched.as("signals"))
                .defaultBranch(Branched.as("dead"));

        agentOut.get("agent-out-snapshots").mapValues(v -> (AgentSnapshot) v, Named.as("as-snapshot"))
                .to(CtiTopics.AGENT_STATE.topicName(), Produced.with(keys, snapshotSerde).withName("agent-state-out"));

        // teams: one hop, keyed by team id, from the agent projector's member deltas
        agentOut.get("agent-out-members").mapValues(v -> (TeamMemberDelta) v, Named.as("as-member-delta"))
                .repartition(Repartitioned.<String, TeamMemberDelta>as("team-members").withKeySerde(keys)
                        .withValueSerde(serdes.of(TeamMemberDelta.class)))
                .process(() -> new TeamProcessor(config), Named.as("team-projector"), TeamProcessor.TEAMS)
                .to(CtiTopics.TEAM_STATS.topicName(), Produced.with(keys, serdes.of(TeamSnapshot.class)).withName("team-stats-out"));

        // queues: platform queue events and agent call events naming a queue, repartitioned by queue id
        Map<String, KStream<String, SpecificRecord>> queueIn = builder.stream(CtiTopics.QUEUE_EVENTS.topicName(),
                        Consumed.with(keys, Serdes.ByteArray()).withName("queue-events-in"))
                .process(() -> new QueueEventDecoder(metrics, serdes.of(QueueEvent.class).deserializer()), Named.as("queue-event-decoder"))
                .split(Named.as("queue-in-"))
                .branch((k, v) -> v instanceof QueueSignal, Branched.as("signals"))
                .defaultBranch(Branched.as("dead"));
        agentOut.get("agent-out-signals").merge(queueIn.get("queue-in-signals"), Named.as("queue-signals-merged"))
                .mapValues(v -> (QueueSignal) v, Named.as("as-signal"))
                .repartition(Repartitioned.<String, QueueSignal>as("queue-signals").withKeySerde(keys).withValueSerde(signalSerde))
                .process(() -> new QueueProcessor(config, metrics, serdes.of(QueueProfile.class).deserializer()), Named.as("queue-projector"),
                        QueueProcessor.PROJECTIONS, QueueProcessor.CALLS, QueueProcessor.WAITING)
                .to(CtiTopics.QUEUE_STATS.topicName(), Produced.with(keys, serdes.of(QueueSnapshot.class)).withName("queue-stats-out"));

        agentOut.get("agent-out-dead").merge(queueIn.get("queue-in-dead"), Named.as("dead-letters-merged"))
                .mapValues(v -> (DeadLetter) v, Named.as("as-dead-letter"))
                .to(CtiTopics.DEAD_LETTER.topicName(), Produced.with(keys, deadLetterSerde).withName("dead-letter-out"));
        return builder.build();
    }

    /**
     * A global store holding the latest value of each key of a compacted topic, as bytes (a value that
     * cannot be read is the reader's problem, never the global thread's); a tombstone deletes.
     */
    static void mirror(StreamsBuilder builder, String store, String topic, String name) {
        Serde<String> keys = Serdes.String();
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(store), keys, Serdes.ByteArray()).withLoggingDisabled(),
                topic, Consumed.with(keys, Serdes.ByteArray()).withName(name),
                () -> new org.apache.kafka.streams.processor.api.Processor<String, byte[], Void, Void>() {
                    private KeyValueStore<String, byte[]> kv;

                    @Override
                    public void init(org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> context) {
                        kv = context.getStateStore(store);
                    }

                    @Override
                    public void process(org.apache.kafka.streams.processor.api.Record<String, byte[]> record) {
                        if (record.key() == null) {
                            return;
                        }
                        if (record.value() == null) {
                            kv.delete(record.key());
                        } else {
                            kv.put(record.key(), record.value());
                        }
                    }
                });
    }

    /**
     * A plain key-value store for the processors. It must not be a timestamped supplier: restoring
     * one from its changelog prefixes every value with an 8-byte timestamp that the value serde
     * would then read as a schema id (EngineFailoverIT caught exactly that after a failover).
     */
    private static KeyValueBytesStoreSupplier kv(boolean persistent, String name) {
        return persistent ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
    }
}
