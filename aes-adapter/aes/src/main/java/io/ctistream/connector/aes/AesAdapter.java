package io.ctistream.connector.aes;

import io.ctistream.connector.aes.codec.DmccMessage;
import io.ctistream.connector.aes.codec.DmccRequests;
import io.ctistream.connector.aes.dmcc.DmccOptions;
import io.ctistream.connector.aes.dmcc.DmccSession;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.core.LinkCensus;
import io.ctistream.connector.core.Outcome;
import io.ctistream.connector.core.Pacer;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentProfile;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avaya AES as a platform adapter: ONE DMCC application session for every agent of the instance
 * (ADR 013), a station monitor per agent, routed by monitor cross-reference id. Monitors are started
 * paced ({@code monitorRate}) so that a restart never storms AES. The session's fate decides the
 * agents': lost, every agent is LOST (UNKNOWN downstream) until the session is back and the agent
 * re-read — re-attached or transferred, the monitors survive and a read will do; a new session
 * re-creates every device id and monitor. The AES↔CM link (SystemStatus) counts as much as the
 * socket: while it is down nothing the platform says can arrive, so the agents are LOST too.
 */
public final class AesAdapter implements PlatformAdapter, DmccSession.Listener, AesAgent.Site {
    private static final Logger LOG = LoggerFactory.getLogger(AesAdapter.class);
    private static final long POLL_TICK_MS = 100;

    private final AesConfig config;
    private final DmccOptions options;
    private final AesCredentials credentials;
    /**
     * Changed only on the connector's context, but read off it too: a metrics scrape and /health/ready
     * call {@link #linksActive()}, {@link #linksByChannelAndState()} and {@link #refusedLinks()} from
     * the HTTP server's context. A concurrent map, as in the BroadWorks adapter, so those racy reads
     * never throw ConcurrentModificationException while agents are being taken or released.
     */
    private final Map<String, AesAgent> agents = new ConcurrentHashMap<>();
    private final Map<String, AesAgent> byMonitor = new HashMap<>();
    private final LinkedHashSet<AesAgent> toLink = new LinkedHashSet<>();
    private ConnectorContext ctx;
    private DmccSession session;
    private boolean sessionUp;
    /** The first connection attempt is over: an agent taken while the session is down is LOST, not silent. */
    private boolean attempted;
    private boolean cmLinkUp = true;
    private long pacer = -1;
    private long poller = -1;
    private double pollCredit;
    private int pollTurn;

    public AesAdapter(AesConfig config, DmccOptions options, AesCredentials credentials) {
        this.config = config;
        this.options = options;
        this.credentials = credentials;
    }

    @Override
    public Future<Void> start(ConnectorContext context) {
        this.ctx = context;
        if (!options.tls() || !options.verifyHostname()) {
            LOG.warn("AES reached without TLS or without hostname verification [addresses={}]: for a simulator or a lab only", options.addresses());
        }
        session = new DmccSession(ctx.vertx(), options, this);
        pacer = new Pacer(config.monitorRate()).start(ctx.vertx(), () -> linkUsable() && !toLink.isEmpty(), this::linkNext);
        if (!config.pollInterval().isZero()) {
            poller = ctx.vertx().setPeriodic(POLL_TICK_MS, id -> pollSome());
        }
        // AES may be down at start: the session keeps trying; the connector runs and says so
        return session.start().recover(e -> {
            LOG.warn("AES not reached at start [addresses={}]: {}", options.addresses(), e.getMessage());
            return Future.succeededFuture();
        }).onComplete(x -> {
            attempted = true;
            if (!sessionUp) {
                agents.values().forEach(a -> a.lost("AES_UNREACHABLE: no application session"));
            }
        });
    }

    @Override
    public AesConfig config() {
        return config;
    }

    @Override
    public Future<DmccMessage> request(String xml) {
        return session.request(xml);
    }

    // ------------------------------------------------------------------ the session

