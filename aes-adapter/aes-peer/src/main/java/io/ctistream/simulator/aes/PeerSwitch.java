package io.ctistream.simulator.aes;

import io.ctistream.simulator.support.SimulatorLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state behind the peer, touched only on the loop: CM's stations and VDNs, AES's sessions,
 * monitors and connections, the AES↔CM link, the fault knobs, and how an event reaches every
 * monitor that asked for it.
 */
final class PeerSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(PeerSwitch.class);

    /** A canned answer for the next {@code remaining} requests of one kind ({@link AesPeer#failNext}). */
    static final class Fault {
        final String xml;
        int remaining;

        Fault(String xml, int remaining) {
            this.xml = xml;
            this.remaining = remaining;
        }
    }

    final AesPeer.Settings settings;
    final SimulatorLoop loop;
    final Map<String, Station> stations = new LinkedHashMap<>();
    final Map<String, String> vdnSkills = new HashMap<>();
    final Map<String, PeerSession> sessions = new LinkedHashMap<>();
    final Map<Long, Monitor> monitors = new LinkedHashMap<>();
    final Set<PeerConnection> connections = new LinkedHashSet<>();
    final Map<String, Fault> faults = new HashMap<>();
    boolean linkUp = true;
    boolean ignoreKeepAlives;
    boolean refuseReattach;
    Duration answerDelay;
    long keepAlives;
    long systemStatusAnswers;
    private long nextCrossRef = 17;
    private long nextCallId = 412;
    private long nextUcid = 1;
    private long nextRegisterId = 500046;
    private int nextServerInvoke;
    /** Events raised while a request is handled wait here so its answer goes first, as on AES. */
    private List<Runnable> deferred;

    PeerSwitch(AesPeer.Settings settings, SimulatorLoop loop) {
        this.settings = settings;
        this.loop = loop;
        this.answerDelay = settings.answerDelay();
    }

    // ---------------------------------------------------------------- naming (§4)

    /** A station's device id: {@code ext:switch:ip:0}. */
    String device(String extension) {
        return extension + ":" + settings.switchName() + ":" + settings.switchIp() + ":0";
    }

    /** A number off the switch (a caller, a VDN, a skill): {@code number:switch::0}. */
    String thirdParty(String number) {
        return number + ":" + settings.switchName() + "::0";
    }

    /** The station a device id names, or null; only the extension part is compared. */
    Station stationOf(String deviceId) {
        if (deviceId == null) {
            return null;
        }
        int colon = deviceId.indexOf(':');
        return stations.get(colon < 0 ? deviceId : deviceId.substring(0, colon));
    }

    Station agent(String agentId) {
        for (Station s : stations.values()) {
            if (s.agentId.equals(agentId)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no agent " + agentId);
    }

    Station station(String extension) {
        Station s = stations.get(extension);
        if (s == null) {
            throw new IllegalArgumentException("no station " + extension);
        }
        return s;
    }

    long nextCrossRef() {
        return nextCrossRef++;
    }

    String nextCallId() {
        return String.valueOf(nextCallId++);
    }

    /** CM's UCID: network node (5 digits), sequence (5), timestamp in seconds (10). */
    String nextUcid() {
        long seconds = settings.clock().instant().getEpochSecond() % 10_000_000_000L;
        return String.format("%05d%05d%010d", 1, nextUcid++ % 100_000, seconds);
    }

    long nextRegisterId() {
        return nextRegisterId++;
    }

    /** The invoke id of a request the peer sends itself (SystemStatus): 0001–9998, wrapping. */
    String nextServerInvoke() {
        nextServerInvoke = nextServerInvoke % 9998 + 1;
        return String.format("%04d", nextServerInvoke);
    }

    // ---------------------------------------------------------------- events

    /** Sends an event to every attached monitor of the station whose filter wants {@code flag}; none while the CM link is down. */
    void emit(Station station, String flag, LongFunction<String> xml) {
        if (!linkUp) {
            return;
        }
        for (Monitor m : monitors.values()) {
            if (station.extension.equals(m.extension) && m.filter.wants(flag) && m.session.attached()) {
                String text = xml.apply(m.crossRefId);
                PeerConnection c = m.session.connection;
                send(() -> c.send(DmccFrames.EVENT_ID, text));
            }
        }
    }

    /** Agent events exist only from AES 6.3 on (§6 caveat); {@code agentEvents=false} plays 6.2. */
    void emitAgent(Station station, String flag, LongFunction<String> xml) {
        if (settings.agentEvents()) {
            emit(station, flag, xml);
        }
    }

    private void send(Runnable write) {
        if (deferred != null) {
            deferred.add(write);
        } else {
            write.run();
        }
    }

    /** Holds events raised by {@code work} until {@code answer} has been written. */
    void answering(Runnable work, Runnable answer) {
        List<Runnable> outer = deferred;
        deferred = new ArrayList<>();
        List<Runnable> held = deferred;
        try {
            work.run();
        } finally {
            deferred = outer;
            answer.run();
            held.forEach(this::send);
        }
    }

    // ---------------------------------------------------------------- monitors and sessions

    void dropMonitor(Monitor m) {
        monitors.remove(m.crossRefId);
        m.session.monitors.remove(m.crossRefId);
    }

    /** Ends a session: timers off, monitors and device ids gone; the socket stays open. */
    void forget(PeerSession s) {
        loop.cancel(s.expiryTimer);
        loop.cancel(s.cleanupTimer);
        new ArrayList<>(s.monitors.values()).forEach(this::dropMonitor);
        s.deviceIds.clear();
        sessions.remove(s.id);
        if (s.connection != null && s.connection.session == s) {
            s.connection.session = null;
        }
        LOG.info("aes peer session ended [session={}]", s.id);
    }

    /** The session's timer ran out (or a test says so): ApplicationSessionTerminated to its client (TV12), then gone. */
    void expire(PeerSession s) {
        if (s.attached()) {
            s.connection.send(DmccFrames.EVENT_ID, DmccXml.terminated(s.id, "sessionTimerExpired"));
        }
        forget(s);
    }

    /** (Re)arms the session timer for its granted duration. */
    void armExpiry(PeerSession s) {
        loop.cancel(s.expiryTimer);
        s.expiryTimer = loop.later(s.duration * 1000L, () -> {
            if (sessions.get(s.id) == s) {
                LOG.info("aes peer session timer expired [session={}]", s.id);
                expire(s);
            }
        });
    }

    /** The AES↔CM link changed: SystemStatus to every registered, attached session, as a request of the peer's own. */
    void linkStatus(boolean up) {
        linkUp = up;
        for (PeerSession s : sessions.values()) {
            if (s.systemRegisterId >= 0 && s.attached()) {
                s.connection.send(nextServerInvoke(), DmccXml.systemStatus(s.systemRegisterId, up ? "normal" : "disabled"));
            }
        }
    }
}
