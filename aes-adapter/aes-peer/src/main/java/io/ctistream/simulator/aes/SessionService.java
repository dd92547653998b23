package io.ctistream.simulator.aes;

import io.ctistream.codec.SafeXml;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * ECMA-354 application sessions as AES runs them (§3): start with the CTI user's credentials and a
 * protocol version, keep-alive, stop, expiry on a missed keep-alive, the re-attach window after a
 * lost socket (monitors survive, events in the gap are lost), and TransferMonitorObjects.
 */
final class SessionService {
    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);
    /** priv6 (AES 6.2) to privC (8.0.1); older ones are refused so a client must offer a current one. */
    private static final List<String> KNOWN = List.of("priv6", "priv7", "priv8", "priv9", "privA", "privB", "privC");
    private static final int DEFAULT_CLEANUP_DELAY = 60;
    private final PeerSwitch sw;
    private final SecureRandom random = new SecureRandom();

    SessionService(PeerSwitch sw) {
        this.sw = sw;
    }

    String start(PeerConnection conn, Element req) {
        Element login = SafeXml.path(req, "applicationInfo", "applicationSpecificInfo", "SessionLoginInfo");
        String user = SafeXml.text(login, "userName");
        String password = SafeXml.text(login, "password");
        if (!sw.settings.ctiUser().equals(user) || !sw.settings.ctiPassword().equals(password)) {
            LOG.info("aes peer refused a session: wrong cti user or password [remote={}]", conn.remote());
            return DmccXml.startNeg("invalidApplicationInfo");
        }
        String version = version(req);
        if (version == null) {
            return DmccXml.startNeg("requestedProtocolVersionNotSupported");
        }
        int duration = grant(SafeXml.text(req, "requestedSessionDuration"));
        String oldId = SafeXml.text(login, "sessionID");
        if (oldId != null) {
            return reattach(conn, oldId, duration);
        }
        int cleanup = number(SafeXml.text(login, "sessionCleanupDelay"), DEFAULT_CLEANUP_DELAY);
        PeerSession s = new PeerSession(newId(), version, duration, Math.max(0, cleanup));
        sw.sessions.put(s.id, s);
        attach(conn, s);
        LOG.info("aes peer session started [session={}, version={}, duration={}]", s.id, version, duration);
        return DmccXml.startPos(s.id, version, duration);
    }

    /** Within the cleanup window the old id comes back with its monitors; otherwise a Neg response, and the client starts afresh. */
    private String reattach(PeerConnection conn, String oldId, int duration) {
        PeerSession s = sw.sessions.get(oldId);
        if (s == null || sw.refuseReattach) {
            LOG.info("aes peer refused a re-attach [session={}, known={}]", oldId, s != null);
            return DmccXml.startNegText("session " + oldId + " cannot be resumed"); // [I] AES's exact text is not known
        }
        sw.loop.cancel(s.cleanupTimer);
        s.cleanupTimer = -1;
        s.duration = duration;
        if (s.connection != null && s.connection != conn && s.connection.session == s) {
            s.connection.session = null;
        }
        attach(conn, s);
        LOG.info("aes peer session re-attached [session={}, monitors={}]", s.id, s.monitors.size());
        return DmccXml.startPos(s.id, s.protocolVersion, duration);
    }

    private void attach(PeerConnection conn, PeerSession s) {
        if (conn.session != null && conn.session != s) {
            detach(conn.session); // one session per socket: a second start leaves the first to its window
        }
        conn.session = s;
        s.connection = conn;
        sw.armExpiry(s);
    }

    String reset(Element req) {
        sw.keepAlives++;
        PeerSession s = sw.sessions.get(SafeXml.text(req, "sessionID"));
        if (s == null) {
            return DmccXml.resetNeg("invalidSessionID");
        }
        int duration = grant(SafeXml.text(req, "requestedSessionDuration"));
        if (!sw.ignoreKeepAlives) {
            s.duration = duration;
            sw.armExpiry(s);
        }
        return DmccXml.resetPos(duration);
    }

    String stop(Element req) {
        PeerSession s = sw.sessions.get(SafeXml.text(req, "sessionID"));
        if (s == null) {
            return DmccXml.stopNeg("invalidSessionID");
        }
        sw.forget(s);
        return DmccXml.stopPos();
    }

    /** Moves the monitors of a live (usually detached) session to another of this client's sessions (§3 recovery step 2). */
    String transferMonitors(Element req) {
        PeerSession from = sw.sessions.get(SafeXml.text(req, "fromSessionID"));
        PeerSession to = sw.sessions.get(SafeXml.text(req, "toSessionID"));
        if (from == null || to == null) {
            throw CstaError.operation("invalidMonitorObject"); // [I] AES's answer to an unknown session here is not documented
        }
        for (Monitor m : new ArrayList<>(from.monitors.values())) {
            from.monitors.remove(m.crossRefId);
            m.session = to;
            to.monitors.put(m.crossRefId, m);
        }
        to.deviceIds.addAll(from.deviceIds);
        LOG.info("aes peer transferred monitors [from={}, to={}, monitors={}]", from.id, to.id, to.monitors.size());
        return DmccXml.transferMonitorObjectsResponse();
    }

    /** The socket is gone: the session waits out its cleanup delay, then ends with its monitors. */
    void detach(PeerSession s) {
        if (sw.sessions.get(s.id) != s) {
            return;
        }
        s.connection = null;
        sw.loop.cancel(s.cleanupTimer);
        s.cleanupTimer = sw.loop.later(Math.max(1, s.cleanupDelay * 1000L), () -> {
            if (sw.sessions.get(s.id) == s && !s.attached()) {
                LOG.info("aes peer re-attach window closed [session={}]", s.id);
                sw.forget(s);
            }
        });
    }

    private String version(Element req) {
        Element list = SafeXml.child(req, "requestedProtocolVersions");
        if (list == null) {
            return null;
        }
        for (Element v : SafeXml.children(list, "protocolVersion")) {
            String text = SafeXml.blankToNull(v.getTextContent());
            if (text == null) {
                continue;
            }
            String suffix = text.substring(text.lastIndexOf('/') + 1);
            if (KNOWN.stream().anyMatch(k -> k.equalsIgnoreCase(suffix))) {
                return text;
            }
        }
        return null;
    }

    /** The smaller of what was asked and the peer's maximum; nothing sensible asked means the maximum. */
    private int grant(String requested) {
        int max = sw.settings.maxSessionDuration();
        int asked = number(requested, max);
        return asked <= 0 ? max : Math.min(asked, max);
    }

    private static int number(String text, int otherwise) {
        try {
            return text == null ? otherwise : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** 32 upper-case hex digits and "-0", like 469421A9364D46D6444524AE41BEAD72-0. */
    private String newId() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b).toUpperCase(Locale.ROOT) + "-0";
    }
}
