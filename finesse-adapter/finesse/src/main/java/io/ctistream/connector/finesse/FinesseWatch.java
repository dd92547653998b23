package io.ctistream.connector.finesse;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.core.Backoff;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.core.Failure;
import io.ctistream.connector.finesse.codec.FinesseQueue;
import io.ctistream.connector.finesse.codec.FinesseQueues;
import io.ctistream.connector.finesse.codec.FinesseRestCodec;
import io.ctistream.connector.finesse.codec.FinesseUser;
import io.ctistream.connector.finesse.codec.SystemInfo;
import io.ctistream.events.QueueStatistics;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector instance's one supervisor session (ADR 023): an XMPP session under a supervisor's
 * JID that subscribes, from its full JID, to the Queue nodes of the queues this instance owns and to
 * the Team nodes of its agents' teams (the nodes Finesse does not subscribe by itself), and reads
 * each owned queue with {@code GET /Queue/{id}} whenever the session is established or the node is
 * back in service. Queue figures become {@code QueueStatistics} on {@code cti.queue-events}; while no
 * side answers for a queue an all-unknown {@code QueueStatistics} is reported once, so no stale
 * figure stays on a wallboard. Team updates cross-check the agents' own nodes. A clean close unsubscribes first (Finesse keeps subscriptions left behind); a lost session
 * is opened again with backoff and subscribes everything anew. Runs on the connector's context.
 */
