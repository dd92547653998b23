package io.ctistream.simulator.finesse;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * One client's XMPP-over-WebSocket session (RFC 7395): each frame holds one {@code <open/>},
 * {@code <close/>} or stanza, parsed with the hardened parser. Runs on the simulator's loop.
 */
final class XmppSession {
    private static final Logger LOG = LoggerFactory.getLogger(XmppSession.class);
    private static final String FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";
    private static final String SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    private static final String STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    private static final String PUBSUB = "http://jabber.org/protocol/pubsub";

    private final BuiltInXmppServer server;
    private final ServerWebSocket ws;
    private final String streamId;
    private String loginId;
    private boolean authenticated;
    private String jid;
    private boolean available;
    private boolean closed;
    private long lastActivity = System.currentTimeMillis();

    XmppSession(BuiltInXmppServer server, ServerWebSocket ws, String streamId) {
        this.server = server;
        this.ws = ws;
        this.streamId = streamId;
        ws.frameHandler(f -> lastActivity = System.currentTimeMillis());
        ws.textMessageHandler(this::onFrame);
        ws.closeHandler(v -> ended());
        ws.exceptionHandler(e -> LOG.debug("xmpp websocket error [jid={}]: {}", jid, e.toString()));
    }

    String jid() {
        return jid;
    }

    String bareJid() {
        return loginId + "@" + server.domain;
    }

    String loginId() {
        return authenticated ? loginId : null;
    }

    boolean available() {
        return available;
    }

    long lastActivity() {
        return lastActivity;
    }

    void send(String frame) {
        if (!closed) {
            ws.writeTextMessage(frame);
        }
    }

    /** A stream error ends the session (RFC 6120 §4.9), then the closing frame. */
    void streamError(String condition) {
        if (closed) {
            return;
        }
        send("<stream:error xmlns:stream=\"http://etherx.jabber.org/streams\"><" + condition
                + " xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/></stream:error>");
        send("<close xmlns=\"" + FRAMING + "\"/>");
        ws.close();
        ended();
    }

    private void ended() {
        if (closed) {
            return;
        }
        closed = true;
        server.ended(this);
        if (available) {
            available = false;
            server.presence.offline(loginId);
        }
    }

