package io.ctistream.connector.finesse;

import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.core.LinkCensus;
import io.ctistream.connector.core.Outcome;
import io.ctistream.connector.core.Pacer;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.finesse.codec.FinesseDialog;
import io.ctistream.connector.finesse.codec.FinesseRestCodec;
import io.ctistream.connector.finesse.codec.SystemInfo;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentProfile;
import io.vertx.core.Future;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cisco Finesse as a platform adapter: REST for snapshots and commands, one XMPP-over-WebSocket
 * session per agent for notifications (Finesse logs out an agent whose presence is gone, so each
 * agent has a session under its own JID). Sessions are opened paced ({@code signInRate}). The
 * node in service is watched through SystemInfo (protocols/finesse.md section 7): out of service,
 * every agent is LOST (UNKNOWN downstream) until the node is back and the agent re-read; a node
 * that does not answer is left for the other side, where every agent is opened anew.
 */
public final class FinesseAdapter implements PlatformAdapter, FinesseAgent.Site {
    private static final Logger LOG = LoggerFactory.getLogger(FinesseAdapter.class);

    private final FinesseConfig config;
    private final FinesseCredentials credentials;
    private final java.util.function.Function<ConnectorContext, Notifications.Factory> sessionsAtStart;
    private Notifications.Factory sessions;
    private final Map<String, FinesseAgent> agents = new ConcurrentHashMap<>(); // read by the scrape thread too
    private final Map<String, FinesseAgent> byLogin = new java.util.HashMap<>();
    private final FinesseWatch.Settings watchSettings;
    private FinesseWatch supervisor;
    private final ReasonCodes reasons = new ReasonCodes();
    private final Deque<FinesseAgent> toOpen = new ArrayDeque<>();
    /** Agents whose session is kept and who wait to be read again (back in service, a resync), paced like sign-ins. */
    private final java.util.LinkedHashSet<FinesseAgent> toRead = new java.util.LinkedHashSet<>();
    private ConnectorContext ctx;
    private FinesseRest rest;
    private int active;
    private SystemInfo info;
    private volatile boolean inService;
    private boolean seenInService;
    private long pacer = -1;
    private long watch = -1;
    private int unanswered;
    private boolean polling;
    private int probeTurn;
    private FinesseCredentials.Secret refusedProbe;

    /** @param sessions makes the agents' notification sessions, given the connector's context at start */
    public FinesseAdapter(FinesseConfig config, FinesseCredentials credentials,
                          java.util.function.Function<ConnectorContext, Notifications.Factory> sessions) {
        this(config, credentials, sessions, null);
    }

    /**
     * @param watch the supervisor session's settings (Queue and Team nodes, ADR 023), or null for none
     */
    FinesseAdapter(FinesseConfig config, FinesseCredentials credentials,
                   java.util.function.Function<ConnectorContext, Notifications.Factory> sessions, FinesseWatch.Settings watch) {
        this.config = config;
        this.credentials = credentials;
        this.sessionsAtStart = sessions;
        this.watchSettings = watch;
    }

    /**
     * The adapter with XMPP-over-WebSocket sessions and a supervisor session that follows the owned
     * queues' Queue nodes and the agents' Team nodes (ADR 023).
     *
     * @param supervisorRef the supervisor's credential reference
     * @param queues Finesse queue id to the tenant's queue id
     */
    public static FinesseAdapter overXmpp(FinesseConfig config, FinesseCredentials credentials, int maxSessions, String supervisorRef,
                                          Map<String, String> queues) {
        return new FinesseAdapter(config, credentials, ctx -> XmppNotifications.factory(ctx.vertx(), config, ctx.metrics(), maxSessions + 1),
                new FinesseWatch.Settings(supervisorRef, queues));
    }

    /** The adapter with XMPP-over-WebSocket sessions (ADR 011), at most {@code maxSessions} agents. */
    public static FinesseAdapter overXmpp(FinesseConfig config, FinesseCredentials credentials, int maxSessions) {
        return new FinesseAdapter(config, credentials, ctx -> XmppNotifications.factory(ctx.vertx(), config, ctx.metrics(), maxSessions));
    }

