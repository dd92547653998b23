package io.ctistream.connector.aes.dmcc;

import io.ctistream.connector.aes.codec.DmccFrame;
import io.ctistream.connector.aes.codec.DmccMessage;
import io.ctistream.connector.aes.codec.DmccRequests;
import io.ctistream.connector.core.Backoff;
import io.ctistream.connector.core.Failure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's one DMCC application session with AES (protocols/aes.md sections 1 and 3): the
 * connection (TLS by default, the addresses tried in turn), StartApplicationSession, keep-alives,
 * requests matched to answers by invoke id, events and AES's own requests handed to the
 * {@link Listener}, and recovery — reconnect with backoff, re-attach, transfer, or a new session.
 *
 * <p>Non-blocking and thread-less: everything runs on the Vert.x context the session was made on;
 * public methods may be called from anywhere and hop onto it, and every listener call is made on it.
 */
public final class DmccSession implements DmccConnection.Owner {
    private static final Logger LOG = LoggerFactory.getLogger(DmccSession.class);

    /** How a session came up: NEW means every device id and monitor must be re-created; the others keep them. */
    public enum Recovery { NEW, REATTACHED, TRANSFERRED }

    /** What the session reports, always on its context. */
    public interface Listener {
        void sessionUp(Recovery how);

        void sessionDown(String reason);

        /** An event (invoke id 9999) or a request AES sent us (answered already when it is a SystemStatus). */
        void event(DmccMessage message);

        /** A body the codec refused ({@code what} is the channel, "dmcc"); the connection stays. */
        void malformed(String what);

        /** AES refused the session for good (credentials, protocol versions): retried only at reconnectMax pace. */
        void refused(String reason);
    }

    private enum Phase { NEW, CONNECTING, STARTING, UP, WAITING, STOPPED }

    private final Vertx vertx;
    private final Context context;
    private final DmccOptions options;
    private final Listener listener;
    private final NetClient client;
    private final InvokeIds invokeIds;
    private final KeepAlive keepAlive;
    private final SessionStart sessionStart;
    private final Inbound inbound;
    private final Backoff backoff;
    private final Promise<Void> firstAttempt = Promise.promise();

    private volatile Phase phase = Phase.NEW;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile int pendingCount;
    private DmccConnection connection;
    /** The session to re-attach on the next start; null for a new session. */
    private String reattachId;
    private int attempt;
    private int addressIndex;
    private boolean credentialsRefused;
    private long reconnectTimer = -1;

