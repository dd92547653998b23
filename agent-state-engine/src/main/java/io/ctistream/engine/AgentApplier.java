package io.ctistream.engine;

import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AgentState;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.CallState;
import io.ctistream.events.CommandOutcome;
import io.ctistream.events.CurrentCall;
import io.ctistream.events.DailyCounters;
import io.ctistream.events.DndChanged;
import io.ctistream.events.EventHeader;
import io.ctistream.events.ForwardingChanged;
import io.ctistream.events.ForwardingRule;
import io.ctistream.events.Freshness;
import io.ctistream.events.HotelingChanged;
import io.ctistream.events.LinkState;
import io.ctistream.events.SubscriptionChanged;
import io.ctistream.events.internal.AgentProjection;
import io.ctistream.events.internal.PendingHandle;
import io.ctistream.events.internal.QueueSignal;
import io.ctistream.events.internal.QueueSignalKind;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Applies one canonical event, or one roster entry, to an agent's projection: pure, no Kafka,
 * no clock but the one passed in. The rules are in {@link AgentRules} and ADR 003.
 */
final class AgentApplier {
    /** The projection after the event, the queue signals it gives rise to, and whether the published snapshot changed. */
    record Applied(AgentProjection projection, List<QueueSignal> signals, boolean changed) {
    }

    private final EngineConfig config;

    AgentApplier(EngineConfig config) {
        this.config = config;
    }

    /** A projection for an agent nobody has told us anything about yet: UNKNOWN, never guessed. */
    static AgentProjection unknown(String tenant, String agentId, long now) {
        AgentSnapshot snapshot = AgentSnapshot.newBuilder()
                .setTenant(tenant).setAgentId(agentId).setState(AgentState.UNKNOWN)
                .setCategory(AgentRules.category(AgentState.UNKNOWN, null))
                .setStateSince(java.time.Instant.ofEpochMilli(now)).setLink(LinkState.UNKNOWN).setFreshness(Freshness.UNKNOWN)
                // no day yet: the first event names it (a wall-clock day here would be wrong for a replay of
                // older events, and in UTC rather than the agent's zone)
                .setToday(DailyCounters.newBuilder().setDay("").setCallsHandled(0).setTalkTimeMillis(0).setHoldTimeMillis(0)
                        .setWrapUpTimeMillis(0).setNotReadyTimeMillis(0).build())
                .setVersion(0).setUpdatedAt(java.time.Instant.ofEpochMilli(now)).build();
        return AgentProjection.newBuilder().setSnapshot(snapshot).setAcdState(AgentState.UNKNOWN).build();
    }

    /** True when the event is older than what the projection already reflects (source sequence, else source time). */
    static boolean olderThanState(AgentProjection p, EventHeader header) {
        Long sequence = header.getSource().getPlatformSequence();
        if (sequence != null && p.getLastSourceSequence() != null
                && header.getSource().getConnectorInstance().equals(p.getLastSourceInstance())) {
            return sequence < p.getLastSourceSequence();
        }
        var occurred = header.getOccurredAt();
        var reflected = p.getSnapshot().getLastSourceOccurredAt();
        return occurred != null && reflected != null && occurred.isBefore(reflected);
    }

    /** Platform payloads are ordered by source sequence or time; the connector's own (link, command outcome) by arrival. */
    static boolean fromPlatform(Object payload) {
        return !(payload instanceof SubscriptionChanged) && !(payload instanceof CommandOutcome);
    }

    Applied applyProfile(AgentProjection current, AgentProfile profile, long now) {
        AgentProjection base = current != null ? current : unknown(profile.getTenant(), profile.getAgentId(), now);
        AgentSnapshot before = base.getSnapshot();
        AgentSnapshot after = AgentSnapshot.newBuilder(before).setDisplayName(profile.getDisplayName())
                .setTeamId(profile.getTeamId()).build();
        AgentProjection next = AgentProjection.newBuilder(base).setTimeZone(profile.getTimeZone()).build();
        return publish(current == null, next, before, after, now);
    }

