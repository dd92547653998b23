package io.ctistream.connector.broadworks;

import io.ctistream.connector.broadworks.codec.DialogInfoXml;
import io.ctistream.connector.broadworks.codec.DialogInfoXml.Dialog;
import io.ctistream.connector.broadworks.codec.DialogInfoXml.DialogInfo;
import io.ctistream.connector.broadworks.codec.FeatureEventXml;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.AgentStateEvent;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.DndEvent;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.FeatureEvent;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.ForwardingEvent;
import io.ctistream.connector.broadworks.codec.HotelingXml;
import io.ctistream.connector.broadworks.codec.HotelingXml.HotelingEvent;
import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.core.ConnectorContext;
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
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the connector knows and does for one agent: its subscriptions (hoteling when the
 * profile uses it, as-feature-event, dialog), what the platform last said, and the translation of
 * every change into canonical events. Emits only what changed; after a link loss it forgets what it
 * knew, so the next full-state NOTIFY is published in full. Runs on the connector's context.
 */
final class AgentSession implements Subscription.Owner {
    private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);

    final AgentProfile profile;
    final Credentials.Secret secret;
    final Subscription hoteling;
    final Subscription feature;
    final Subscription dialog;
    final CommandRunner commands;
    private final ConnectorContext ctx;
    private final BroadWorksConfig config;
    private final List<Consumer<Object>> listeners = new ArrayList<>();

    // what the platform last said (null: not known since the last (re)subscription)
    private boolean guestKnown;
    private String guest;
    private FeatureEventXml.BwAgentState acd;
    private String acdReason;
    // what was last published
    private AgentState publishedState;
    private String publishedReason;
    private String publishedGuest;
    private boolean guestPublished;
    private Boolean dnd;
    private final Map<ForwardingKind, ForwardingRule> forwarding = new EnumMap<>(ForwardingKind.class);
    private Boolean publishedDnd;
    private final Map<ForwardingKind, ForwardingRule> publishedForwarding = new EnumMap<>(ForwardingKind.class);
    private final Map<String, CallState> calls = new HashMap<>();
    private final Map<String, AgentCallEvent> liveCalls = new HashMap<>();
    private LinkState publishedLink = LinkState.UNKNOWN;
    private boolean alarmed;
    /** The command being run, if any: the correlation id of the state events its NOTIFYs give. */
    String commandInFlight;
    /** While a NOTIFY is processed: when it arrived, for the platform-to-ack latency of the events it gives. */
    private long notifyNanos;

    AgentSession(AgentProfile profile, Credentials.Secret secret, SipLayer sip, ConnectorContext ctx, BroadWorksConfig config) {
        this.profile = profile;
        this.secret = secret;
        this.ctx = ctx;
        this.config = config;
        String aor = aor(profile.getPlatformUserId());
        this.hoteling = profile.getHotelingGuestAddress() != null
                ? new Subscription(HotelingXml.EVENT_PACKAGE, HotelingXml.CONTENT_TYPE, aor, sip, ctx.vertx(), config, this, secret)
                : null;
        this.feature = new Subscription(config.featurePackage(), FeatureEventXml.CONTENT_TYPE, aor, sip, ctx.vertx(), config, this, secret);
        this.dialog = config.subscribeDialog()
                ? new Subscription(DialogInfoXml.EVENT_PACKAGE, DialogInfoXml.CONTENT_TYPE, aor, sip, ctx.vertx(), config, this, secret)
                : null;
        this.commands = new CommandRunner(this, ctx.vertx(), config);
    }

    static String aor(String platformUserId) {
        return platformUserId.startsWith("sip:") || platformUserId.startsWith("sips:") ? platformUserId : "sip:" + platformUserId;
    }

    String agentId() {
        return profile.getAgentId();
    }

    boolean usesHoteling() {
        return hoteling != null;
    }

    List<Subscription> subscriptions() {
        List<Subscription> out = new ArrayList<>(3);
        if (hoteling != null) {
            out.add(hoteling);
        }
        out.add(feature);
        if (dialog != null) {
            out.add(dialog);
        }
        return out;
    }

    int activeLinks() {
        int n = 0;
        for (Subscription s : subscriptions()) {
            if (s.active()) {
                n++;
            }
        }
        return n;
    }

    /** Why the AS refused one of this agent's subscriptions for good, or null. */
    String refusal() {
        for (Subscription s : subscriptions()) {
            if (s.state() == Subscription.State.FAILED) {
                return s.reason() == null ? "REFUSED" : s.reason();
            }
        }
        return null;
    }

    void close() {
        commands.cancelAll("OWNERSHIP_MOVED", "the agent moved to another connector instance; send the command again");
        subscriptions().forEach(Subscription::close);
    }

    void abandon() {
        subscriptions().forEach(Subscription::abandon);
    }

    /** Publishes that this instance stopped watching the agent: nobody vouches for its state now. */
    void publishStopped() {
        emit(SubscriptionChanged.newBuilder().setLinkState(LinkState.LOST).setChannel(null).setReason("connector stopped").build(), null);
    }

    /** Registers a one-shot interest in parsed documents (hoteling events, feature events); used by commands. */
    void onDocument(Consumer<Object> listener) {
        listeners.add(listener);
    }

    void removeDocumentListener(Consumer<Object> listener) {
        listeners.remove(listener);
    }

    // ------------------------------------------------------------------ subscription callbacks

    @Override
    public void linkChanged(Subscription s) {
        if (s.state() == Subscription.State.LOST || s.state() == Subscription.State.FAILED) {
            forget(s);
        }
        LinkState link = aggregate();
        if (link == null || link == publishedLink) {
            return;
        }
        publishedLink = link;
        String reason = link == LinkState.ACTIVE ? null : s.reason();
        if (link != LinkState.ACTIVE) {
            forgetPublished(); // downstream now shows the agent UNKNOWN: everything must be told again
        }
        if (link == LinkState.ACTIVE) {
            republish(); // first: ACTIVE tells the engine the full state is in, and what this run still knows is part of it (ADR 009)
        }
        emit(SubscriptionChanged.newBuilder().setLinkState(link).setChannel(s.pkg).setReason(reason).build(), null);
        if (link == LinkState.TERMINATED && !alarmed) {
            alarmed = true;
            ctx.metrics().alarm("subscription_refused");
            LOG.error("alarm: the AS refused the subscription for good [agentId={}, package={}, reason={}]", agentId(), s.pkg, s.reason());
            if (reason != null && reason.startsWith("TERMINATED_")) {
                // the platform's last word: this agent has no service from us: logged out, not unknown
                publishState(AgentState.LOGGED_OUT, null, "subscription " + reason.substring("TERMINATED_".length()).toLowerCase());
            }
        }
        if (link == LinkState.ACTIVE) {
            alarmed = false;
        }
    }

    /** ACTIVE when all are active, TERMINATED when one failed for good, LOST when one is lost; null while starting. */
    private LinkState aggregate() {
        boolean allActive = true;
        for (Subscription s : subscriptions()) {
            switch (s.state()) {
                case FAILED:
                    return LinkState.TERMINATED;
                case LOST:
                    return LinkState.LOST;
                case ACTIVE:
                    break;
                default:
                    allActive = false;
            }
        }
        return allActive ? LinkState.ACTIVE : null;
    }

    /** What a lost package told us is no longer known: the next full state is published in full. */
    private void forget(Subscription s) {
        if (s == feature) {
            acd = null;
            acdReason = null;
            dnd = null;
            forwarding.clear();
        } else if (s == hoteling) {
            guestKnown = false;
            guest = null;
        }
        // calls are kept: a full dialog state after the re-subscription ends those that are gone
    }

    private void forgetPublished() {
        publishedState = null;
        publishedReason = null;
        guestPublished = false;
        publishedGuest = null;
        publishedDnd = null;
        publishedForwarding.clear();
    }

    /** After the link is back: everything still known is published again (a no-op for what already was). */
    private void republish() {
        if (guestKnown) {
            publishGuest();
        }
        publishDnd();
        publishForwarding();
        publishAcdState();
        for (Map.Entry<String, AgentCallEvent> call : liveCalls.entrySet()) {
            emit(call.getValue(), call.getKey());
        }
    }

    private void publishGuest() {
        if (!guestPublished || !Objects.equals(publishedGuest, guest)) {
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

    @Override
    public void notified(Subscription s, String contentType, byte[] body, long receivedNanos) {
        notifyNanos = receivedNanos;
        try {
            if (s == feature) {
                List<FeatureEvent> events = FeatureEventXml.decode(contentType, body);
                events.forEach(this::applyFeature);
                publishAcdState();
                events.forEach(this::tell);
            } else if (s == hoteling) {
                HotelingEvent e = HotelingXml.decode(body);
                if (!e.challenged()) {
                    guestKnown = true;
                    guest = e.guestAddress();
                    publishGuest();
                    publishAcdState();
                }
                tell(e);
            } else if (s == dialog) {
                applyDialogs(DialogInfoXml.decode(body));
            }
        } catch (MalformedBodyException e) {
            ctx.metrics().malformed(s.pkg);
            LOG.warn("malformed notify ignored, nothing changed [agentId={}, package={}]: {}", agentId(), s.pkg, e.getMessage());
        } catch (RuntimeException e) {
            // a body the codec could not cope with is still only a bad body: counted, one line, the session lives
            ctx.metrics().malformed(s.pkg);
            LOG.warn("notify not understood, ignored [agentId={}, package={}]: {}", agentId(), s.pkg, e.toString());
        } finally {
            notifyNanos = 0;
        }
    }

    private void tell(Object document) {
        for (Consumer<Object> l : List.copyOf(listeners)) {
            l.accept(document);
        }
    }

    private void applyFeature(FeatureEvent e) {
        if (e instanceof AgentStateEvent a) {
            acd = a.state();
            acdReason = a.reason();
        } else if (e instanceof DndEvent d) {
            dnd = d.on();
            publishDnd();
        } else if (e instanceof ForwardingEvent f) {
            ForwardingKind kind = Translator.kind(f.type());
            forwarding.put(kind, ForwardingRule.newBuilder().setKind(kind).setEnabled(f.on())
                    .setDestination(f.forwardTo()).setRingCount(f.ringCount()).build());
            publishForwarding();
        } else {
            LOG.debug("feature event ignored [agentId={}, root={}]", agentId(), e);
        }
    }

    /** The canonical state once it can be told: for a hoteling profile an empty guest is LOGGED_OUT. */
    private void publishAcdState() {
        if (acd == null || (usesHoteling() && !guestKnown)) {
            return;
        }
        AgentState state = usesHoteling() && guest == null ? AgentState.LOGGED_OUT : Translator.state(acd);
        String reason = state == AgentState.NOT_READY ? acdReason : null;
        publishState(state, reason, null);
    }

    private void publishState(AgentState state, String reason, String label) {
        if (state == publishedState && Objects.equals(reason, publishedReason)) {
            return;
        }
        publishedState = state;
        publishedReason = reason;
        emit(AgentStateChanged.newBuilder().setState(state).setReasonCode(reason).setReasonLabel(label).build(), null);
    }

    private void applyDialogs(DialogInfo info) {
        Set<String> present = new HashSet<>();
        for (Dialog d : info.dialogs()) {
            String callId = d.stableCallId();
            present.add(callId);
            CallState now = Translator.callState(d);
            CallState before = calls.get(callId);
            boolean over = now == CallState.ENDED || now == CallState.FAILED || now == CallState.REPLACED;
            if (before == null && over) {
                continue; // a call we never saw start: nothing to end
            }
            if (now != before) {
                String queue = d.direction() == DialogInfoXml.Direction.INITIATOR ? null : config.queueAddresses().get(d.localIdentity());
                AgentCallEvent event = AgentCallEvent.newBuilder().setCallId(callId).setDirection(Translator.direction(d))
                        .setCallState(now).setQueueId(queue == null ? null : tenantQualified(queue))
                        .setRemoteParty(Translator.party(d.remoteIdentity())).setRemoteName(d.remoteDisplay())
                        .setCause(over ? d.event() : null).build();
                emit(event, callId);
                if (!over) {
                    liveCalls.put(callId, event);
                }
            }
            if (over) {
                calls.remove(callId);
                liveCalls.remove(callId);
            } else {
                calls.put(callId, now);
            }
        }
        if (info.full()) {
            for (String gone : List.copyOf(calls.keySet())) {
                if (!present.contains(gone)) {
                    calls.remove(gone);
                    // the end names the call as it was last seen (direction, queue, party), not just its id
                    AgentCallEvent last = liveCalls.remove(gone);
                    AgentCallEvent.Builder ended = last != null ? AgentCallEvent.newBuilder(last)
                            : AgentCallEvent.newBuilder().setCallId(gone).setDirection(io.ctistream.events.CallDirection.UNKNOWN);
                    emit(ended.setCallState(CallState.ENDED).setCause("gone from the full dialog state").build(), gone);
                }
            }
        }
    }

    /** Queue ids on the wire are tenant-qualified like agent ids; a configured id that already is stays as it is. */
    private String tenantQualified(String queue) {
        return queue.contains("/") ? queue : profile.getTenant() + "/" + queue;
    }

    void emit(Object payload, String correlationId) {
        long from = notifyNanos;
        String correlation = correlationId != null ? correlationId : commandInFlight;
        ctx.sink().publish(ctx.events().event(profile.getTenant(), agentId(), payload, null, null, correlation))
                .onSuccess(v -> {
                    if (from != 0) {
                        ctx.metrics().platformToAck(System.nanoTime() - from);
                    }
                })
                .onFailure(e -> LOG.debug("event not published [agentId={}]: {}", agentId(), e.toString())); // the connector says it once, and re-reads
    }
}
