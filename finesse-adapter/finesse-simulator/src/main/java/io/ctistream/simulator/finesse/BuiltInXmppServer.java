package io.ctistream.simulator.finesse;

import io.ctistream.simulator.support.SimulatorLoop;
import static io.ctistream.simulator.finesse.Notifications.API;

import io.ctistream.codec.SafeXml;
import io.vertx.core.http.ServerWebSocketHandshake;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XMPP subset Finesse's notification service speaks, served by the simulator itself over
 * WebSocket (RFC 7395) at {@code /ws/} on the side's HTTP port: SASL PLAIN against the user table,
 * bind, session, presence, ping, XEP-0060 subscribe/unsubscribe, and pubsub event messages carrying
 * the escaped {@code <Update>}. The User, Dialogs and SystemInfo nodes are subscribed automatically
 * for the user's bare JID (delivered to its available sessions); Team and Queue nodes need an
 * explicit subscription, which persists after the session ends, as on Finesse. What
 * {@code ctistream demo} uses where there is no Prosody.
 */
public final class BuiltInXmppServer implements NotificationBus {
    private static final Logger LOG = LoggerFactory.getLogger(BuiltInXmppServer.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    final String domain;
    final Directory directory;
    final Presence presence;
    final SimulatorLoop loop;
    private final FinesseSimulator.Settings settings;
    private final int port;
    private final boolean tls;
    final List<XmppSession> sessions = new ArrayList<>();
    /** node → subscribed JIDs (full or bare), as the subscribe IQ named them. */
    private final Map<String, Set<String>> subscriptions = new HashMap<>();
    private long messageSeq;
    private final long idleCheck;
    private long refuseUntil;

    public BuiltInXmppServer(SideInfo side, Directory directory, Presence presence) {
        this.domain = side.host();
        this.directory = directory;
        this.presence = presence;
        this.loop = side.loop();
        this.settings = side.settings();
        this.port = side.side() == FinesseSimulator.Side.A ? settings.portA() : settings.portB();
        this.tls = settings.tls() != null;
        long every = Math.max(50, Math.min(1000, settings.xmppIdleTimeout().toMillis() / 4));
        this.idleCheck = loop.every(every, this::closeIdle);
    }

    @Override
    public String xmppDomain() {
        return domain;
    }

    @Override
    public String pubSubDomain() {
        return "pubsub." + domain;
    }

    @Override
    public String endpoint() {
        return (tls ? "wss://" : "ws://") + settings.bindHost() + ":" + port + "/ws/";
    }

    @Override
    public void prepare(String node, Collection<String> autoSubscribers) {
        // the built-in server knows which nodes are automatic from their names
    }

    void handshake(ServerWebSocketHandshake hs) {
        if (System.currentTimeMillis() < refuseUntil) {
            hs.reject(503);
            return;
        }
        hs.accept().onSuccess(ws -> sessions.add(new XmppSession(this, ws, hex(6))));
    }

    /** Refuses new sessions for a while (a notification service restarting). */
    void refuseFor(long millis) {
        refuseUntil = System.currentTimeMillis() + millis;
    }

    @Override
    public void publish(String node, String update) {
        Set<XmppSession> to = new LinkedHashSet<>();
        Set<String> subscribed = subscriptions.getOrDefault(node, Set.of());
        for (XmppSession s : sessions) {
            if (s.jid() == null) {
                continue;
            }
            boolean explicit = subscribed.contains(s.jid()) || s.available() && subscribed.contains(s.bareJid());
            if (explicit || s.available() && automatic(node, s.loginId())) {
                to.add(s);
            }
        }
        if (to.isEmpty()) {
            return;
        }
        String item = "<item id=\"" + hex(8) + "\"><notification xmlns=\"urn:xmpp:push:0\">" + SafeXml.escape(update)
                + "</notification></item>";
        for (XmppSession s : to) {
            s.send("<message xmlns=\"jabber:client\" from=\"" + pubSubDomain() + "\" to=\"" + s.jid() + "\" id=\"" + domainTag()
                    + (++messageSeq) + "\"><event xmlns=\"http://jabber.org/protocol/pubsub#event\"><items node=\""
                    + SafeXml.escape(node) + "\">" + item + "</items></event></message>");
        }
    }

    /** Sends any text as one frame to every session of the agent (malformed and hostile payload tests). */
    void sendRaw(String loginId, String frame) {
        sessions.stream().filter(s -> loginId.equals(s.loginId())).forEach(s -> s.send(frame));
    }

    private String domainTag() {
        return domain.isEmpty() ? "m" : domain.substring(0, 1);
    }

    /** The nodes Finesse subscribes a user to automatically (§6). */
    private static boolean automatic(String node, String loginId) {
        return node.equals(API + "SystemInfo") || loginId != null
                && (node.equals(API + "User/" + loginId) || node.startsWith(API + "User/" + loginId + "/Dialogs")
                || node.startsWith(API + "User/" + loginId + "/Media/"));
    }

    boolean subscribe(String node, String jid) {
        if (!directory.nodeExists(node)) {
            return false;
        }
        subscriptions.computeIfAbsent(node, n -> new LinkedHashSet<>()).add(jid);
        return true;
    }

    boolean unsubscribe(String node, String jid) {
        Set<String> jids = subscriptions.get(node);
        return jids != null && jids.remove(jid);
    }

    /** The JIDs subscribed to a node explicitly (Team and Queue nodes), as the subscribe IQs named them. */
    List<String> subscribers(String node) {
        return List.copyOf(subscriptions.getOrDefault(node, Set.of()));
    }

    List<String> subscriptionsOf(String jid, String bareJid) {
        List<String> out = new ArrayList<>();
        subscriptions.forEach((node, jids) -> {
            if (jids.contains(jid) || jids.contains(bareJid)) {
                out.add(node);
            }
        });
        return out;
    }

    /** A session bound this full JID: an older one with the same JID is replaced (conflict), as Openfire does by default. */
    void bound(XmppSession s) {
        for (XmppSession other : List.copyOf(sessions)) {
            if (other != s && s.jid().equals(other.jid())) {
                other.streamError("conflict");
            }
        }
    }

    void ended(XmppSession s) {
        sessions.remove(s);
    }

    @Override
    public void dropSessions() {
        LOG.info("notification service drops its sessions [domain={}, sessions={}]", domain, sessions.size());
        List.copyOf(sessions).forEach(s -> s.streamError("system-shutdown"));
    }

    @Override
    public void dropSessions(String loginId) {
        List.copyOf(sessions).stream().filter(s -> loginId.equals(s.loginId())).forEach(s -> s.streamError("system-shutdown"));
    }

    @Override
    public int sessions(String loginId) {
        return (int) sessions.stream().filter(s -> loginId.equals(s.loginId()) && s.available()).count();
    }

    private void closeIdle() {
        long limit = System.currentTimeMillis() - settings.xmppIdleTimeout().toMillis();
        for (XmppSession s : List.copyOf(sessions)) {
            if (s.lastActivity() < limit) {
                LOG.info("xmpp session idle too long, closed [jid={}]", s.jid());
                s.streamError("connection-timeout");
            }
        }
    }

    @Override
    public void close() {
        loop.cancel(idleCheck);
        List.copyOf(sessions).forEach(s -> s.streamError("system-shutdown"));
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
