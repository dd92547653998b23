package io.ctistream.simulator.finesse;

import io.ctistream.simulator.support.SimulatorLoop;
import static io.ctistream.simulator.finesse.Notifications.API;

import io.ctistream.simulator.finesse.FinesseSimulator.Side;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated Finesse deployment's state and its publishing: users, dialogs, queues, reason
 * codes, the two sides and which one serves, failover and resync, presence-driven forced logout,
 * and the Queue statistics tick. Everything runs on the {@link SimulatorLoop}; the rules for agent states
 * and calls live in {@link AgentRules} and {@link CallRules}.
 */
final class SimCenter implements NotificationBus.Directory, NotificationBus.Presence {
    static final String IN_SERVICE = "IN_SERVICE";
    static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";
    private static final Logger LOG = LoggerFactory.getLogger(SimCenter.class);

    /** A synchronous refusal of a REST request: the status and the ApiError fields. */
    record Refusal(int status, String type, String message, String data) {
    }

    /** One side: its host name, its service status and its notification bus. */
    static final class Node {
        final Side side;
        final String host;
        String status;
        NotificationBus bus;

        Node(Side side, String host, String status) {
            this.side = side;
            this.host = host;
            this.status = status;
        }
    }

    private record QueueLine(int calls, Instant oldest) {
    }

    /** Calls arriving at every queue and answered by its READY agents (see {@link #queueTraffic}). */
    private record Traffic(double callsPerMinute, long handleMillis, java.util.Random random) {
    }

    FinesseSimulator.Settings settings;
    final SimulatorLoop loop;
    final Notifications xml = new Notifications();
    final Map<String, SimAgent> agents = new LinkedHashMap<>();
    private final Map<String, SimAgent> byName = new HashMap<>();
    final Map<String, SimDialog> dialogs = new HashMap<>();
    final Map<String, QueueSpec> queues = new LinkedHashMap<>();
    private final Map<String, QueueLine> queueLines = new HashMap<>();
    private final Map<String, String> lastQueueXml = new HashMap<>();
    private final Map<String, java.util.ArrayDeque<Instant>> lines = new HashMap<>();
    private Traffic traffic;
    final Map<Integer, ReasonCode> reasonCodes = new LinkedHashMap<>();
    final Map<Side, Node> nodes = new EnumMap<>(Side.class);
    final AgentRules agentRules;
    final CallRules callRules;
    final Credentials credentials;
    Side active = Side.A;
    private long dialogSeq = 16804376;
    long published;
    long suppressed;
    long requests;
    int reject503;
    boolean unauthorizedAsXml;

    SimCenter(FinesseSimulator.Settings settings, SimulatorLoop loop) {
        this.settings = settings;
        this.loop = loop;
        settings.reasonCodes().forEach(r -> reasonCodes.put(r.id(), r));
        nodes.put(Side.A, new Node(Side.A, settings.hostA(), IN_SERVICE));
        nodes.put(Side.B, new Node(Side.B, settings.hostB(), OUT_OF_SERVICE));
        this.agentRules = new AgentRules(this);
        this.callRules = new CallRules(this);
        this.credentials = new Credentials(this);
    }

    Instant now() {
        return settings.clock().instant();
    }

    String nextDialogId() {
        return String.valueOf(++dialogSeq);
    }

    // ---------------------------------------------------------------- directory

    void addUser(UserSpec spec) {
        SimAgent a = new SimAgent(spec);
        agents.put(spec.loginId(), a);
        if (spec.loginName() != null) {
            byName.put(spec.loginName(), a);
        }
        for (Node n : nodes.values()) {
            n.bus.prepare(API + "User/" + spec.loginId(), List.of(spec.loginId()));
            n.bus.prepare(API + "User/" + spec.loginId() + "/Dialogs", List.of(spec.loginId()));
            n.bus.prepare(API + "SystemInfo", List.of(spec.loginId()));
            if (spec.teamId() != null) {
                n.bus.prepare(API + "Team/" + spec.teamId() + "/Users", List.of());
            }
        }
    }

    void addQueue(QueueSpec q) {
        queues.put(q.id(), q);
        nodes.values().forEach(n -> n.bus.prepare(API + "Queue/" + q.id(), List.of()));
    }

    void queueCalls(String queueId, int calls, Instant oldest) {
        queueLines.put(queueId, new QueueLine(calls, oldest));
    }

    /** By loginId, or by loginName as UCCE also allows. */
    SimAgent user(String idOrName) {
        SimAgent a = agents.get(idOrName);
        return a != null ? a : byName.get(idOrName);
    }

    SimAgent agent(String loginId) {
        SimAgent a = agents.get(loginId);
        if (a == null) {
            throw new IllegalArgumentException("no such simulated user: " + loginId);
        }
        return a;
    }

    ReasonCode reason(int id) {
        return reasonCodes.get(id);
    }

    @Override
    public boolean authenticate(String loginId, String password) {
        Credentials.Check check = credentials.check(loginId, password);
        return check.outcome() == Credentials.Outcome.OK && check.agent().id().equals(loginId);
    }

