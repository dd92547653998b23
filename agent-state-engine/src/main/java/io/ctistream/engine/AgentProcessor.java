package io.ctistream.engine;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.internal.AgentProjection;
import io.ctistream.schemas.CtiTopics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Projects one partition of agents: roster entries from {@code cti.agents} and events from
 * {@code cti.agent-events} (co-partitioned, both keyed by agent id) into {@code AgentSnapshot}s,
 * plus the queue signals agent call events give rise to. Input arrives as bytes and is decoded
 * here, so a record that cannot be read becomes a dead letter instead of stopping the stream.
 */
final class AgentProcessor extends ContextualProcessor<String, byte[], String, SpecificRecord> {
    static final String PROJECTIONS = "agent-projections";
    static final String EVENT_IDS = "agent-event-ids";
    /** Agents that left the roster, with the last version published: no ghost comes back, versions go on. */
    static final String REMOVED = "agent-removed";
    /** Global: every connector's last {@code ConnectorStatus} (bytes, decoded when read). */
    static final String CONNECTOR_STATUS = "connector-status";

    private final EngineConfig config;
    private final EngineMetrics metrics;
    private final AgentApplier applier;
    private final Deserializer<AgentEvent> events;
    private final Deserializer<AgentProfile> profiles;
    private final Deserializer<io.ctistream.events.ConnectorStatus> statuses;
    private KeyValueStore<String, byte[]> connectorStatus;
    private KeyValueStore<String, AgentProjection> projections;
    private WindowStore<String, Long> eventIds;
    private KeyValueStore<String, Long> removed;

    AgentProcessor(EngineConfig config, EngineMetrics metrics, Deserializer<AgentEvent> events, Deserializer<AgentProfile> profiles,
                   Deserializer<io.ctistream.events.ConnectorStatus> statuses) {
        this.statuses = statuses;
        this.config = config;
        this.metrics = metrics;
        this.applier = new AgentApplier(config);
        this.events = events;
        this.profiles = profiles;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        super.init(context);
        projections = context.getStateStore(PROJECTIONS);
        eventIds = context.getStateStore(EVENT_IDS);
        removed = context.getStateStore(REMOVED);
        context.schedule(config.housekeepingInterval(), PunctuationType.WALL_CLOCK_TIME, this::rollDays);
        connectorStatus = context.getStateStore(CONNECTOR_STATUS);
        long check = Math.max(500, config.connectorLiveness().toMillis() / 5);
        context.schedule(java.time.Duration.ofMillis(check), PunctuationType.WALL_CLOCK_TIME, this::checkConnectors);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context().recordMetadata().map(m -> m.topic()).orElse("");
        if (record.key() == null) {
            deadLetter(record, "a record without a key: every agent record is keyed by its agent id");
            return;
        }
        if (topic.equals(CtiTopics.AGENTS.topicName())) {
            onProfile(topic, record);
        } else {
            onEvent(topic, record);
        }
    }

    private void onProfile(String topic, Record<String, byte[]> record) {
        long now = context().currentSystemTimeMs();
        if (record.value() == null) { // the agent left the roster
            AgentProjection gone = projections.delete(record.key());
            if (gone != null) {
                removed.put(record.key(), gone.getSnapshot().getVersion());
                context().forward(record.withValue(null));
            }
            metrics.count(EngineMetrics.Outcome.APPLIED);
            return;
        }
        AgentProfile profile;
        try {
            profile = profiles.deserialize(topic, record.value());
        } catch (RuntimeException e) {
            deadLetter(record, "cannot decode an AgentProfile: " + DeadLetters.describe(e));
            return;
        }
        if (!profile.getAgentId().equals(record.key())) {
            deadLetter(record, "record key [" + record.key() + "] is not the profile's agent id [" + profile.getAgentId() + "]");
            return;
        }
        AgentProjection current = projections.get(record.key());
        AgentApplier.Applied applied = applier.applyProfile(current, profile, now);
        Long lastVersion = current == null ? removed.get(record.key()) : null;
        if (lastVersion != null) { // back on the roster: its versions go on from where they stopped
            removed.delete(record.key());
            AgentProjection p = applied.projection();
            applied = new AgentApplier.Applied(AgentProjection.newBuilder(p).setSnapshot(AgentSnapshot.newBuilder(p.getSnapshot())
                    .setVersion(lastVersion + p.getSnapshot().getVersion()).build()).build(), applied.signals(), true);
        }
        store(record, applied);
    }

