package io.ctistream.connector.finesse.xmpp;

import io.ctistream.connector.core.Failure;
import io.ctistream.connector.finesse.xmpp.XmppStreamCodec.Close;
import io.ctistream.connector.finesse.xmpp.XmppStreamCodec.Iq;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's XMPP session with Finesse's notification service over a WebSocket (RFC 7395): SASL
 * PLAIN, resource bind, presence with priority 0, XEP-0199 pings, XEP-0060 subscriptions from the
 * full JID, and every {@code <message>} handed, as text, to the {@link XmppSessionListener}.
 *
 * <p>Non-blocking and thread-less: everything runs on the {@link Context} given at construction
 * (thousands of sessions share one); public methods may be called from anywhere and hop onto it.
 * A session connects once. After {@code lost} or {@code closed}, make a new one: the caller owns
 * the backoff, and must not retry a permanent {@link Failure} such as refused credentials.
 */
public final class XmppSession {
    private static final Logger LOG = LoggerFactory.getLogger(XmppSession.class);

    /** The life of a session; {@link #CLOSED} and {@link #LOST} are final. */
    public enum State { NEW, CONNECTING, AUTHENTICATING, BINDING, ESTABLISHED, CLOSING, CLOSED, LOST }

    private final Context context;
    private final Vertx vertx;
    private final WebSocketClient client;
    private final XmppSessionOptions options;
    private final XmppSessionListener listener;
    private final IqTracker iqs;
    private final Handshake handshake = new Handshake(this);
    private final Keepalive keepalive = new Keepalive(this);
    private final Subscriptions subscriptions = new Subscriptions(this);
    private final Inbox inbox;

    private volatile State state = State.NEW;
    private volatile String fullJid;
    private XmppSocket socket;
    private Promise<Void> connecting;
    private Promise<Void> closing;
    private long connectTimer = -1;
    private long closeTimer = -1;

    /**
     * @param context where everything runs (the connector's); all sessions may share it
     * @param client the connector's one WebSocket client, made with {@link XmppSessionOptions#clientOptions}
     */
    public XmppSession(Context context, WebSocketClient client, XmppSessionOptions options, XmppSessionListener listener) {
        this.context = context;
        this.vertx = context.owner();
        this.client = client;
        this.options = options;
        this.listener = listener;
        this.iqs = new IqTracker(vertx, "c");
        this.inbox = new Inbox(this, listener, handshake);
    }

    /**
     * Dials, authenticates, binds and sends presence; completes when established. Fails with a
     * {@link Failure}: permanent for refused credentials ({@code XMPP_SASL_NOT_AUTHORIZED}), a refused
     * upgrade (4xx), no {@code xmpp} subprotocol, TLS trouble or a missing feature; retriable for the
     * rest, timeouts included. Never retries by itself, and reports this failure here only, not to
     * {@link XmppSessionListener#lost}.
     */
    public Future<Void> connect() {
        return onContext(this::doConnect);
    }

    /** XEP-0060 subscription of this session's full JID to {@code node} at the pubsub service; fails with a classified {@link Failure}. */
    public Future<Void> subscribe(String node) {
        return onContext(() -> state == State.ESTABLISHED ? subscriptions.change(node, true) : notEstablished());
    }

    /** Undoes {@link #subscribe}. */
    public Future<Void> unsubscribe(String node) {
        return onContext(() -> state == State.ESTABLISHED ? subscriptions.change(node, false) : notEstablished());
    }

    /**
     * Unsubscribes what this session subscribed, closes the stream, waits for the server's
     * {@code <close/>} (at most {@code closeTimeout}) and closes the socket. Always succeeds.
     */
    public Future<Void> close() {
        return onContext(this::doClose);
    }

    /** Drops the connection without unsubscribing or closing the stream, as a crash would. */
    public Future<Void> abort() {
        return onContext(() -> {
            if (!terminal()) {
                Failure aborted = XmppErrors.retriable("XMPP_ABORTED", "session aborted");
                end(State.CLOSED, aborted);
                if (connecting != null) {
                    connecting.tryFail(aborted);
                }
                tell(() -> listener.closed(this));
                if (closing != null) {
                    closing.tryComplete();
                }
            }
            return Future.succeededFuture();
        });
    }

