package io.ctistream.simulator.finesse;

import io.ctistream.simulator.support.LoopScheduler;
import io.ctistream.simulator.support.SimulatorLoop;
import io.ctistream.simulator.support.AcdPlan;
import io.ctistream.simulator.support.CallCenterDay;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Cisco Finesse node pair (UCCE) for tests, the demo and benchmarks: side A and side B, each with
 * its own HTTP port serving the REST API (202 + async notification, HTML 401 pages, lockout, 503
 * while out of service, apiErrors) and its own notification endpoint, one side serving at a time.
 * Notifications go to a {@link NotificationBus}: the built-in XMPP-over-WebSocket subset by default,
 * or an external XMPP server through {@link SmackPubSubBus}. Everything runs on one event-loop
 * thread; the public methods hop onto it and wait.
 */
public final class FinesseSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FinesseSimulator.class);

    public enum Side { A, B }

    /** TLS for both sides' HTTP (and so WebSocket) ports: a PKCS12 key store the caller supplies. */
    public record Tls(String keyStore, String password) {
        @Override
        public String toString() {
            return "Tls[keyStore=" + keyStore + "]";
        }
    }

    /**
     * @param portA side A's HTTP port, 0 for a free one (likewise {@code portB})
     * @param hostA side A's host name as SystemInfo names it (primaryNode) and its XMPP domain (likewise {@code hostB})
     * @param asyncDelay how long after the 202 the outcome is published
     * @param wrapUpTime how long wrap-up lasts before READY/NOT_READY; zero: until the agent or the ACD day ends it
     * @param forcedLogoutGrace how long after an agent's last XMPP session ends it is logged out with 255 (Finesse: 60 s)
     * @param failoverWindow how long no side serves during {@link #failover()}
     * @param queuePeriod how often changed Queue statistics are published (Finesse: 10 s)
     * @param xmppIdleTimeout a session with no frame for this long is closed (a lost client)
     * @param outboundAnswerDelay how long a MAKE_CALL rings before the far end answers
     * @param clock stateChangeTime, call times and the lockout use it; tests pass a clock they move
     */
    public record Settings(String bindHost, int portA, int portB, String hostA, String hostB, Duration asyncDelay,
                           Duration wrapUpTime, Duration forcedLogoutGrace, Duration failoverWindow, Duration queuePeriod,
                           Duration xmppIdleTimeout, Duration outboundAnswerDelay, Clock clock, Tls tls,
                           List<ReasonCode> reasonCodes, NotificationBus.Factory bus) {
        public Settings {
            reasonCodes = List.copyOf(reasonCodes);
        }

        /** Loopback, free ports, TV6's host names, Finesse's timings except a short failover window. */
        public static Settings loopback() {
            return new Settings("127.0.0.1", 0, 0, "fin-a.example.com", "fin-b.example.com", Duration.ofMillis(20), Duration.ZERO,
                    Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(60),
                    Duration.ofMillis(300), Clock.systemUTC(), null, ReasonCode.defaults(), BuiltInXmppServer::new);
        }

        public Settings withPorts(int a, int b) {
            return new Settings(bindHost, a, b, hostA, hostB, asyncDelay, wrapUpTime, forcedLogoutGrace, failoverWindow, queuePeriod,
                    xmppIdleTimeout, outboundAnswerDelay, clock, tls, reasonCodes, bus);
        }

        public Settings withHosts(String a, String b) {
            return new Settings(bindHost, portA, portB, a, b, asyncDelay, wrapUpTime, forcedLogoutGrace, failoverWindow, queuePeriod,
                    xmppIdleTimeout, outboundAnswerDelay, clock, tls, reasonCodes, bus);
        }

        public Settings withTimings(Duration async, Duration wrapUp, Duration grace, Duration window, Duration queues) {
            return new Settings(bindHost, portA, portB, hostA, hostB, async, wrapUp, grace, window, queues, xmppIdleTimeout,
                    outboundAnswerDelay, clock, tls, reasonCodes, bus);
        }

        public Settings withXmppIdleTimeout(Duration idle) {
            return new Settings(bindHost, portA, portB, hostA, hostB, asyncDelay, wrapUpTime, forcedLogoutGrace, failoverWindow,
                    queuePeriod, idle, outboundAnswerDelay, clock, tls, reasonCodes, bus);
        }

        public Settings withClock(Clock c) {
            return new Settings(bindHost, portA, portB, hostA, hostB, asyncDelay, wrapUpTime, forcedLogoutGrace, failoverWindow,
                    queuePeriod, xmppIdleTimeout, outboundAnswerDelay, c, tls, reasonCodes, bus);
        }

        public Settings withTls(Tls t) {
            return new Settings(bindHost, portA, portB, hostA, hostB, asyncDelay, wrapUpTime, forcedLogoutGrace, failoverWindow,
                    queuePeriod, xmppIdleTimeout, outboundAnswerDelay, clock, t, reasonCodes, bus);
        }

        public Settings withReasonCodes(List<ReasonCode> codes) {
            return new Settings(bindHost, portA, portB, hostA, hostB, asyncDelay, wrapUpTime, forcedLogoutGrace, failoverWindow,
                    queuePeriod, xmppIdleTimeout, outboundAnswerDelay, clock, tls, codes, bus);
        }

        public Settings withBus(NotificationBus.Factory factory) {
            return new Settings(bindHost, portA, portB, hostA, hostB, asyncDelay, wrapUpTime, forcedLogoutGrace, failoverWindow,
                    queuePeriod, xmppIdleTimeout, outboundAnswerDelay, clock, tls, reasonCodes, factory);
        }
    }

    /** What the ACD mode has done so far. */
    public record AcdStats(long offered, long answered, long wrapUps, long breaks) {
    }

    private final Vertx vertx;
    private final SimulatorLoop loop;
    private final SimCenter center;
    private final Map<Side, SimRest> rest = new EnumMap<>(Side.class);
    private CallCenterDay<SimAgent, SimDialog> acd;

    private FinesseSimulator(Vertx vertx, Settings settings) throws Exception {
        this.vertx = vertx;
        this.loop = new SimulatorLoop(vertx, "the finesse simulator");
        this.center = loop.call(() -> new SimCenter(settings, loop));
        int[] ports = new int[2];
        for (Side side : Side.values()) {
            SimRest r = loop.call(() -> new SimRest(center, center.nodes.get(side)));
            int wanted = side == Side.A ? settings.portA() : settings.portB();
            loop.call(() -> r.listen(settings.bindHost(), wanted, settings.tls())).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            rest.put(side, r);
            ports[side.ordinal()] = r.port();
        }
        loop.exec(() -> {
            center.settings = settings.withPorts(ports[0], ports[1]);
            for (SimCenter.Node n : center.nodes.values()) {
                n.bus = settings.bus().create(new NotificationBus.SideInfo(n.side, n.host, loop, center.settings), center, center);
            }
            loop.every(settings.queuePeriod().toMillis(), center::queueTick);
        });
        if (settings.tls() == null && !"127.0.0.1".equals(settings.bindHost()) && !"localhost".equals(settings.bindHost())) {
            LOG.warn("finesse simulator serves plain http on a non-loopback address [host={}]", settings.bindHost());
        }
        LOG.info("finesse simulator listening [host={}, portA={}, portB={}, notifications={}]", settings.bindHost(), ports[0], ports[1],
                center.nodes.get(Side.A).bus.endpoint());
    }

    /** Starts a simulator; ports 0 pick free ones. */
    public static FinesseSimulator start(Settings settings) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        vertx.exceptionHandler(e -> LOG.error("finesse simulator failed on its event loop", e));
        try {
            return new FinesseSimulator(vertx, settings);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("the finesse simulator did not start: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- where it is

    /** Side A's HTTP port. */
    public int port() {
        return port(Side.A);
    }

    public int port(Side side) {
        return rest.get(side).port();
    }

    /** Side A's REST base, e.g. {@code http://127.0.0.1:8445}. */
    public String restUrl() {
        return restUrl(Side.A);
    }

    public String restUrl(Side side) {
        return (center.settings.tls() == null ? "http://" : "https://") + center.settings.bindHost() + ":" + port(side);
    }

    /** Side A's notification endpoint (the built-in {@code ws://host:port/ws/}). */
    public String wsUrl() {
        return wsUrl(Side.A);
    }

    public String wsUrl(Side side) {
        return loop.call(() -> center.nodes.get(side).bus.endpoint());
    }

    public String xmppDomain(Side side) {
        return loop.call(() -> center.nodes.get(side).bus.xmppDomain());
    }

    public Side activeSide() {
        return loop.call(() -> center.active);
    }

    /** IN_SERVICE or OUT_OF_SERVICE. */
    public String status(Side side) {
        return loop.call(() -> center.nodes.get(side).status);
    }

    // ---------------------------------------------------------------- provisioning and observation

    public void addUser(UserSpec spec) {
        loop.exec(() -> center.addUser(spec));
    }

    public void addQueue(QueueSpec queue) {
        loop.exec(() -> center.addQueue(queue));
    }

    /** LOGOUT, NOT_READY, READY, RESERVED, TALKING, HOLD, WORK, WORK_READY. */
    public String agentState(String loginId) {
        return loop.call(() -> center.agent(loginId).state);
    }

    /** The pending state, or "" when none. */
    public String pendingState(String loginId) {
        return loop.call(() -> center.agent(loginId).pendingState);
    }

    public int reasonCodeId(String loginId) {
        return loop.call(() -> center.agent(loginId).reasonCodeId);
    }

    /** The agent's dialog ids, oldest first. */
    public List<String> dialogs(String loginId) {
        return loop.call(() -> center.agent(loginId).dialogs.stream().map(d -> d.id).toList());
    }

    /** The agent's participant state in a dialog (ALERTING, ACTIVE, HELD, INITIATED), or null once dropped. */
    public String dialogState(String dialogId) {
        return loop.call(() -> {
            SimDialog d = center.dialogs.get(dialogId);
            return d == null ? null : d.agentState;
        });
    }

    /** Available XMPP sessions of the agent on a side's built-in server (-1 for an external one). */
    public int xmppSessions(Side side, String loginId) {
        return loop.call(() -> center.nodes.get(side).bus.sessions(loginId));
    }

    /** The JIDs explicitly subscribed to a node (Team, Queue) on a side's built-in server; empty for an external one. */
    public List<String> subscribers(Side side, String node) {
        return loop.call(() -> center.nodes.get(side).bus instanceof BuiltInXmppServer b ? b.subscribers(node) : List.<String>of());
    }

    public long notificationsPublished() {
        return loop.call(() -> center.published);
    }

    /** Notifications not published because no side was in service (a failover, a lost CTI link). */
    public long notificationsSuppressed() {
        return loop.call(() -> center.suppressed);
    }

    public long requestsReceived() {
        return loop.call(() -> center.requests);
    }

    // ---------------------------------------------------------------- the platform acting on its own

    /** A state set on the platform (supervisor, CCE): any state to any state, with a User notification. */
    public void setAgentState(String loginId, String state, int reasonCodeId) {
        loop.exec(() -> center.agentRules.force(center.agent(loginId), state, reasonCodeId));
    }

    /** Offers a routed call (ACD_IN) from {@code caller}; {@code queueId} may be null. Returns the dialog id. */
    public String offerCall(String loginId, String queueId, String caller, Map<String, String> callVariables) {
        return loop.call(() -> center.callRules.offer(center.agent(loginId), queueId, caller, callVariables).id);
    }

    public void answerCall(String loginId, String dialogId) {
        loop.exec(() -> center.callRules.answer(center.agent(loginId), dialog(loginId, dialogId), null));
    }

    public void holdCall(String loginId, String dialogId, boolean held) {
        loop.exec(() -> center.callRules.hold(center.agent(loginId), dialog(loginId, dialogId), held, null));
    }

    /** The far end hangs up; a talked inbound call puts the agent in wrap-up (UCCE, §5). */
    public void hangUp(String loginId, String dialogId) {
        loop.exec(() -> center.callRules.drop(center.agent(loginId), dialog(loginId, dialogId), null));
    }

    /** Ends the agent's wrap-up now, as the wrap-up timer would. */
    public void endWrapUp(String loginId) {
        loop.exec(() -> center.agentRules.endWrapUp(center.agent(loginId)));
    }

    /** What the Queue statistics say about calls waiting (the ACD day does not show its line). */
    public void queueCalls(String queueId, int callsInQueue, Instant oldestCallStart) {
        loop.exec(() -> center.queueCalls(queueId, callsInQueue, oldestCallStart));
    }

    /**
     * Makes each queue's line the simulator's own (the Queue statistics' calls in queue and longest
     * wait): calls arrive at {@code callsPerMinute} per queue and each READY member takes one every
     * {@code handleTime}, advanced every queue period; {@code seed} makes it repeatable.
     */
    public void queueTraffic(double callsPerMinute, Duration handleTime, long seed) {
        loop.exec(() -> center.queueTraffic(callsPerMinute, handleTime, seed));
    }

    /** Runs the call center of {@code plan} until {@link #stopAcd()}; queue addresses are queue ids; {@code seed} makes a run repeatable. */
    public void startAcd(AcdPlan plan, long seed) {
        loop.exec(() -> {
            if (acd != null) {
                acd.stop();
            }
            acd = new CallCenterDay<>(plan, new AcdFloor(center), new LoopScheduler(loop), seed);
            acd.start();
        });
    }

    public void stopAcd() {
        loop.exec(() -> {
            if (acd != null) {
                acd.stop();
            }
        });
    }

    public AcdStats acdStats() {
        return loop.call(() -> acd == null ? new AcdStats(0, 0, 0, 0) : new AcdStats(acd.offered(), acd.answered(), acd.wrapUps(), acd.breaks()));
    }

    // ---------------------------------------------------------------- failover and faults

    /** The serving side goes OUT_OF_SERVICE and drops its XMPP sessions; after the window the other side serves and republishes (§7, TV6). */
    public void failover() {
        loop.exec(center::failover);
    }

    /** The CTI link is lost: OUT_OF_SERVICE on the serving side, XMPP kept open, no events. */
    public void ctiDown() {
        loop.exec(center::ctiDown);
    }

    /** The CTI link is back: IN_SERVICE, and the last state republished. */
    public void ctiUp() {
        loop.exec(center::ctiUp);
    }

    /** The serving side's notification service restarts: its sessions drop and new ones are refused for {@code down}. */
    public void notificationServiceRestart(Duration down) {
        loop.exec(() -> {
            NotificationBus bus = center.nodes.get(center.active).bus;
            if (bus instanceof BuiltInXmppServer b) {
                b.refuseFor(down.toMillis());
            }
            bus.dropSessions();
        });
    }

    public void notificationStyle(NotificationStyle style) {
        loop.exec(() -> center.xml.style(style));
    }

    /** A wrong password gets the ApiErrors XML 401 instead of the Cisco HTML page. */
    public void unauthorizedAsXml(boolean xml) {
        loop.exec(() -> center.unauthorizedAsXml = xml);
    }

    /** The next {@code n} notifications about this agent are not published (the state still changes). */
    public void dropNotifications(String loginId, int n) {
        loop.exec(() -> center.agent(loginId).dropNotifications = n);
    }

    /** User state requests (PUT /User/{id}) received for the agent. */
    public int commandsReceived(String loginId) {
        return loop.call(() -> center.agent(loginId).stateRequests);
    }

    /** While set, the agent's state requests are accepted (202) and never acted on: no notification, no error. */
    public void ignoreCommands(String loginId, boolean ignore) {
        loop.exec(() -> center.agent(loginId).ignoreRequests = ignore);
    }

    /** An administrator changes the agent's password: REST and XMPP sign-ins with the old one fail from now on. */
    public void changePassword(String loginId, String password) {
        loop.exec(() -> center.agent(loginId).password = password);
    }

    /** Drops the agent's notification sessions on both sides, as a kick would. */
    public void dropSessions(String loginId) {
        loop.exec(() -> center.dropSessions(loginId));
    }

    /** The next {@code n} REST requests (SystemInfo aside) get 503. */
    public void reject503(int n) {
        loop.exec(() -> center.reject503 = n);
    }

    /** Publishes any text as an {@code <Update>} on a node (malformed and hostile payloads), escaped like any other. */
    public void publishRaw(String node, String update) {
        loop.exec(() -> center.publish(node, update));
    }

    /** Sends any frame to the agent's sessions on the serving side's built-in server (hostile stanzas). */
    public void sendRawFrame(String loginId, String frame) {
        loop.exec(() -> {
            if (center.nodes.get(center.active).bus instanceof BuiltInXmppServer b) {
                b.sendRaw(loginId, frame);
            }
        });
    }

    @Override
    public void close() {
        try {
            loop.exec(() -> {
                if (acd != null) {
                    acd.stop();
                }
                center.nodes.values().forEach(n -> n.bus.close());
            });
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    private SimDialog dialog(String loginId, String dialogId) {
        SimDialog d = center.agent(loginId).dialog(dialogId);
        if (d == null) {
            throw new IllegalArgumentException("no dialog " + dialogId + " at " + loginId);
        }
        return d;
    }
}
