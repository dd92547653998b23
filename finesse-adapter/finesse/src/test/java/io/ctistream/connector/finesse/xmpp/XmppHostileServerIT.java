package io.ctistream.connector.finesse.xmpp;

import static io.ctistream.connector.finesse.xmpp.Futures.failure;
import static io.ctistream.connector.finesse.xmpp.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ctistream.connector.core.Failure;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketFrame;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The session against a server that misbehaves ({@link FakeXmppServer}, real sockets): malformed,
 * oversized and hostile stanzas are dropped and counted while the session lives on; stream errors,
 * refusals and silence end it with the right classification.
 */
@Timeout(60)
class XmppHostileServerIT {
    static final String MESSAGE = "<message xmlns='jabber:client' from='pubsub.fin-a.example.com' to='1234@fin-a.example.com'>"
            + "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='/finesse/api/User/1234'><item id='i1'>"
            + "<notification xmlns='urn:xmpp:push:0'>&lt;Update&gt;&lt;event&gt;PUT&lt;/event&gt;&lt;/Update&gt;</notification>"
            + "</item></items></event></message>";

    Vertx vertx;
    WebSocketClient client;
    FakeXmppServer server;
    final List<XmppSession> sessions = new ArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        client = vertx.createWebSocketClient(XmppSessionOptions.clientOptions(10, XmppSessionOptions.DEFAULT_MAX_STANZA_BYTES));
        server = FakeXmppServer.start(vertx);
    }

    @AfterEach
    void stop() {
        sessions.forEach(s -> join(s.abort()));
        server.close();
        join(vertx.close());
    }

    XmppSessionOptions.Builder options() {
        return XmppSessionOptions.builder(server.uri(), FakeXmppServer.DOMAIN, FakeXmppServer.USER, FakeXmppServer.PASSWORD, "res-1")
                .connectTimeout(Duration.ofSeconds(5)).iqTimeout(Duration.ofSeconds(2)).pingInterval(Duration.ofSeconds(30));
    }

    XmppSession session(XmppSessionOptions options, XmppSessionListener listener) {
        XmppSession s = new XmppSession(vertx.getOrCreateContext(), client, options, listener);
        sessions.add(s);
        return s;
    }

    XmppSession established(RecordingListener listener) {
        XmppSession s = session(options().build(), listener);
        join(s.connect());
        return s;
    }

    /** Verifies that a malformed stanza is counted and the next message still arrives. */
    @Test
    void malformedStanzaIsCountedAndTheSessionLivesOn() {
        // GIVEN an established session
        RecordingListener listener = new RecordingListener();
        XmppSession session = established(listener);

        // WHEN the server sends a stanza that is not well-formed, then a good message
        server.send("<iq xmlns='jabber:client' type='result' id='x'><unclosed></iq>");
        server.send(MESSAGE);

        // THEN the bad one is counted, the good one delivered, the session still established
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.messages.size() == 1);
        assertThat(listener.malformed).hasSize(1).first().asString().contains("not well-formed");
        assertThat(session.malformedCount()).isEqualTo(1);
        assertThat(session.state()).isEqualTo(XmppSession.State.ESTABLISHED);
        assertThat(listener.messages.get(0)).isEqualTo(MESSAGE);
    }

    /** Verifies that entity tricks (a DTD, billion laughs) and absurd nesting are refused by the parser, not expanded. */
    @Test
    void hostileXmlIsRefusedNotExpanded() {
        RecordingListener listener = new RecordingListener();
        XmppSession session = established(listener);

        server.send("<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>]>"
                + "<iq xmlns='jabber:client' type='result' id='x'>&lol2;</iq>");
        server.send("<iq xmlns='jabber:client' type='result' id='y'>" + "<a>".repeat(500) + "</a>".repeat(500) + "</iq>");
        server.send(MESSAGE);

        await().atMost(Duration.ofSeconds(5)).until(() -> listener.messages.size() == 1);
        assertThat(session.malformedCount()).isEqualTo(2);
        assertThat(session.state()).isEqualTo(XmppSession.State.ESTABLISHED);
    }

    /** Verifies that a stanza over the limit, in one frame or in fragments, is dropped and counted, and the session lives on. */
    @Test
    void oversizedStanzaIsDroppedAndTheSessionLivesOn() {
        // GIVEN an established session with the default 256 KiB limit (frames up to 1 MiB are read)
        RecordingListener listener = new RecordingListener();
        XmppSession session = established(listener);
        String big = "<message xmlns='jabber:client'><body>" + "x".repeat(300 * 1024) + "</body></message>";

        // WHEN the server sends a 300 KiB message in one frame, the same in three fragments, then a normal message
        server.send(big);
        server.sendFrame(WebSocketFrame.textFrame(big.substring(0, 100_000), false));
        server.sendFrame(WebSocketFrame.continuationFrame(Buffer.buffer(big.substring(100_000, 200_000)), false));
        server.sendFrame(WebSocketFrame.continuationFrame(Buffer.buffer(big.substring(200_000)), true));
        server.send(MESSAGE);

        // THEN both are dropped and counted, the normal one delivered
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.messages.size() == 1);
        assertThat(listener.malformed).hasSize(2).allSatisfy(why -> assertThat(why).contains("stanza over 262144 bytes"));
        assertThat(listener.messages.get(0)).isEqualTo(MESSAGE);
        assertThat(session.state()).isEqualTo(XmppSession.State.ESTABLISHED);
    }

    /** Verifies the documented limit of dropping: a frame beyond 4 x the stanza limit makes Vert.x close the connection, a retriable loss. */
    @Test
    void frameBeyondTheFrameLimitLosesTheSessionRetriably() {
        RecordingListener listener = new RecordingListener();
        XmppSession session = established(listener);

        server.send("<message xmlns='jabber:client'><body>" + "x".repeat(1100 * 1024) + "</body></message>");

        await().atMost(Duration.ofSeconds(5)).until(() -> !listener.lost.isEmpty());
        assertThat(listener.lost.get(0).retriable()).isTrue();
        assertThat(listener.lost.get(0).code()).isEqualTo("XMPP_CONNECTION_CLOSED");
        assertThat(session.state()).isEqualTo(XmppSession.State.LOST);
    }

    /** Verifies that a binary frame (not XMPP over WebSocket) is dropped and counted. */
    @Test
    void binaryFrameIsDropped() {
        RecordingListener listener = new RecordingListener();
        XmppSession session = established(listener);

        server.sendFrame(WebSocketFrame.binaryFrame(Buffer.buffer(MESSAGE), true));
        server.send(MESSAGE);

        await().atMost(Duration.ofSeconds(5)).until(() -> listener.messages.size() == 1);
        assertThat(listener.malformed).containsExactly("binary websocket message (" + MESSAGE.length() + " bytes dropped)");
        assertThat(session.state()).isEqualTo(XmppSession.State.ESTABLISHED);
    }

    /** Verifies that a listener that throws does not end the session. */
    @Test
    void throwingListenerDoesNotEndTheSession() {
        RecordingListener recorder = new RecordingListener();
        XmppSession session = session(options().build(), new XmppSessionListener() {
            @Override
            public void message(XmppSession s, String stanza) {
                recorder.message(s, stanza);
                throw new IllegalStateException("listener bug");
            }
        });
        join(session.connect());

        server.send(MESSAGE);
        server.send(MESSAGE);

        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.messages.size() == 2);
        assertThat(session.state()).isEqualTo(XmppSession.State.ESTABLISHED);
    }

    /** Verifies that a stream conflict (our resource taken over) is permanent and reported as lost. */
    @Test
    void streamConflictIsPermanent() {
        RecordingListener listener = new RecordingListener();
        XmppSession session = established(listener);

        server.send("<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Replaced by new connection</text></stream:error>");

        await().atMost(Duration.ofSeconds(5)).until(() -> !listener.lost.isEmpty());
        Failure f = listener.lost.get(0);
        assertThat(f.code()).isEqualTo("XMPP_STREAM_CONFLICT");
        assertThat(f.retriable()).isFalse();
        assertThat(f.getMessage()).contains("Replaced by new connection");
        assertThat(session.state()).isEqualTo(XmppSession.State.LOST);
    }

    /** Verifies that the server closing the stream is a retriable loss. */
    @Test
    void serverCloseIsRetriable() {
        RecordingListener listener = new RecordingListener();
        established(listener);

        server.send("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");

        await().atMost(Duration.ofSeconds(5)).until(() -> !listener.lost.isEmpty());
        assertThat(listener.lost.get(0).code()).isEqualTo("XMPP_SERVER_CLOSED");
        assertThat(listener.lost.get(0).retriable()).isTrue();
        // RFC 7395 §3.6: the close is answered
        await().atMost(Duration.ofSeconds(2)).until(() -> server.received.stream().anyMatch(f -> f.startsWith("<close")));
    }

    /** Verifies that the server's ping is answered with a result, and an iq we do not serve with service-unavailable. */
    @Test
    void serverPingsAreAnswered() {
        RecordingListener listener = new RecordingListener();
        established(listener);

        server.send("<iq xmlns='jabber:client' type='get' id='sp1' from='fin-a.example.com'><ping xmlns='urn:xmpp:ping'/></iq>");
        server.send("<iq xmlns='jabber:client' type='get' id='sv1' from='fin-a.example.com'><query xmlns='jabber:iq:version'/></iq>");

        await().atMost(Duration.ofSeconds(5)).until(() -> server.received.stream().anyMatch(f -> f.contains("id=\"sv1\"")));
        assertThat(server.received).anySatisfy(f -> assertThat(f).contains("type=\"result\"").contains("id=\"sp1\"").contains("to=\"fin-a.example.com\""));
        assertThat(server.received).anySatisfy(f -> assertThat(f).contains("id=\"sv1\"").contains("service-unavailable"));
    }

    /** Verifies that unanswered pings lose the session, retriably, within the ping timeout. */
    @Test
    void unansweredPingsLoseTheSession() {
        server.answerPings = false;
        RecordingListener listener = new RecordingListener();
        XmppSession session = session(options().pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(300)).maxMissedPings(2).build(),
                listener);
        join(session.connect());

        await().atMost(Duration.ofSeconds(3)).until(() -> !listener.lost.isEmpty());
        assertThat(listener.lost.get(0).code()).isEqualTo("XMPP_PING_TIMEOUT");
        assertThat(listener.lost.get(0).retriable()).isTrue();
    }

    /** Verifies that a mandatory session feature is honoured before presence. */
    @Test
    void mandatorySessionIsEstablishedBeforePresence() {
        server.requireSession = true;
        established(new RecordingListener());

        await().atMost(Duration.ofSeconds(2)).until(() -> server.received.stream().anyMatch(f -> f.startsWith("<presence")));
        List<String> frames = List.copyOf(server.received);
        int session = indexOf(frames, "xmpp-session");
        int presence = indexOf(frames, "<presence");
        assertThat(session).isNotNegative().isLessThan(presence);
        assertThat(frames.get(presence)).contains("<priority>0</priority>");
    }

    /** Verifies that a temporary SASL failure is retriable (unlike not-authorized). */
    @Test
    void temporaryAuthFailureIsRetriable() {
        server.saslAnswer = "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><temporary-auth-failure/></failure>";
        XmppSession session = session(options().build(), new RecordingListener());

        Failure f = (Failure) failure(session.connect());

        assertThat(f.code()).isEqualTo("XMPP_SASL_TEMPORARY_AUTH_FAILURE");
        assertThat(f.retriable()).isTrue();
    }

    /** Verifies that a server that goes quiet during the handshake gives a retriable connect timeout. */
    @Test
    void silentServerTimesOutTheConnect() {
        server.silentAfterOpen = true;
        XmppSession session = session(options().connectTimeout(Duration.ofMillis(500)).build(), new RecordingListener());

        Failure f = (Failure) failure(session.connect());

        assertThat(f.code()).isEqualTo("XMPP_CONNECT_TIMEOUT");
        assertThat(f.retriable()).isTrue();
        assertThat(session.state()).isEqualTo(XmppSession.State.LOST);
    }

    /** Verifies that a server without the xmpp subprotocol and a refused upgrade (404) are permanent, a refused connection retriable. */
    @Test
    void dialFailuresAreClassified() {
        // GIVEN a websocket server that does not speak the xmpp subprotocol, and an HTTP server that answers 404
        FakeXmppServer noSubprotocol = FakeXmppServer.start(vertx, new HttpServerOptions());
        HttpServer notFound = join(vertx.createHttpServer().requestHandler(r -> r.response().setStatusCode(404).end()).listen(0, "127.0.0.1"));
        try {
            // WHEN sessions dial them, and a port nobody listens on
            Failure sub = dial(noSubprotocol.uri());
            Failure missing = dial(URI.create("ws://127.0.0.1:" + notFound.actualPort() + "/ws/"));
            Failure refused = dial(URI.create("ws://127.0.0.1:1/ws/"));

            // THEN the first two are permanent, the last retriable
            assertThat(sub.code()).as(sub.getMessage()).isEqualTo("XMPP_WS_SUBPROTOCOL");
            assertThat(sub.retriable()).isFalse();
            assertThat(missing.code()).isEqualTo("XMPP_WS_404");
            assertThat(missing.retriable()).isFalse();
            assertThat(refused.code()).isEqualTo("XMPP_CONNECT");
            assertThat(refused.retriable()).isTrue();
        } finally {
            noSubprotocol.close();
            join(notFound.close());
        }
    }

    private Failure dial(URI uri) {
        XmppSession s = session(XmppSessionOptions.builder(uri, FakeXmppServer.DOMAIN, "u", "p", "r").build(), new RecordingListener());
        return (Failure) failure(s.connect());
    }

    /** Verifies that a subscribe nobody answers times out retriably and one refused with item-not-found is permanent. */
    @Test
    void subscribeOutcomesAreClassified() {
        RecordingListener listener = new RecordingListener();
        XmppSession session = established(listener);

        server.pubsubAnswer = id -> null;
        Failure timeout = (Failure) failure(session.subscribe("/finesse/api/Team/1/Users"));
        server.pubsubAnswer = id -> "<iq xmlns='jabber:client' type='error' id='" + id + "'><error type='cancel'>"
                + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
        Failure missing = (Failure) failure(session.subscribe("/finesse/api/Team/2/Users"));

        assertThat(timeout.code()).isEqualTo("XMPP_IQ_TIMEOUT");
        assertThat(timeout.retriable()).isTrue();
        assertThat(missing.code()).isEqualTo("XMPP_IQ_ITEM_NOT_FOUND");
        assertThat(missing.retriable()).isFalse();
        assertThat(session.subscriptions()).isEmpty();
        assertThat(session.state()).isEqualTo(XmppSession.State.ESTABLISHED);
    }

    /** Verifies that close completes even when the server never answers our {@code <close/>}. */
    @Test
    void closeCompletesWhenTheServerDoesNotAnswer() {
        server.answerClose = false;
        RecordingListener listener = new RecordingListener();
        XmppSession session = session(options().closeTimeout(Duration.ofMillis(300)).build(), listener);
        join(session.connect());
        join(session.subscribe("/finesse/api/Team/5005/Users"));

        join(session.close(), 5);

        assertThat(session.state()).isEqualTo(XmppSession.State.CLOSED);
        assertThat(listener.closed).hasValue(1);
        assertThat(server.received).anySatisfy(f -> assertThat(f).contains("<unsubscribe node=\"/finesse/api/Team/5005/Users\""));
    }

    /** Verifies that an abort during a close that waits for the server ends the close too. */
    @Test
    void abortEndsAPendingClose() {
        RecordingListener listener = new RecordingListener();
        XmppSession session = session(options().iqTimeout(Duration.ofSeconds(30)).build(), listener);
        join(session.connect());
        join(session.subscribe("/finesse/api/Queue/6001"));
        server.pubsubAnswer = id -> null; // the unsubscribe before close is never answered

        var closing = session.close();
        await().atMost(Duration.ofSeconds(2)).until(() -> session.state() == XmppSession.State.CLOSING);
        join(session.abort());

        join(closing, 2);
        assertThat(session.state()).isEqualTo(XmppSession.State.CLOSED);
        assertThat(listener.closed).hasValue(1);
    }

    /** Verifies that the password appears in no log line (at TRACE), no failure and no toString, on success and on refusal. */
    @Test
    void passwordNeverAppearsInLogsOrErrors() {
        Logger logger = (Logger) LoggerFactory.getLogger("io.ctistream.connector.finesse.xmpp");
        Level before = logger.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.TRACE);
        try {
            XmppSessionOptions good = options().build();
            XmppSession ok = session(good, new RecordingListener());
            join(ok.connect());
            join(ok.close());
            XmppSessionOptions bad = XmppSessionOptions.builder(server.uri(), FakeXmppServer.DOMAIN, FakeXmppServer.USER, "Wr0ng-Secret", "res-2").build();
            Failure refused = (Failure) failure(session(bad, new RecordingListener()).connect());

            String base64 = java.util.Base64.getEncoder().encodeToString(("\0" + FakeXmppServer.USER + "\0" + FakeXmppServer.PASSWORD)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            List<ILoggingEvent> events;
            synchronized (appender) { // the event loop may still be logging
                events = List.copyOf(appender.list);
            }
            assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.getFormattedMessage())
                    .doesNotContain(FakeXmppServer.PASSWORD).doesNotContain("Wr0ng-Secret").doesNotContain(base64));
            assertThat(good.toString()).doesNotContain(FakeXmppServer.PASSWORD);
            assertThat(ok.toString()).doesNotContain(FakeXmppServer.PASSWORD);
            assertThat(refused.getMessage()).doesNotContain("Wr0ng-Secret");
            assertThat(refused.code()).isEqualTo("XMPP_SASL_NOT_AUTHORIZED");
            assertThat(refused.retriable()).isFalse();
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }
    }

    private static int indexOf(List<String> frames, String needle) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).contains(needle)) {
                return i;
            }
        }
        return -1;
    }
}