    /**
     * The connector run that speaks for this agent went silent (its status is no longer refreshed) or
     * stopped: the agent shows UNKNOWN, link LOST, not live — said by the engine, once. What the
     * platform last reported is kept (the ACD state underneath; the last known call stays on the
     * greyed snapshot): if the same run of the
     * connector comes back ({@link #connectorBack}) nothing was missed (its events queue in Kafka
     * in order) and that is the truth again; a new run re-reports every agent itself.
     * Null when there is nothing to change (the link is already down).
     *
     * @param run the instance and its run ({@code instance@startMillis}) the verdict is about
     */
    Applied connectorSilent(AgentProjection current, String run, long now) {
        if (current == null || AgentRules.linkDown(current.getSnapshot().getLink())) {
            return null;
        }
        AgentSnapshot before = current.getSnapshot();
        return judged(current, before, AgentSnapshot.newBuilder(before).setLink(LinkState.LOST).setFreshness(Freshness.STALE)
                .setState(AgentState.UNKNOWN).setCategory(AgentRules.category(AgentState.UNKNOWN, before.getCurrentCall())), run, now);
    }

    /** The same connector run is alive again: what it last reported is shown, live. Null when this agent was not silenced by that run. */
    Applied connectorBack(AgentProjection current, String run, long now) {
        if (current == null || !run.equals(current.getSilencedBy())) {
            return null;
        }
        AgentSnapshot before = current.getSnapshot();
        AgentState state = AgentRules.effectiveState(current.getAcdState(), before.getCurrentCall(), LinkState.ACTIVE);
        return judged(current, before, AgentSnapshot.newBuilder(before).setLink(LinkState.ACTIVE).setFreshness(Freshness.LIVE).setState(state)
                .setCategory(AgentRules.category(state, before.getCurrentCall())), null, now);
    }

    private Applied judged(AgentProjection current, AgentSnapshot before, AgentSnapshot.Builder after, String silencedBy, long now) {
        ZoneId zone = zoneOf(current, before.getTenant());
        DailyCounters today = AgentRules.countersFor(before.getToday(), now, zone);
        if (after.getState() != before.getState()) {
            today = AgentRules.accrue(before.getToday(), before.getState(), before.getStateSince().toEpochMilli(), now, zone);
            after.setStateSince(java.time.Instant.ofEpochMilli(now));
        }
        after.setToday(today);
        return publish(false, AgentProjection.newBuilder(current).setSilencedBy(silencedBy).build(), before, after.build(), now);
    }

    /**
     * The connector run ({@code instance@run}) an event comes from, or null when it names none (a
     * connector from before runs were named, or ctistream's own events).
     */
    static String runOf(EventHeader header) {
        var source = header.getSource();
        if (source.getConnectorRun() == null || source.getPlatform() == io.ctistream.events.Platform.CTISTREAM) {
            return null;
        }
        return source.getConnectorInstance() + "@" + source.getConnectorRun();
    }

    /**
     * Applies one event. Runs are distinct (ADR 009): a restarted instance (a later run of the one
     * that spoke for the agent) knows nothing of what its earlier run said, so that ACD state is no
     * longer vouched for (UNKNOWN until the new run says it). A call no run vouches for now — reported
     * before a restart or a link loss, or by another instance — ends, counted once, at the link's next
     * ACTIVE (the full state is in by then) or when another call is reported, unless the full state
     * reported it again (then it carries on, not offered twice).
     */
    Applied applyEvent(AgentProjection current, AgentEvent event, long now) {
        return applyEvent(current, event, now, false);
    }

