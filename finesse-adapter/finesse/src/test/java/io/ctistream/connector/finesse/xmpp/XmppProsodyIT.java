package io.ctistream.connector.finesse.xmpp;

import static io.ctistream.connector.finesse.xmpp.Futures.failure;
import static io.ctistream.connector.finesse.xmpp.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.codec.SafeXml;
import io.ctistream.connector.core.Failure;
import io.ctistream.simulator.finesse.testing.ProsodyServer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;
import org.w3c.dom.Element;

/**
 * The session against a real XMPP server (Prosody 0.12, {@link ProsodyServer}), with a publisher
 * we did not write (Smack over c2s TCP). Skipped where Prosody is not installed.
 */
@Timeout(120)
class XmppProsodyIT {
    static final String DOMAIN = "fin-a.example.com";
    static final String AGENT = "1234";
    static final String PASSWORD = "agent-pw-7Qz";
    static final String TEAM_NODE = "/finesse/api/Team/5005/Users";
    static final String QUEUE_NODE = "/finesse/api/Queue/6001";

    static ProsodyServer prosody;
    static Vertx vertx;
    static WebSocketClient client;
    static SmackPublisher publisher;

    final List<XmppSession> sessions = new ArrayList<>();
    final AtomicInteger resources = new AtomicInteger();

    @BeforeAll
    static void startServer() throws Exception {
        prosody = ProsodyServer.create(DOMAIN).register(AGENT, PASSWORD).start();
        vertx = Vertx.vertx();
        client = vertx.createWebSocketClient(XmppSessionOptions.clientOptions(100, XmppSessionOptions.DEFAULT_MAX_STANZA_BYTES));
        publisher().node(TEAM_NODE);
        publisher().node(QUEUE_NODE);
    }

    @AfterAll
    static void stopServer() {
        if (publisher != null) {
            publisher.close();
        }
        if (vertx != null) {
            join(vertx.close());
        }
        if (prosody != null) {
            prosody.close();
        }
    }

    @AfterEach
    void closeSessions() {
        prosody.thaw();
        sessions.forEach(s -> join(s.abort()));
    }

    XmppSessionOptions.Builder options(String password) {
        return XmppSessionOptions.builder(prosody.websocketUri(), DOMAIN, AGENT, password, "ctistream-it-" + resources.incrementAndGet())
                .connectTimeout(Duration.ofSeconds(10))
                .iqTimeout(Duration.ofSeconds(5));
    }

    XmppSession session(XmppSessionOptions options, RecordingListener listener) {
        Context context = vertx.getOrCreateContext();
        XmppSession s = new XmppSession(context, client, options, listener);
        sessions.add(s);
        return s;
    }

    /** Verifies that a session authenticates, binds the resource it asked for and is present with priority 0. */
    @Test
    void connectsAuthenticatesBindsAndIsPresent() throws Exception {
        // GIVEN an agent's session
        RecordingListener listener = new RecordingListener();
        XmppSession session = session(options(PASSWORD).build(), listener);

        // WHEN it connects
        join(session.connect());

        // THEN it is established under the full JID it asked for
        assertThat(session.state()).isEqualTo(XmppSession.State.ESTABLISHED);
        assertThat(session.fullJid()).isEqualTo(AGENT + "@" + DOMAIN + "/" + session.options().resource());
        assertThat(listener.established).hasValue(1);
        assertThat(listener.states).containsSubsequence(XmppSession.State.CONNECTING, XmppSession.State.AUTHENTICATING,
                XmppSession.State.BINDING, XmppSession.State.ESTABLISHED);
        // AND it is available with a non-negative priority: a message to the bare JID reaches it
        publisher().sendChat(AGENT + "@" + DOMAIN, "are you there");
        await().atMost(Duration.ofSeconds(5)).until(() -> !listener.messages.isEmpty());
        assertThat(listener.messages.get(0)).contains("are you there");
    }