    private void onEvent(String topic, Record<String, byte[]> record) {
        long now = context().currentSystemTimeMs();
        if (record.value() == null) {
            deadLetter(record, "an agent event with no value");
            return;
        }
        AgentEvent event;
        try {
            event = events.deserialize(topic, record.value());
        } catch (RuntimeException e) {
            deadLetter(record, "cannot decode an AgentEvent: " + DeadLetters.describe(e));
            return;
        }
        if (!AgentApplier.sameAgent(record.key(), event.getHeader())) {
            deadLetter(record, "record key [" + record.key() + "] is not the event's agent id [" + event.getHeader().getAgentId() + "]");
            return;
        }
        String eventId = event.getHeader().getEventId();
        long ingested = event.getHeader().getIngestedAt().toEpochMilli();
        metrics.ingestLag(Math.max(0, now - ingested));
        if (seen(eventId, dedupeTime(ingested, now))) {
            metrics.count(EngineMetrics.Outcome.IGNORED_DUPLICATE);
            return;
        }
        AgentProjection current = projections.get(record.key());
        if (current == null && removed.get(record.key()) != null) {
            // an agent that left the roster (its connector's last words, a late event): not brought back as a ghost
            eventIds.put(eventId, ingested, dedupeTime(ingested, now));
            metrics.count(EngineMetrics.Outcome.IGNORED_REMOVED);
            return;
        }
        if (current != null && AgentApplier.fromPlatform(event.getPayload()) && AgentApplier.olderThanState(current, event.getHeader())) {
            eventIds.put(eventId, ingested, dedupeTime(ingested, now));
            metrics.count(EngineMetrics.Outcome.IGNORED_OUT_OF_ORDER);
            return;
        }
        AgentApplier.Applied applied;
        try {
            applied = applier.applyEvent(current, event, now, superseded(event.getHeader()));
        } catch (RuntimeException e) {
            deadLetter(record, "cannot apply the event: " + DeadLetters.describe(e));
            return;
        }
        eventIds.put(eventId, ingested, dedupeTime(ingested, now));
        store(record, applied);
        for (var signal : applied.signals()) {
            context().forward(new Record<String, SpecificRecord>(signal.getQueueId(), signal, record.timestamp()));
        }
    }

    private void store(Record<String, byte[]> record, AgentApplier.Applied applied) {
        projections.put(record.key(), applied.projection());
        if (applied.changed()) {
            context().forward(record.withValue((SpecificRecord) applied.projection().getSnapshot()));
            metrics.count(EngineMetrics.Outcome.APPLIED);
        } else {
            metrics.count(EngineMetrics.Outcome.IGNORED_NO_CHANGE);
        }
    }

    /**
     * The time an event id is remembered under: its ingest time, but never more than a minute ahead
     * of the engine's clock. The store expires entries by the newest time written, so one event
     * stamped a day ahead (a skewed connector clock) would otherwise switch dedupe off for a day.
     */
    private static long dedupeTime(long ingested, long now) {
        return Math.min(ingested, now + 60_000);
    }

    private boolean seen(String eventId, long ingested) {
        long window = config.dedupeWindow().toMillis();
        try (WindowStoreIterator<Long> it = eventIds.fetch(eventId, Instant.ofEpochMilli(ingested - window), Instant.ofEpochMilli(ingested + window))) {
            return it.hasNext();
        }
    }

    private void deadLetter(Record<String, byte[]> record, String reason) {
        context().forward(record.withValue((SpecificRecord) DeadLetters.of(context(), record, reason)));
        metrics.count(EngineMetrics.Outcome.DEAD_LETTERED);
    }

    /** Connector runs judged silent at the last check; null until the first check (then every agent is looked at once). */
    private Map<String, String> lastSilent;
    /**
     * True when the event comes from an earlier run of an instance whose later run has published its
     * status: events a connector held through a Kafka outage and delivers after its new run began
     * (the connector sends its new run's status before what it held). Read from the status store as
     * it is now, not from the last check, so the verdict does not wait for a punctuation.
     */
    private boolean superseded(io.ctistream.events.EventHeader header) {
        String run = AgentApplier.runOf(header);
        if (run == null) {
            return false;
        }
        String instance = header.getSource().getConnectorInstance();
        byte[] raw = connectorStatus.get(instance);
        if (raw == null) {
            return false;
        }
        Map.Entry<byte[], String> known = statusRuns.get(instance);
        String current;
        if (known != null && known.getKey() == raw) {
            current = known.getValue(); // the same stored status as last time: not decoded again per event
        } else {
            io.ctistream.events.ConnectorStatus status;
            try {
                status = statuses.deserialize(CtiTopics.CONNECTOR_STATUS.topicName(), raw);
            } catch (RuntimeException e) {
                status = null; // an unreadable status says nothing either way
            }
            current = status == null || status.getStartedAt() == null ? "" : instance + "@" + status.getStartedAt().toEpochMilli();
            statusRuns.put(instance, Map.entry(raw, current));
        }
        return !current.isEmpty() && AgentApplier.earlierRun(run, current);
    }

    /** The run each instance's stored status names, by the stored bytes it was read from. */
    private final Map<String, Map.Entry<byte[], String>> statusRuns = new java.util.HashMap<>();

    /** Connector runs alive at the last check (instance -> run): a new run of an instance makes every agent be looked at. */
    private Map<String, String> lastAlive;

