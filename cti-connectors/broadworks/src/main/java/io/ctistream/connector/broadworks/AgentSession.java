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
import io.ctistream.connector.core.AgentFacts;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import io.ctistream.events.ForwardingKind;
import io.ctistream.events.ForwardingRule;
import io.ctistream.events.LinkState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the connector does for one BroadWorks agent: its subscriptions (hoteling when the profile
 * uses it, as-feature-event, dialog), what the AS last said in its own terms, and the translation of
 * every NOTIFY into canonical facts. Publishing only what changed, combining the subscriptions into
 * one link, forgetting and republishing around a link loss are core's {@link AgentFacts}. Runs on the
 * connector's context.
 */
final class AgentSession implements Subscription.Owner {
    private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);

    final AgentProfile profile;
    final Credentials.Secret secret;
    final Subscription hoteling;
    final Subscription feature;
    final Subscription dialog;
    final CommandRunner commands;
    final AgentFacts facts;
    private final ConnectorContext ctx;
    private final BroadWorksConfig config;
    private final List<Consumer<Object>> listeners = new ArrayList<>();

    // what the AS last said in its own terms (null: not known since the last (re)subscription)
    private boolean guestKnown;
    private String guest;
    private FeatureEventXml.BwAgentState acd;
    private String acdReason;
    private boolean alarmed;

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
        this.facts = new AgentFacts(ctx, profile, subscriptions().stream().map(sub -> sub.pkg).toList());
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
        facts.stopped();
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
        LinkState state = switch (s.state()) {
            case ACTIVE -> LinkState.ACTIVE;
            case LOST -> LinkState.LOST;
            case FAILED -> LinkState.TERMINATED;
            default -> null;
        };
        LinkState link = facts.link(s.pkg, state, s.reason());
        if (link == LinkState.TERMINATED && !alarmed) {
            alarmed = true;
            ctx.metrics().alarm("subscription_refused");
            String reason = s.reason();
            LOG.error("alarm: the AS refused the subscription for good [agentId={}, package={}, reason={}]", agentId(), s.pkg, reason);
            if (reason != null && reason.startsWith("TERMINATED_")) {
                // the platform's last word: this agent has no service from us: logged out, not unknown
                facts.state(AgentState.LOGGED_OUT, null, "subscription " + reason.substring("TERMINATED_".length()).toLowerCase());
            }
        }
        if (link == LinkState.ACTIVE) {
            alarmed = false;
        }
    }

    /** What a lost package told us is no longer known: the next full state is published in full. */
    private void forget(Subscription s) {
        if (s == feature) {
            acd = null;
            acdReason = null;
            facts.unknown(AgentFacts.Fact.STATE, AgentFacts.Fact.DND, AgentFacts.Fact.FORWARDING);
        } else if (s == hoteling) {
            guestKnown = false;
            guest = null;
            facts.unknown(AgentFacts.Fact.GUEST, AgentFacts.Fact.STATE); // a hoteling agent's state derives from the guest
        }
        // calls are kept: a full dialog state after the re-subscription ends those that are gone
    }

    @Override
    public void notified(Subscription s, String contentType, byte[] body, long receivedNanos) {
        facts.arrivedAt(receivedNanos);
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
                    facts.guest(guest);
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
            facts.arrivedAt(0);
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
            facts.dnd(d.on());
        } else if (e instanceof ForwardingEvent f) {
            ForwardingKind kind = Translator.kind(f.type());
            facts.forwarding(ForwardingRule.newBuilder().setKind(kind).setEnabled(f.on())
                    .setDestination(f.forwardTo()).setRingCount(f.ringCount()).build());
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
        facts.state(state, state == AgentState.NOT_READY ? acdReason : null, null);
    }

    private void applyDialogs(DialogInfo info) {
        if (info.full()) {
            // what the full state lacks ended: told first, so a new call is never taken for the continuation of an old one;
            // the end names the call as it was last seen (direction, queue, party), not just its id
            Set<String> present = new HashSet<>();
            info.dialogs().forEach(d -> present.add(d.stableCallId()));
            facts.callsPresent(present, "gone from the full dialog state");
        }
        for (Dialog d : info.dialogs()) {
            String callId = d.stableCallId();
            CallState now = Translator.callState(d);
            boolean over = now == CallState.ENDED || now == CallState.FAILED || now == CallState.REPLACED;
            String queue = d.direction() == DialogInfoXml.Direction.INITIATOR ? null : config.queueAddresses().get(d.localIdentity());
            facts.call(AgentCallEvent.newBuilder().setCallId(callId).setDirection(Translator.direction(d))
                    .setCallState(now).setQueueId(queue == null ? null : tenantQualified(queue))
                    .setRemoteParty(Translator.party(d.remoteIdentity())).setRemoteName(d.remoteDisplay())
                    .setCause(over ? d.event() : null)
                    .setDialledNumber(d.direction() == DialogInfoXml.Direction.INITIATOR ? null : Translator.party(d.localIdentity())).build());
        }
    }

    /** Queue ids on the wire are tenant-qualified like agent ids; a configured id that already is stays as it is. */
    private String tenantQualified(String queue) {
        return queue.contains("/") ? queue : profile.getTenant() + "/" + queue;
    }
}
