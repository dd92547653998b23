package io.ctistream.connector.finesse.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.codec.SafeXml;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** Verifies the frames the session writes: well-formed, namespaced, escaped. */
class XmppFramesTest {
    private static Element parse(String frame) {
        return SafeXml.parse(frame.getBytes(StandardCharsets.UTF_8), 64 * 1024);
    }

    /** Verifies that open and close are RFC 7395 framing elements addressed to the domain. */
    @Test
    void openAndCloseAreFramingElements() {
        Element open = parse(XmppFrames.open("fin-a.example.com"));
        Element close = parse(XmppFrames.close());

        assertThat(open.getNamespaceURI()).isEqualTo("urn:ietf:params:xml:ns:xmpp-framing");
        assertThat(open.getAttribute("to")).isEqualTo("fin-a.example.com");
        assertThat(open.getAttribute("version")).isEqualTo("1.0");
        assertThat(close.getLocalName()).isEqualTo("close");
        assertThat(close.getNamespaceURI()).isEqualTo("urn:ietf:params:xml:ns:xmpp-framing");
    }

    /** Verifies SASL PLAIN per RFC 4616: empty authzid, NUL, authcid, NUL, password, base64, with non-ASCII kept as UTF-8. */
    @Test
    void authPlainHasAnEmptyAuthzid() {
        Element auth = parse(XmppFrames.authPlain("1234", "pä<ss>&"));

        assertThat(auth.getAttribute("mechanism")).isEqualTo("PLAIN");
        assertThat(auth.getNamespaceURI()).isEqualTo("urn:ietf:params:xml:ns:xmpp-sasl");
        byte[] decoded = Base64.getDecoder().decode(auth.getTextContent());
        assertThat(new String(decoded, StandardCharsets.UTF_8)).isEqualTo("\u00001234\u0000pä<ss>&");
    }

    /** Verifies that a subscribe comes from and names the full JID, goes to the pubsub service, and escapes the node. */
    @Test
    void subscribeNamesTheFullJidAndEscapesTheNode() {
        String jid = "1234@fin-a.example.com/adapter-1";
        Element iq = parse(XmppFrames.subscribe("c7", jid, "pubsub.fin-a.example.com", "/finesse/api/Team/5005/Users&\"x\""));

        assertThat(iq.getAttribute("type")).isEqualTo("set");
        assertThat(iq.getAttribute("from")).isEqualTo(jid);
        assertThat(iq.getAttribute("to")).isEqualTo("pubsub.fin-a.example.com");
        Element subscribe = SafeXml.path(iq, "pubsub", "subscribe");
        assertThat(subscribe.getNamespaceURI()).isEqualTo("http://jabber.org/protocol/pubsub");
        assertThat(subscribe.getAttribute("node")).isEqualTo("/finesse/api/Team/5005/Users&\"x\"");
        assertThat(subscribe.getAttribute("jid")).isEqualTo(jid);
        assertThat(SafeXml.path(parse(XmppFrames.unsubscribe("c8", jid, "pubsub.x", "/n")), "pubsub", "unsubscribe").getAttribute("jid")).isEqualTo(jid);
    }

    /** Verifies presence with priority 0, bind with the resource, and the answers to the server's iqs. */
    @Test
    void presenceBindAndAnswers() {
        assertThat(SafeXml.text(parse(XmppFrames.presence()), "priority")).isEqualTo("0");
        assertThat(SafeXml.path(parse(XmppFrames.bind("c1", "ctistream-<1>")), "bind", "resource").getTextContent()).isEqualTo("ctistream-<1>");
        Element pong = parse(XmppFrames.result("s1", "fin-a.example.com"));
        assertThat(pong.getAttribute("type")).isEqualTo("result");
        assertThat(pong.getAttribute("to")).isEqualTo("fin-a.example.com");
        Element refusal = parse(XmppFrames.serviceUnavailable("s2", null));
        assertThat(refusal.hasAttribute("to")).isFalse();
        assertThat(SafeXml.path(refusal, "error", "service-unavailable")).isNotNull();
        assertThat(SafeXml.path(parse(XmppFrames.ping("c3", "a@b/c", "b")), "ping").getNamespaceURI()).isEqualTo("urn:xmpp:ping");
    }
}
