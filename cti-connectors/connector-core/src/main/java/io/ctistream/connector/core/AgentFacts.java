package io.ctistream.connector.core;

import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.CallState;
import io.ctistream.events.DndChanged;
import io.ctistream.events.ForwardingChanged;
import io.ctistream.events.ForwardingKind;
import io.ctistream.events.ForwardingRule;
import io.ctistream.events.HotelingChanged;
import io.ctistream.events.LinkState;
import io.ctistream.events.SubscriptionChanged;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a connector knows of one agent, in canonical terms, and what it has published of it — the
 * platform-neutral half of an adapter's agent session. An adapter tells it facts as the platform
 * says them (from a full state or a change, whatever the protocol); it publishes only what changed.
 *
 * <p>The agent's link combines the links of its channels (a BroadWorks agent has two or three SIP
 * subscriptions; a Finesse agent one XMPP session): ACTIVE when every channel is, TERMINATED when one
 * was refused for good, LOST when one is lost, nothing while they start. When the combined link goes
 * down, what was published is forgotten (downstream shows the agent UNKNOWN, so everything must be
 * told again); when it comes back, every fact still known is published again <em>before</em> the
 * link's ACTIVE, which tells the engine that the full state is in (ADR 009). Calls are per call id:
 * a change is published, an end forgets the call, and a full call list ends the calls it lacks as
 * they were last seen.
 *
 * <p>Runs on the connector's context, like the adapter.
 */
public final class AgentFacts {
    private static final Logger LOG = LoggerFactory.getLogger(AgentFacts.class);

    /** What a channel loses with its link: the facts it carried are no longer known. */
    public enum Fact { STATE, GUEST, DND, FORWARDING }

    private final ConnectorContext ctx;
    private final AgentProfile profile;
    private final Map<String, LinkState> channels = new LinkedHashMap<>();
    private LinkState publishedLink = LinkState.UNKNOWN;

    // what the platform last said (null / absent: not known)
    private AgentStateChanged state;
    private boolean guestKnown;
    private String guest;
    private Boolean dnd;
    private final Map<ForwardingKind, ForwardingRule> forwarding = new EnumMap<>(ForwardingKind.class);
    private final Map<String, AgentCallEvent> calls = new LinkedHashMap<>();

    // what was last published
    private AgentState publishedState;
    private String publishedReason;
    private boolean guestPublished;
    private String publishedGuest;
    private Boolean publishedDnd;
    private final Map<ForwardingKind, ForwardingRule> publishedForwarding = new EnumMap<>(ForwardingKind.class);

    private String commandInFlight;
    private long arrivedNanos;

    /** While a snapshot is read: the changes reported meanwhile, applied after it (null: not snapshotting). */
    private List<Held> held;

    /** A change reported while a snapshot was read: a state (with when it began, if the platform says) or a call. */
    private record Held(AgentStateChanged state, java.time.Instant since, AgentCallEvent call) {
    }

    /** @param channels the agent's links, e.g. the SIP event packages it subscribes to */
    public AgentFacts(ConnectorContext ctx, AgentProfile profile, Collection<String> channels) {
        this.ctx = ctx;
        this.profile = profile;
        channels.forEach(c -> this.channels.put(c, null));
    }

    public String agentId() {
        return profile.getAgentId();
    }

    // ------------------------------------------------------------------ links

    /**
     * One channel's link changed ({@code null}: starting). Returns the agent's combined link when it
     * changed (and was published), else null.
     */
    public LinkState link(String channel, LinkState state, String reason) {
        if (!channels.containsKey(channel)) {
            throw new IllegalArgumentException("no channel [" + channel + "] for agent " + agentId() + ": " + channels.keySet());
        }
        channels.put(channel, state);
        LinkState combined = combined();
        if (combined == null || combined == publishedLink) {
            return null;
        }
        publishedLink = combined;
        if (combined == LinkState.ACTIVE) {
            republish(); // first: ACTIVE tells the engine the full state is in, and what is still known is part of it
        } else {
            forgetPublished(); // downstream now shows the agent UNKNOWN: everything must be told again
        }
        emit(SubscriptionChanged.newBuilder().setLinkState(combined).setChannel(channel).setReason(combined == LinkState.ACTIVE ? null : reason)
                .build(), null);
        return combined;
    }

    /** The combined link as last published. */
    public LinkState link() {
        return publishedLink;
    }

