package io.ctistream.connector.finesse.xmpp;

import static io.ctistream.connector.finesse.xmpp.Futures.join;

import io.ctistream.codec.SafeXml;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.w3c.dom.Element;

/**
 * A hostile-input stand-in for an XMPP server: just enough RFC 7395 framing, SASL PLAIN, bind and
 * session to establish a session, then whatever frames a test pushes. The happy path is tested
 * against Prosody ({@link XmppProsodyIT}); this server exists for what Prosody would never send.
 */
final class FakeXmppServer implements AutoCloseable {
    static final String DOMAIN = "fin-a.example.com";
    static final String USER = "1234";
    static final String PASSWORD = "fake-pw-3Jd";

    final List<String> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private volatile ServerWebSocket socket;
    /** When set, answers an auth with this frame instead of checking the credentials. */
    volatile String saslAnswer;
    /** Offer a mandatory {@code <session/>} after authentication. */
    volatile boolean requireSession;
    /** Answer pings (and other iqs to the server). */
    volatile boolean answerPings = true;
    /** Answer our {@code <close/>} with one. */
    volatile boolean answerClose = true;
    /** Send nothing at all after the {@code <open/>} answer. */
    volatile boolean silentAfterOpen;
    /** How pubsub iqs are answered: given the iq id, the answer frame, or null for none. */
    volatile Function<String, String> pubsubAnswer = id -> "<iq xmlns='jabber:client' type='result' id='" + id + "'/>";

    private FakeXmppServer(HttpServer server) {
        this.server = server;
    }

    /** A server on a free port that accepts the {@code xmpp} subprotocol (or not, or over TLS, per {@code options}). */
    static FakeXmppServer start(Vertx vertx, HttpServerOptions options) {
        FakeXmppServer[] self = new FakeXmppServer[1];
        HttpServer http = vertx.createHttpServer(options.setMaxWebSocketFrameSize(8 * 1024 * 1024).setMaxWebSocketMessageSize(8 * 1024 * 1024))
                .webSocketHandler(ws -> self[0].accept(ws));
        self[0] = new FakeXmppServer(http);
        join(http.listen(0, "127.0.0.1"));
        return self[0];
    }

    static FakeXmppServer start(Vertx vertx) {
        return start(vertx, new HttpServerOptions().setWebSocketSubProtocols(List.of("xmpp")));
    }

    URI uri(String scheme) {
        return URI.create(scheme + "://localhost:" + server.actualPort() + "/ws/");
    }

    URI uri() {
        return uri("ws");
    }

    /** Pushes one text frame to the connected client. */
    void send(String frame) {
        socket.writeFrame(WebSocketFrame.textFrame(frame, true));
    }

    void sendFrame(WebSocketFrame frame) {
        socket.writeFrame(frame);
    }

    /** Drops the TCP connection, no close frame, no stream close. */
    void drop() {
        socket.close();
    }

    boolean connected() {
        return socket != null && !socket.isClosed();
    }

    @Override
    public void close() {
        join(server.close());
    }

    private void accept(ServerWebSocket ws) {
        socket = ws;
        boolean[] authenticated = {false};
        ws.textMessageHandler(text -> {
            received.add(text);
            Element e = SafeXml.parse(text.getBytes(StandardCharsets.UTF_8), 1 << 20);
            switch (SafeXml.localName(e)) {
                case "open" -> {
                    ws.writeTextMessage("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='" + DOMAIN + "' id='s1' version='1.0' xml:lang='en'/>");
                    if (!silentAfterOpen) {
                        ws.writeTextMessage(authenticated[0] ? boundFeatures() : saslFeatures());
                    }
                }
                case "auth" -> {
                    String answer = saslAnswer != null ? saslAnswer : plainOk(e.getTextContent())
                            ? "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"
                            : "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>";
                    authenticated[0] = answer.startsWith("<success");
                    ws.writeTextMessage(answer);
                }
                case "iq" -> iq(ws, e);
                case "close" -> {
                    if (answerClose) {
                        ws.writeTextMessage("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
                        ws.close();
                    }
                }
                default -> {
                    // presence: nothing to say
                }
            }
        });
    }

    private void iq(ServerWebSocket ws, Element iq) {
        String id = iq.getAttribute("id");
        if (SafeXml.child(iq, "bind") != null) {
            String resource = SafeXml.text(SafeXml.child(iq, "bind"), "resource");
            ws.writeTextMessage("<iq xmlns='jabber:client' type='result' id='" + id + "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>"
                    + USER + "@" + DOMAIN + "/" + resource + "</jid></bind></iq>");
        } else if (SafeXml.child(iq, "pubsub") != null) {
            String answer = pubsubAnswer.apply(id);
            if (answer != null) {
                ws.writeTextMessage(answer);
            }
        } else if (SafeXml.child(iq, "session") != null || answerPings && SafeXml.child(iq, "ping") != null) {
            ws.writeTextMessage("<iq xmlns='jabber:client' type='result' id='" + id + "'/>");
        }
    }

    private static boolean plainOk(String base64) {
        byte[] msg = Base64.getDecoder().decode(base64.strip());
        return new String(msg, StandardCharsets.UTF_8).equals("\0" + USER + "\0" + PASSWORD);
    }

    private static String saslFeatures() {
        return "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                + "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>";
    }

    private String boundFeatures() {
        return "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                + (requireSession ? "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>" : "") + "</stream:features>";
    }
}