    public State state() {
        return state;
    }

    /** The full JID the server bound, null before binding. */
    public String fullJid() {
        return fullJid;
    }

    /** The nodes this session subscribed and has not unsubscribed. */
    public Set<String> subscriptions() {
        return subscriptions.nodes();
    }

    public XmppSessionOptions options() {
        return options;
    }

    /** Stanzas dropped as malformed or oversized since the session began. */
    public long malformedCount() {
        return inbox.malformed();
    }

    /** {@code <message>} stanzas handed to the listener. */
    public long messageCount() {
        return inbox.messages();
    }

    /** Pings the server answered since the session was established. */
    public long pingsAnswered() {
        return keepalive.answered();
    }

    @Override
    public String toString() {
        String jid = fullJid != null ? fullJid : options.loginId() + "@" + options.domain() + "/" + options.resource();
        return "XmppSession[" + jid + ", " + state + "]";
    }

    // ------------------------------------------------------------------ connect

    private Future<Void> doConnect() {
        if (state != State.NEW) {
            return Future.failedFuture(new IllegalStateException("a session connects once; make a new one, state is " + state));
        }
        connecting = Promise.promise();
        setState(State.CONNECTING);
        if (!options.secure()) {
            // the owner warns once for its configuration (FinesseAdapter); one line per agent session would drown the console
            LOG.debug("xmpp over plain ws, the password travels unencrypted [endpoint={}]", options.endpoint());
        }
        long ms = options.connectTimeout().toMillis();
        connectTimer = vertx.setTimer(ms, t -> fail(XmppErrors.retriable("XMPP_CONNECT_TIMEOUT", "not established within " + ms + " ms")));
        WebSocketConnectOptions co = new WebSocketConnectOptions().setHost(options.host()).setPort(options.port()).setURI(options.path())
                .setSsl(options.secure()).addSubProtocol("xmpp").setConnectTimeout(ms).setTimeout(ms);
        client.connect(co).onComplete(ar -> {
            if (ar.failed()) {
                fail(XmppErrors.connect(ar.cause()));
            } else {
                opened(ar.result());
            }
        });
        return connecting.future();
    }

    private void opened(WebSocket ws) {
        if (state != State.CONNECTING) {
            ws.close();
            return;
        }
        socket = new XmppSocket(ws, this, inbox);
        if (!socket.speaksXmpp()) {
            fail(XmppErrors.subprotocol());
            return;
        }
        handshake.begin();
    }

    void authenticating() {
        setState(State.AUTHENTICATING);
    }

    void binding() {
        setState(State.BINDING);
    }

    void bound(String jid) {
        fullJid = jid;
    }

    /** Presence with priority 0: from now on Finesse delivers, and the forced-logout clock is not running. */
    void establish() {
        if (state != State.BINDING) {
            return;
        }
        write(XmppFrames.presence());
        vertx.cancelTimer(connectTimer);
        setState(State.ESTABLISHED);
        keepalive.start();
        LOG.debug("xmpp session established [session={}]", this);
        tell(() -> listener.established(this));
        connecting.tryComplete();
    }

    // ------------------------------------------------------------------ ending

    /** The session is lost (or, while closing, the close is done). */
    void fail(Failure reason) {
        if (terminal() || state == State.NEW) {
            return;
        }
        if (state == State.CLOSING) {
            closed();
            return;
        }
        end(State.LOST, reason);
        if (connecting != null && connecting.tryFail(reason)) {
            if (reason.retriable()) {
                LOG.info("xmpp session not established [session={}, code={}, reason={}]", this, reason.code(), reason.getMessage());
            } else {
                LOG.warn("xmpp session refused for good [session={}, code={}, reason={}]", this, reason.code(), reason.getMessage());
            }
            return;
        }
        LOG.warn("xmpp session lost [session={}, code={}, permanent={}, reason={}]", this, reason.code(), !reason.retriable(), reason.getMessage());
        tell(() -> listener.lost(this, reason));
    }