    /** Verifies that a wrong password is a permanent failure, reported once and never retried. */
    @Test
    void wrongPasswordIsPermanentAndNotRetried() throws Exception {
        // GIVEN a session with a wrong password
        RecordingListener listener = new RecordingListener();
        XmppSession session = session(options("wrong-pw-9Xk").build(), listener);
        long attemptsBefore = authAttemptsInLog();

        // WHEN it connects
        Throwable t = failure(session.connect());

        // THEN the connect fails permanently with the SASL condition, and the session is over
        assertThat(t).isInstanceOf(Failure.class);
        Failure f = (Failure) t;
        assertThat(f.retriable()).isFalse();
        assertThat(f.code()).isEqualTo("XMPP_SASL_NOT_AUTHORIZED");
        assertThat(f.getMessage()).doesNotContain("wrong-pw-9Xk");
        assertThat(session.state()).isEqualTo(XmppSession.State.LOST);
        assertThat(listener.lost).as("a session never established reports through its connect future only").isEmpty();
        // AND the server saw exactly one attempt, and no further one follows
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(authAttemptsInLog()).isEqualTo(attemptsBefore + 1));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(authAttemptsInLog()).isEqualTo(attemptsBefore + 1));
    }

    /** Verifies that a subscribed node's item reaches the session with its escaped Update intact. */
    @Test
    void subscribedNodeDeliversEscapedUpdateIntact() throws Exception {
        // GIVEN an established session subscribed to a Team node
        RecordingListener listener = new RecordingListener();
        XmppSession session = session(options(PASSWORD).build(), listener);
        join(session.connect());
        join(session.subscribe(TEAM_NODE));
        assertThat(session.subscriptions()).containsExactly(TEAM_NODE);

        // WHEN Finesse (Smack here) publishes an Update with characters that need escaping
        String update = "<Update><data><user><loginId>1234</loginId><state>NOT_READY</state>"
                + "<reasonCode><label>Lunch &amp; \"break\" &lt;1h&gt; 'é✓'</label></reasonCode></user></data>"
                + "<event>PUT</event><requestId></requestId><source>/finesse/api/User/1234</source></Update>";
        publisher().publishUpdate(TEAM_NODE, "item-1", update);

        // THEN one message arrives, on the session's event loop, whose notification text is the Update as published
        await().atMost(Duration.ofSeconds(5)).until(() -> !listener.messages.isEmpty());
        String stanza = listener.messages.get(0);
        Element message = SafeXml.parse(stanza.getBytes(StandardCharsets.UTF_8), 256 * 1024);
        Element items = SafeXml.path(message, "event", "items");
        assertThat(items.getAttribute("node")).isEqualTo(TEAM_NODE);
        Element notification = SafeXml.path(items, "item", "notification");
        assertThat(notification.getNamespaceURI()).isEqualTo("urn:xmpp:push:0");
        assertThat(notification.getTextContent()).isEqualTo(update);
        assertThat(listener.threads.get(0)).startsWith("vert.x-eventloop-thread");
        assertThat(session.malformedCount()).isZero();
    }

    /** Verifies that a subscription to a node that does not exist fails permanently (Prosody: item-not-found). */
    @Test
    void subscribingToAMissingNodeFailsPermanently() {
        RecordingListener listener = new RecordingListener();
        XmppSession session = session(options(PASSWORD).build(), listener);
        join(session.connect());

        Throwable t = failure(session.subscribe("/finesse/api/Queue/does-not-exist"));

        assertThat(t).isInstanceOf(Failure.class);
        assertThat(((Failure) t).code()).isEqualTo("XMPP_IQ_ITEM_NOT_FOUND");
        assertThat(((Failure) t).retriable()).isFalse();
        assertThat(session.state()).isEqualTo(XmppSession.State.ESTABLISHED);
    }

    /** Verifies that a clean close unsubscribes what the session subscribed, then closes the stream. */
    @Test
    void cleanCloseUnsubscribesThenCloses() throws Exception {
        // GIVEN a session subscribed to two nodes
        RecordingListener listener = new RecordingListener();
        XmppSession session = session(options(PASSWORD).build(), listener);
        join(session.connect());
        join(session.subscribe(TEAM_NODE));
        join(session.subscribe(QUEUE_NODE));
        String jid = session.fullJid();
        assertThat(publisher().subscribers(TEAM_NODE)).contains(jid);
        assertThat(publisher().subscribers(QUEUE_NODE)).contains(jid);

        // WHEN it closes
        join(session.close());

        // THEN the server holds no subscription for it, and the session is closed, not lost
        assertThat(publisher().subscribers(TEAM_NODE)).doesNotContain(jid);
        assertThat(publisher().subscribers(QUEUE_NODE)).doesNotContain(jid);
        assertThat(session.state()).isEqualTo(XmppSession.State.CLOSED);
        assertThat(session.subscriptions()).isEmpty();
        assertThat(listener.closed).hasValue(1);
        assertThat(listener.lost).isEmpty();
    }

    /**
     * Verifies that a second session with the same full JID takes over (Prosody's default) and the
     * first is lost permanently: reconnecting it would only kick the new one out in turn.
     */
    @Test
    void sameResourceTakesOverAndTheOldSessionIsLostPermanently() {
        // GIVEN an established session
        RecordingListener first = new RecordingListener();
        XmppSessionOptions options = options(PASSWORD).build();
        XmppSession old = session(options, first);
        join(old.connect());

        // WHEN another session binds the same resource
        XmppSession replacement = session(options, new RecordingListener());
        join(replacement.connect());

        // THEN the old one is lost with a permanent stream conflict, the new one stays
        await().atMost(Duration.ofSeconds(5)).until(() -> !first.lost.isEmpty());
        assertThat(first.lost.get(0).code()).isEqualTo("XMPP_STREAM_CONFLICT");
        assertThat(first.lost.get(0).retriable()).isFalse();
        assertThat(replacement.state()).isEqualTo(XmppSession.State.ESTABLISHED);
    }

    /** Verifies that pings flow and keep an idle session established. */
    @Test
    void pingsKeepAnIdleSessionAlive() {
        // GIVEN a session pinging every 200 ms
        RecordingListener listener = new RecordingListener();
        XmppSession session = session(options(PASSWORD).pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(500)).build(), listener);
        join(session.connect());

        // WHEN it idles for two seconds
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> session.state() == XmppSession.State.ESTABLISHED);

        // THEN the server answered its pings and nothing was lost
        assertThat(session.pingsAnswered()).isGreaterThanOrEqualTo(5);
        assertThat(listener.lost).isEmpty();
    }

    /** Verifies that the server's pings, and other iqs to the full JID, are answered (RFC 6120 §8.4). */
    @Test
    void answersPingsAndRefusesWhatItDoesNotServe() throws Exception {
        RecordingListener listener = new RecordingListener();
        XmppSession session = session(options(PASSWORD).build(), listener);
        join(session.connect());

        // WHEN another entity pings the session's full JID
        boolean pong = PingManager.getInstanceFor(publisher().connection()).ping(JidCreate.entityFullFrom(session.fullJid()));

        // THEN the session answers
        assertThat(pong).isTrue();
        // AND a disco#info query it does not serve gets service-unavailable rather than silence
        XMPPException.XMPPErrorException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                XMPPException.XMPPErrorException.class,
                () -> ServiceDiscoveryManager.getInstanceFor(publisher().connection()).discoverInfo(JidCreate.from(session.fullJid())));
        assertThat(refused.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
        assertThat(session.state()).isEqualTo(XmppSession.State.ESTABLISHED);
    }

    /** Verifies that a server that hangs with its sockets open is noticed by missed pings within the ping timeout. */
    @Test
    void hungServerIsNoticedByMissedPings() {
        // GIVEN a session pinging every 300 ms, 400 ms to answer, lost after 2 missed
        RecordingListener listener = new RecordingListener();
        XmppSession session = session(options(PASSWORD).pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(400))
                .maxMissedPings(2).build(), listener);
        join(session.connect());

        // WHEN Prosody freezes (SIGSTOP: TCP stays up, nothing answers)
        long frozeAt = System.nanoTime();
        prosody.freeze();

        // THEN the session is lost, retriable, within (2 - 1) x 300 + 400 ms plus one interval of phase
        await().atMost(Duration.ofSeconds(3)).until(() -> !listener.lost.isEmpty());
        long tookMs = (System.nanoTime() - frozeAt) / 1_000_000;
        assertThat(listener.lost.get(0).code()).isEqualTo("XMPP_PING_TIMEOUT");
        assertThat(listener.lost.get(0).retriable()).isTrue();
        assertThat(tookMs).isLessThan(2_000);
        assertThat(session.state()).isEqualTo(XmppSession.State.LOST);
        prosody.thaw();
    }

    /** Verifies that a crashed server is noticed at once, and that a new session gets in once it is back. */
    @Test
    void crashedServerIsNoticedAtOnceAndANewSessionGetsInAfterRestart() {
        // GIVEN an established session with a long ping interval
        RecordingListener listener = new RecordingListener();
        XmppSession session = session(options(PASSWORD).pingInterval(Duration.ofSeconds(30)).build(), listener);
        join(session.connect());
        join(session.subscribe(TEAM_NODE));

        // WHEN Prosody is killed
        prosody.kill();

        // THEN the session is lost at once (the connection closes), long before any ping would tell
        await().atMost(Duration.ofSeconds(2)).until(() -> !listener.lost.isEmpty());
        assertThat(listener.lost.get(0).code()).isEqualTo("XMPP_CONNECTION_CLOSED");
        assertThat(listener.lost.get(0).retriable()).isTrue();

        // AND after a restart a new session connects and subscribes again
        prosody.start();
        RecordingListener again = new RecordingListener();
        XmppSession next = session(options(PASSWORD).build(), again);
        join(next.connect());
        join(next.subscribe(TEAM_NODE));
        assertThat(next.state()).isEqualTo(XmppSession.State.ESTABLISHED);
    }

    /** Counts SASL attempts in Prosody's debug log (the element is logged, its content is not): the server's view of how often we tried. */
    private static long authAttemptsInLog() throws Exception {
        try (var lines = Files.lines(prosody.logFile())) {
            // attribute order varies between Prosody runs (Lua table order)
            return lines.filter(l -> l.contains("Received[c2s_unauthed]: <auth ") && l.contains("'PLAIN'")).count();
        }
    }

    /** The publisher, signed in again if a test restarted the server under it. */
    static SmackPublisher publisher() throws Exception {
        if (publisher == null || !publisher.connection().isAuthenticated()) {
            if (publisher != null) {
                publisher.close();
            }
            publisher = new SmackPublisher(prosody);
        }
        return publisher;
    }
}
