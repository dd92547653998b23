package io.ctistream.connector.finesse.xmpp;

import io.ctistream.connector.core.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The IQs a session is waiting for, by id, each with its own timeout. Used on the session's
 * context only, so it needs no locking; an empty map until the first IQ (a session at rest holds
 * none but the current ping).
 */
final class IqTracker {
    private record Pending(Promise<XmppStreamCodec.Iq> promise, long timer, String what) {
    }

    private final Vertx vertx;
    private final String prefix;
    private final Map<String, Pending> pending = new HashMap<>(4);
    private long next;

    IqTracker(Vertx vertx, String prefix) {
        this.vertx = vertx;
        this.prefix = prefix;
    }

    /** A fresh id, unique within this session. */
    String nextId() {
        return prefix + Long.toString(++next, 36);
    }

    /**
     * Waits for the answer to an IQ already written with {@code id}: the future completes with the
     * {@code result} stanza, fails with a classified {@link Failure} on an {@code error} answer
     * ({@link XmppErrors#iq}) or a retriable {@code XMPP_IQ_TIMEOUT}.
     */
    Future<XmppStreamCodec.Iq> await(String id, Duration timeout, String what) {
        Promise<XmppStreamCodec.Iq> promise = Promise.promise();
        long timer = vertx.setTimer(timeout.toMillis(), t -> {
            Pending p = pending.remove(id);
            if (p != null) {
                p.promise.tryFail(Failure.retriable("XMPP_IQ_TIMEOUT", what + " not answered within " + timeout.toMillis() + " ms"));
            }
        });
        pending.put(id, new Pending(promise, timer, what));
        return promise.future();
    }

    /** Hands a {@code result} or {@code error} IQ to whoever waits for it; false when nobody does (late or unknown). */
    boolean answer(XmppStreamCodec.Iq iq) {
        Pending p = iq.id() == null ? null : pending.remove(iq.id());
        if (p == null) {
            return false;
        }
        vertx.cancelTimer(p.timer);
        if (iq.error()) {
            p.promise.tryFail(XmppErrors.iq(p.what, iq.errorType(), iq.errorCondition()));
        } else {
            p.promise.tryComplete(iq);
        }
        return true;
    }

    /** Fails everything still waiting: the session is gone. */
    void failAll(Failure why) {
        if (pending.isEmpty()) {
            return;
        }
        List<Pending> all = new ArrayList<>(pending.values());
        pending.clear();
        for (Pending p : all) {
            vertx.cancelTimer(p.timer);
            p.promise.tryFail(why);
        }
    }

    int size() {
        return pending.size();
    }
}