    @Override
    public boolean nodeExists(String node) {
        if (!node.startsWith(API)) {
            return false;
        }
        String[] p = node.substring(API.length()).split("/");
        return switch (p[0]) {
            case "SystemInfo" -> p.length == 1;
            case "User" -> p.length >= 2 && agents.containsKey(p[1]) && (p.length == 2 || p.length == 3
                    && (p[2].equals("Dialogs") || p[2].equals("Queues")));
            case "Team" -> p.length == 3 && p[2].equals("Users") && agents.values().stream().anyMatch(a -> p[1].equals(a.spec.teamId()));
            case "Queue" -> p.length == 2 && queues.containsKey(p[1]);
            default -> false;
        };
    }

    // ---------------------------------------------------------------- publishing

    boolean inService() {
        return IN_SERVICE.equals(nodes.get(active).status);
    }

    /** Publishes on the serving side; while it is out of service nothing is published (§7). */
    void publish(String node, String update) {
        if (!inService()) {
            suppressed++;
            return;
        }
        nodes.get(active).bus.publish(node, update);
        published++;
    }

    private void publishForAgent(SimAgent a, String node, String update) {
        if (a.dropNotifications > 0) {
            a.dropNotifications--;
            LOG.info("simulator drops a notification [loginId={}, node={}]", a.id(), node);
            return;
        }
        publish(node, update);
    }

    void publishUser(SimAgent a, String requestId) {
        String source = API + "User/" + a.id();
        publishForAgent(a, source, xml.update("PUT", requestId, source, Notifications.user(a, this::reason, xml.objectName("user"))));
        if (a.spec.teamId() != null) {
            publish(API + "Team/" + a.spec.teamId() + "/Users",
                    xml.update("PUT", null, source, Notifications.teamUser(a, this::reason, xml.objectName("user"))));
        }
    }

    void publishUserError(SimAgent a, String requestId, XmlEl apiErrors) {
        String source = API + "User/" + a.id();
        publishForAgent(a, source, xml.update("PUT", requestId, source, apiErrors));
    }

    void publishDialogs(SimAgent a, String event, SimDialog d, String requestId) {
        String source = API + "User/" + a.id() + "/Dialogs";
        XmlEl data = XmlEl.el("dialogs").add(Notifications.dialog(d, a.extension, "Dialog"));
        publishForAgent(a, source, xml.update(event, requestId, source, data));
    }

    void publishDialogChanged(SimAgent a, SimDialog d, String requestId) {
        publishForAgent(a, API + "User/" + a.id() + "/Dialogs",
                xml.update("PUT", requestId, API + "Dialog/" + d.id, Notifications.dialog(d, a.extension, xml.objectName("dialog"))));
    }

    void publishDialogError(SimAgent a, String dialogId, String requestId, XmlEl apiErrors) {
        publishForAgent(a, API + "User/" + a.id() + "/Dialogs", xml.update("PUT", requestId, API + "Dialog/" + dialogId, apiErrors));
    }

    Notifications.SystemInfo systemInfo(Side side) {
        Node n = nodes.get(side);
        return new Notifications.SystemInfo(n.status, settings.hostA(), settings.hostB(), n.bus.xmppDomain(), n.bus.pubSubDomain(), now());
    }

    /** SystemInfo changes go out on the side that changed, even when it is going out of service. */
    private void publishSystemInfo(Side side) {
        String source = API + "SystemInfo";
        nodes.get(side).bus.publish(source, xml.update("PUT", null, source, Notifications.systemInfo(systemInfo(side))));
        published++;
    }

    /** Drops one user's notification sessions on both sides. */
    void dropSessions(String loginId) {
        nodes.values().forEach(n -> n.bus.dropSessions(loginId));
    }

    // ---------------------------------------------------------------- failover (§7, TV6)

    void failover() {
        Side from = active;
        Side to = from == Side.A ? Side.B : Side.A;
        Node old = nodes.get(from);
        old.status = OUT_OF_SERVICE;
        publishSystemInfo(from);
        old.bus.dropSessions();
        active = to;
        LOG.info("simulator fails over [from={}, to={}, window={}]", from, to, settings.failoverWindow());
        loop.later(settings.failoverWindow(), () -> {
            if (active == to) {
                cameUp(to);
            }
        });
    }

    void ctiDown() {
        nodes.get(active).status = OUT_OF_SERVICE;
        publishSystemInfo(active);
        LOG.info("simulator lost its cti link [side={}]", active);
    }

    void ctiUp() {
        cameUp(active);
    }

    private void cameUp(Side side) {
        nodes.get(side).status = IN_SERVICE;
        publishSystemInfo(side);
        republish();
        LOG.info("simulator in service [side={}]", side);
    }

    /** The last agent and call state of every signed-in agent; calls that lived only in the window are gone. */
    private void republish() {
        for (SimAgent a : agents.values()) {
            if (a.signedIn()) {
                publishUser(a, null);
                for (SimDialog d : a.dialogs) {
                    publishDialogChanged(a, d, null);
                }
            }
        }
    }

    // ---------------------------------------------------------------- presence-driven forced logout (§6)