    /**
     * Connectors publish their status at least every 5 s. A run whose status has not been refreshed
     * within the liveness window (killed, partitioned away) or that said it stopped no longer speaks
     * for its agents: they turn UNKNOWN (not live) instead of showing their last state as current.
     * The same run alive again gives back what it last reported; a new run (a restart) re-reports its
     * agents itself, and until it does, the agents the old run spoke for are UNKNOWN too, even when
     * the restart was quicker than the liveness window (ADR 009). Agents are looked at only when the
     * set of silent or alive runs changes, so a retired instance left in the compacted status topic costs nothing.
     */
    private void checkConnectors(long now) {
        Map<String, String> silent = new java.util.HashMap<>(); // instance -> run (instance@start)
        Map<String, Long> lastHeard = new java.util.HashMap<>();
        Map<String, String> alive = new java.util.HashMap<>();
        try (KeyValueIterator<String, byte[]> all = connectorStatus.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                io.ctistream.events.ConnectorStatus status;
                try {
                    status = entry.value == null ? null : statuses.deserialize(CtiTopics.CONNECTOR_STATUS.topicName(), entry.value);
                } catch (RuntimeException e) {
                    continue; // an unreadable status says nothing either way
                }
                if (status == null) {
                    continue;
                }
                String run = entry.key + "@" + (status.getStartedAt() == null ? "" : status.getStartedAt().toEpochMilli());
                boolean stopped = status.getState() == io.ctistream.events.ConnectorState.STOPPED
                        || status.getState() == io.ctistream.events.ConnectorState.FAILED;
                if (stopped || now - status.getUpdatedAt().toEpochMilli() > config.connectorLiveness().toMillis()) {
                    silent.put(entry.key, run);
                    lastHeard.put(entry.key, status.getUpdatedAt().toEpochMilli());
                } else {
                    alive.put(entry.key, run);
                }
            }
        }
        if (silent.equals(lastSilent) && alive.equals(lastAlive)) {
            return;
        }
        lastSilent = silent;
        lastAlive = alive;
        Map<String, Boolean> stoppedRuns = new java.util.HashMap<>();
        silent.keySet().forEach(k -> stoppedRuns.put(k, now - lastHeard.get(k) <= config.connectorLiveness().toMillis()));
        List<KeyValue<String, AgentApplier.Applied>> changed = new ArrayList<>();
        try (KeyValueIterator<String, AgentProjection> all = projections.all()) {
            while (all.hasNext()) {
                KeyValue<String, AgentProjection> entry = all.next();
                AgentProjection p = entry.value;
                String by = p.getServedBy();
                AgentApplier.Applied applied = null;
                if (by != null && silent.containsKey(by)) {
                    // the agent's own last event is a sign of life too: silent only when both it and the status are old
                    // (after a STOPPED status, an event means a new run already speaks for the agent)
                    java.time.Instant heard = p.getSnapshot().getLastEventIngestedAt();
                    long heardMs = heard == null ? 0 : heard.toEpochMilli();
                    boolean spokeSince = heardMs > lastHeard.get(by)
                            && (stoppedRuns.get(by) || now - heardMs <= config.connectorLiveness().toMillis());
                    if (!spokeSince) {
                        applied = applier.connectorSilent(p, silent.get(by), now);
                    } else {
                        lastSilent = null; // look at this agent again at the next check
                    }
                } else if (p.getSilencedBy() != null && by != null && p.getSilencedBy().equals(alive.get(by))) {
                    applied = applier.connectorBack(p, alive.get(by), now);
                } else if (p.getSilencedBy() == null && p.getServedByRun() != null && by != null && alive.containsKey(by)
                        && !alive.get(by).equals(p.getServedByRun())) {
                    // the instance restarted before its old run was judged silent: the new run knows nothing of what
                    // the old one reported, so nobody vouches for this agent until the new run reports it (ADR 009)
                    applied = applier.connectorSilent(p, p.getServedByRun(), now);
                }
                if (applied != null) {
                    changed.add(KeyValue.pair(entry.key, applied));
                }
            }
        }
        for (KeyValue<String, AgentApplier.Applied> entry : changed) {
            projections.put(entry.key, entry.value.projection());
            if (entry.value.changed()) {
                context().forward(new Record<String, SpecificRecord>(entry.key, entry.value.projection().getSnapshot(), now));
                metrics.count(EngineMetrics.Outcome.APPLIED);
            }
        }
    }

    private void rollDays(long now) {
        long started = System.nanoTime();
        List<KeyValue<String, AgentProjection>> rolled = new ArrayList<>();
        try (KeyValueIterator<String, AgentProjection> all = projections.all()) {
            while (all.hasNext()) {
                KeyValue<String, AgentProjection> entry = all.next();
                AgentApplier.Applied applied = applier.rollDay(entry.value, now);
                if (applied.changed()) {
                    rolled.add(KeyValue.pair(entry.key, applied.projection()));
                }
            }
        }
        for (KeyValue<String, AgentProjection> entry : rolled) {
            projections.put(entry.key, entry.value);
            context().forward(new Record<String, SpecificRecord>(entry.key, entry.value.getSnapshot(), now));
        }
        metrics.punctuated(System.nanoTime() - started);
    }
}