    @Override
    public void sessionUp(DmccSession.Recovery how) {
        sessionUp = true;
        cmLinkUp = true;
        LOG.info("AES application session up [how={}, sessionId={}, protocol={}, agents={}]", how, session.sessionId(), session.protocolVersion(),
                agents.size());
        if (how == DmccSession.Recovery.NEW) {
            agents.values().forEach(AesAgent::monitorGone); // gone with the old session
            byMonitor.clear();
        }
        // the AES-CM link: SystemStatus tells when Communication Manager is away although AES answers
        session.request(DmccRequests.systemRegister(config.switchName())).onFailure(e ->
                LOG.warn("AES system status not registered: a CM link outage will not be seen [switch={}]: {}", config.switchName(), e.getMessage()));
        relinkAll();
    }

    @Override
    public void sessionDown(String reason) {
        sessionUp = false;
        LOG.warn("AES application session lost [agents={}]: {}", agents.size(), reason);
        agents.values().forEach(a -> a.lost("AES_SESSION_LOST: " + reason));
        toLink.clear();
    }

    @Override
    public void refused(String reason) {
        ctx.metrics().alarm("aes_session_refused");
        LOG.error("AES refused the application session (CTI user or application); retried slowly: {}", reason);
        agents.values().forEach(a -> a.lost("AES_SESSION_REFUSED: " + reason));
    }

    @Override
    public void malformed(String what) {
        ctx.metrics().malformed(AesAgent.CHANNEL);
    }

    /** Every agent read again (monitors kept) or linked anew (monitors gone), paced. */
    private void relinkAll() {
        for (AesAgent a : agents.values()) {
            if (a.phase() != AesAgent.Phase.REFUSED && a.phase() != AesAgent.Phase.CLOSED) {
                if (a.phase() == AesAgent.Phase.LIVE) {
                    a.lost("RESYNC");
                }
                toLink.add(a);
            }
        }
    }

    private boolean linkUsable() {
        return sessionUp && cmLinkUp;
    }

    /** The next agent waiting: a whole link, or a read where its monitor survived; at most {@code monitorRate} per second. */
    private void linkNext() {
        if (!linkUsable() || toLink.isEmpty()) {
            return;
        }
        var it = toLink.iterator();
        AesAgent next = it.next();
        it.remove();
        if (agents.get(next.profile.getAgentId()) != next) {
            return;
        }
        if (next.needsMonitor()) {
            next.link();
        } else {
            next.snapshot();
        }
    }

    @Override
    public void again(AesAgent agent) {
        toLink.add(agent);
    }

    @Override
    public void monitored(AesAgent agent, String crossRefId) {
        byMonitor.put(crossRefId, agent);
    }

    @Override
    public void unmonitored(String crossRefId) {
        byMonitor.remove(crossRefId);
    }

    @Override
    public String queue(String tenant, String acdDevice) {
        String ext = AesStates.extension(acdDevice);
        if (ext == null) {
            return null;
        }
        return tenant + "/" + config.queues().getOrDefault(ext, ext);
    }

    @Override
    public void event(DmccMessage message) {
        long arrived = System.nanoTime();
        if (message instanceof DmccMessage.AgentEvent e) {
            AesAgent a = byMonitor.get(e.crossRefId());
            if (a != null) {
                a.event(e, arrived);
            }
        } else if (message instanceof DmccMessage.CallEvent e) {
            AesAgent a = byMonitor.get(e.crossRefId());
            if (a != null) {
                a.event(e, arrived);
            }
        } else if (message instanceof DmccMessage.SystemStatus s) {
            systemStatus(s.status());
        } else if (message instanceof DmccMessage.SessionTerminated t) {
            LOG.debug("AES ended the session [sessionId={}]: {}", t.sessionId(), t.reason()); // the session itself recovers
        } else {
            LOG.debug("AES message not used: {}", message);
        }
    }

    /** The AES-CM link: disabled, nothing can arrive (LOST); back to normal, every agent re-read. */
    private void systemStatus(String status) {
        boolean up = switch (status == null ? "" : status) {
            case "disabled", "partiallyDisabled", "messagesLost" -> false;
            default -> true;
        };
        if ("messagesLost".equals(status)) {
            // events were lost: nothing is vouched for until every agent is read again
            agents.values().forEach(a -> a.lost("AES_MESSAGES_LOST"));
            relinkAll();
            return;
        }
        if (up == cmLinkUp) {
            return;
        }
        cmLinkUp = up;
        if (!up) {
            ctx.metrics().alarm("aes_cm_link_down");
            LOG.warn("AES reports its link to Communication Manager down [status={}, agents={}]", status, agents.size());
            agents.values().forEach(a -> a.lost("AES_CM_LINK_DOWN"));
            toLink.clear();
        } else {
            LOG.info("AES reports its link to Communication Manager back [status={}]", status);
            relinkAll();
        }
    }

