package io.ctistream.simulator.aes;

import io.ctistream.simulator.support.LoopScheduler;
import io.ctistream.simulator.support.SimulatorLoop;
import io.ctistream.simulator.support.AcdPlan;
import io.ctistream.simulator.support.CallCenterDay;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Avaya AES for tests, the demo and benchmarks: a DMCC XML server (framing §1, sessions §3,
 * devices §4, monitors §5, agent control §6, call events §7) in front of a small CM with stations,
 * agents and calls, plus the knobs that make AES misbehave. Everything runs on one event-loop
 * thread; the public methods hop onto it and wait.
 */
public final class AesPeer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AesPeer.class);

    /** TLS (AES's port 4722) with a PKCS12 key store; toString keeps the password out of logs. */
    public record Tls(String keyStore, String password) {
        @Override
        public String toString() {
            return "Tls[keyStore=" + keyStore + "]";
        }
    }

    /**
     * @param port 0 picks a free one
     * @param tls null serves plain TCP (AES's 4721)
     * @param switchName the AES switch-connection name in device ids ("CM1")
     * @param switchIp CM's address in device ids ("10.10.10.5")
     * @param maxSessionDuration the most a session is granted, in seconds
     * @param agentEvents false plays AES 6.2: no agent-state events, GetAgentState only (§6 caveat)
     * @param answerDelay how long each answer waits (slow AES)
     * @param clock the UCID's timestamp part
     * @param wrapUp timed after-call work after an ACD call, then back to the ready mode; zero: manual-in agents stay in ACW until they leave it, auto-in agents are available at once
     */
    public record Settings(String bindHost, int port, Tls tls, String switchName, String switchIp, String ctiUser, String ctiPassword,
                           int maxSessionDuration, boolean agentEvents, Duration answerDelay, Clock clock, Duration wrapUp) {
        /** Loopback, a free port, plain TCP, the notes' names (TV1, TV4), 180 s sessions, agent events on, untimed wrap-up. */
        public static Settings loopback() {
            return new Settings("127.0.0.1", 0, null, "CM1", "10.10.10.5", "ctiuser", "Secret#1", 180, true, Duration.ZERO,
                    Clock.systemUTC(), Duration.ZERO);
        }

        @Override
        public String toString() {
            return "Settings[bindHost=" + bindHost + ", port=" + port + ", tls=" + tls + ", switchName=" + switchName + ", switchIp="
                    + switchIp + ", ctiUser=" + ctiUser + ", maxSessionDuration=" + maxSessionDuration + ", agentEvents=" + agentEvents + "]";
        }

        public Settings withPort(int p) {
            return new Settings(bindHost, p, tls, switchName, switchIp, ctiUser, ctiPassword, maxSessionDuration, agentEvents, answerDelay, clock, wrapUp);
        }

        public Settings withTls(Tls t) {
            return new Settings(bindHost, port, t, switchName, switchIp, ctiUser, ctiPassword, maxSessionDuration, agentEvents, answerDelay, clock, wrapUp);
        }

        public Settings withSwitch(String name, String ip) {
            return new Settings(bindHost, port, tls, name, ip, ctiUser, ctiPassword, maxSessionDuration, agentEvents, answerDelay, clock, wrapUp);
        }

        public Settings withCtiUser(String user, String password) {
            return new Settings(bindHost, port, tls, switchName, switchIp, user, password, maxSessionDuration, agentEvents, answerDelay, clock, wrapUp);
        }

        public Settings withMaxSessionDuration(int seconds) {
            return new Settings(bindHost, port, tls, switchName, switchIp, ctiUser, ctiPassword, seconds, agentEvents, answerDelay, clock, wrapUp);
        }

        public Settings withAgentEvents(boolean on) {
            return new Settings(bindHost, port, tls, switchName, switchIp, ctiUser, ctiPassword, maxSessionDuration, on, answerDelay, clock, wrapUp);
        }

        public Settings withAnswerDelay(Duration d) {
            return new Settings(bindHost, port, tls, switchName, switchIp, ctiUser, ctiPassword, maxSessionDuration, agentEvents, d, clock, wrapUp);
        }

        public Settings withClock(Clock c) {
            return new Settings(bindHost, port, tls, switchName, switchIp, ctiUser, ctiPassword, maxSessionDuration, agentEvents, answerDelay, c, wrapUp);
        }

        public Settings withWrapUp(Duration d) {
            return new Settings(bindHost, port, tls, switchName, switchIp, ctiUser, ctiPassword, maxSessionDuration, agentEvents, answerDelay, clock, d);
        }
    }

    /**
     * An agent as CM sees it.
     *
     * @param state agentNull, agentNotReady, agentReady, agentBusy or agentWorkingAfterCall
     * @param workMode autoIn, manualIn, auxWork or afterCallWork (null when logged off)
     * @param pending the pending state in the same terms, or null
     */
    public record AgentView(boolean loggedOn, String state, String workMode, int reasonCode, String pending) {
    }

    /** What the ACD day has done so far. */
    public record AcdStats(long offered, long answered, long wrapUps, long breaks) {
    }

    private final Vertx vertx;
    private final SimulatorLoop loop;
    private final PeerSwitch sw;
    private final AgentRules agents;
    private final CallRules calls;
    private final PeerServer server;
    private CallCenterDay<Station, PeerCall> acd;

    private AesPeer(Vertx vertx, Settings settings) throws Exception {
        this.vertx = vertx;
        this.loop = new SimulatorLoop(vertx, "the aes peer");
        this.sw = new PeerSwitch(settings, loop);
        this.agents = new AgentRules(sw);
        this.calls = new CallRules(sw, agents);
        RequestRouter router = new RequestRouter(sw, new SessionService(sw), new DeviceService(sw), agents);
        this.server = new PeerServer(sw, router);
        int port = loop.call(() -> server.listen(settings.port())).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (settings.tls() == null && !"127.0.0.1".equals(settings.bindHost()) && !"localhost".equals(settings.bindHost())) {
            LOG.warn("aes peer serves plain tcp on a non-loopback address [host={}]", settings.bindHost());
        }
        LOG.info("aes peer listening [host={}, port={}, tls={}, agentEvents={}]", settings.bindHost(), port, settings.tls() != null,
                settings.agentEvents());
    }

    public static AesPeer start(Settings settings) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        vertx.exceptionHandler(e -> LOG.error("aes peer failed on its event loop", e));
        try {
            return new AesPeer(vertx, settings);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("the aes peer did not start: " + e.getMessage(), e);
        }
    }

    public int port() {
        return loop.call(server::port);
    }

    // ---------------------------------------------------------------- provisioning

    /** A station and the agent that logs in on it; {@code agentPassword} in clear (the client sends it hex-encoded). */
    public void addStation(String extension, String agentId, String agentPassword) {
        loop.exec(() -> sw.stations.put(extension, new Station(extension, sw.device(extension), agentId, agentPassword)));
    }

    /** The skill (hunt group) a VDN delivers to, reported as acdGroup (TV9); without it the VDN's own number is used. */
    public void addVdn(String vdn, String skill) {
        loop.exec(() -> sw.vdnSkills.put(vdn, skill));
    }

    // ---------------------------------------------------------------- calls

    /** An ACD call through {@code vdn} (null: a direct call) from {@code caller} rings at the station (TV9); returns the call id. */
    public String offerCall(String extension, String vdn, String caller) {
        return loop.call(() -> calls.offer(sw.station(extension), vdn, caller));
    }

    public void answerCall(String extension, String callId) {
        loop.exec(() -> calls.answer(sw.station(extension), call(extension, callId)));
    }

    public void holdCall(String extension, String callId, boolean held) {
        loop.exec(() -> calls.hold(sw.station(extension), call(extension, callId), held));
    }

    /** The caller hangs up (TV11). */
    public void hangUp(String extension, String callId) {
        loop.exec(() -> calls.callerHangsUp(sw.station(extension), call(extension, callId)));
    }

    public void agentHangsUp(String extension, String callId) {
        loop.exec(() -> calls.agentHangsUp(sw.station(extension), call(extension, callId)));
    }

    /** The agent transfers the call to another station; returns the call's id there. */
    public String transfer(String extension, String callId, String toExtension) {
        return loop.call(() -> calls.transfer(sw.station(extension), call(extension, callId), sw.station(toExtension)));
    }

    /** A party (a station or any number) joins the call. */
    public void conference(String extension, String callId, String party) {
        loop.exec(() -> calls.conference(sw.station(extension), call(extension, callId), party));
    }

    /** The station's call ids, oldest first. */
    public List<String> calls(String extension) {
        return loop.call(() -> sw.station(extension).calls.stream().map(c -> c.callId).toList());
    }

    private PeerCall call(String extension, String callId) {
        PeerCall c = sw.station(extension).call(callId);
        if (c == null) {
            throw new IllegalArgumentException("no call " + callId + " at " + extension);
        }
        return c;
    }

    // ---------------------------------------------------------------- the ACD day

    /** Runs the call center of {@code plan} (queue addresses are VDNs, users agent ids) until {@link #stopAcd()}. */
    public void startAcd(AcdPlan plan, long seed) {
        loop.exec(() -> {
            if (acd != null) {
                acd.stop();
            }
            acd = new CallCenterDay<>(plan, new AcdFloor(sw, agents, calls), new LoopScheduler(loop), seed);
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

    // ---------------------------------------------------------------- agents as the platform

    /**
     * The agent presses a button on its phone: any SetAgentState request, no password, pending
     * while on a call; raises the events. A request that makes no sense throws IllegalStateException.
     */
    public void setAgentState(String agentId, String requestedAgentState, String workMode, int reasonCode) {
        loop.exec(() -> {
            try {
                agents.change(sw.agent(agentId), requestedAgentState, workMode, reasonCode, true);
            } catch (CstaError e) {
                throw new IllegalStateException("cm refused " + requestedAgentState + " for agent " + agentId + ": " + e.getMessage());
            }
        });
    }

    public AgentView agentState(String agentId) {
        return loop.call(() -> {
            Station s = sw.agent(agentId);
            return new AgentView(s.loggedOn, s.agentState(), s.loggedOn ? s.workMode : null, s.reasonCode,
                    s.pending == null ? null : s.pending.reported());
        });
    }

    // ---------------------------------------------------------------- observation

    public int sessions() {
        return loop.call(sw.sessions::size);
    }

    public List<String> sessionIds() {
        return loop.call(() -> List.copyOf(sw.sessions.keySet()));
    }

    public int monitors() {
        return loop.call(sw.monitors::size);
    }

    public int monitorsOf(String extension) {
        return loop.call(() -> (int) sw.monitors.values().stream().filter(m -> extension.equals(m.extension)).count());
    }

    public long keepAlivesReceived() {
        return loop.call(() -> sw.keepAlives);
    }

    /** SystemStatusResponse answers received to the peer's SystemStatus requests. */
    public long systemStatusAnswers() {
        return loop.call(() -> sw.systemStatusAnswers);
    }

    /** SetAgentState requests received for the agent's station. */
    public int commandsReceived(String agentId) {
        return loop.call(() -> sw.agent(agentId).commands);
    }

    // ---------------------------------------------------------------- faults

    /** While set, the agent's SetAgentState requests are answered with success and change nothing. */
    public void ignoreCommands(String agentId, boolean ignore) {
        loop.exec(() -> sw.agent(agentId).ignoreCommands = ignore);
    }

    /** Every session ends now with ApplicationSessionTerminated (sessionTimerExpired); monitors dropped. */
    public void expireSessions() {
        loop.exec(() -> List.copyOf(sw.sessions.values()).forEach(sw::expire));
    }

    /** While set, keep-alives are answered but not honoured, so sessions expire on their timers. */
    public void ignoreKeepAlives(boolean ignore) {
        loop.exec(() -> sw.ignoreKeepAlives = ignore);
    }

    /** Closes every socket; {@code keepSessions} leaves the sessions to their re-attach window, false ends them at once. */
    public void dropConnections(boolean keepSessions) {
        loop.exec(() -> server.dropConnections(keepSessions));
    }

    /** While set, a re-attach gets a NegResponse though the old session lives on to its window's end (so TransferMonitorObjects works). */
    public void refuseReattach(boolean refuse) {
        loop.exec(() -> sw.refuseReattach = refuse);
    }

    /** The AES↔CM link goes down: SystemStatus disabled to registered sessions, no events, CM requests refused with resourceOutOfService. */
    public void linkDown() {
        loop.exec(() -> sw.linkStatus(false));
    }

    public void linkUp() {
        loop.exec(() -> sw.linkStatus(true));
    }

    /** The next {@code times} requests with this local name are answered with {@code errorXml} (a CSTAErrorCode, a NegResponse…). */
    public void failNext(String requestLocalName, String errorXml, int times) {
        loop.exec(() -> sw.faults.put(requestLocalName, new PeerSwitch.Fault(errorXml, times)));
    }

    public void answerDelay(Duration delay) {
        loop.exec(() -> sw.answerDelay = delay);
    }

    /** Writes these bytes as they are to every connection (malformed or oversized frames, split writes). */
    public void sendRaw(byte[] bytes) {
        loop.exec(() -> List.copyOf(sw.connections).forEach(c -> c.sendRaw(Buffer.buffer(bytes))));
    }

    /** AES restarts: every socket closed, every session and monitor gone, listening again on the same port after {@code down}. */
    public void restart(Duration down) {
        loop.call(() -> server.restart(down.toMillis())).toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        try {
            loop.call(() -> {
                if (acd != null) {
                    acd.stop();
                }
                return server.close();
            }).toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