    /** ACTIVE when all are, TERMINATED when one failed for good, LOST when one is lost; null while starting. */
    private LinkState combined() {
        boolean allActive = true;
        for (LinkState s : channels.values()) {
            if (s == LinkState.TERMINATED) {
                return LinkState.TERMINATED;
            }
        }
        for (LinkState s : channels.values()) {
            if (s == LinkState.LOST) {
                return LinkState.LOST;
            }
            allActive &= s == LinkState.ACTIVE;
        }
        return allActive ? LinkState.ACTIVE : null;
    }

    /** Facts a lost channel carried are no longer known: the next full state is published in full. */
    public void unknown(Fact... facts) {
        for (Fact f : facts) {
            switch (f) {
                case STATE -> state = null;
                case GUEST -> {
                    guestKnown = false;
                    guest = null;
                }
                case DND -> dnd = null;
                case FORWARDING -> forwarding.clear();
            }
        }
    }

    // ------------------------------------------------------------------ facts

    /** The agent's canonical state as the platform says it; published when the state or the reason changed. */
    public void state(AgentState s, String reasonCode, String reasonLabel) {
        state(s, reasonCode, reasonLabel, null);
    }

    /** As {@link #state(AgentState, String, String)}, with when the platform says the state began (null: it does not say). */
    public void state(AgentState s, String reasonCode, String reasonLabel, java.time.Instant since) {
        AgentStateChanged told = AgentStateChanged.newBuilder().setState(s).setReasonCode(reasonCode).setReasonLabel(reasonLabel).build();
        if (held != null) {
            held.add(new Held(told, since, null));
            return;
        }
        state = told;
        publishState();
    }

    /** The hoteling guest signed in on the agent's host ({@code null}: none). */
    public void guest(String address) {
        guestKnown = true;
        guest = address;
        publishGuest();
    }

    public void dnd(boolean on) {
        dnd = on;
        publishDnd();
    }

    public void forwarding(ForwardingRule rule) {
        forwarding.put(rule.getKind(), rule);
        publishForwarding();
    }

    /**
     * A call as the platform says it now: published when its state changed; an end forgets it. The
     * end of a call never seen starting is nothing to tell.
     */
    public void call(AgentCallEvent call) {
        if (held != null) {
            held.add(new Held(null, null, call));
            return;
        }
        AgentCallEvent before = calls.get(call.getCallId());
        boolean over = over(call.getCallState());
        if (before == null && over) {
            return;
        }
        if (before == null || before.getCallState() != call.getCallState()) {
            emit(call, call.getCallId());
        }
        if (over) {
            calls.remove(call.getCallId());
        } else {
            calls.put(call.getCallId(), call);
        }
    }

    /**
     * The platform's full list of the agent's calls: a known call it lacks has ended, and is told so
     * as it was last seen (direction, queue, party) with {@code cause}.
     */
    public void callsPresent(Collection<String> present, String cause) {
        for (String gone : List.copyOf(calls.keySet())) {
            if (!present.contains(gone)) {
                AgentCallEvent last = calls.remove(gone);
                emit(AgentCallEvent.newBuilder(last).setCallState(CallState.ENDED).setCause(cause).build(), gone);
            }
        }
    }

    // ------------------------------------------------------------------ snapshot, then stream

    /**
     * A full state is being read (a GET after connect, a GetAgentState): the state and call changes
     * the adapter reports from now until {@link #snapshot} are held, so that the snapshot — read
     * before some of them and answered after — cannot overwrite them. Debezium's snapshot/streaming
     * split, per agent.
     */
    public void snapshotBegins() {
        held = new ArrayList<>();
    }

    /** The snapshot could not be read: what was held is dropped (the link is lost; the next snapshot reads the truth). */
    public void snapshotFailed() {
        held = null;
    }

    /** True between {@link #snapshotBegins()} and {@link #snapshot}. */
    public boolean snapshotting() {
        return held != null;
    }