    public DmccSession(Vertx vertx, DmccOptions options, Listener listener) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.options = options;
        this.listener = listener;
        this.client = vertx.createNetClient(DmccTls.clientOptions(options));
        this.invokeIds = new InvokeIds(vertx);
        this.keepAlive = new KeepAlive(vertx, this::send, reason -> context.runOnContext(v -> sessionGone(reason)));
        this.sessionStart = new SessionStart(options, this::send);
        this.inbound = new Inbound(this, invokeIds, listener);
        this.backoff = Backoff.of(options.reconnectMin(), options.reconnectMax());
    }

    /**
     * Begins connecting; completes (successfully) when the first attempt ended, either way: AES may
     * be down at start, and the session then keeps trying in the background with backoff.
     */
    public Future<Void> start() {
        return onContext(() -> {
            if (phase == Phase.NEW) {
                connect();
            }
            return firstAttempt.future();
        });
    }

    /**
     * Sends a request (a complete XML document from {@code DmccRequests}) and completes with its
     * answer. Fails with a {@link Failure}: retriable {@code dmcc-session-down} at once while no
     * session is up (and for requests in flight when it goes down), retriable {@code dmcc-timeout}
     * after requestTimeout; and with a {@link DmccRequestException} when AES answers with an error.
     */
    public Future<DmccMessage> request(String xml) {
        return onContext(() -> phase == Phase.UP ? send(xml) : Future.failedFuture(sessionDown("no DMCC session is up")));
    }

    public String sessionId() {
        return sessionId;
    }

    public String protocolVersion() {
        return protocolVersion;
    }

    public boolean up() {
        return phase == Phase.UP;
    }

    /** Requests waiting for their answer. */
    public int pending() {
        return pendingCount;
    }

    /** Ends the session with AES (StopApplicationSession, waited for at most 3 s) and closes; no reconnect, no listener call. */
    public Future<Void> stop() {
        return onContext(() -> {
            boolean wasUp = phase == Phase.UP;
            DmccConnection c = connection;
            String id = sessionId;
            halt();
            if (!wasUp || c == null) {
                drop(c, "the session was stopped");
                return client.close().otherwiseEmpty();
            }
            // the connection stays current until AES answers, so the answer is read; events meanwhile are dropped
            Duration wait = options.requestTimeout().compareTo(Duration.ofSeconds(3)) < 0 ? options.requestTimeout() : Duration.ofSeconds(3);
            return write(c, DmccRequests.stopApplicationSession(id), wait).transform(ar -> {
                drop(c, "the session was stopped");
                LOG.info("dmcc session stopped [sessionId={}, acknowledged={}]", id, ar.succeeded());
                return client.close().otherwiseEmpty();
            });
        });
    }

    /** Closes the connection at once without telling AES, as a crash would; no reconnect, no listener call. */
    public void abort() {
        context.runOnContext(v -> {
            DmccConnection c = connection;
            halt();
            drop(c, "the session was aborted");
            client.close();
        });
    }

    @Override
    public String toString() {
        return "DmccSession[sessionId=" + sessionId + ", phase=" + phase + ", addresses=" + options.addresses() + "]";
    }

    /** Tests: the next invoke id number, to drive the wrap at 9998. */
    void nextInvokeId(int n) {
        context.runOnContext(v -> invokeIds.nextNumber(n));
    }

    // ------------------------------------------------------------------ connecting

    private void connect() {
        phase = Phase.CONNECTING;
        DmccOptions.Address address = options.addresses().get(addressIndex % options.addresses().size());
        client.connect(address.port(), address.host()).onComplete(ar -> {
            if (phase != Phase.CONNECTING) {
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            if (ar.failed()) {
                LOG.info("dmcc connect failed [address={}, attempt={}, error={}]", address, attempt, ar.cause().toString());
                attemptEnded();
                return;
            }
            connection = new DmccConnection(ar.result(), this, address.toString(), options.maxFrame());
            phase = Phase.STARTING;
            begin(connection);
        });
    }

    private void begin(DmccConnection c) {
        sessionStart.start(reattachId).onComplete(ar -> {
            if (c != connection || phase != Phase.STARTING) {
                return;
            }
            if (ar.succeeded()) {
                up(ar.result());
                return;
            }
            String reason = ar.cause().getMessage();
            if (ar.cause() instanceof DmccRequestException refused && !refused.retriable()) {
                credentialsRefused = true;
                LOG.warn("dmcc session refused by AES, retrying only every {} [address={}, reason={}]", options.reconnectMax(), c.peer(), reason);
                tell(() -> listener.refused(reason));
            } else {
                LOG.info("dmcc session not started [address={}, reason={}]", c.peer(), reason);
            }
            connection = null;
            close(c);
            invokeIds.failAll(sessionDown("the session could not be started"));
            attemptEnded();
        });
    }

    private void up(SessionStart.Started s) {
        phase = Phase.UP;
        sessionId = s.sessionId();
        protocolVersion = s.protocolVersion();
        reattachId = null;
        attempt = 0;
        credentialsRefused = false;
        keepAlive.start(s.sessionId(), s.durationSeconds(), options.sessionDurationSeconds());
        LOG.info("dmcc session up [sessionId={}, protocolVersion={}, durationSeconds={}, recovery={}, address={}]", s.sessionId(),
                s.protocolVersion(), s.durationSeconds(), s.how(), connection.peer());
        tell(() -> listener.sessionUp(s.how()));
        firstAttempt.tryComplete();
    }

    /** One attempt ended without a session: next address, then wait (refused credentials: reconnectMax, never faster). */
    private void attemptEnded() {
        firstAttempt.tryComplete();
        if (phase == Phase.STOPPED) {
            return;
        }
        phase = Phase.WAITING;
        addressIndex++;
        Duration delay = credentialsRefused ? options.reconnectMax() : backoff.delay(attempt);
        attempt++;
        reconnectTimer = vertx.setTimer(Math.max(1, delay.toMillis()), t -> {
            reconnectTimer = -1;
            if (phase == Phase.WAITING) {
                connect();
            }
        });
    }

    // ------------------------------------------------------------------ losing it

    @Override
    public void closed(DmccConnection c, String reason) {
        if (c != connection) {
            return;
        }
        connection = null;
        if (phase == Phase.UP) {
            reattachId = sessionId; // within sessionCleanupDelay AES keeps it for us
            down("connection lost: " + reason);
        }
        invokeIds.failAll(sessionDown(reason));
        attemptEnded();
    }

    /** The session itself is gone (keep-alive refused or unanswered, ApplicationSessionTerminated): close, and start a new one. */
    private void sessionGone(String reason) {
        if (phase != Phase.UP) {
            return;
        }
        LOG.warn("dmcc session gone, starting a new one [sessionId={}, reason={}]", sessionId, reason);
        reattachId = null;
        down(reason);
        drop(connection, reason);
        attemptEnded();
    }

    private void down(String reason) {
        keepAlive.stop();
        sessionId = null;
        phase = Phase.WAITING;
        invokeIds.failAll(sessionDown(reason));
        tell(() -> listener.sessionDown(reason));
    }

    private void halt() {
        phase = Phase.STOPPED;
        keepAlive.stop();
        if (reconnectTimer >= 0) {
            vertx.cancelTimer(reconnectTimer);
        }
        sessionId = null;
        firstAttempt.tryComplete();
    }

    /** Closes a connection for good and fails what still waits on it. */
    private void drop(DmccConnection c, String why) {
        if (c == connection) {
            connection = null;
        }
        close(c);
        invokeIds.failAll(sessionDown(why));
    }

    // ------------------------------------------------------------------ frames

    @Override
    public void frame(DmccConnection c, DmccFrame frame) {
        if (c == connection) {
            inbound.frame(c, frame, phase == Phase.STOPPED);
        }
    }

    /** ApplicationSessionTerminated arrived. */
    void terminated(String reason) {
        sessionGone("AES terminated the session: " + reason);
    }

    // ------------------------------------------------------------------ plumbing

    private Future<DmccMessage> send(String xml) {
        DmccConnection c = connection;
        return c == null ? Future.failedFuture(sessionDown("not connected")) : write(c, xml, options.requestTimeout());
    }

    private Future<DmccMessage> write(DmccConnection c, String xml, Duration timeout) {
        String id = invokeIds.next();
        if (id == null) {
            return Future.failedFuture(Failure.retriable("dmcc-busy", "all 9998 invoke ids are waiting for answers"));
        }
        try {
            c.write(id, xml);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        Future<DmccMessage> answer = invokeIds.await(id, timeout, InvokeIds.rootOf(xml));
        pendingCount = invokeIds.size();
        return answer.andThen(ar -> pendingCount = invokeIds.size()); // read from any thread by pending()
    }

    private static Failure sessionDown(String why) {
        return Failure.retriable("dmcc-session-down", why);
    }

    private static void close(DmccConnection c) {
        if (c != null) {
            c.close();
        }
    }

    /** Calls the listener; a listener that throws is logged and the session carries on. */
    void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("dmcc session listener failed [session={}]", this, e);
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