    /**
     * As {@link #applyEvent(AgentProjection, AgentEvent, long)}; {@code superseded} when the event
     * comes from an earlier run of an instance whose later run is alive: a connector that held its
     * events through a Kafka outage delivers them late, in order, before its new run re-reads the
     * platform (issue #13). Such an event is history: its transitions count (calls handled, the
     * day's figures) but it never shows the agent live, never withdraws what the new run said, and
     * never makes the old run the agent's voice again; the agent stays greyed until the new run reports it.
     */
    Applied applyEvent(AgentProjection current, AgentEvent event, long now, boolean superseded) {
        EventHeader header = event.getHeader();
        String run = runOf(header);
        AgentProjection p = current != null ? current : unknown(header.getTenant(), header.getAgentId(), now);
        if (run == null) {
            return applyPayload(current, p, header, event.getPayload(), true, false, now);
        }
        if (superseded && current != null && !run.equals(current.getServedByRun())) {
            // a later run or another instance has spoken for the agent since: the old run's history withdraws nothing of it
            return new Applied(current, List.of(), false);
        }
        if (superseded) {
            AgentSnapshot original = p.getSnapshot();
            Applied applied = applyPayload(p, p, header, event.getPayload(), false, true, now);
            AgentProjection next = AgentProjection.newBuilder(applied.projection()).setServedBy(p.getServedBy()).setSilencedBy(p.getSilencedBy())
                    .setServedByRun(p.getServedByRun()).setCallRun(p.getCallRun()).build();
            Applied published = republish(current == null, next, original, now);
            return new Applied(published.projection(), applied.signals(), published.changed());
        }
        AgentSnapshot original = p.getSnapshot();
        List<QueueSignal> signals = new ArrayList<>();
        if (restartOf(p.getServedByRun(), run)) {
            // the same instance restarted: it knows nothing of what its earlier run said (another instance taking
            // over reports the agent in full anyway, and a late event of the old owner must not withdraw the new one's word)
            p = AgentProjection.newBuilder(p).setAcdState(AgentState.UNKNOWN).build();
        }
        CurrentCall earlier = p.getSnapshot().getCurrentCall();
        Object payload = event.getPayload();
        boolean fullStateTold = payload instanceof SubscriptionChanged s && s.getLinkState() == LinkState.ACTIVE;
        boolean anotherCall = payload instanceof AgentCallEvent c && earlier != null && !c.getCallId().equals(earlier.getCallId())
                && !AgentRules.callOver(c.getCallState());
        if (earlier != null && !run.equals(p.getCallRun()) && (fullStateTold || anotherCall)) {
            // a call no run vouches for now (reported before a restart, a link loss or by another instance) that the
            // full state did not report again: it ended, counted once, before what comes next
            AgentCallEvent end = AgentCallEvent.newBuilder().setCallId(earlier.getCallId()).setDirection(earlier.getDirection())
                    .setCallState(CallState.ENDED).setQueueId(earlier.getQueueId()).setRemoteParty(earlier.getRemoteParty())
                    .setCause("not in the full state the connector reported again").build();
            Applied ended = applyPayload(p, p, header, end, false, false, now);
            signals.addAll(ended.signals());
            p = ended.projection();
        }
        Applied applied = applyPayload(p, p, header, payload, false, false, now);
        signals.addAll(applied.signals());
        AgentProjection after = applied.projection();
        CurrentCall call = after.getSnapshot().getCurrentCall();
        boolean linkDown = payload instanceof SubscriptionChanged s && AgentRules.linkDown(s.getLinkState());
        String callRun = call == null || linkDown ? null : payload instanceof AgentCallEvent ? run : after.getCallRun();
        after.setServedByRun(run); // (a projection applyPayload just built: completed in place)
        after.setCallRun(callRun);
        Applied published = republish(current == null, after, original, now);
        return new Applied(published.projection(), signals, published.changed());
    }

    /** True when {@code run} is a later run of the instance that ran {@code servedBy} (both {@code instance@run}). */
    static boolean restartOf(String servedBy, String run) {
        if (servedBy == null || servedBy.equals(run)) {
            return false;
        }
        int a = servedBy.lastIndexOf('@');
        int b = run.lastIndexOf('@');
        return a > 0 && b > 0 && servedBy.substring(0, a).equals(run.substring(0, b));
    }

