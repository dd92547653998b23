package io.ctistream.engine;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.internal.AgentProjection;
import io.ctistream.events.internal.HeldEvent;
import io.ctistream.events.internal.QueueSignal;
import io.ctistream.events.internal.TeamMemberDelta;
import io.ctistream.events.internal.UnconfirmedOutput;
import io.ctistream.schemas.CtiTopics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Projects one partition of agents: roster entries from {@code cti.agents} and events from
 * {@code cti.agent-events} (co-partitioned, both keyed by agent id) into {@code AgentSnapshot}s,
 * plus the queue signals agent call events give rise to and what each team needs to know of its
 * members ({@link TeamRules}). Input arrives as bytes and is decoded here, so a record that cannot
 * be read becomes a dead letter instead of stopping the stream.
 *
 * <p>Exact under at-least-once (ADR 017): each projection records the input positions it reflects
 * ({@link AgentLedger}), so a record read again after a crash is not applied again; its snapshot,
 * team membership and kept outputs are sent again instead, in case the crash lost them.
 */
final class AgentProcessor extends ContextualProcessor<String, byte[], String, SpecificRecord> {
    static final String PROJECTIONS = "agent-projections";
    /**
     * Agents that left the roster before ADR 017, with the last version published: read for them
     * only. Since then a projection stays in {@link #PROJECTIONS} marked {@code removed}, so that
     * leaving and its input position are one write.
     */
    static final String REMOVED = "agent-removed";
    /** Global: every connector's last {@code ConnectorStatus} (bytes, decoded when read). */
    static final String CONNECTOR_STATUS = "connector-status";
    /**
     * At most this many events are held per agent off the roster (ADR 026): only
     * those stamped after its leave, waiting for a return stamped at or before them. A connector's
     * last words and the first reports after a return are a handful; a drop is counted.
     */
    static final int MAX_HELD = 16;

    private final EngineConfig config;
    private final EngineMetrics metrics;
    private final AgentApplier applier;
    private final AgentLedger ledger;
    private final Deserializer<AgentEvent> events;
    private final Deserializer<AgentProfile> profiles;
    private final Deserializer<io.ctistream.events.ConnectorStatus> statuses;
    private ConnectorVerdicts verdicts;
    private KeyValueStore<String, AgentProjection> projections;
    private KeyValueStore<String, Long> removed;
    private Cancellable resync;

