package io.ctistream.connector.finesse;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.finesse.codec.ApiErrors;
import io.ctistream.connector.finesse.codec.FinesseDialog;
import io.ctistream.connector.finesse.codec.FinesseDialogs;
import io.ctistream.connector.finesse.codec.FinesseStates;
import io.ctistream.connector.finesse.codec.FinesseUpdate;
import io.ctistream.connector.finesse.codec.FinesseUpdateParser;
import io.ctistream.connector.finesse.codec.FinesseUser;
import io.ctistream.connector.finesse.codec.PubSubItem;
import io.ctistream.connector.finesse.codec.SystemInfo;
import io.ctistream.connector.finesse.codec.XmppStanzaCodec;
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one Finesse agent's notifications say, in canonical terms: each stanza's pubsub items parsed
 * (a body the codec refuses is counted and dropped, the session lives), the User updates told as
 * the agent's state (and to the command waiting for them), the Dialogs as its calls, apiErrors to
 * the command runner, SystemInfo to the adapter. During a snapshot core holds what they say until
 * the snapshot is in. Runs on the connector's context.
 */
final class FinesseUpdates {
    private static final Logger LOG = LoggerFactory.getLogger(FinesseUpdates.class);

    private final FinesseAgent agent;
    private final ConnectorContext ctx;
    private final FinesseAgent.Site site;

    FinesseUpdates(FinesseAgent agent, ConnectorContext ctx, FinesseAgent.Site site) {
        this.agent = agent;
        this.ctx = ctx;
        this.site = site;
    }

    void stanza(String text) {
        long arrived = System.nanoTime();
        eachUpdate(text, (item, update) -> {
            agent.facts.arrivedAt(arrived);
            try {
                apply(update); // during a snapshot, core holds what it says until the snapshot is in
            } finally {
                agent.facts.arrivedAt(0);
            }
        }, this::malformed);
    }

    /**
     * Each pubsub item of a notification stanza with its parsed Update, in order; a stanza or an
     * item that cannot be read goes to {@code malformed} (what it was, why) and the rest are still read.
     */
    static void eachUpdate(String stanza, java.util.function.BiConsumer<PubSubItem, FinesseUpdate> on,
                           java.util.function.BiConsumer<String, MalformedBodyException> malformed) {
        List<PubSubItem> items;
        try {
            items = XmppStanzaCodec.decode(stanza);
        } catch (MalformedBodyException e) {
            malformed.accept("stanza", e);
            return;
        }
        for (PubSubItem item : items) {
            FinesseUpdate update;
            try {
                update = FinesseUpdateParser.parse(item.payload());
            } catch (MalformedBodyException e) {
                malformed.accept("update on " + item.node(), e);
                continue;
            }
            on.accept(item, update);
        }
    }

    private void malformed(String what, MalformedBodyException e) {
        ctx.metrics().malformed(FinesseAgent.CHANNEL);
        LOG.warn("malformed finesse {} ignored [agentId={}]: {}", what, agent.profile.getAgentId(), e.getMessage());
    }

    /** One Update, as Finesse meant it. */
    void apply(FinesseUpdate u) {
        Object data = u.data();
        if (data instanceof FinesseUser fu) {
            if (mine(fu, u.source())) {
                applyUser(fu);
                agent.commands.userNotified(u.requestId(), fu);
            }
        } else if (data instanceof FinesseDialogs ds) {
            boolean removed = u.event() == FinesseUpdate.Event.DELETE;
            ds.dialogs().forEach(d -> applyDialog(d, removed));
        } else if (data instanceof FinesseDialog d) {
            applyDialog(d, u.event() == FinesseUpdate.Event.DELETE);
        } else if (data instanceof ApiErrors errors) {
            agent.commands.apiErrors(u.requestId(), u.source(), errors);
        } else if (data instanceof SystemInfo info) {
            site.systemInfo(info);
        } else {
            LOG.debug("finesse update not used [agentId={}, source={}]", agent.profile.getAgentId(), u.source());
        }
    }

    /** This agent's User: named by its loginId, or (without one) published from its own User resource. */
    private boolean mine(FinesseUser u, String source) {
        if (u.loginId() != null) {
            return u.loginId().equalsIgnoreCase(agent.secret.loginId());
        }
        return source != null && source.equalsIgnoreCase("/finesse/api/User/" + agent.secret.loginId());
    }

    private void applyUser(FinesseUser u) {
        agent.remember(u);
        var state = FinesseStates.agentState(u.state());
        FinesseStates.Reason reason = reasoned(state) ? FinesseStates.reason(u, null) : null;
        agent.facts.state(state, reason == null ? null : reason.code(), reason == null ? null : reason.label(), FinesseAgent.since(u));
    }

    static boolean reasoned(io.ctistream.events.AgentState s) {
        return s == io.ctistream.events.AgentState.NOT_READY || s == io.ctistream.events.AgentState.LOGGED_OUT;
    }

    static boolean over(CallState s) {
        return s == CallState.ENDED || s == CallState.FAILED;
    }

    private void applyDialog(FinesseDialog d, boolean removed) {
        AgentCallEvent c = callOf(d, removed);
        if (c != null) {
            agent.facts.call(c);
        }
    }

    /** A dialog as the agent's call (null when Finesse says nothing the agent's call state can be made of). */
    AgentCallEvent callOf(FinesseDialog d, boolean removed) {
        CallState state = removed ? CallState.ENDED : FinesseStates.agentCallState(d, agent.extension());
        if (state == CallState.UNKNOWN) {
            return null;
        }
        var participant = d.participant(agent.extension());
        String cause = removed ? "dialog removed"
                : participant.map(p -> p.stateCause() == null || p.stateCause().isBlank() ? null : p.stateCause()).orElse(null);
        return AgentCallEvent.newBuilder().setCallId(d.id()).setDirection(FinesseStates.direction(d, agent.extension())).setCallState(state)
                .setQueueId(site.tenantQueue(agent.profile.getTenant(), d)).setRemoteParty(FinesseStates.remoteParty(d, agent.extension()))
                .setRemoteName(null).setCause(over(state) ? cause : null)
                .setDialledNumber(FinesseStates.direction(d, agent.extension()) == CallDirection.INBOUND ? blankToNull(d.dnis()) : null)
                .setCallData(callData(d)).build();
    }

    /** The dialog's call variables that hold something, for a screen pop. */
    static Map<String, String> callData(FinesseDialog d) {
        Map<String, String> data = new TreeMap<>();
        d.callVariables().forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                data.put(name, value);
            }
        });
        return data;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