    /** True when {@code run} is an earlier run of the instance that runs {@code later} (both {@code instance@startMillis}). */
    static boolean earlierRun(String run, String later) {
        if (!restartOf(later, run)) {
            return false;
        }
        try {
            return Long.parseLong(run.substring(run.lastIndexOf('@') + 1)) < Long.parseLong(later.substring(later.lastIndexOf('@') + 1));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Versions and stamps a projection reached in more than one step as one change from {@code original}.
     * {@code next} is one this applier just built: it is stamped in place, not copied.
     */
    private static Applied republish(boolean isNew, AgentProjection next, AgentSnapshot original, long now) {
        AgentSnapshot after = next.getSnapshot();
        boolean changed = isNew || !sameMaterial(original, after);
        after.setVersion(changed ? original.getVersion() + 1 : original.getVersion());
        after.setUpdatedAt(changed ? java.time.Instant.ofEpochMilli(now) : original.getUpdatedAt());
        return new Applied(next, List.of(), changed);
    }

    /**
     * @param current    the stored projection (null for an agent seen for the first time)
     * @param p          what to apply the payload to
     * @param legacyRuns true for an event that names no run: a link ACTIVE after the engine's silence
     *                   verdict then drops the call the silent connector reported (uncounted)
     * @param history    true for an event of a superseded run: counted, but the link stays down and nothing is live
     */
    private Applied applyPayload(AgentProjection current, AgentProjection p, EventHeader header, Object payload, boolean legacyRuns,
                                 boolean history, long now) {
        ZoneId zone = zoneOf(p, header.getTenant());
        long at = (header.getOccurredAt() != null ? header.getOccurredAt() : header.getIngestedAt()).toEpochMilli();
        AgentSnapshot before = p.getSnapshot();
        // shallow copies: only whole fields are replaced below, nothing nested is changed in place (an Avro builder's
        // copy is deep, and this runs for every event)
        AgentSnapshot snap = shallowCopy(before, new AgentSnapshot());
        AgentProjection next = shallowCopy(p, new AgentProjection());
        List<QueueSignal> signals = new ArrayList<>();

        AgentState acd = p.getAcdState();
        CurrentCall call = before.getCurrentCall();
        LinkState link = before.getLink();
        Freshness freshness = before.getFreshness();
        Long connectedAt = p.getCallConnectedAt() == null ? null : p.getCallConnectedAt().toEpochMilli();
        PendingHandle pending = p.getPendingHandle();
        boolean pendingIsNew = false;
        DailyCounters today = AgentRules.countersFor(before.getToday(), at, zone);
        int handledNow = 0;

        if (history && !AgentRules.linkDown(link)) {
            link = LinkState.LOST; // a superseded run's word: not live, whatever it says
            freshness = Freshness.STALE;
        }
        if (history && payload instanceof SubscriptionChanged) {
            // what an old run's link did is moot: the new run's report decides
        } else if (payload instanceof AgentStateChanged s) {
            acd = s.getState();
            snap.setReasonCode(s.getReasonCode());
            snap.setReasonLabel(s.getReasonLabel());
            if (history) {
                // the ACD state underneath follows, the link stays down
            } else if (link == LinkState.LOST) {
                link = LinkState.ACTIVE; // a full state from the platform is proof the link works again
            }
            // TERMINATED is the platform's refusal for good: only an explicit ACTIVE ends it; a state
            // said meanwhile (the connector's LOGGED_OUT verdict) is shown but stays STALE
            if (!history) {
                freshness = link == LinkState.TERMINATED ? Freshness.STALE : Freshness.LIVE;
            }
        } else if (payload instanceof HotelingChanged h) {
            snap.setHotelingGuest(h.getGuestAddress());
        } else if (payload instanceof DndChanged d) {
            snap.setDnd(d.getEnabled());
        } else if (payload instanceof ForwardingChanged f) {
            snap.setForwarding(withRule(before.getForwarding(), f.getRule()));
        } else if (payload instanceof SubscriptionChanged s) {
            if (legacyRuns && p.getSilencedBy() != null && s.getLinkState() == LinkState.ACTIVE) {
                // a new run of the connector subscribed again: its full state tells which calls still exist
                call = null;
                connectedAt = null;
            }
            if (link == LinkState.TERMINATED && s.getLinkState() == LinkState.ACTIVE) {
                acd = AgentState.UNKNOWN; // the refusal's verdict ends with it: the next full state tells
            }
            link = s.getLinkState();
            if (AgentRules.linkDown(link)) {
                acd = AgentState.UNKNOWN; // what we knew is no longer known: the next full state restores it
                if (legacyRuns) {
                    call = null;
                    connectedAt = null;
                }
                // with runs, the call stays on the greyed snapshot: the next ACTIVE ends it, counted once,
                // unless the full state before it reports it again (then it carries on, not offered twice)
                freshness = freshness == Freshness.UNKNOWN ? Freshness.UNKNOWN : Freshness.STALE;
            }
        } else if (payload instanceof AgentCallEvent c) {
            if (AgentRules.callOver(c.getCallState())) {
                if (call != null && call.getCallId().equals(c.getCallId())) {
                    if (connectedAt != null) {
                        handledNow = 1;
                        if (call.getQueueId() != null) {
                            if (pending != null) {
                                signals.add(handled(header, pending, at));
                            }
                            pending = new PendingHandle(call.getQueueId(), call.getCallId(), Math.max(0, at - connectedAt));
                            pendingIsNew = true;
                        }
                    }
                    call = null;
                    connectedAt = null;
                }
            } else {
                boolean newCall = call == null || !call.getCallId().equals(c.getCallId());
                String queueId = c.getQueueId() != null ? c.getQueueId() : newCall ? null : call.getQueueId();
                if (newCall) {
                    connectedAt = null;
                    if (queueId != null) {
                        signals.add(signal(header, queueId, c.getCallId(), QueueSignalKind.OFFERED_TO_AGENT, at));
                    }
                }
                call = CurrentCall.newBuilder().setCallId(c.getCallId()).setDirection(c.getDirection())
                        .setCallState(c.getCallState()).setQueueId(queueId).setRemoteParty(c.getRemoteParty())
                        .setSince(newCall ? java.time.Instant.ofEpochMilli(at) : call.getSince()).build();
                if (connectedAt == null && answered(c.getCallState())) {
                    connectedAt = at;
                    if (queueId != null) {
                        signals.add(signal(header, queueId, c.getCallId(), QueueSignalKind.ANSWERED, at));
                    }
                }
            }
        }
        // CommandOutcome changes nothing the wallboard shows: the push service answers the agent from cti.command-results.

        AgentState oldState = before.getState();
        AgentState newState = AgentRules.effectiveState(acd, call, link);
        long since = before.getStateSince().toEpochMilli();
        if (newState != oldState) {
            today = AgentRules.accrue(before.getToday(), oldState, since, at, zone);
            if (pending != null && !pendingIsNew && oldState == AgentState.WRAP_UP) {
                pending = new PendingHandle(pending.getQueueId(), pending.getCallId(), pending.getHandleMillis() + Math.max(0, at - since));
            }
            snap.setStateSince(java.time.Instant.ofEpochMilli(at));
        }
        if (pending != null && !pendingIsNew && newState != AgentState.WRAP_UP) {
            signals.add(handled(header, pending, at));
            pending = null;
        }
        if (handledNow > 0) {
            today = DailyCounters.newBuilder(today).setCallsHandled(today.getCallsHandled() + handledNow).build();
        }
        if (freshness == Freshness.LIVE && AgentRules.linkDown(link)) {
            freshness = Freshness.STALE;
        }

        snap.setState(newState);
        snap.setCategory(AgentRules.category(newState, call));
        snap.setCurrentCall(call);
        snap.setLink(link);
        snap.setFreshness(freshness);
        snap.setToday(today);
        snap.setLastEventId(header.getEventId());
        snap.setLastEventIngestedAt(header.getIngestedAt());
        snap.setLastSourceOccurredAt(latest(before.getLastSourceOccurredAt(), fromPlatform(payload) ? header.getOccurredAt() : null));
        next.setAcdState(acd);
        next.setCallConnectedAt(connectedAt == null ? null : java.time.Instant.ofEpochMilli(connectedAt));
        next.setPendingHandle(pending);
        if (header.getSource().getPlatform() != io.ctistream.events.Platform.CTISTREAM) {
            next.setServedBy(header.getSource().getConnectorInstance()); // who speaks for this agent now
            next.setSilencedBy(null); // a connector speaks: the engine's verdict is over
        }
        Long sequence = header.getSource().getPlatformSequence();
        if (sequence != null && fromPlatform(payload)) {
            next.setLastSourceSequence(sequence);
            next.setLastSourceInstance(header.getSource().getConnectorInstance());
        }
        Applied applied = publish(current == null, next, before, snap, now);
        return new Applied(applied.projection(), signals, applied.changed());
    }

    /** Day rollover without an event: at midnight the counters start from zero. */
    Applied rollDay(AgentProjection p, long now) {
        AgentSnapshot before = p.getSnapshot();
        ZoneId zone = zoneOf(p, before.getTenant());
        if (before.getToday().getDay().equals(AgentRules.day(now, zone))) {
            return new Applied(p, List.of(), false);
        }
        // only the new day's zeros: the time in the current state since midnight is added once, at its
        // next change (accrue clips at the start of that day); adding it here too would count it twice
        DailyCounters today = AgentRules.countersFor(before.getToday(), now, zone);
        return publish(false, AgentProjection.newBuilder(p).build(), before, AgentSnapshot.newBuilder(before).setToday(today).build(), now);
    }

    /**
     * {@code next} with {@code after} as its snapshot, versioned and stamped when it changed from
     * {@code before}. Both {@code next} and {@code after} are ones the caller just built: they are
     * completed in place, not copied (each Avro builder copy is a deep copy, and this runs for every event).
     */
    private Applied publish(boolean isNew, AgentProjection next, AgentSnapshot before, AgentSnapshot after, long now) {
        boolean changed = isNew || !sameMaterial(before, after);
        if (changed) {
            after.setVersion(before.getVersion() + 1);
            after.setUpdatedAt(java.time.Instant.ofEpochMilli(now));
        }
        next.setSnapshot(after);
        return new Applied(next, List.of(), changed);
    }

    /** {@code into} with every field of {@code from}: the same nested values, not copies of them. */
    private static <T extends org.apache.avro.specific.SpecificRecordBase> T shallowCopy(T from, T into) {
        int fields = from.getSchema().getFields().size();
        for (int i = 0; i < fields; i++) {
            into.put(i, from.get(i));
        }
        return into;
    }

    /** The snapshot's bookkeeping, which a change is not judged on. */
    private static final java.util.Set<String> BOOKKEEPING = java.util.Set.of("version", "updatedAt", "lastEventId", "lastEventIngestedAt",
            "lastSourceOccurredAt");
    /** Positions of the snapshot's other fields: what a change is judged on. */
    private static final int[] MATERIAL = AgentSnapshot.getClassSchema().getFields().stream()
            .filter(f -> !BOOKKEEPING.contains(f.name())).mapToInt(org.apache.avro.Schema.Field::pos).toArray();

    /** True when the two snapshots differ in their bookkeeping at most. */
    static boolean sameMaterial(AgentSnapshot a, AgentSnapshot b) {
        for (int i : MATERIAL) {
            if (!Objects.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private ZoneId zoneOf(AgentProjection p, String tenant) {
        if (p.getTimeZone() != null) {
            try {
                return ZoneId.of(p.getTimeZone());
            } catch (RuntimeException e) {
                // an unknown zone in the roster falls back to the tenant's
            }
        }
        return config.zoneOf(tenant);
    }

    private static boolean answered(CallState state) {
        return switch (state) {
            case CONNECTED, HELD, REMOTE_HELD, TRANSFERRING -> true;
            default -> false;
        };
    }

    private static List<ForwardingRule> withRule(List<ForwardingRule> rules, ForwardingRule rule) {
        List<ForwardingRule> next = new ArrayList<>();
        for (ForwardingRule r : rules) {
            if (r.getKind() != rule.getKind()) {
                next.add(r);
            }
        }
        next.add(rule);
        next.sort((a, b) -> a.getKind().compareTo(b.getKind()));
        return next;
    }

    private static java.time.Instant latest(java.time.Instant a, java.time.Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private static QueueSignal signal(EventHeader h, String queueId, String callId, QueueSignalKind kind, long at) {
        return QueueSignal.newBuilder().setTenant(h.getTenant()).setQueueId(queueId).setCallId(callId).setKind(kind)
                .setAt(java.time.Instant.ofEpochMilli(at)).setAgentId(h.getAgentId()).build();
    }

    private static QueueSignal handled(EventHeader h, PendingHandle pending, long at) {
        QueueSignal s = signal(h, pending.getQueueId(), pending.getCallId(), QueueSignalKind.HANDLED, at);
        s.setHandleMillis(pending.getHandleMillis());
        return s;
    }

    static boolean sameAgent(String key, EventHeader header) {
        return Objects.equals(key, header.getAgentId());
    }
}
