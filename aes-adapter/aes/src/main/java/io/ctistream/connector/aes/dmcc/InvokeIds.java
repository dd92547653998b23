package io.ctistream.connector.aes.dmcc;

import io.ctistream.connector.aes.codec.DmccFraming;
import io.ctistream.connector.aes.codec.DmccMessage;
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
 * The requests a session waits for, by invoke id, each with its own timeout. Ids run 0001-9998 and
 * wrap (9999 is the events' id), skipping ids still pending so an answer can never go to the wrong
 * request. Used on the session's context only, so it needs no locking.
 */
final class InvokeIds {
    static final int FIRST = 1;
    static final int LAST = 9998;

    private record Pending(Promise<DmccMessage> promise, long timer, String what) {
    }

    private final Vertx vertx;
    private final Map<String, Pending> pending = new HashMap<>();
    private int next = FIRST;

    InvokeIds(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The next free id; null when all 9,998 are pending. */
    String next() {
        for (int tries = 0; tries < LAST; tries++) {
            String id = DmccFraming.invokeId(next);
            next = next == LAST ? FIRST : next + 1;
            if (!pending.containsKey(id)) {
                return id;
            }
        }
        return null;
    }

    /** Sets the counter (tests drive the wrap without sending 9,998 requests). */
    void nextNumber(int n) {
        next = n;
    }

    /** Waits for the answer to {@code id}; fails retriable {@code dmcc-timeout} after {@code timeout}. */
    Future<DmccMessage> await(String id, Duration timeout, String what) {
        Promise<DmccMessage> promise = Promise.promise();
        long timer = vertx.setTimer(timeout.toMillis(), t -> {
            Pending p = pending.remove(id);
            if (p != null) {
                p.promise.tryFail(Failure.retriable("dmcc-timeout", what + " not answered within " + timeout.toMillis() + " ms [invokeId=" + id + "]"));
            }
        });
        pending.put(id, new Pending(promise, timer, what));
        return promise.future();
    }

    boolean waiting(String id) {
        return pending.containsKey(id);
    }

    /** Completes the request {@code id} with its answer; false when nobody waits for it (late, or a request from AES). */
    boolean answer(String id, DmccMessage message) {
        Pending p = pending.remove(id);
        if (p == null) {
            return false;
        }
        vertx.cancelTimer(p.timer);
        if (message instanceof DmccMessage.CstaError e) {
            p.promise.tryFail(new DmccRequestException(e));
        } else if (message instanceof DmccMessage.NegResponse n) {
            p.promise.tryFail(new DmccRequestException(n));
        } else {
            p.promise.tryComplete(message);
        }
        return true;
    }

    /** Fails the request {@code id}; false when nobody waits for it. */
    boolean fail(String id, Throwable why) {
        Pending p = pending.remove(id);
        if (p == null) {
            return false;
        }
        vertx.cancelTimer(p.timer);
        p.promise.tryFail(why);
        return true;
    }

    /** Fails everything still waiting: the session or its connection is gone. */
    void failAll(Throwable why) {
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

    /** The request's root name, for timeout messages (never its content). */
    static String rootOf(String xml) {
        int start = xml.indexOf('<', xml.startsWith("<?") ? xml.indexOf("?>") : 0);
        int end = start;
        while (end + 1 < xml.length() && Character.isLetterOrDigit(xml.charAt(end + 1))) {
            end++;
        }
        return start < 0 ? "request" : xml.substring(start + 1, end + 1);
    }
}