    @Override
    public void online(String loginId) {
        SimAgent a = agents.get(loginId);
        if (a != null) {
            LOG.debug("agent session online [loginId={}, sessions={}]", loginId, a.liveSessions + 1);
            a.liveSessions++;
            loop.cancel(a.graceTimer);
            a.graceTimer = -1;
        }
    }

    @Override
    public void offline(String loginId) {
        SimAgent a = agents.get(loginId);
        if (a != null) {
            LOG.debug("agent session offline [loginId={}, sessions={}]", loginId, a.liveSessions - 1);
            a.liveSessions = Math.max(0, a.liveSessions - 1);
            if (a.liveSessions == 0) {
                armGrace(a);
            }
        }
    }

    private void armGrace(SimAgent a) {
        loop.cancel(a.graceTimer);
        a.graceTimer = loop.later(settings.forcedLogoutGrace(), () -> {
            a.graceTimer = -1;
            if (a.liveSessions > 0 || !a.signedIn()) {
                return;
            }
            if (!inService()) {
                armGrace(a); // the CTI server cannot take the logout now; Finesse tries again later [I]
                return;
            }
            LOG.info("agent's notification session is gone: forced logout [loginId={}, reasonCodeId=255]", a.id());
            agentRules.forcedLogout(a);
        });
    }

    // ---------------------------------------------------------------- queues

    /**
     * From now on each queue's line is the simulator's own: calls arrive at {@code callsPerMinute}
     * per queue, and each READY member answers one every {@code handleTime}; the longest-waiting call
     * is the line's head. Replaces what {@link #queueCalls} set.
     */
    void queueTraffic(double callsPerMinute, java.time.Duration handleTime, long seed) {
        traffic = new Traffic(callsPerMinute, Math.max(1, handleTime.toMillis()), new java.util.Random(seed));
    }

    /** One period of the lines: arrivals, then the READY members answer from the head. */
    private void advanceLines() {
        long period = settings.queuePeriod().toMillis();
        for (QueueSpec q : queues.values()) {
            java.util.ArrayDeque<Instant> line = lines.computeIfAbsent(q.id(), k -> new java.util.ArrayDeque<>());
            int arrivals = draw(traffic.callsPerMinute() * period / 60_000.0);
            for (int i = 0; i < arrivals; i++) {
                line.add(now());
            }
            long ready = q.members().stream().map(agents::get).filter(a -> a != null && "READY".equals(a.state)).count();
            for (int served = draw(ready * (double) period / traffic.handleMillis()); served > 0 && !line.isEmpty(); served--) {
                line.poll();
            }
            queueLines.put(q.id(), new QueueLine(line.size(), line.peekFirst()));
        }
    }

    /** A whole number with this mean: its integer part, plus one with the chance of its fraction. */
    private int draw(double mean) {
        int whole = (int) Math.floor(mean);
        return whole + (traffic.random().nextDouble() < mean - whole ? 1 : 0);
    }

    void queueTick() {
        if (!inService()) {
            return;
        }
        if (traffic != null) {
            advanceLines();
        }
        for (QueueSpec q : queues.values()) {
            Notifications.QueueStats stats = queueStats(q);
            String body = Notifications.queue(q.id(), q.name(), stats).xml();
            if (!body.equals(lastQueueXml.put(q.id(), body))) {
                String source = API + "Queue/" + q.id();
                publish(source, xml.update("PUT", null, source, Notifications.queue(q.id(), q.name(), stats)));
            }
        }
    }

    Notifications.QueueStats queueStats(QueueSpec q) {
        if (q.members().isEmpty()) {
            // a queue assigned to no one: Finesse gives -1 for every figure (unknown), never 0 (Cisco's Queue API page)
            return new Notifications.QueueStats(-1, null, -1, -1, -1, -1, -1, -1, -1, -1, -1);
        }
        int[] n = new int[9]; // ready, notReady, busyOther, loggedOn, in, out, internal, wrapNotReady, wrapReady
        for (String m : q.members()) {
            SimAgent a = agents.get(m);
            if (a == null || !a.signedIn()) {
                continue;
            }
            n[3]++;
            switch (a.state) {
                case "READY" -> n[0]++;
                case "NOT_READY" -> n[1]++;
                case "WORK" -> n[7]++;
                case "WORK_READY" -> n[8]++;
                case "TALKING", "HOLD" -> {
                    SimDialog d = a.dialogs.isEmpty() ? null : a.dialogs.get(0);
                    if (d != null && d.queueId != null && !d.queueId.equals(q.id())) {
                        n[2]++;
                    } else if (d != null && d.inbound()) {
                        n[4]++;
                    } else {
                        n[5]++;
                    }
                }
                default -> {
                }
            }
        }
        QueueLine line = queueLines.getOrDefault(q.id(), new QueueLine(0, null));
        return new Notifications.QueueStats(line.calls(), line.oldest(), n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8]);
    }

    List<String> queuesOf(String loginId) {
        List<String> out = new ArrayList<>();
        queues.values().stream().filter(q -> q.members().contains(loginId)).forEach(q -> out.add(q.id()));
        return out;
    }
}