final class FinesseWatch implements Notifications.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(FinesseWatch.class);
    static final String QUEUE_NODE = "/finesse/api/Queue/";
    static final String TEAM_NODE = "/finesse/api/Team/";
    /** How long the agent's own node has to say what its Team node said before the agent is read again. */
    static final long TEAM_CHECK_DELAY_MS = 1000;

    /**
     * What the watch follows.
     *
     * @param credentialRef the credential reference of a supervisor who sees the queues and teams
     * @param queues Finesse queue id to the tenant's queue id ({@code 10 -> acme/sales})
     */
    record Settings(String credentialRef, Map<String, String> queues) {
        Settings {
            queues = Map.copyOf(queues);
        }
    }

    private enum Phase { CONNECTING, LIVE, WAITING, REFUSED, CLOSED }

    private final ConnectorContext ctx;
    private final FinesseAgent.Site site;
    private final FinesseCredentials.Secret secret;
    private final Settings settings;
    /** An owned agent by its Finesse loginId, or null. */
    private final java.util.function.Function<String, FinesseAgent> agents;
    private final Backoff backoff;
    /** Finesse queue id to tenant queue id, owned now. */
    private final Map<String, String> followed = new LinkedHashMap<>();
    private final Set<String> teams = new LinkedHashSet<>();
    private final Map<String, QueueStatistics> reported = new HashMap<>();
    private Notifications session;
    private Phase phase = Phase.CONNECTING;
    private boolean inService = true;
    private int attempt;
    private int connections;
    private int reads;
    private long retryTimer = -1;

    FinesseWatch(ConnectorContext ctx, FinesseAgent.Site site, FinesseCredentials.Secret secret, Settings settings, FinesseConfig config,
                 java.util.function.Function<String, FinesseAgent> agents) {
        this.ctx = ctx;
        this.site = site;
        this.secret = secret;
        this.settings = settings;
        this.agents = agents;
        this.backoff = Backoff.of(config.retryMin(), config.retryMax());
    }

    /** Follows the owned queues and opens the session. */
    void start() {
        queuesChanged();
        open();
    }

    /** Finesse queues followed now (by Finesse id). */
    Set<String> queues() {
        return Set.copyOf(followed.keySet());
    }

    Set<String> teams() {
        return Set.copyOf(teams);
    }

    boolean live() {
        return phase == Phase.LIVE;
    }

    /**
     * Follows exactly the queues this instance owns now — those the queue roster gives Finesse ids
     * ({@code platformQueueId}) and those the settings name, which win for the same Finesse queue:
     * subscribes and reads new ones, unsubscribes the rest.
     */
    void queuesChanged() {
        Map<String, String> named = new LinkedHashMap<>();
        for (io.ctistream.events.QueueProfile p : ctx.queues().roster().values()) {
            if (p.getPlatform() == io.ctistream.events.Platform.FINESSE && p.getPlatformQueueId() != null && !p.getPlatformQueueId().isBlank()) {
                named.put(p.getPlatformQueueId().strip(), p.getQueueId());
            }
        }
        named.putAll(settings.queues());
        Map<String, String> wanted = new LinkedHashMap<>();
        named.forEach((finesseId, queueId) -> {
            if (ctx.queues().owns(queueId)) {
                wanted.put(finesseId, queueId);
            }
        });
        for (String id : Set.copyOf(followed.keySet())) {
            if (!wanted.containsKey(id)) {
                followed.remove(id);
                reported.remove(id);
                if (phase == Phase.LIVE) {
                    unsubscribe(QUEUE_NODE + id);
                }
            }
        }
        wanted.forEach((id, queueId) -> {
            String before = followed.put(id, queueId);
            if (before == null && phase == Phase.LIVE) {
                subscribe(QUEUE_NODE + id);
                read(id, reads);
            } else if (!queueId.equals(before) && phase == Phase.LIVE) {
                read(id, reads); // the same Finesse queue now stands for another queue: its figures go there
            }
        });
    }

    /** The Finesse teams of the owned agents: their Team nodes are followed. */
    void teamsChanged(Set<String> wanted) {
        for (String t : Set.copyOf(teams)) {
            if (!wanted.contains(t)) {
                teams.remove(t);
                if (phase == Phase.LIVE) {
                    unsubscribe(TEAM_NODE + t + "/Users");
                }
            }
        }
        for (String t : wanted) {
            if (teams.add(t) && phase == Phase.LIVE) {
                subscribe(TEAM_NODE + t + "/Users");
            }
        }
    }

    // ------------------------------------------------------------------ session

    private void open() {
        if (phase == Phase.CLOSED || phase == Phase.REFUSED) {
            return;
        }
        cancelRetry();
        if (session != null) {
            session.abort();
        }
        phase = Phase.CONNECTING;
        session = site.notifications().create(site.node(), site.xmppDomain(), secret,
                "ctistream-" + ctx.events().run() + "-watch-" + (++connections));
        Notifications mine = session;
        mine.open(this).onFailure(e -> {
            if (mine == session && phase == Phase.CONNECTING) {
                lost("watch session not opened: " + e.getMessage(), e instanceof Failure f && !f.retriable());
            }
        });
    }

    @Override
    public void established() {
        if (phase != Phase.CONNECTING) {
            return;
        }
        phase = Phase.LIVE;
        attempt = 0;
        LOG.info("finesse supervisor session established [node={}, queues={}, teams={}]", site.node(), followed.keySet(), teams);
        // subscriptions are per session: a new session (after a loss or on the other side) subscribes everything again
        followed.keySet().forEach(id -> subscribe(QUEUE_NODE + id));
        teams.forEach(t -> subscribe(TEAM_NODE + t + "/Users"));
        readAll();
    }

    @Override
    public void lost(String reason, boolean permanent) {
        if (phase == Phase.CLOSED || phase == Phase.REFUSED) {
            return;
        }
        reportUnknown();
        Notifications gone = session;
        session = null;
        if (gone != null) {
            gone.abort();
        }
        if (permanent) {
            phase = Phase.REFUSED;
            ctx.metrics().alarm("finesse_supervisor_refused");
            LOG.warn("finesse refused the supervisor session, queue and team nodes not followed, not retried [loginId={}]: {}",
                    secret.loginId(), reason);
            return;
        }
        phase = Phase.WAITING;
        long wait = Math.max(1, backoff.delay(attempt++).toMillis());
        LOG.info("finesse supervisor session lost, again in {} ms: {}", wait, reason);
        retryTimer = ctx.vertx().setTimer(wait, id -> {
            retryTimer = -1;
            open();
        });
    }

    /** The node went out of service: its figures are not vouched for until it is back. */
    void outOfService() {
        inService = false;
        reportUnknown();
    }

    /** The node is back in service: every queue is read again. */
    void inService() {
        inService = true;
        if (phase == Phase.LIVE) {
            readAll();
        }
    }

    /** The agents moved to the other side: so does this session, subscribing there anew. */
    void moveAway() {
        if (phase == Phase.CLOSED || phase == Phase.REFUSED) {
            return;
        }
        inService = true;
        reportUnknown();
        open();
    }

    /** Unsubscribes what it subscribed, then closes. */
    io.vertx.core.Future<Void> close() {
        phase = Phase.CLOSED;
        cancelRetry();
        Notifications s = session;
        session = null;
        return s == null ? io.vertx.core.Future.succeededFuture() : s.close().otherwiseEmpty();
    }

    void abort() {
        phase = Phase.CLOSED;
        cancelRetry();
        if (session != null) {
            session.abort();
            session = null;
        }
    }

    private void cancelRetry() {
        if (retryTimer >= 0) {
            ctx.vertx().cancelTimer(retryTimer);
            retryTimer = -1;
        }
    }

    private void subscribe(String node) {
        Notifications s = session;
        s.subscribe(node).onFailure(e -> {
            if (s == session) {
                LOG.warn("finesse node not subscribed, the supervisor may not see it [node={}, loginId={}]: {}", node, secret.loginId(),
                        e.getMessage());
            }
        });
    }

    private void unsubscribe(String node) {
        session.unsubscribe(node).onFailure(e -> LOG.info("finesse node not unsubscribed [node={}]: {}", node, e.getMessage()));
    }

    // ------------------------------------------------------------------ figures

    private void readAll() {
        int generation = ++reads;
        followed.keySet().forEach(id -> read(id, generation));
    }

    /** {@code GET /Queue/{id}}: the queue's figures now (an answer to an earlier read, or for a queue no longer followed, is dropped). */
    private void read(String finesseId, int generation) {
        site.rest().get(site.node(), QUEUE_NODE + finesseId, secret).onComplete(ar -> {
            if (generation != reads || phase != Phase.LIVE || !followed.containsKey(finesseId)) {
                return;
            }
            if (ar.failed()) {
                LOG.info("finesse queue not read [queue={}]: {}", finesseId, ar.cause().getMessage());
                return;
            }
            try {
                FinesseAgent.check(ar.result());
                figures(FinesseRestCodec.queue(ar.result().body()));
            } catch (MalformedBodyException e) {
                ctx.metrics().malformed(FinesseAgent.CHANNEL);
                LOG.warn("malformed finesse queue ignored [queue={}]: {}", finesseId, e.getMessage());
            } catch (RuntimeException e) {
                LOG.info("finesse queue not read [queue={}]: {}", finesseId, e.getMessage());
            }
        });
    }

    @Override
    public void stanza(String text) {
        if (phase != Phase.LIVE) {
            return;
        }
        FinesseUpdates.eachUpdate(text, (item, u) -> {
            if (u.data() instanceof FinesseQueue q) {
                figures(q);
            } else if (u.data() instanceof FinesseUser user && item.node() != null && item.node().startsWith(TEAM_NODE)) {
                teamUser(user);
            } else if (u.data() instanceof SystemInfo info) {
                site.systemInfo(info);
            }
        }, this::malformed);
    }

    /**
     * A Team node's summary of an owned agent: when it says a newer state than the agent's own node
     * did, and the agent's node still has not said it a moment later, the agent's notification was
     * lost on the way (section 8.4): the agent is read again, which corrects what was published.
     */
    private void teamUser(FinesseUser u) {
        FinesseAgent a = agents.apply(u.loginId());
        if (a == null || !disagrees(a, u)) {
            return;
        }
        ctx.vertx().setTimer(TEAM_CHECK_DELAY_MS, id -> {
            if (agents.apply(u.loginId()) == a && disagrees(a, u)) {
                LOG.info("the team node says a newer state than the agent's own node, the agent is read again [agentId={}, teamState={}]",
                        a.profile.getAgentId(), u.state());
                a.recheck();
            }
        });
    }

    private static boolean disagrees(FinesseAgent a, FinesseUser team) {
        FinesseUser mine = a.user();
        if (a.phase() != FinesseAgent.Phase.LIVE || mine == null || mine.state() == team.state()) {
            return false;
        }
        var teamSince = FinesseAgent.since(team);
        var mySince = FinesseAgent.since(mine);
        return teamSince == null || mySince == null || teamSince.isAfter(mySince);
    }

    private void malformed(String what, MalformedBodyException e) {
        ctx.metrics().malformed(FinesseAgent.CHANNEL);
        LOG.warn("malformed finesse {} ignored on the supervisor session: {}", what, e.getMessage());
    }

    /** A followed queue's figures, as Finesse gave them; while the node is out of service nothing is vouched for. */
    private void figures(FinesseQueue q) {
        String queueId = followed.get(q.id());
        if (queueId == null || !inService) {
            return;
        }
        publish(q.id(), queueId, FinesseQueues.statistics(q));
    }

    /** Once per queue: nothing is known of it now. */
    private void reportUnknown() {
        QueueStatistics unknown = FinesseQueues.unknown();
        followed.forEach((id, queueId) -> {
            QueueStatistics last = reported.get(id);
            if (last != null && !last.equals(unknown)) {
                publish(id, queueId, unknown);
            }
        });
    }

    private void publish(String finesseId, String queueId, QueueStatistics stats) {
        reported.put(finesseId, stats);
        int slash = queueId.indexOf('/');
        String tenant = slash > 0 ? queueId.substring(0, slash) : queueId;
        ctx.sink().publish(ctx.events().queueEvent(tenant, queueId, "", stats, ctx.events().clock().millis(), null))
                .onFailure(e -> LOG.debug("queue figures not delivered [queueId={}]: {}", queueId, e.getMessage()));
    }
}