    AgentProcessor(EngineConfig config, EngineMetrics metrics, CommitWatch commits, Deserializer<AgentEvent> events,
                   Deserializer<AgentProfile> profiles, Deserializer<io.ctistream.events.ConnectorStatus> statuses) {
        this.statuses = statuses;
        this.config = config;
        this.metrics = metrics;
        this.applier = new AgentApplier(config);
        this.ledger = new AgentLedger(commits, metrics, config.atLeastOnce());
        this.events = events;
        this.profiles = profiles;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        super.init(context);
        projections = context.getStateStore(PROJECTIONS);
        removed = context.getStateStore(REMOVED);
        context.schedule(config.housekeepingInterval(), PunctuationType.WALL_CLOCK_TIME, this::rollDays);
        verdicts = new ConnectorVerdicts(config, applier, statuses, context.getStateStore(CONNECTOR_STATUS));
        long check = Math.max(500, config.connectorLiveness().toMillis() / 5);
        context.schedule(java.time.Duration.ofMillis(check), PunctuationType.WALL_CLOCK_TIME, this::checkConnectors);
        if (config.atLeastOnce()) {
            resync = context.schedule(java.time.Duration.ofMillis(1), PunctuationType.WALL_CLOCK_TIME, this::resync);
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long now = context().currentSystemTimeMs();
        resync(now);
        RecordMetadata meta = context().recordMetadata().orElse(null);
        String topic = meta == null ? "" : meta.topic();
        AgentLedger.Input in = new AgentLedger.Input(topic.equals(CtiTopics.AGENTS.topicName()),
                meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset());
        if (record.key() == null) {
            deadLetter(record, "a record without a key: every agent record is keyed by its agent id");
            return;
        }
        if (in.roster()) {
            onProfile(topic, in, record, now);
        } else {
            onEvent(topic, in, record, now);
        }
    }

    private void onProfile(String topic, AgentLedger.Input in, Record<String, byte[]> record, long now) {
        AgentProjection current = projections.get(record.key());
        if (AgentLedger.applied(current, in)) {
            replayed(record.key(), current, in, now);
            return;
        }
        if (record.value() == null) { // the agent left the roster: kept, marked, for its last version and team
            if (current != null && !current.getRemoved()) {
                if (current.getEventAt() > record.timestamp()) { // an event stamped after the leave was applied before it was read
                    metrics.countRosterReordered();
                }
                AgentProjection gone = AgentProjection.newBuilder(current).setRemoved(true).setLeftAt(record.timestamp())
                        .setHeld(List.of()).build();
                publish(record.key(), current, gone, in, List.of(), true, now);
            } else {
                metrics.count(EngineMetrics.Outcome.APPLIED);
            }
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
        boolean back = current != null && current.getRemoved();
        // an agent new to the roster is UNKNOWN since the roster said so (the record's time), not since this
        // engine read it: a replay after a crash, or another instance, then shows the same
        long rostered = record.timestamp() > 0 ? record.timestamp() : now;
        AgentApplier.Applied applied = applier.applyProfile(back ? null : current, profile, rostered);
        Long lastVersion = back ? Long.valueOf(current.getSnapshot().getVersion()) : current == null ? removed.get(record.key()) : null;
        AgentProjection next = applied.projection();
        boolean changed = applied.changed();
        if (lastVersion != null) { // back on the roster: its versions go on from where they stopped
            next.getSnapshot().setVersion(lastVersion + next.getSnapshot().getVersion());
            changed = true;
        }
        if (back) { // where it stands in its inputs, and what it sent unconfirmed, carry on
            next.setEventsPartition(current.getEventsPartition());
            next.setEventsOffset(current.getEventsOffset());
            next.setRosterPartition(current.getRosterPartition());
            next.setRosterOffset(current.getRosterOffset());
            next.setUnconfirmed(current.getUnconfirmed());
            next.setLeftAt(current.getLeftAt());
            next.setReturnedAt(record.timestamp());
            next.setEventAt(current.getEventAt());
            next.setRecentEventIds(current.getRecentEventIds());
            Released released = release(record.key(), next, current.getHeld(), record.timestamp(), now);
            publish(record.key(), current, released.projection(), in, released.signals(), changed || released.changed(), now);
            return;
        }
        publish(record.key(), current, next, in, List.of(), changed, now);
    }

    /** The returned agent after the events held while it was away that were stamped at or after its return, and what they sent. */
    private record Released(AgentProjection projection, List<QueueSignal> signals, boolean changed) {
    }

    /**
     * Applies, in the order they were read, the events held while the agent was off the roster that
     * were stamped at or after its return ({@code returnedAt}): a clean, time-ordered read would have
     * read them after the return. The others were made while it was away; a clean read ignores them.
     */
    private Released release(String agentId, AgentProjection returned, List<HeldEvent> held, long returnedAt, long now) {
        AgentProjection p = returned;
        List<QueueSignal> signals = new ArrayList<>();
        boolean changed = false;
        for (HeldEvent h : held) {
            if (h.getAt() < returnedAt) {
                continue;
            }
            ByteBuffer bytes = h.getValue().duplicate();
            byte[] value = new byte[bytes.remaining()];
            bytes.get(value);
            try {
                AgentEvent event = events.deserialize(CtiTopics.AGENT_EVENTS.topicName(), value);
                if (AgentApplier.fromPlatform(event.getPayload()) && AgentApplier.olderThanState(p, event.getHeader())) {
                    metrics.count(EngineMetrics.Outcome.IGNORED_OUT_OF_ORDER);
                    continue;
                }
                AgentApplier.Applied applied = applier.applyEvent(p, event, now, verdicts.superseded(event.getHeader()));
                p = applied.projection();
                p.setEventAt(h.getAt());
                signals.addAll(applied.signals());
                changed |= applied.changed();
            } catch (RuntimeException e) {
                String reason = "cannot apply an event held while its agent was off the roster (" + CtiTopics.AGENT_EVENTS.topicName()
                        + " partition " + h.getPartition() + " offset " + h.getOffset() + "): " + DeadLetters.describe(e);
                context().forward(new Record<String, SpecificRecord>(agentId, DeadLetters.of(context(), new Record<>(agentId, value, now), reason), now));
                metrics.count(EngineMetrics.Outcome.DEAD_LETTERED);
            }
        }
        p.setHeld(List.of());
        return new Released(p, signals, changed);
    }

    private void onEvent(String topic, AgentLedger.Input in, Record<String, byte[]> record, long now) {
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
        AgentProjection current = projections.get(record.key());
        if (AgentLedger.applied(current, in)) {
            replayed(record.key(), current, in, now);
            return;
        }
        String eventId = event.getHeader().getEventId();
        metrics.ingestLag(Math.max(0, now - event.getHeader().getIngestedAt().toEpochMilli()));
        // the agent's latest ids live in its projection, written with the position (ADR 034): a record read again after a
        // crash is told by the position above, before this; what is found here came in another record, sent upstream twice
        if (current != null && (RecentEventIds.contains(current.getRecentEventIds(), eventId)
                || !current.getRemoved() && eventId.equals(current.getSnapshot().getLastEventId()))) {
            metrics.count(EngineMetrics.Outcome.IGNORED_DUPLICATE);
            return;
        }
        long at = record.timestamp();
        boolean away = current != null && current.getRemoved();
        if (current == null && removed.get(record.key()) != null || away && at > current.getLeftAt()) {
            // an agent off the roster, the event made after it left (its connector's last words, or a first report after a
            // return stamped at or before it and not read yet): not brought back as a ghost, held for such a return
            hold(record.key(), current, in, at, record.value(), eventId);
            metrics.count(EngineMetrics.Outcome.IGNORED_REMOVED);
            return;
        }
        if (current != null && !away && current.getReturnedAt() >= 0 && at < current.getReturnedAt()) {
            // made before the return that was read ahead of it: a clean read ignores it while the agent is away, or
            // applied it before the leave (stamped at or before it) — that cannot be undone now, and is counted
            if (at <= current.getLeftAt()) {
                metrics.countRosterReordered();
            }
            judged(record.key(), current, in, eventId);
            metrics.count(EngineMetrics.Outcome.IGNORED_REMOVED);
            return;
        }
        if (current != null && AgentApplier.fromPlatform(event.getPayload()) && AgentApplier.olderThanState(current, event.getHeader())) {
            judged(record.key(), current, in, eventId);
            metrics.count(EngineMetrics.Outcome.IGNORED_OUT_OF_ORDER);
            return;
        }
        AgentApplier.Applied applied;
        try {
            applied = applier.applyEvent(current, event, now, verdicts.superseded(event.getHeader()));
        } catch (RuntimeException e) {
            deadLetter(record, "cannot apply the event: " + DeadLetters.describe(e));
            return;
        }
        applied.projection().setEventAt(at);
        remember(applied.projection(), eventId);
        if (away) {
            // stamped at or before the leave read ahead of it: part of the stint that ended, applied as a time-ordered read
            // would have applied it before the leave (state, version, queue signals), but the team already has the leave and
            // readers the tombstone: no snapshot, no team delta
            AgentProjection stored = ledger.record(applied.projection(), in, applied.signals(), null, 0);
            projections.put(record.key(), stored);
            metrics.count(applied.changed() ? EngineMetrics.Outcome.APPLIED : EngineMetrics.Outcome.IGNORED_NO_CHANGE);
            for (QueueSignal signal : applied.signals()) {
                context().forward(new Record<String, SpecificRecord>(signal.getQueueId(), signal, now));
            }
            return;
        }
        publish(record.key(), current, applied.projection(), in, applied.signals(), applied.changed(), now);
    }

    /**
     * Holds an event read while its agent is off the roster and stamped after it left, with its
     * position and time, judged (its position moves) but not applied: a return stamped at or before
     * it applies it ({@link #release}), any other return drops it. At most {@link #MAX_HELD}, the
     * oldest dropped and counted. An agent that left before ADR 017 (known only to the old
     * {@code agent-removed} store) has no projection to hold them in: ignored, as before.
     */
    private void hold(String agentId, AgentProjection current, AgentLedger.Input in, long at, byte[] value, String eventId) {
        if (current == null || !in.known()) {
            judged(agentId, current, in, eventId);
            return;
        }
        List<HeldEvent> held = new ArrayList<>(current.getHeld());
        held.add(HeldEvent.newBuilder().setPartition(in.partition()).setOffset(in.offset()).setAt(at).setValue(ByteBuffer.wrap(value)).build());
        if (held.size() > MAX_HELD) {
            held.remove(0);
            metrics.dropHeld();
        }
        projections.put(agentId, ledger.record(remember(AgentProjection.newBuilder(current).setHeld(held).build(), eventId), in, List.of(), null, 0));
    }

    /**
     * Stores the projection a record made, with the record's position and what it sent that only
     * it can send again, then sends: the snapshot when it changed (a tombstone when the agent left
     * the roster), the team deltas when what its team sees changed, and the queue signals.
     */
    private void publish(String agentId, AgentProjection before, AgentProjection after, AgentLedger.Input in, List<QueueSignal> signals,
                         boolean changed, long now) {
        List<TeamMemberDelta> team = TeamRules.changes(before, after);
        TeamMemberDelta leave = team.isEmpty() || !team.get(0).getLeft() ? null : team.get(0);
        AgentProjection stored = ledger.record(after, in, signals, leave == null ? null : leave.getTeamId(),
                leave == null ? 0 : leave.getAgentVersion());
        projections.put(agentId, stored);
        if (changed) {
            context().forward(new Record<String, SpecificRecord>(agentId, stored.getRemoved() ? null : stored.getSnapshot(), now));
            metrics.count(EngineMetrics.Outcome.APPLIED);
        } else {
            metrics.count(EngineMetrics.Outcome.IGNORED_NO_CHANGE);
        }
        for (TeamMemberDelta d : team) {
            context().forward(new Record<String, SpecificRecord>(d.getTeamId(), d, now));
        }
        for (QueueSignal signal : signals) {
            context().forward(new Record<String, SpecificRecord>(signal.getQueueId(), signal, now));
        }
    }

    /**
     * Records that the projection has judged the event at {@code in} and ignored it (its agent off
     * the roster, or the event older than the state): a record read again after a crash is judged
     * by the position, not again against a state that a record of the other input may have changed
     * since — an event ignored while the agent was off the roster would otherwise be applied once a
     * roster entry had brought the agent back (which carries the position on). Nothing is sent.
     */
    private void judged(String agentId, AgentProjection current, AgentLedger.Input in, String eventId) {
        if (current != null && in.known()) {
            projections.put(agentId, ledger.record(remember(AgentProjection.newBuilder(current).build(), eventId), in, List.of(), null, 0));
        }
    }

    /** {@code p} (a projection this processor made, not shared) remembering {@code eventId} among the agent's latest ids. */
    private AgentProjection remember(AgentProjection p, String eventId) {
        p.setRecentEventIds(RecentEventIds.with(p.getRecentEventIds(), eventId, config.dedupeIds()));
        return p;
    }

    /**
     * A record the projection already reflects: read again after a crash. Not applied again; what it
     * led to is sent again, since the crash may have lost that while the store kept the change —
     * the current snapshot and team membership (readers drop a version they have, teams a member
     * version they hold) and the queue signals and team leave the projection kept for this record.
     */
    private void replayed(String agentId, AgentProjection current, AgentLedger.Input in, long now) {
        metrics.count(EngineMetrics.Outcome.IGNORED_REPLAYED);
        AgentSnapshot s = current.getSnapshot();
        context().forward(new Record<String, SpecificRecord>(agentId, current.getRemoved() ? null : s, now));
        TeamMemberDelta member = TeamRules.membership(current);
        if (member != null) {
            context().forward(new Record<String, SpecificRecord>(member.getTeamId(), member, now));
        }
        for (UnconfirmedOutput u : AgentLedger.sentBy(current, in)) {
            if (u.getLeftTeam() != null) {
                TeamMemberDelta left = TeamRules.left(s.getTenant(), u.getLeftTeam(), agentId, u.getLeftAtVersion(), s.getUpdatedAt());
                context().forward(new Record<String, SpecificRecord>(left.getTeamId(), left, now));
            }
            for (QueueSignal signal : u.getSignals()) {
                context().forward(new Record<String, SpecificRecord>(signal.getQueueId(), signal, now));
            }
        }
    }

    /**
     * Under at-least-once a crash can lose what a punctuation sent (a connector judged silent, a
     * day rolled over) while the store kept it, and no input record brings it back: every agent's
     * snapshot and team membership are sent once again after the task starts, before its first
     * record or at its first punctuation. Readers drop the versions they have.
     */
    private void resync(long now) {
        if (resync == null) {
            return;
        }
        resync.cancel();
        resync = null;
        try (KeyValueIterator<String, AgentProjection> all = projections.all()) {
            while (all.hasNext()) {
                KeyValue<String, AgentProjection> e = all.next();
                if (e.value.getRemoved()) {
                    continue;
                }
                context().forward(new Record<String, SpecificRecord>(e.key, e.value.getSnapshot(), now));
                TeamMemberDelta member = TeamRules.membership(e.value);
                if (member != null) {
                    context().forward(new Record<String, SpecificRecord>(member.getTeamId(), member, now));
                }
            }
        }
    }

    private void deadLetter(Record<String, byte[]> record, String reason) {
        context().forward(record.withValue((SpecificRecord) DeadLetters.of(context(), record, reason)));
        metrics.count(EngineMetrics.Outcome.DEAD_LETTERED);
    }

    /**
     * Connectors publish their status at least every 5 s; what their statuses say about the agents
     * they speak for ({@link ConnectorVerdicts}) is applied here.
     */
    private void checkConnectors(long now) {
        for (Change c : verdicts.check(now, projections::all)) {
            punctuated(c, now);
            if (c.changed()) {
                metrics.count(EngineMetrics.Outcome.APPLIED);
            }
        }
    }

    /** A change a punctuation made to one agent. */
    record Change(String agentId, AgentProjection before, AgentProjection after, boolean changed) {
    }

    /** Stores and sends a change no input record made (its position stays), and what its team sees of it. */
    private void punctuated(Change c, long now) {
        projections.put(c.agentId(), c.after());
        if (c.changed()) {
            context().forward(new Record<String, SpecificRecord>(c.agentId(), c.after().getSnapshot(), now));
        }
        for (TeamMemberDelta d : TeamRules.changes(c.before(), c.after())) {
            context().forward(new Record<String, SpecificRecord>(d.getTeamId(), d, now));
        }
    }

    private void rollDays(long now) {
        long started = System.nanoTime();
        List<Change> rolled = new ArrayList<>();
        try (KeyValueIterator<String, AgentProjection> all = projections.all()) {
            while (all.hasNext()) {
                KeyValue<String, AgentProjection> entry = all.next();
                if (entry.value.getRemoved()) {
                    continue;
                }
                AgentApplier.Applied applied = applier.rollDay(entry.value, now);
                if (applied.changed()) {
                    rolled.add(new Change(entry.key, entry.value, applied.projection(), true));
                }
            }
        }
        rolled.forEach(c -> punctuated(c, now));
        metrics.punctuated(System.nanoTime() - started);
    }
}