    /**
     * The full state as read: the agent's state ({@code since}: when it began, null when the
     * platform does not say) and every live call. What differs from what was published goes out
     * (the corrections); a known call the snapshot lacks has ended, told as last seen with
     * {@code endedCause}. Then the changes held while it was read are applied in order, except those
     * the snapshot already has something newer of: a state that began before the snapshot's, a call
     * step behind the snapshot's (offered after connected).
     */
    public void snapshot(AgentState s, String reasonCode, String reasonLabel, java.time.Instant since, Collection<AgentCallEvent> live,
                         String endedCause) {
        List<Held> meanwhile = held == null ? List.of() : held;
        held = null;
        state(s, reasonCode, reasonLabel, since);
        java.util.Set<String> present = new java.util.HashSet<>();
        Map<String, AgentCallEvent> read = new LinkedHashMap<>();
        for (AgentCallEvent c : live) {
            present.add(c.getCallId());
            read.put(c.getCallId(), c);
            call(c);
        }
        callsPresent(present, endedCause);
        for (Held h : meanwhile) {
            if (h.state() != null) {
                if (!(h.since() != null && since != null && h.since().isBefore(since))) {
                    state(h.state().getState(), h.state().getReasonCode(), h.state().getReasonLabel(), h.since());
                }
            } else {
                AgentCallEvent snap = read.get(h.call().getCallId());
                if (snap == null || stage(h.call().getCallState()) >= stage(snap.getCallState())) {
                    call(h.call());
                }
            }
        }
    }

    /** How far along a call is: setting up, talking (connected or held, either way), over. */
    private static int stage(CallState s) {
        return switch (s) {
            case CONNECTED, HELD, REMOTE_HELD -> 1;
            case ENDED, FAILED, REPLACED -> 2;
            default -> 0;
        };
    }

    /** The agent's live calls as last seen (a command may need them). */
    public Collection<AgentCallEvent> calls() {
        return List.copyOf(calls.values());
    }

    // ------------------------------------------------------------------ bookkeeping

    /** The command being run: events without a correlation of their own name it. Null when it is over. */
    public void commandInFlight(String commandId) {
        this.commandInFlight = commandId;
    }

    /**
     * While a platform message is applied: when it arrived ({@link System#nanoTime()}), for the
     * platform-to-ack latency of the events it gives; 0 after.
     */
    public void arrivedAt(long nanos) {
        this.arrivedNanos = nanos;
    }

    /** This instance stopped watching the agent: nobody vouches for its state now. */
    public void stopped() {
        emit(SubscriptionChanged.newBuilder().setLinkState(LinkState.LOST).setChannel(null).setReason("connector stopped").build(), null);
    }

    private void publishState() {
        if (state == null || (state.getState() == publishedState && Objects.equals(state.getReasonCode(), publishedReason))) {
            return;
        }
        publishedState = state.getState();
        publishedReason = state.getReasonCode();
        emit(AgentStateChanged.newBuilder(state).build(), null);
    }

    private void publishGuest() {
        if (guestKnown && (!guestPublished || !Objects.equals(publishedGuest, guest))) {
            guestPublished = true;
            publishedGuest = guest;
            emit(HotelingChanged.newBuilder().setGuestAddress(guest).build(), null);
        }
    }

    private void publishDnd() {
        if (dnd != null && !Objects.equals(publishedDnd, dnd)) {
            publishedDnd = dnd;
            emit(DndChanged.newBuilder().setEnabled(dnd).build(), null);
        }
    }

    private void publishForwarding() {
        for (ForwardingRule rule : forwarding.values()) {
            if (!rule.equals(publishedForwarding.get(rule.getKind()))) {
                publishedForwarding.put(rule.getKind(), rule);
                emit(ForwardingChanged.newBuilder().setRule(rule).build(), null);
            }
        }
    }

    private void forgetPublished() {
        publishedState = null;
        publishedReason = null;
        guestPublished = false;
        publishedGuest = null;
        publishedDnd = null;
        publishedForwarding.clear();
    }

    /** After the link is back: everything still known is published again (a no-op for what already was), live calls included. */
    private void republish() {
        publishGuest();
        publishDnd();
        publishForwarding();
        publishState();
        for (Map.Entry<String, AgentCallEvent> call : new ArrayList<>(calls.entrySet())) {
            emit(call.getValue(), call.getKey());
        }
    }

    private static boolean over(CallState s) {
        return s == CallState.ENDED || s == CallState.FAILED || s == CallState.REPLACED;
    }

    private void emit(Object payload, String correlationId) {
        long from = arrivedNanos;
        String correlation = correlationId != null ? correlationId : commandInFlight;
        ctx.sink().publish(ctx.events().event(profile.getTenant(), agentId(), payload, null, null, correlation))
                .onSuccess(v -> {
                    if (from != 0) {
                        ctx.metrics().platformToAck(System.nanoTime() - from);
                    }
                })
                .onFailure(e -> {
                    // not acknowledged, so not published: the next fact is told in full (the connector also re-reads the platform)
                    forgetPublished();
                    LOG.debug("event not published [agentId={}]: {}", agentId(), e.toString());
                });
    }
}
