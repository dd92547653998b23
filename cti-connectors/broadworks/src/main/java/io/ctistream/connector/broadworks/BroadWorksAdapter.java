package io.ctistream.connector.broadworks;

import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.core.Outcome;
import io.ctistream.connector.core.Pacer;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentProfile;
import io.ctistream.connector.broadworks.xsi.XsiQueueSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BroadWorks platform adapter: one SIP endpoint, one {@link AgentSession} per owned agent,
 * initial SUBSCRIBEs paced at the configured rate so a restart or a takeover never storms the AS.
 */
public final class BroadWorksAdapter implements PlatformAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(BroadWorksAdapter.class);

    private final BroadWorksConfig config;
    private final Credentials credentials;
    private final XsiQueueSource queueSource;
    /** Changed on the context only; concurrent so health and metrics may read it from anywhere. */
    private final Map<String, AgentSession> sessions = new java.util.concurrent.ConcurrentHashMap<>();
    private final Deque<Subscription> toOpen = new ArrayDeque<>();
    private ConnectorContext ctx;
    private SipLayer sip;
    private long pacer = -1;
    private PlatformProbe probe;
    static final String UNREACHABLE = "PLATFORM_UNREACHABLE";
    static final String RESYNC = "RESYNC_AFTER_KAFKA_LOSS";

    public BroadWorksAdapter(BroadWorksConfig config, Credentials credentials) {
        this(config, credentials, null);
    }

    /** @param queueSource the call-center queues over Xsi-Events (issue #17), or null for none */
    public BroadWorksAdapter(BroadWorksConfig config, Credentials credentials, XsiQueueSource queueSource) {
        this.config = config;
        this.credentials = credentials;
        this.queueSource = queueSource;
    }

    @Override
    public Future<Void> start(ConnectorContext context) {
        this.ctx = context;
        try {
            sip = new SipLayer(config, Vertx.currentContext());
            sip.start();
            probe = new PlatformProbe(sip, context.vertx(), config.probeInterval(), new PlatformProbe.Listener() {
                @Override
                public void unreachable() {
                    toOpen.clear();
                    sessions.values().forEach(s -> s.subscriptions().forEach(sub -> sub.suspend(UNREACHABLE)));
                }

                @Override
                public void reachable() {
                    // the AS may have restarted without its subscriptions: each one is made anew, paced
                    sessions.values().forEach(s -> s.subscriptions().stream().filter(Subscription::suspended).forEach(toOpen::add));
                    pace();
                }
            });
            probe.start(config.outboundProxy() != null);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        if (config.featurePackage().equals(BroadWorksConfig.FEATURE_PACKAGE_ALIAS)) {
            LOG.warn("subscribing to the feature package under its alias [{}] instead of [{}]: use it only for an AS that needs it",
                    BroadWorksConfig.FEATURE_PACKAGE_ALIAS, BroadWorksConfig.FEATURE_PACKAGE);
        }
        if (BroadWorksConfig.wildcard(config.bindHost()) && java.net.InetAddress.getLoopbackAddress().getHostAddress().equals(config.contactHost())
                && !config.outboundProxy().startsWith("127.") && !config.outboundProxy().startsWith("localhost")) {
            LOG.warn("sip contact host not set, and no address of this host but loopback was found: an AS elsewhere cannot send NOTIFYs "
                    + "to [{}]; set CTISTREAM_BW_CONTACT_HOST", config.contactHost());
        } else if (BroadWorksConfig.wildcard(config.bindHost())) {
            LOG.info("sip contact host not set and the bind host [{}] is a wildcard: the AS is asked to send NOTIFYs to [{}]; "
                    + "set CTISTREAM_BW_CONTACT_HOST when it must reach another address", config.bindHost(), config.contactHost());
        }
        LOG.info("broadworks adapter started [{}]", config);
        return queueSource == null ? Future.succeededFuture() : queueSource.start(context, context.queues()::owns);
    }

    /** The local SIP port (useful when the config asked for a free one). */
    public int sipPort() {
        return sip.port();
    }

    @Override
    public void take(AgentProfile profile) {
        AgentSession old = sessions.get(profile.getAgentId());
        if (old != null) {
            if (old.profile.equals(profile)) {
                return;
            }
            old.close(); // addressing or credentials changed: start over with the new profile
            toOpen.removeIf(s -> old.subscriptions().contains(s));
        }
        Optional<Credentials.Secret> secret = credentials.resolve(profile.getCredentialRef());
        if (profile.getCredentialRef() != null && secret.isEmpty()) {
            LOG.warn("no credentials for the agent's credential reference, subscribing without [agentId={}]", profile.getAgentId());
        }
        AgentSession session = new AgentSession(profile, secret.orElse(null), sip, ctx, config);
        sessions.put(profile.getAgentId(), session);
        if (probe.down()) {
            // nothing to subscribe to now: lost until the AS answers, then opened with the others
            session.subscriptions().forEach(sub -> sub.suspend(UNREACHABLE));
            return;
        }
        toOpen.addAll(session.subscriptions());
        pace();
    }

    @Override
    public void release(String agentId) {
        AgentSession session = sessions.remove(agentId);
        if (session != null) {
            toOpen.removeIf(s -> session.subscriptions().contains(s));
            session.close();
        }
    }

    /**
     * Reads every owned agent's full state again: each subscription is made anew in a new dialog, paced
     * (its link LOST when its turn comes), and answered with a full-state NOTIFY. Until then the engine
     * shows the agents UNKNOWN anyway: the run changed when the events were lost (ADR 009).
     */
    @Override
    public void resync() {
        if (queueSource != null) {
            queueSource.resync();
        }
        if (probe.down()) {
            return; // the AS does not answer: its recovery re-creates every subscription anyway
        }
        toOpen.clear();
        for (AgentSession s : sessions.values()) {
            for (Subscription sub : s.subscriptions()) {
                if (sub.state() != Subscription.State.FAILED) {
                    sub.reread(RESYNC);
                    toOpen.add(sub);
                }
            }
        }
        pace();
    }

    /** The queue source follows exactly the queues this instance owns after a rebalance. */
    @Override
    public void queuesChanged() {
        if (queueSource != null) {
            queueSource.queuesChanged();
        }
    }

    @Override
    public Future<Outcome> execute(AgentCommand command, AgentProfile profile) {
        AgentSession session = sessions.get(command.getAgentId());
        if (session == null) {
            return Future.succeededFuture(Outcome.failed("NOT_OWNED", "this connector instance does not serve the agent now"));
        }
        return session.commands.submit(command);
    }

    @Override
    public Future<Void> stop() {
        if (probe != null) {
            probe.stop();
        }
        if (pacer != -1) {
            ctx.vertx().cancelTimer(pacer);
        }
        toOpen.clear();
        for (AgentSession s : List.copyOf(sessions.values())) {
            s.close();
            s.publishStopped();
        }
        sessions.clear();
        Future<Void> queuesStopped = queueSource == null ? Future.succeededFuture() : queueSource.stop();
        // give the unsubscribes a moment on the wire before the stack goes
        return queuesStopped.transform(q -> ctx.vertx().timer(200)).compose(v -> {
            sip.stop();
            return Future.<Void>succeededFuture();
        }, e -> Future.succeededFuture());
    }

    @Override
    public void abort() {
        if (probe != null) {
            probe.stop();
        }
        if (pacer != -1) {
            ctx.vertx().cancelTimer(pacer);
        }
        toOpen.clear();
        sessions.values().forEach(AgentSession::abandon);
        sessions.clear();
        if (queueSource != null) {
            queueSource.abort();
        }
        sip.stop();
    }

    @Override
    public boolean platformUp() {
        return sip != null && sip.up() && (probe == null || !probe.down());
    }

    @Override
    public int linksActive() {
        int n = 0;
        for (AgentSession s : sessions.values()) {
            n += s.activeLinks();
        }
        return n;
    }

    /** SIP subscriptions now: event package (the channel) → state ({@code SUBSCRIBING}, {@code ACTIVE}, {@code LOST}, …) → how many. */
    @Override
    public Map<String, Map<String, Integer>> linksByChannelAndState() {
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        for (AgentSession s : sessions.values()) {
            for (Subscription sub : s.subscriptions()) {
                counts.computeIfAbsent(sub.pkg, k -> {
                    Map<String, Integer> byState = new TreeMap<>();
                    for (Subscription.State state : Subscription.State.values()) {
                        byState.put(state.name(), 0); // every state of a package in use, so a dashboard sees zeros, not gaps
                    }
                    return byState;
                }).merge(sub.state().name(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Agents with a subscription the AS refused for good, by its reason (e.g. {@code TERMINATED_REJECTED}). */
    @Override
    public Map<String, Integer> refusedLinks() {
        Map<String, Integer> out = new TreeMap<>();
        for (AgentSession s : sessions.values()) {
            String why = s.refusal();
            if (why != null) {
                out.merge(why, 1, Integer::sum);
            }
        }
        return out;
    }

    /** SIP client transactions the stack holds now (diagnostics). */
    public int sipClientTransactions() {
        return sip == null ? 0 : sip.clientTransactions();
    }

    /** Sessions owned now (for tests and metrics). */
    public int sessions() {
        return sessions.size();
    }

    /** Opens queued subscriptions: all at once when unpaced, else {@code subscribeRate} per second ({@link Pacer}). */
    private void pace() {
        if (config.subscribeRate() == 0) {
            while (!toOpen.isEmpty()) {
                toOpen.poll().openQueued();
            }
            return;
        }
        if (pacer != -1) {
            return;
        }
        Pacer pace = new Pacer(config.subscribeRate());
        pacer = ctx.vertx().setPeriodic(0, Pacer.TICK_MILLIS, id -> {
            for (int n = pace.permits(!toOpen.isEmpty()); n > 0 && !toOpen.isEmpty(); n--) {
                toOpen.poll().openQueued();
            }
            if (toOpen.isEmpty()) {
                ctx.vertx().cancelTimer(pacer);
                pacer = -1;
            }
        });
    }
}