    @Override
    public Future<Void> start(ConnectorContext context) {
        this.ctx = context;
        this.rest = new FinesseRest(context.vertx(), config);
        this.sessions = sessionsAtStart.apply(context);
        if (watchSettings != null) {
            var secret = credentials.resolve(watchSettings.credentialRef()).filter(s -> s.password() != null && s.loginId() != null);
            if (secret.isEmpty()) {
                return Future.failedFuture(new IllegalArgumentException("no loginId and password for the supervisor credential reference ["
                        + watchSettings.credentialRef() + "]"));
            }
            supervisor = new FinesseWatch(context, this, secret.get(), watchSettings, config, byLogin::get);
        }
        if (config.insecure()) {
            LOG.warn("finesse reached without TLS or without hostname verification [nodes={}]: for a simulator or a lab only", config.nodes());
        }
        pacer = new Pacer(config.signInRate()).start(ctx.vertx(), () -> !toOpen.isEmpty() || !toRead.isEmpty(), this::openNext);
        watch = ctx.vertx().setPeriodic(config.pingInterval().toMillis(), id -> checkNode());
        return readSystemInfo(node()).map(si -> {
            systemInfo(si);
            LOG.info("finesse adapter started [node={}, status={}, deployment={}, xmppDomain={}]", node(), si.status(), si.deploymentType(),
                    si.xmppDomain());
            return (Void) null;
        }).recover(e -> {
            // the platform may be down at start: the connector runs, reports it, and the watch finds a node later
            LOG.warn("finesse not answering at start [node={}]: {}", node(), e.getMessage());
            return Future.succeededFuture();
        }).onComplete(ar -> {
            if (supervisor != null) {
                supervisor.start();
            }
        });
    }

    private Future<SystemInfo> readSystemInfo(URI node) {
        return rest.get(node, "/finesse/api/SystemInfo", anySecret()).map(r -> {
            FinesseAgent.check(r);
            return FinesseRestCodec.systemInfo(r.body());
        });
    }

    /**
     * SystemInfo wants a signed-in user on a real node: any agent's credentials do. An agent whose
     * credentials the node refused is passed over (its own session tells it), so one changed
     * password neither makes the node look down nor counts toward that user's lock-out.
     */
    private FinesseCredentials.Secret anySecret() {
        List<FinesseAgent> usable = agents.values().stream().filter(a -> a.phase() != FinesseAgent.Phase.REFUSED && !a.secret.equals(refusedProbe))
                .toList();
        return usable.isEmpty() ? null : usable.get(Math.floorMod(probeTurn, usable.size())).secret;
    }

    // ------------------------------------------------------------------ the node in service (section 7)

    /**
     * Polls SystemInfo on the node in use, one poll at a time. Out of service, or unanswered twice in
     * a row, and the other node (if any) is asked: when it is in service, every agent moves there
     * (section 7). An answer about a node no longer in use is ignored; a 401/403 is about the
     * credentials used, not the node.
     */
    private void checkNode() {
        if (polling) {
            return;
        }
        polling = true;
        int polled = active;
        FinesseCredentials.Secret used = anySecret();
        rest.get(config.nodes().get(polled), "/finesse/api/SystemInfo", used).map(r -> {
            if (r.status() == 401 || r.status() == 403) {
                refusedProbe = used;
                probeTurn++;
                return null; // says nothing of the node
            }
            FinesseAgent.check(r);
            return FinesseRestCodec.systemInfo(r.body());
        }).onComplete(ar -> {
            polling = false;
            if (polled != active) {
                return; // the agents moved meanwhile: this answer is about the node left
            }
            if (ar.succeeded() && ar.result() == null) {
                return;
            }
            if (ar.succeeded()) {
                unanswered = 0;
                systemInfo(ar.result());
                if (ar.result().inService()) {
                    return;
                }
            } else if (++unanswered < 2) {
                return;
            } else if (inService) {
                changeService(false, "FINESSE_UNREACHABLE");
            }
            if (config.nodes().size() < 2) {
                return;
            }
            int other = 1 - polled;
            readSystemInfo(config.nodes().get(other)).onSuccess(si -> {
                if (si.inService() && !inService && active == polled) {
                    moveTo(other, si);
                }
            });
        });
    }

