package io.ctistream.connector.aes;

import io.ctistream.connector.aes.codec.DmccMessage;
import io.ctistream.connector.aes.codec.DmccRequests;
import io.ctistream.connector.aes.dmcc.DmccRequestException;
import io.ctistream.connector.core.AgentFacts;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.core.Failure;
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.CallState;
import io.ctistream.events.LinkState;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the connector does for one AES agent over the instance's application session: a device id
 * for the agent's station, a station monitor (agent and call events), the snapshot (GetAgentState)
 * after every (re)monitor and every gap — events that arrive meanwhile are held by core and applied
 * after it — and the translation of events into canonical facts. Commands are {@link AesCommandRunner}'s.
 * Runs on the connector's context.
 */
final class AesAgent {
    private static final Logger LOG = LoggerFactory.getLogger(AesAgent.class);
    static final String CHANNEL = "dmcc";

    /** Where an agent's link is: WAITING for the pacer (or for the session), LINKING (device id, monitor), SNAPSHOT, LIVE. */
    enum Phase { WAITING, LINKING, SNAPSHOT, LIVE, REFUSED, CLOSED }

    /** What an agent needs from the adapter. */
    interface Site {
        Future<DmccMessage> request(String xml);

        AesConfig config();

        void monitored(AesAgent agent, String crossRefId);

        void unmonitored(String crossRefId);

        /** Link (or read) the agent again later, paced, after a failure that may pass. */
        void again(AesAgent agent);

        String queue(String tenant, String acdDevice);
    }

    final AgentProfile profile;
    final AesCredentials.Secret secret;
    final AgentFacts facts;
    final AesCommandRunner commands;
    private final ConnectorContext ctx;
    private final Site site;
    private final String station;
    private String device;
    private String crossRefId;
    private Phase phase = Phase.WAITING;
    private String refusal;
    private AesStates.Told told;
    /** The link or read under way: an answer to an earlier one (the session was lost meanwhile) is ignored. */
    private int generation;

    AesAgent(AgentProfile profile, AesCredentials.Secret secret, ConnectorContext ctx, Site site) {
        this.profile = profile;
        this.secret = secret;
        this.ctx = ctx;
        this.site = site;
        this.station = profile.getPlatformUserId().strip();
        this.facts = new AgentFacts(ctx, profile, List.of(CHANNEL));
        this.commands = new AesCommandRunner(this, ctx, site);
    }

    Phase phase() {
        return phase;
    }

    String refusal() {
        return refusal;
    }

    String device() {
        return device;
    }

    String crossRefId() {
        return crossRefId;
    }

    String station() {
        return station;
    }

    /** The state last read or told, or null. */
    AesStates.Told told() {
        return told;
    }

    /** True when the next paced step is a whole link (device id and monitor), false when a read will do. */
    boolean needsMonitor() {
        return crossRefId == null;
    }

    // ------------------------------------------------------------------ link

    /** Device id (unless known), monitor (unless running), then the snapshot. */
    void link() {
        if (phase == Phase.CLOSED || phase == Phase.REFUSED) {
            return;
        }
        phase = Phase.LINKING;
        int gen = ++generation;
        Future<String> dev = device != null ? Future.succeededFuture(device)
                : site.request(DmccRequests.getDeviceId(site.config().switchName(), station)).map(m -> ((DmccMessage.DeviceId) m).device());
        dev.compose(d -> {
            if (gen != generation) {
                return Future.failedFuture(new Stale());
            }
            device = d;
            return site.request(DmccRequests.monitorStart(d)).map(m -> ((DmccMessage.MonitorStarted) m).crossRefId());
        }).onSuccess(x -> {
            if (gen != generation || phase == Phase.CLOSED) {
                return; // a monitor for an agent no longer ours: the adapter's release stops what it knows
            }
            crossRefId = x;
            site.monitored(this, x);
            snapshot();
        }).onFailure(e -> {
            if (gen == generation && !(e instanceof Stale)) {
                failed("monitor not started", e);
            }
        });
    }