    // ------------------------------------------------------------------ polling

    /** Every LIVE agent read once per {@code pollInterval}, spread evenly across the interval. */
    private void pollSome() {
        if (!linkUsable() || agents.isEmpty()) {
            return;
        }
        pollCredit += agents.size() * (double) POLL_TICK_MS / config.pollInterval().toMillis();
        List<AesAgent> all = new ArrayList<>(agents.values());
        while (pollCredit >= 1) {
            pollCredit -= 1;
            AesAgent a = all.get(Math.floorMod(pollTurn++, all.size()));
            if (a.phase() == AesAgent.Phase.LIVE) {
                a.read().onFailure(e -> LOG.debug("AES state poll failed [agentId={}]: {}", a.profile.getAgentId(), e.getMessage()));
            }
        }
    }

    // ------------------------------------------------------------------ agents

    @Override
    public void take(AgentProfile profile) {
        AesAgent before = agents.remove(profile.getAgentId());
        if (before != null) {
            toLink.remove(before);
            before.close(true);
        }
        AesCredentials.Secret secret = credentials.resolve(profile.getCredentialRef()).orElse(null);
        AesAgent agent = new AesAgent(profile, secret, ctx, this);
        agents.put(profile.getAgentId(), agent);
        if (profile.getPlatformUserId() == null || profile.getPlatformUserId().isBlank()) {
            agent.refuse("NO_STATION: the profile names no station extension (platformUserId)");
            return;
        }
        if (attempted && !linkUsable()) {
            agent.lost(sessionUp ? "AES_CM_LINK_DOWN" : "AES_UNREACHABLE: no application session");
        }
        toLink.add(agent);
    }

    @Override
    public void release(String agentId) {
        AesAgent agent = agents.remove(agentId);
        if (agent != null) {
            toLink.remove(agent);
            agent.close(sessionUp);
        }
    }

    @Override
    public Future<Outcome> execute(AgentCommand command, AgentProfile profile) {
        AesAgent agent = agents.get(profile.getAgentId());
        if (agent == null) {
            return Future.succeededFuture(Outcome.failed("NOT_OWNED", "this connector does not run the agent"));
        }
        return agent.commands.execute(command);
    }

    @Override
    public void resync() {
        if (linkUsable()) {
            relinkAll();
        }
    }

    @Override
    public Future<Void> stop() {
        cancelTimers();
        List<Future<Void>> closing = new ArrayList<>();
        agents.values().forEach(a -> {
            closing.add(sessionUp ? a.close(true) : a.close(false));
            a.facts.stopped();
        });
        agents.clear();
        toLink.clear();
        byMonitor.clear();
        // monitors stopped and device ids released (bounded), then the session ends
        return Future.join(closing).otherwiseEmpty().timeout(5, java.util.concurrent.TimeUnit.SECONDS).otherwiseEmpty()
                .compose(x -> session == null ? Future.succeededFuture() : session.stop()).otherwiseEmpty().mapEmpty();
    }

    @Override
    public void abort() {
        cancelTimers();
        agents.values().forEach(a -> a.close(false));
        agents.clear();
        toLink.clear();
        byMonitor.clear();
        if (session != null) {
            session.abort();
        }
    }

    private void cancelTimers() {
        if (ctx != null) {
            ctx.vertx().cancelTimer(pacer);
            ctx.vertx().cancelTimer(poller);
        }
    }

    @Override
    public boolean platformUp() {
        return sessionUp && cmLinkUp;
    }

    @Override
    public int linksActive() {
        return LinkCensus.active(agents.values(), a -> a.facts.link());
    }

    @Override
    public Map<String, Map<String, Integer>> linksByChannelAndState() {
        return LinkCensus.byState(AesAgent.CHANNEL, agents.values(), a -> a.facts.link());
    }

    @Override
    public Map<String, Integer> refusedLinks() {
        return LinkCensus.refused(agents.values(), AesAgent::refusal);
    }

    /** For tests: the monitors this instance routes events by. */
    int monitors() {
        return byMonitor.size();
    }
}
