package io.ctistream.connector.finesse.xmpp;

import static io.ctistream.codec.SafeXml.escape;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The frames the session writes, one complete element per WebSocket text frame (RFC 7395 §3.3).
 * Text only: no I/O, no state. Attribute values and node names are escaped.
 */
final class XmppFrames {
    static final String NS_FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";
    static final String NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    static final String NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind";
    static final String NS_SESSION = "urn:ietf:params:xml:ns:xmpp-session";
    static final String NS_STREAMS = "http://etherx.jabber.org/streams";
    static final String NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    static final String NS_PING = "urn:xmpp:ping";
    static final String NS_PUBSUB = "http://jabber.org/protocol/pubsub";

    private XmppFrames() {
    }

    static String open(String domain) {
        return "<open xmlns=\"" + NS_FRAMING + "\" to=\"" + escape(domain) + "\" version=\"1.0\"/>";
    }

    static String close() {
        return "<close xmlns=\"" + NS_FRAMING + "\"/>";
    }

    /**
     * SASL PLAIN (RFC 4616) with an empty authzid. The returned frame holds the password in base64:
     * write it, never log it.
     */
    static String authPlain(String loginId, String password) {
        byte[] user = loginId.getBytes(StandardCharsets.UTF_8);
        byte[] pass = password.getBytes(StandardCharsets.UTF_8);
        byte[] msg = new byte[user.length + pass.length + 2];
        System.arraycopy(user, 0, msg, 1, user.length);
        System.arraycopy(pass, 0, msg, user.length + 2, pass.length);
        try {
            return "<auth xmlns=\"" + NS_SASL + "\" mechanism=\"PLAIN\">" + Base64.getEncoder().encodeToString(msg) + "</auth>";
        } finally {
            Arrays.fill(msg, (byte) 0);
            Arrays.fill(pass, (byte) 0);
        }
    }

    static String bind(String id, String resource) {
        return "<iq xmlns=\"jabber:client\" type=\"set\" id=\"" + escape(id) + "\"><bind xmlns=\"" + NS_BIND + "\"><resource>"
                + escape(resource) + "</resource></bind></iq>";
    }

    static String session(String id) {
        return "<iq xmlns=\"jabber:client\" type=\"set\" id=\"" + escape(id) + "\"><session xmlns=\"" + NS_SESSION + "\"/></iq>";
    }

    /** Available presence with priority 0, as Finesse asks (a negative priority gets no notifications). */
    static String presence() {
        return "<presence xmlns=\"jabber:client\"><priority>0</priority></presence>";
    }

    static String ping(String id, String from, String to) {
        return "<iq xmlns=\"jabber:client\" type=\"get\" id=\"" + escape(id) + "\" from=\"" + escape(from) + "\" to=\"" + escape(to)
                + "\"><ping xmlns=\"" + NS_PING + "\"/></iq>";
    }

    /** XEP-0060 §6.1 subscribe, from and for the full JID (Finesse delivers to that resource only). */
    static String subscribe(String id, String fullJid, String service, String node) {
        return pubsub(id, fullJid, service, "subscribe", node);
    }

    /** XEP-0060 §6.2 unsubscribe. */
    static String unsubscribe(String id, String fullJid, String service, String node) {
        return pubsub(id, fullJid, service, "unsubscribe", node);
    }

    private static String pubsub(String id, String fullJid, String service, String verb, String node) {
        return "<iq xmlns=\"jabber:client\" type=\"set\" id=\"" + escape(id) + "\" from=\"" + escape(fullJid) + "\" to=\"" + escape(service)
                + "\"><pubsub xmlns=\"" + NS_PUBSUB + "\"><" + verb + " node=\"" + escape(node) + "\" jid=\"" + escape(fullJid)
                + "\"/></pubsub></iq>";
    }

    /** An empty result for an iq get or set the server sent us (a ping). */
    static String result(String id, String to) {
        return "<iq xmlns=\"jabber:client\" type=\"result\" id=\"" + escape(id) + "\"" + toAttr(to) + "/>";
    }

    /** The answer RFC 6120 §8.4 requires to an iq get or set we do not serve. */
    static String serviceUnavailable(String id, String to) {
        return "<iq xmlns=\"jabber:client\" type=\"error\" id=\"" + escape(id) + "\"" + toAttr(to)
                + "><error type=\"cancel\"><service-unavailable xmlns=\"" + NS_STANZAS + "\"/></error></iq>";
    }

    private static String toAttr(String to) {
        return to == null || to.isEmpty() ? "" : " to=\"" + escape(to) + "\"";
    }
}