    /** Every agent's session moves to the other node, paced like a sign-in; each is read again there. */
    private void moveTo(int node, SystemInfo si) {
        LOG.warn("finesse node [{}] not serving; moving every agent to [{}]", node(), config.nodes().get(node));
        active = node;
        unanswered = 0;
        info = si;
        inService = true;
        if (supervisor != null) {
            supervisor.moveAway();
        }
        for (FinesseAgent a : agents.values()) {
            if (a.moveAway()) {
                toOpen.remove(a);
                toOpen.add(a);
            }
        }
    }

    /** What a node says of itself (a poll or a SystemInfo notification). */
    @Override
    public void systemInfo(SystemInfo si) {
        if (si.xmppDomain() != null) {
            info = si;
        }
        if (si.inService() != inService) {
            changeService(si.inService(), "FINESSE_" + si.status());
        }
    }

    private void changeService(boolean up, String reason) {
        boolean first = !seenInService;
        inService = up;
        if (up && first) {
            LOG.info("finesse node [{}] in service", node());
        } else {
            LOG.warn("finesse node [{}] {} ({})", node(), up ? "back in service: agents are read again" : "out of service: agents unknown until it is back",
                    reason);
        }
        seenInService |= up;
        if (supervisor != null) {
            if (up) {
                supervisor.inService();
            } else {
                supervisor.outOfService();
            }
        }
        for (FinesseAgent a : agents.values()) {
            if (up) {
                if (a.awaitsReread()) {
                    toRead.add(a); // read again, paced: a node back in service has thousands of agents to answer for
                }
            } else {
                a.outOfService(reason);
            }
        }
    }

    @Override
    public URI node() {
        return config.nodes().get(active);
    }

    @Override
    public String xmppDomain() {
        return info != null && info.xmppDomain() != null ? info.xmppDomain() : node().getHost();
    }

    @Override
    public FinesseRest rest() {
        return rest;
    }

    @Override
    public Notifications.Factory notifications() {
        return sessions;
    }

    /** A queue as the tenant names it: {@code <tenant>/<queue name>} (or number) from the dialog's media properties. */
    @Override
    public String tenantQueue(String tenant, FinesseDialog d) {
        String q = d.queueName() != null && !d.queueName().isBlank() ? d.queueName() : d.queueNumber();
        return q == null || q.isBlank() ? null : tenant + "/" + q.strip();
    }

    // ------------------------------------------------------------------ agents

    @Override
    public void take(AgentProfile profile) {
        FinesseAgent before = agents.remove(profile.getAgentId());
        if (before != null) {
            before.closeQuietly(true);
            toOpen.remove(before);
            toRead.remove(before);
        }
        var secret = credentials.resolve(profile.getCredentialRef()).map(s -> s.loginId() != null ? s
                : new FinesseCredentials.Secret(profile.getPlatformUserId(), s.password()));
        FinesseAgent agent = new FinesseAgent(profile,
                secret.orElse(new FinesseCredentials.Secret(profile.getPlatformUserId(), null)), ctx, this, reasons, config);
        agents.put(profile.getAgentId(), agent);
        if (before != null) {
            byLogin.remove(before.loginId(), before);
        }
        if (agent.loginId() != null) {
            byLogin.put(agent.loginId(), agent);
        }
        if (secret.isEmpty() || secret.get().password() == null) {
            agent.refuse("NO_CREDENTIALS: no password for credential reference [" + profile.getCredentialRef() + "]");
            return;
        }
        toOpen.add(agent);
    }