    /** A step answered after the agent moved on. */
    private static final class Stale extends RuntimeException {
        Stale() {
            super(null, null, false, false);
        }
    }

    /**
     * GetAgentState with core's snapshot step around it, then ACTIVE: the full state is in (ADR 009).
     * GetAgentState does not list calls: a station reported idle has none, so a call known from
     * before a gap has ended; on a call, the known calls stand and the events go on.
     */
    void snapshot() {
        if (phase == Phase.CLOSED || phase == Phase.REFUSED || device == null) {
            return;
        }
        phase = Phase.SNAPSHOT;
        int gen = ++generation;
        facts.snapshotBegins();
        site.request(DmccRequests.getAgentState(device)).onSuccess(m -> {
            if (gen != generation || phase != Phase.SNAPSHOT) {
                return;
            }
            DmccMessage.AgentStateRead read = (DmccMessage.AgentStateRead) m;
            told = AesStates.of(read);
            boolean onCall = "onCall".equals(read.talkState());
            phase = Phase.LIVE;
            facts.snapshot(told.state(), told.reasonCode(), label(told), null, onCall ? facts.calls() : List.of(),
                    "AES reports the station idle");
            facts.link(CHANNEL, LinkState.ACTIVE, null);
        }).onFailure(e -> {
            if (gen == generation) {
                facts.snapshotFailed();
                failed("state not read", e);
            }
        });
    }

    /** A failure of a link step: refused for good (unknown station), or lost until the pacer tries again. */
    private void failed(String what, Throwable e) {
        String why = e instanceof DmccRequestException d ? d.getMessage() : e.getMessage();
        if (e instanceof DmccRequestException d && d.cstaError() != null && "operation".equals(d.cstaError().category())
                && ("invalidDeviceID".equals(d.cstaError().value()) || d.cstaError().value().startsWith("privilegeViolation"))) {
            refuse(d.cstaError().code() + ": " + why);
            return;
        }
        if (e instanceof DmccRequestException d && d.cstaError() != null && "objectMonitorLimitExceeded".equals(d.cstaError().value())) {
            ctx.metrics().alarm("aes_monitor_limit");
        }
        lost("AES_LINK_FAILED: " + what + ": " + why);
        if (!(e instanceof Failure f && "dmcc-session-down".equals(f.code()))) {
            site.again(this); // the session is up: try again, paced; a session down brings everyone back when it is up
        }
    }

    /** Nothing is vouched for until the agent is read again: LOST (UNKNOWN downstream). */
    void lost(String reason) {
        if (phase == Phase.CLOSED || phase == Phase.REFUSED) {
            return;
        }
        generation++;
        facts.snapshotFailed();
        facts.unknown(AgentFacts.Fact.STATE);
        facts.link(CHANNEL, LinkState.LOST, reason);
        phase = Phase.WAITING;
    }

    /** The session was made anew: device ids and monitors are gone with the old one. */
    void monitorGone() {
        if (crossRefId != null) {
            site.unmonitored(crossRefId);
        }
        crossRefId = null;
        device = null;
    }

    /** AES refused the station for good (unknown extension, no rights): TERMINATED, no retry. */
    void refuse(String reason) {
        refusal = reason;
        phase = Phase.REFUSED;
        generation++;
        facts.snapshotFailed();
        facts.link(CHANNEL, LinkState.TERMINATED, reason);
        ctx.metrics().alarm("aes_agent_refused");
        LOG.warn("AES refused the agent's station, not retried [agentId={}, station={}]: {}", profile.getAgentId(), station, reason);
    }

