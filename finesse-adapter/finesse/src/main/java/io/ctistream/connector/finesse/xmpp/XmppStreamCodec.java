package io.ctistream.connector.finesse.xmpp;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reads the stream-level elements an XMPP session needs for itself (RFC 7395 {@code <open/>} and
 * {@code <close/>}, stream features, SASL results, IQs, stream errors) from one WebSocket frame.
 * Pure: bytes in, a value out, with the project's hardened parser; {@code <message>} stanzas are
 * not its business (the Finesse codec reads them). Local names decide, so a prefixed
 * {@code <stream:features>} and an unprefixed one read the same.
 */
final class XmppStreamCodec {
    /** What one frame was. */
    sealed interface Inbound permits Open, Features, SaslSuccess, SaslFailure, Iq, StreamError, Close, Other {
    }

    /** RFC 7395 §3.4 {@code <open/>}: a stream (re)starts. */
    record Open(String from, String version) implements Inbound {
    }

    /** Stream features: the SASL mechanisms offered, bind, a mandatory legacy session, mandatory STARTTLS. */
    record Features(List<String> mechanisms, boolean bind, boolean sessionRequired, boolean startTlsRequired) implements Inbound {
    }

    record SaslSuccess() implements Inbound {
    }

    /** A SASL {@code <failure>} with its defined condition (RFC 6120 §6.5) and optional text. */
    record SaslFailure(String condition, String text) implements Inbound {
    }

    /**
     * An IQ: {@code ping} for a get carrying {@code <ping xmlns="urn:xmpp:ping"/>}, {@code boundJid}
     * from a bind result, {@code errorType} and {@code errorCondition} for an error.
     */
    record Iq(String type, String id, String from, boolean ping, String boundJid, String errorType, String errorCondition) implements Inbound {
        boolean request() {
            return "get".equals(type) || "set".equals(type);
        }

        boolean error() {
            return "error".equals(type);
        }
    }

    /** A {@code <stream:error>}: the server is about to close. */
    record StreamError(String condition, String text) implements Inbound {
    }

    /** RFC 7395 §3.6 {@code <close/>}, with the redirect of §3.7 when present. */
    record Close(String seeOtherUri) implements Inbound {
    }

    /** Anything else, by local name: ignored by the session. */
    record Other(String name) implements Inbound {
    }

    static final String NS_PING = "urn:xmpp:ping";

    private XmppStreamCodec() {
    }

    /**
     * @throws MalformedBodyException when the frame is empty, over {@code maxBytes}, not well-formed,
     *         carries a DTD or nests too deep
     */
    static Inbound decode(byte[] frame, int maxBytes) {
        Element e = SafeXml.parse(frame, maxBytes);
        String name = SafeXml.localName(e);
        return switch (name) {
            case "open" -> new Open(attr(e, "from"), attr(e, "version"));
            case "features" -> features(e);
            case "success" -> new SaslSuccess();
            case "failure" -> new SaslFailure(condition(e, "not-authorized"), SafeXml.text(e, "text"));
            case "iq" -> iq(e);
            case "error" -> new StreamError(condition(e, "undefined-condition"), SafeXml.text(e, "text"));
            case "close" -> new Close(attr(e, "see-other-uri"));
            default -> new Other(name);
        };
    }

    private static Features features(Element e) {
        Element mechanisms = SafeXml.child(e, "mechanisms");
        List<String> offered = mechanisms == null ? List.of()
                : SafeXml.children(mechanisms, "mechanism").stream().map(m -> SafeXml.blankToNull(m.getTextContent()))
                        .filter(m -> m != null).toList();
        Element session = SafeXml.child(e, "session");
        Element starttls = SafeXml.child(e, "starttls");
        return new Features(offered, SafeXml.child(e, "bind") != null,
                session != null && SafeXml.child(session, "optional") == null,
                starttls != null && SafeXml.child(starttls, "required") != null);
    }

    private static Iq iq(Element e) {
        String type = attr(e, "type");
        Element ping = SafeXml.child(e, "ping");
        boolean isPing = "get".equals(type) && ping != null && NS_PING.equals(ping.getNamespaceURI());
        Element jid = SafeXml.path(e, "bind", "jid");
        Element error = SafeXml.child(e, "error");
        return new Iq(type, attr(e, "id"), attr(e, "from"), isPing, jid == null ? null : SafeXml.blankToNull(jid.getTextContent()),
                error == null ? null : attr(error, "type"), error == null ? null : condition(error, "undefined-condition"));
    }

    /** The local name of the first child element other than {@code <text>}: the defined condition. */
    private static String condition(Element parent, String fallback) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && !"text".equals(SafeXml.localName(c))) {
                return SafeXml.localName(c);
            }
        }
        return fallback;
    }

    private static String attr(Element e, String name) {
        return SafeXml.blankToNull(e.getAttribute(name));
    }
}