    /**
     * Opens the next waiting agent's session, or else reads the next agent waiting for it: at most
     * {@code signInRate} of either per second (a fail-over or a resync re-reads thousands).
     */
    private void openNext() {
        FinesseAgent next = toOpen.poll();
        if (next != null) {
            if (agents.get(next.profile.getAgentId()) == next) {
                next.open();
            }
            return;
        }
        var reads = toRead.iterator();
        next = reads.hasNext() ? reads.next() : null;
        if (next != null) {
            reads.remove();
        }
        if (next != null && agents.get(next.profile.getAgentId()) == next) {
            next.reread();
        }
    }

    @Override
    public void release(String agentId) {
        FinesseAgent agent = agents.remove(agentId);
        if (agent != null) {
            toOpen.remove(agent);
            toRead.remove(agent);
            byLogin.remove(agent.loginId(), agent);
            agent.closeQuietly(true);
            if (supervisor != null) {
                supervisor.teamsChanged(teams());
            }
        }
    }

    // ------------------------------------------------------------------ the supervisor session (ADR 023)

    @Override
    public void queuesChanged() {
        if (supervisor != null) {
            supervisor.queuesChanged();
        }
    }

    /** An owned agent's Finesse team is known (its User read or notified): its Team node is followed. */
    @Override
    public void teamSeen(String teamId) {
        if (supervisor != null && teamId != null && !supervisor.teams().contains(teamId)) {
            supervisor.teamsChanged(teams());
        }
    }

    private java.util.Set<String> teams() {
        java.util.Set<String> teams = new java.util.LinkedHashSet<>();
        agents.values().forEach(a -> {
            if (a.user() != null && a.user().teamId() != null) {
                teams.add(a.user().teamId());
            }
        });
        return teams;
    }

    @Override
    public Future<Outcome> execute(AgentCommand command, AgentProfile profile) {
        FinesseAgent agent = agents.get(profile.getAgentId());
        if (agent == null) {
            return Future.succeededFuture(Outcome.failed("NOT_OWNED", "this connector does not run the agent"));
        }
        return agent.commands.execute(command);
    }

    @Override
    public void resync() {
        for (FinesseAgent a : agents.values()) {
            a.resync();
            if (a.awaitsReread()) {
                toRead.add(a);
            }
        }
    }

    @Override
    public Future<Void> stop() {
        cancelTimers();
        List<Future<Void>> closing = new java.util.ArrayList<>();
        if (supervisor != null) {
            closing.add(supervisor.close()); // unsubscribes the Queue and Team nodes first
        }
        agents.values().forEach(a -> {
            closing.add(a.closeQuietly(true));
            a.facts.stopped(); // nobody vouches for the agent now: UNKNOWN downstream, not its last state live
        });
        agents.clear();
        byLogin.clear();
        toOpen.clear();
        toRead.clear();
        // the sessions unsubscribe and close (bounded), then what they share goes
        return Future.join(closing).otherwiseEmpty().timeout(5, java.util.concurrent.TimeUnit.SECONDS).otherwiseEmpty().eventually(() -> {
            if (rest != null) {
                rest.close();
            }
            if (sessions != null) {
                sessions.close();
            }
            return Future.succeededFuture();
        }).mapEmpty();
    }

    @Override
    public void abort() {
        cancelTimers();
        if (supervisor != null) {
            supervisor.abort();
        }
        agents.values().forEach(a -> a.closeQuietly(false));
        agents.clear();
        toOpen.clear();
        toRead.clear();
        if (rest != null) {
            rest.close();
        }
        if (sessions != null) {
            sessions.close();
        }
    }

    private void cancelTimers() {
        if (ctx != null) {
            ctx.vertx().cancelTimer(pacer);
            ctx.vertx().cancelTimer(watch);
        }
    }

    @Override
    public boolean platformUp() {
        return inService;
    }

    @Override
    public int linksActive() {
        return LinkCensus.active(agents.values(), a -> a.facts.link());
    }

    @Override
    public Map<String, Map<String, Integer>> linksByChannelAndState() {
        return LinkCensus.byState(FinesseAgent.CHANNEL, agents.values(), a -> a.facts.link());
    }

    @Override
    public Map<String, Integer> refusedLinks() {
        return LinkCensus.refused(agents.values(), FinesseAgent::refusal);
    }
}