    /** Ends the agent here: commands answered; on a clean release the monitor stopped and the device id released. */
    Future<Void> close(boolean clean) {
        phase = Phase.CLOSED;
        generation++;
        facts.snapshotFailed();
        commands.released(clean ? "the agent was released by this connector" : "the connector stopped");
        String x = crossRefId;
        String d = device;
        monitorGone();
        if (!clean || x == null) {
            return Future.succeededFuture();
        }
        return site.request(DmccRequests.monitorStop(x)).<Void>mapEmpty().otherwiseEmpty()
                .compose(v -> site.request(DmccRequests.releaseDeviceId(d)).<Void>mapEmpty().otherwiseEmpty());
    }

    // ------------------------------------------------------------------ state reads (polling, commands)

    /** Reads the state now (the poll, after a command or a call); the answer is told as a change. */
    Future<AesStates.Told> read() {
        if (device == null || phase != Phase.LIVE) {
            return Future.failedFuture(Failure.retriable("AES_NOT_MONITORED", "the agent's station is not monitored now"));
        }
        int gen = generation;
        return site.request(DmccRequests.getAgentState(device)).map(m -> {
            AesStates.Told t = AesStates.of((DmccMessage.AgentStateRead) m);
            if (gen == generation && phase == Phase.LIVE) {
                tell(t);
            }
            return t;
        });
    }

    private void tell(AesStates.Told t) {
        told = t;
        facts.state(t.state(), t.reasonCode(), label(t));
        commands.told(t);
    }

    private String label(AesStates.Told t) {
        return t.reasonCode() == null ? null : site.config().reasonLabels().get(t.reasonCode());
    }

    // ------------------------------------------------------------------ events

    void event(DmccMessage.AgentEvent e, long arrived) {
        if (phase != Phase.LIVE && phase != Phase.SNAPSHOT) {
            return;
        }
        facts.arrivedAt(arrived);
        try {
            tell(AesStates.of(e)); // during a snapshot, core holds it until the snapshot is in
        } finally {
            facts.arrivedAt(0);
        }
    }

    void event(DmccMessage.CallEvent e, long arrived) {
        if (phase != Phase.LIVE && phase != Phase.SNAPSHOT) {
            return;
        }
        CallState state = AesStates.callState(e, station);
        if (state == null || e.callId() == null) {
            return;
        }
        facts.arrivedAt(arrived);
        try {
            AgentCallEvent before = facts.calls().stream().filter(c -> c.getCallId().equals(e.callId())).findFirst().orElse(null);
            String queue = e.acdGroup() != null ? site.queue(profile.getTenant(), e.acdGroup())
                    : e.distributingVdn() != null ? site.queue(profile.getTenant(), e.distributingVdn()) : before == null ? null : before.getQueueId();
            AgentCallEvent call = AgentCallEvent.newBuilder().setCallId(e.callId())
                    .setDirection(before != null ? before.getDirection() : AesStates.direction(e, station)).setCallState(state).setQueueId(queue)
                    .setRemoteParty(before != null && before.getRemoteParty() != null ? before.getRemoteParty() : AesStates.remoteParty(e, station))
                    .setRemoteName(null).setCause(over(state) ? e.cause() : null)
                    .setDialledNumber(before != null && before.getDialledNumber() != null ? before.getDialledNumber() : AesStates.dialledNumber(e, station))
                    .setCallData(before != null && !before.getCallData().isEmpty() ? before.getCallData() : AesStates.callData(e)).build();
            facts.call(call);
            if (state == CallState.REPLACED && e.newCallIds() != null) {
                // a transfer or conference re-keys the call: the agent talks on the new call id
                for (String id : e.newCallIds()) {
                    facts.call(AgentCallEvent.newBuilder(call).setCallId(id).setCallState(CallState.CONNECTED).setCause(null).build());
                }
            }
            if (over(state) && !site.config().agentEvents()) {
                read(); // CM moves the agent (after-call work, a pending change) as the call ends: without events, ask
            }
        } finally {
            facts.arrivedAt(0);
        }
    }

    private static boolean over(CallState s) {
        return switch (s) {
            case ENDED, FAILED, TRANSFERRED, REDIRECTED, REPLACED -> true;
            default -> false;
        };
    }
}
