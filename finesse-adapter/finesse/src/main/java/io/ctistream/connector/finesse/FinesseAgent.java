package io.ctistream.connector.finesse;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.core.AgentFacts;
import io.ctistream.connector.core.Backoff;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.finesse.codec.ApiError;
import io.ctistream.connector.finesse.codec.FinesseDialog;
import io.ctistream.connector.finesse.codec.FinesseRestCodec;
import io.ctistream.connector.finesse.codec.FinesseStates;
import io.ctistream.connector.finesse.codec.FinesseUser;
import io.ctistream.connector.finesse.codec.SystemInfo;
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.LinkState;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the connector does for one Finesse agent: its notification session under the agent's own
 * JID, the snapshot (GET User, GET Dialogs) taken every time the session is established or the
 * node is back in service — notifications that arrive meanwhile are held and applied after it —
 * and its translation into canonical facts ({@link AgentFacts}) by {@link FinesseUpdates}. Commands
 * are {@link FinesseCommandRunner}'s. Runs on the connector's context.
 */
final class FinesseAgent implements Notifications.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(FinesseAgent.class);
    static final String CHANNEL = "xmpp";

    /** Where an agent's link is. */
    enum Phase { CONNECTING, SNAPSHOT, LIVE, WAITING, REFUSED, CLOSED }

    /** What the agent needs from the adapter: the node now in service, REST, the session factory, reasons. */
    interface Site {
        java.net.URI node();

        String xmppDomain();

        FinesseRest rest();

        Notifications.Factory notifications();

        void systemInfo(SystemInfo info);

        String tenantQueue(String tenant, FinesseDialog d);

        /** The agent's Finesse team, as its User says it. */
        default void teamSeen(String teamId) {
        }
    }

    final AgentProfile profile;
    final FinesseCredentials.Secret secret;
    final AgentFacts facts;
    final FinesseCommandRunner commands;
    /** What every notification says, in canonical terms. */
    private final FinesseUpdates updates;
    private final ConnectorContext ctx;
    private final Site site;
    private final Backoff backoff;
    private Notifications session;
    private Phase phase = Phase.CONNECTING;
    private String refusal;
    private int attempt;
    private long retryTimer = -1;
    private FinesseUser user;
    private String extension;
    private int connections;
    /** The snapshot under way: an answer to an earlier one (the session was lost and made anew meanwhile) is ignored. */
    private int snapshots;

    FinesseAgent(AgentProfile profile, FinesseCredentials.Secret secret, ConnectorContext ctx, Site site, ReasonCodes reasons,
                 FinesseConfig config) {
        this.profile = profile;
        this.secret = secret;
        this.ctx = ctx;
        this.site = site;
        this.facts = new AgentFacts(ctx, profile, List.of(CHANNEL));
        this.backoff = Backoff.of(config.retryMin(), config.retryMax());
        this.extension = profile.getAttributes().get(FinesseCommands.EXTENSION);
        this.commands = new FinesseCommandRunner(this, ctx, site, reasons, config);
        this.updates = new FinesseUpdates(this, ctx, site);
    }

    String loginId() {
        return secret.loginId();
    }

    Phase phase() {
        return phase;
    }

    /** Why the platform refused this agent for good, or null. */
    String refusal() {
        return refusal;
    }

    FinesseUser user() {
        return user;
    }

    // ------------------------------------------------------------------ session

    /** Opens the agent's session; the snapshot follows when it is established. */
    void open() {
        if (phase == Phase.CLOSED || phase == Phase.REFUSED) {
            return;
        }
        cancelRetry();
        if (session != null) {
            session.abort(); // one session per agent, always
        }
        phase = Phase.CONNECTING;
        // a resource of its own per connection: a second session with the same full JID would take the first one over
        session = site.notifications().create(site.node(), site.xmppDomain(), secret,
                "ctistream-" + ctx.events().run() + "-" + Integer.toHexString(profile.getAgentId().hashCode()) + "-" + (++connections));
        Notifications mine = session;
        mine.open(this).onFailure(e -> {
            if (mine == session && phase == Phase.CONNECTING) {
                lost("session not opened: " + e.getMessage(), e instanceof io.ctistream.connector.core.Failure f && !f.retriable());
            }
        });
    }

    @Override
    public void established() {
        if (phase == Phase.CLOSED) {
            return;
        }
        LOG.debug("notification session established [agentId={}]", profile.getAgentId());
        snapshot();
    }

    @Override
    public void lost(String reason, boolean permanent) {
        if (phase == Phase.CLOSED || phase == Phase.REFUSED) {
            return;
        }
        facts.snapshotFailed();
        facts.unknown(AgentFacts.Fact.STATE);
        if (permanent) {
            refuse(reason);
            return;
        }
        facts.link(CHANNEL, LinkState.LOST, reason);
        phase = Phase.WAITING;
        Notifications gone = session;
        session = null;
        if (gone != null) {
            gone.abort();
        }
        long wait = Math.max(1, backoff.delay(attempt++).toMillis());
        LOG.info("finesse session lost, again in {} ms [agentId={}]: {}", wait, profile.getAgentId(), reason);
        retryTimer = ctx.vertx().setTimer(wait, id -> {
            retryTimer = -1;
            open();
        });
    }

    /** The platform said no for good (bad credentials, unknown user): no retry, the agent's link TERMINATED. */
    void refuse(String reason) {
        refusal = reason;
        phase = Phase.REFUSED;
        facts.link(CHANNEL, LinkState.TERMINATED, reason);
        ctx.metrics().alarm("finesse_agent_refused");
        LOG.warn("finesse refused the agent, not retried [agentId={}, loginId={}]: {}", profile.getAgentId(), secret.loginId(), reason);
        if (session != null) {
            session.abort();
            session = null;
        }
    }

    /** The node went out of service (or away): nothing is vouched for until it is back and the agent re-read. */
    void outOfService(String reason) {
        if (phase == Phase.LIVE || phase == Phase.SNAPSHOT) {
            facts.snapshotFailed();
            facts.unknown(AgentFacts.Fact.STATE);
            facts.link(CHANNEL, LinkState.LOST, reason);
            phase = Phase.WAITING;
        }
    }

    /** True when the agent waits to be read again with its session kept (back in service, a resync): the adapter paces the reads. */
    boolean awaitsReread() {
        return phase == Phase.WAITING && session != null;
    }

    /** Reads a LIVE agent again now (another node said what its own did not): corrections follow from the answer. */
    void recheck() {
        if (phase == Phase.LIVE && session != null) {
            snapshot();
        }
    }

    /** Reads the agent again now (the adapter's pacer calls it). */
    void reread() {
        if (awaitsReread()) {
            snapshot();
        }
    }

    /**
     * The node in use stopped serving and another does (fail-over): this session is dropped and the
     * agent is LOST until a new session there is opened (by the adapter, paced) and the agent re-read.
     * False when the agent is not to be opened again (refused, closed).
     */
    boolean moveAway() {
        if (phase == Phase.CLOSED || phase == Phase.REFUSED) {
            return false;
        }
        cancelRetry();
        if (session != null) {
            session.abort();
            session = null;
        }
        facts.snapshotFailed();
        facts.unknown(AgentFacts.Fact.STATE);
        facts.link(CHANNEL, LinkState.LOST, "FINESSE_FAILOVER");
        phase = Phase.WAITING;
        return true;
    }

    /** To be read again and reported in full (after a Kafka loss: a new run): LOST until the paced re-read. */
    void resync() {
        if (phase == Phase.LIVE) {
            facts.link(CHANNEL, LinkState.LOST, "RESYNC");
            phase = Phase.WAITING;
        }
    }

    /** Ends the agent here: its commands answered, its session closed (unsubscribed first) or, unclean, dropped. */
    io.vertx.core.Future<Void> closeQuietly(boolean clean) {
        phase = Phase.CLOSED;
        cancelRetry();
        facts.snapshotFailed();
        commands.released(clean ? "the agent was released by this connector" : "the connector stopped");
        io.vertx.core.Future<Void> closed = io.vertx.core.Future.succeededFuture();
        if (session != null) {
            if (clean) {
                closed = session.close().otherwiseEmpty();
            } else {
                session.abort();
            }
            session = null;
        }
        return closed;
    }

    private void cancelRetry() {
        if (retryTimer >= 0) {
            ctx.vertx().cancelTimer(retryTimer);
            retryTimer = -1;
        }
    }

    // ------------------------------------------------------------------ snapshot, then stream

    /**
     * GET User and GET Dialogs, with core's snapshot step around them (changes notified meanwhile
     * are held and applied after the snapshot unless it has newer), then ACTIVE: the full state is in (ADR 009).
     */
    void snapshot() {
        phase = Phase.SNAPSHOT;
        int generation = ++snapshots;
        Notifications mine = session;
        java.util.function.BooleanSupplier current = () -> phase == Phase.SNAPSHOT && snapshots == generation && session == mine;
        facts.snapshotBegins();
        String base = "/finesse/api/User/" + secret.loginId();
        site.rest().get(site.node(), base, secret)
                .compose(u -> {
                    check(u);
                    FinesseUser snapshot = FinesseRestCodec.user(u.body());
                    return site.rest().get(site.node(), base + "/Dialogs", secret).map(d -> {
                        check(d);
                        return new Object[] {snapshot, FinesseRestCodec.dialogs(d.body())};
                    });
                })
                .onSuccess(both -> {
                    if (!current.getAsBoolean()) {
                        return;
                    }
                    FinesseUser snapshot = (FinesseUser) both[0];
                    @SuppressWarnings("unchecked")
                    List<FinesseDialog> dialogs = (List<FinesseDialog>) both[1];
                    remember(snapshot);
                    List<AgentCallEvent> live = new ArrayList<>();
                    for (FinesseDialog d : dialogs) {
                        AgentCallEvent c = updates.callOf(d, false);
                        if (c != null && !FinesseUpdates.over(c.getCallState())) {
                            live.add(c);
                        }
                    }
                    var state = FinesseStates.agentState(snapshot.state());
                    FinesseStates.Reason reason = FinesseUpdates.reasoned(state) ? FinesseStates.reason(snapshot, null) : null;
                    phase = Phase.LIVE;
                    facts.snapshot(state, reason == null ? null : reason.code(), reason == null ? null : reason.label(), since(snapshot), live,
                            "not in the dialogs finesse reported");
                    attempt = 0;
                    facts.link(CHANNEL, LinkState.ACTIVE, null);
                })
                .onFailure(e -> {
                    if (!current.getAsBoolean()) {
                        return;
                    }
                    facts.snapshotFailed();
                    facts.unknown(AgentFacts.Fact.STATE);
                    if (e instanceof io.ctistream.connector.core.Failure f && !f.retriable()) {
                        refuse(f.code() + ": " + f.getMessage());
                    } else if (e instanceof MalformedBodyException m) {
                        ctx.metrics().malformed(CHANNEL);
                        lost("finesse answered a body that does not parse: " + m.getMessage(), false);
                    } else {
                        lost(e instanceof io.ctistream.connector.core.Failure ? e.getMessage() : FinesseErrors.network(e).getMessage(), false);
                    }
                });
    }

    /** Throws the classified failure of a status that is not 200. */
    static void check(FinesseRest.Response r) {
        if (r.status() != 200) {
            ApiError err = FinesseRestCodec.error(r.status(), r.contentType(), r.body());
            throw FinesseErrors.of(r.status(), err == null ? null : (err.type() + (err.message() == null ? "" : " " + err.message())));
        }
    }

    /** When the user's state began, as Finesse says it ({@code stateChangeTime}), or null. */
    static java.time.Instant since(FinesseUser u) {
        String t = u.stateChangeTime();
        if (t == null || t.isBlank()) {
            return null;
        }
        try {
            // Finesse writes 2023-01-13T11:07:11.466Z (or with an offset)
            return java.time.OffsetDateTime.parse(t.strip()).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ notifications

    @Override
    public void stanza(String text) {
        if (phase != Phase.CLOSED) {
            updates.stanza(text);
        }
    }

    void remember(FinesseUser u) {
        boolean newTeam = u.teamId() != null && (user == null || !u.teamId().equals(user.teamId()));
        user = u;
        if (newTeam) {
            site.teamSeen(u.teamId());
        }
        if (u.extension() != null && !u.extension().isBlank()) {
            extension = u.extension();
        }
    }

    String extension() {
        return extension;
    }
}