    private void onFrame(String text) {
        lastActivity = System.currentTimeMillis();
        if (closed || text.isBlank()) {
            return;
        }
        Element el;
        try {
            el = SafeXml.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (MalformedBodyException e) {
            LOG.info("xmpp frame refused [jid={}]: {}", jid, e.getMessage());
            streamError("not-well-formed");
            return;
        }
        String name = SafeXml.localName(el);
        switch (name) {
            case "open" -> open(el);
            case "close" -> {
                send("<close xmlns=\"" + FRAMING + "\"/>");
                ws.close();
                ended();
            }
            case "auth" -> auth(el);
            case "iq" -> {
                if (authenticated) {
                    iq(el);
                } else {
                    streamError("not-authorized");
                }
            }
            case "presence" -> presence(el);
            case "message" -> {
                // Finesse clients do not send messages; ignored
            }
            default -> streamError("unsupported-stanza-type");
        }
    }

    private void open(Element el) {
        String to = el.getAttribute("to");
        if (!to.isEmpty() && !to.equals(server.domain)) {
            send(openFrame());
            streamError("host-unknown");
            return;
        }
        send(openFrame());
        if (!authenticated) {
            send("<stream:features xmlns:stream=\"http://etherx.jabber.org/streams\"><mechanisms xmlns=\"" + SASL
                    + "\"><mechanism>PLAIN</mechanism></mechanisms></stream:features>");
        } else {
            send("<stream:features xmlns:stream=\"http://etherx.jabber.org/streams\"><bind xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"/>"
                    + "<session xmlns=\"urn:ietf:params:xml:ns:xmpp-session\"><optional/></session></stream:features>");
        }
    }

    private String openFrame() {
        return "<open xmlns=\"" + FRAMING + "\" from=\"" + server.domain + "\" id=\"" + streamId + "\" version=\"1.0\" xml:lang=\"en\"/>";
    }

    private void auth(Element el) {
        if (authenticated) {
            streamError("policy-violation");
            return;
        }
        if (!"PLAIN".equals(el.getAttribute("mechanism"))) {
            send("<failure xmlns=\"" + SASL + "\"><invalid-mechanism/></failure>");
            return;
        }
        String[] parts;
        try {
            parts = new String(Base64.getDecoder().decode(el.getTextContent().strip()), StandardCharsets.UTF_8).split("\0", -1);
        } catch (IllegalArgumentException e) {
            send("<failure xmlns=\"" + SASL + "\"><incorrect-encoding/></failure>");
            return;
        }
        if (parts.length != 3 || !server.directory.authenticate(parts[1], parts[2])) {
            LOG.info("xmpp sign-in refused [user={}]", parts.length == 3 ? parts[1] : "?");
            send("<failure xmlns=\"" + SASL + "\"><not-authorized/></failure>");
            return;
        }
        loginId = parts[1];
        authenticated = true;
        send("<success xmlns=\"" + SASL + "\"/>");
    }

    private void iq(Element iq) {
        String type = iq.getAttribute("type");
        String id = iq.getAttribute("id");
        if (type.equals("result") || type.equals("error")) {
            return;
        }
        Element child = firstChild(iq);
        String ns = child == null ? "" : child.getNamespaceURI() == null ? "" : child.getNamespaceURI();
        String what = child == null ? "" : SafeXml.localName(child);
        if (jid == null && !(what.equals("bind") && type.equals("set"))) {
            send(iqError(id, "wait", "not-authorized")); // nothing but bind before a resource is bound
            return;
        }
        switch (what + " " + ns) {
            case "bind urn:ietf:params:xml:ns:xmpp-bind" -> bind(id, child);
            case "session urn:ietf:params:xml:ns:xmpp-session", "ping urn:xmpp:ping" -> send(result(id, ""));
            case "pubsub " + PUBSUB -> new PubSubIq(server, this).handle(id, type, child);
            default -> send(iqError(id, "cancel", "service-unavailable"));
        }
    }

    private void bind(String id, Element bind) {
        if (jid != null) {
            send(iqError(id, "cancel", "not-allowed"));
            return;
        }
        String resource = SafeXml.text(bind, "resource");
        jid = bareJid() + "/" + (resource == null ? BuiltInXmppServer.hex(4) : resource);
        server.bound(this);
        send(result(id, "<bind xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"><jid>" + SafeXml.escape(jid) + "</jid></bind>"));
    }

    private void presence(Element p) {
        if (jid == null) {
            return;
        }
        String type = p.getAttribute("type");
        String priority = SafeXml.text(p, "priority");
        boolean nowAvailable = type.isEmpty() && (priority == null || !priority.startsWith("-"));
        if (nowAvailable && !available) {
            available = true;
            server.presence.online(loginId);
        } else if (!nowAvailable && available && (type.isEmpty() || type.equals("unavailable"))) {
            available = false;
            server.presence.offline(loginId);
        }
    }

    String result(String id, String payload) {
        return "<iq xmlns=\"jabber:client\" type=\"result\" id=\"" + SafeXml.escape(id) + "\" from=\"" + server.domain + "\" to=\""
                + SafeXml.escape(jid == null ? bareJid() : jid) + "\">" + payload + "</iq>";
    }

    String iqError(String id, String errorType, String condition) {
        return iqError(id, errorType, condition, "");
    }

    String iqError(String id, String errorType, String condition, String extra) {
        return "<iq xmlns=\"jabber:client\" type=\"error\" id=\"" + SafeXml.escape(id) + "\" from=\"" + server.domain + "\"><error type=\""
                + errorType + "\"><" + condition + " xmlns=\"" + STANZAS + "\"/>" + extra + "</error></iq>";
    }

    private static Element firstChild(Element e) {
        for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                return c;
            }
        }
        return null;
    }
}
