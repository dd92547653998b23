package io.ctistream.simulator.finesse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies the built-in XMPP-over-WebSocket subset: SASL, ping, XEP-0060 subscriptions, stream errors. */
@Timeout(60)
class XmppServerTest {
    private static final String PUBSUB = "http://jabber.org/protocol/pubsub";
    private static final String TEAM_NODE = "/finesse/api/Team/5005/Users";
    private final SimFixture f = new SimFixture();

    @AfterEach
    void close() {
        f.close();
    }

    /** Verifies that a wrong password gets SASL not-authorized and the session can try again. */
    @Test
    void wrongPasswordIsNotAuthorized() {
        XmppTestClient c = XmppTestClient.connect(f.vertx, f.sim.wsUrl());
        c.send("<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"fin-a.example.com\" version=\"1.0\"/>");
        c.next(fr -> fr.contains("PLAIN"));
        c.send(c.auth("1234", "wrong"));
        assertThat(c.next(fr -> fr.startsWith("<failure"))).contains("<not-authorized/>");
        c.send(c.auth("1234", SimFixture.PASSWORD));
        assertThat(c.next(fr -> true)).startsWith("<success");
        c.close();
    }

    /** Verifies that stanzas before authentication end the stream, as do frames that are not XML. */
    @Test
    void streamErrorsEndTheSession() {
        XmppTestClient early = XmppTestClient.connect(f.vertx, f.sim.wsUrl());
        early.send("<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"fin-a.example.com\" version=\"1.0\"/>");
        early.send("<iq xmlns=\"jabber:client\" type=\"get\" id=\"x\"><ping xmlns=\"urn:xmpp:ping\"/></iq>");
        assertThat(early.next(fr -> fr.contains("stream:error"))).contains("not-authorized");
        await().until(early::closed);

        XmppTestClient bad = f.xmpp("1234");
        bad.send("<iq type='get'><unclosed>");
        assertThat(bad.next(fr -> fr.contains("stream:error"))).contains("not-well-formed");
        await().until(bad::closed);

        XmppTestClient hostile = f.xmpp("1235");
        hostile.send("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><iq type='get' id='e'>&a;</iq>");
        assertThat(hostile.next(fr -> fr.contains("stream:error"))).contains("not-well-formed");
    }

    /** Verifies ping, the bound JID, unknown IQs, and that a second session with the same full JID replaces the first. */
    @Test
    void pingBindAndConflict() {
        XmppTestClient c = f.xmpp("1234");
        assertThat(c.jid).isEqualTo("1234@fin-a.example.com/test-0");
        c.send("<iq xmlns=\"jabber:client\" type=\"get\" id=\"ping1\" to=\"fin-a.example.com\"><ping xmlns=\"urn:xmpp:ping\"/></iq>");
        assertThat(c.next(fr -> fr.contains("id=\"ping1\""))).contains("type=\"result\"");
        c.send("<iq xmlns=\"jabber:client\" type=\"get\" id=\"v1\"><query xmlns=\"jabber:iq:version\"/></iq>");
        assertThat(c.next(fr -> fr.contains("id=\"v1\""))).contains("service-unavailable");
        XmppTestClient again = XmppTestClient.signIn(f.vertx, f.sim.wsUrl(), "fin-a.example.com", "1234", SimFixture.PASSWORD, "test-0");
        assertThat(c.next(fr -> fr.contains("stream:error"))).contains("conflict");
        assertThat(again.closed()).isFalse();
        again.close();
    }

    /** Verifies that Team nodes need an explicit subscription from the full JID, that unknown nodes are item-not-found, and unsubscribe stops delivery. */
    @Test
    void teamNodeSubscriptions() {
        // GIVEN a supervisor's session, not subscribed yet
        XmppTestClient s = f.xmpp("1236");
        f.sim.setAgentState("1234", "READY", -1);
        // WHEN it subscribes to the team node and to a node that does not exist
        s.send(pubsub("set", "sub1", "<subscribe node=\"" + TEAM_NODE + "\" jid=\"" + s.jid + "\"/>"));
        assertThat(s.next(fr -> fr.contains("id=\"sub1\""))).contains("type=\"result\"").contains("subscription=\"subscribed\"");
        s.send(pubsub("set", "sub2", "<subscribe node=\"/finesse/api/Team/9999/Users\" jid=\"" + s.jid + "\"/>"));
        assertThat(s.next(fr -> fr.contains("id=\"sub2\""))).contains("type=\"error\"").contains("item-not-found");
        s.send(pubsub("set", "sub3", "<subscribe node=\"" + TEAM_NODE + "\" jid=\"1234@fin-a.example.com\"/>"));
        assertThat(s.next(fr -> fr.contains("id=\"sub3\""))).contains("invalid-jid");
        // THEN team changes arrive, with the agent as the source (TV11)
        f.sim.setAgentState("1234", "NOT_READY", 16);
        XmppTestClient.Update u = s.nextUpdate(TEAM_NODE);
        assertThat(u.field("source")).isEqualTo("/finesse/api/User/1234");
        assertThat(u.field("state")).isEqualTo("NOT_READY");
        assertThat(u.field("label")).isEqualTo("Team Meeting");
        s.send(pubsub("get", "list", "<subscriptions/>"));
        assertThat(s.next(fr -> fr.contains("id=\"list\""))).contains("node=\"" + TEAM_NODE + "\"");
        // WHEN it unsubscribes THEN nothing more arrives; a second unsubscribe is not-subscribed
        s.send(pubsub("set", "uns1", "<unsubscribe node=\"" + TEAM_NODE + "\" jid=\"" + s.jid + "\"/>"));
        assertThat(s.next(fr -> fr.contains("id=\"uns1\""))).contains("type=\"result\"");
        s.send(pubsub("set", "uns2", "<unsubscribe node=\"" + TEAM_NODE + "\" jid=\"" + s.jid + "\"/>"));
        assertThat(s.next(fr -> fr.contains("id=\"uns2\""))).contains("not-subscribed");
        f.sim.setAgentState("1234", "READY", -1);
        f.sim.setAgentState("1236", "NOT_READY", -1); // its own node: still automatic
        s.nextUpdate("/finesse/api/User/1236");
        assertThat(s.updates()).filteredOn(x -> x.node().equals(TEAM_NODE)).hasSize(1);
    }

    /** Verifies that hostile payloads published on a node arrive escaped inside the notification, one stanza per frame. */
    @Test
    void rawPayloadsArriveEscaped() {
        XmppTestClient c = f.xmpp("1234");
        f.sim.publishRaw("/finesse/api/User/1234", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Update>&e;</Update>");
        XmppTestClient.Update u = c.nextUpdate("/finesse/api/User/1234");
        assertThat(u.xml()).startsWith("<!DOCTYPE x");
        f.sim.sendRawFrame("1234", "<message xmlns=\"jabber:client\"><body>raw</body></message>");
        assertThat(c.next(fr -> fr.contains("<body>raw</body>"))).isNotNull();
    }

    private static String pubsub(String type, String id, String inner) {
        return "<iq xmlns=\"jabber:client\" type=\"" + type + "\" id=\"" + id + "\" to=\"pubsub.fin-a.example.com\"><pubsub xmlns=\"" + PUBSUB
                + "\">" + inner + "</pubsub></iq>";
    }
}
