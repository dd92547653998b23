package io.ctistream.engine;

import io.ctistream.events.ConnectorState;
import io.ctistream.events.ConnectorStatus;
import io.ctistream.events.EventHeader;
import io.ctistream.events.internal.AgentProjection;
import io.ctistream.schemas.CtiTopics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What the connectors' statuses (the global {@code connector-status} store) say about the agents
 * they speak for (ADR 006, ADR 009), for one agent-projector task: whether an event comes from a
 * run a later run of its instance has superseded, and which agents a silent, stopped, returned or
 * restarted connector run makes UNKNOWN or live again.
 */
final class ConnectorVerdicts {
    private final EngineConfig config;
    private final AgentApplier applier;
    private final Deserializer<ConnectorStatus> statuses;
    private final ReadOnlyKeyValueStore<String, byte[]> store;
    /** The run each instance's stored status names, by the stored bytes it was read from. */
    private final Map<String, Map.Entry<byte[], String>> statusRuns = new HashMap<>();
    /** Connector runs judged silent at the last check; null until the first check (then every agent is looked at once). */
    private Map<String, String> lastSilent;
    /** Connector runs alive at the last check (instance -> run): a new run of an instance makes every agent be looked at. */
    private Map<String, String> lastAlive;

    ConnectorVerdicts(EngineConfig config, AgentApplier applier, Deserializer<ConnectorStatus> statuses, ReadOnlyKeyValueStore<String, byte[]> store) {
        this.config = config;
        this.applier = applier;
        this.statuses = statuses;
        this.store = store;
    }

    /**
     * True when the event comes from an earlier run of an instance whose later run has published its
     * status: events a connector held through a Kafka outage and delivers after its new run began
     * (the connector sends its new run's status before what it held). Read from the status store as
     * it is now, not from the last check, so the verdict does not wait for a punctuation.
     */
    boolean superseded(EventHeader header) {
        String run = AgentApplier.runOf(header);
        if (run == null) {
            return false;
        }
        String instance = header.getSource().getConnectorInstance();
        byte[] raw = store.get(instance);
        if (raw == null) {
            return false;
        }
        Map.Entry<byte[], String> known = statusRuns.get(instance);
        String current;
        if (known != null && known.getKey() == raw) {
            current = known.getValue(); // the same stored status as last time: not decoded again per event
        } else {
            ConnectorStatus status;
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

    /**
     * Connectors publish their status at least every 5 s. A run whose status has not been refreshed
     * within the liveness window (killed, partitioned away) or that said it stopped no longer speaks
     * for its agents: they turn UNKNOWN (not live) instead of showing their last state as current.
     * The same run alive again gives back what it last reported; a new run (a restart) re-reports its
     * agents itself, and until it does, the agents the old run spoke for are UNKNOWN too, even when
     * the restart was quicker than the liveness window (ADR 009). Agents are looked at only when the
     * set of silent or alive runs changes, so a retired instance left in the compacted status topic costs nothing.
     *
     * @param agents opens an iterator over the task's agent projections, only when they must be looked at
     */
    List<AgentProcessor.Change> check(long now, Supplier<KeyValueIterator<String, AgentProjection>> agents) {
        Map<String, String> silent = new HashMap<>(); // instance -> run (instance@start)
        Map<String, Long> lastHeard = new HashMap<>();
        Map<String, String> alive = new HashMap<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                ConnectorStatus status;
                try {
                    status = entry.value == null ? null : statuses.deserialize(CtiTopics.CONNECTOR_STATUS.topicName(), entry.value);
                } catch (RuntimeException e) {
                    continue; // an unreadable status says nothing either way
                }
                if (status == null) {
                    continue;
                }
                String run = entry.key + "@" + (status.getStartedAt() == null ? "" : status.getStartedAt().toEpochMilli());
                boolean stopped = status.getState() == ConnectorState.STOPPED || status.getState() == ConnectorState.FAILED;
                if (stopped || now - status.getUpdatedAt().toEpochMilli() > config.connectorLiveness().toMillis()) {
                    silent.put(entry.key, run);
                    lastHeard.put(entry.key, status.getUpdatedAt().toEpochMilli());
                } else {
                    alive.put(entry.key, run);
                }
            }
        }
        if (silent.equals(lastSilent) && alive.equals(lastAlive)) {
            return List.of();
        }
        lastSilent = silent;
        lastAlive = alive;
        Map<String, Boolean> stoppedRuns = new HashMap<>();
        silent.keySet().forEach(k -> stoppedRuns.put(k, now - lastHeard.get(k) <= config.connectorLiveness().toMillis()));
        List<AgentProcessor.Change> changed = new ArrayList<>();
        try (KeyValueIterator<String, AgentProjection> all = agents.get()) {
            while (all.hasNext()) {
                KeyValue<String, AgentProjection> entry = all.next();
                AgentProjection p = entry.value;
                if (p.getRemoved()) {
                    continue;
                }
                String by = p.getServedBy();
                AgentApplier.Applied applied = null;
                if (by != null && silent.containsKey(by)) {
                    // the agent's own last event is a sign of life too: silent only when both it and the status are old
                    // (after a STOPPED status, an event means a new run already speaks for the agent)
                    Instant heard = p.getSnapshot().getLastEventIngestedAt();
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
                    changed.add(new AgentProcessor.Change(entry.key, p, applied.projection(), applied.changed()));
                }
            }
        }
        return changed;
    }
}