    private Future<Void> doClose() {
        if (terminal()) {
            return Future.succeededFuture();
        }
        if (state == State.CLOSING) {
            return closing.future();
        }
        if (state != State.ESTABLISHED) {
            Failure closed = XmppErrors.retriable("XMPP_CLOSED", "closed before the session was established");
            end(State.CLOSED, closed);
            if (connecting != null) {
                connecting.tryFail(closed);
            }
            tell(() -> listener.closed(this));
            return Future.succeededFuture();
        }
        closing = Promise.promise();
        setState(State.CLOSING);
        keepalive.stop();
        subscriptions.undoAll().onComplete(ar -> {
            if (state == State.CLOSING) {
                write(XmppFrames.close());
                closeTimer = vertx.setTimer(options.closeTimeout().toMillis(), t -> closed());
            }
        });
        return closing.future();
    }

    void serverClosed(Close close) {
        if (terminal()) {
            return;
        }
        if (state == State.CLOSING) {
            closed();
            return;
        }
        write(XmppFrames.close()); // RFC 7395 §3.6: answer the close
        String seeOther = close.seeOtherUri();
        fail(XmppErrors.retriable("XMPP_SERVER_CLOSED", "the server closed the stream" + (seeOther == null ? "" : ", see " + seeOther)));
    }

    void socketClosed(XmppSocket closedSocket) {
        if (closedSocket != socket) {
            return;
        }
        if (state == State.CLOSING) {
            closed();
        } else {
            fail(XmppErrors.retriable("XMPP_CONNECTION_CLOSED", "connection closed " + closedSocket.describeClose()));
        }
    }

    private void closed() {
        if (state != State.CLOSING) {
            return;
        }
        Future<Void> socketClosed = end(State.CLOSED, XmppErrors.retriable("XMPP_CLOSED", "session closed"));
        LOG.debug("xmpp session closed [session={}]", this);
        socketClosed.onComplete(ar -> {
            tell(() -> listener.closed(this));
            closing.tryComplete();
        });
    }

    /** Stops timers, fails what waits, closes the socket; the future completes when the socket is closed. */
    private Future<Void> end(State terminal, Failure why) {
        vertx.cancelTimer(connectTimer);
        vertx.cancelTimer(closeTimer);
        keepalive.stop();
        setState(terminal);
        iqs.failAll(why);
        return socket == null ? Future.succeededFuture() : socket.close();
    }

    // ------------------------------------------------------------------ for the collaborators

    Vertx vertx() {
        return vertx;
    }

    IqTracker iqs() {
        return iqs;
    }

    void write(String frame) {
        if (socket != null) {
            socket.write(frame);
        }
    }

    void writeSecret(String frame) {
        if (socket != null) {
            socket.writeSecret(frame);
        }
    }

    /** Sends one ping; completes when answered (a result or an error both prove the server alive). */
    Future<Iq> ping() {
        String id = iqs.nextId();
        write(XmppFrames.ping(id, fullJid, options.domain()));
        return iqs.await(id, options.pingTimeout(), "ping");
    }

    // ------------------------------------------------------------------ plumbing

    private void setState(State to) {
        State from = state;
        if (from != to) {
            state = to;
            tell(() -> listener.stateChanged(this, from, to));
        }
    }

    private boolean terminal() {
        return state == State.CLOSED || state == State.LOST;
    }

    private static Future<Void> notEstablished() {
        return Future.failedFuture(XmppErrors.retriable("XMPP_NOT_ESTABLISHED", "the session is not established"));
    }

    /** Calls the listener; a listener that throws is logged and the session carries on. */
    void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("xmpp session listener failed [session={}]", this, e);
        }
    }

    private <T> Future<T> onContext(Supplier<Future<T>> action) {
        if (Vertx.currentContext() == context) {
            return action.get();
        }
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> action.get().onComplete(promise));
        return promise.future();
    }
}
