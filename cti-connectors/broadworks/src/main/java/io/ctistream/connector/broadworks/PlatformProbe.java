package io.ctistream.connector.broadworks;

import io.vertx.core.Vertx;
import java.time.Duration;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the AS answers at all. Subscriptions alone cannot tell: between refreshes (up to ~48 min
 * at the default expiry) a dead AS and a quiet agent look the same, and a wallboard would show the
 * last state as live. So an OPTIONS goes to the outbound proxy every interval; any final answer,
 * whatever its status, means alive, and so does anything else heard from the AS meanwhile (a
 * response, a NOTIFY). Two probes in a row without either make the platform unreachable; the next
 * answer makes it reachable again.
 *
 * <p>The probe arms itself with the first answer: an AS or SBC that never answers OPTIONS leaves
 * it off (with one warning) instead of making every agent unknown. All on the connector's context.
 */
final class PlatformProbe {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformProbe.class);
    static final int MISSES = 2;

    interface Listener {
        void unreachable();

        void reachable();
    }

    private final SipLayer sip;
    private final Vertx vertx;
    private final Duration interval;
    private final Listener listener;
    private long timer = -1;
    private long sent;
    private long settled;
    private long lastSentAt;
    private int misses;
    private boolean armed;
    private boolean warned;
    private volatile boolean down;

    PlatformProbe(SipLayer sip, Vertx vertx, Duration interval, Listener listener) {
        this.sip = sip;
        this.vertx = vertx;
        this.interval = interval;
        this.listener = listener;
    }

    void start(boolean hasOutboundProxy) {
        if (interval.isZero() || !hasOutboundProxy) {
            LOG.info("platform probe off [{}]", interval.isZero() ? "interval 0" : "no outbound proxy to ask");
            return;
        }
        timer = vertx.setPeriodic(0, interval.toMillis(), id -> tick());
    }

    void stop() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** True while the AS is judged unreachable. */
    boolean down() {
        return down;
    }

    private void tick() {
        if (sent > settled) {
            settled = sent; // the last probe went unanswered for a whole interval
            if (sip.lastHeardAt() - lastSentAt > 0) {
                misses = 0; // but the AS spoke otherwise (an SBC that throttles OPTIONS)
            } else {
                miss();
            }
        }
        Request options;
        try {
            options = sip.options();
        } catch (Exception e) {
            LOG.warn("platform probe not sent: {}", e.toString());
            return;
        }
        long n = ++sent;
        lastSentAt = System.nanoTime();
        sip.send(options).onComplete(ar -> {
            if (ar.succeeded()) {
                settled = Math.max(settled, n);
                answered();
            } else if (n > settled) {
                settled = n;
                miss();
            }
        });
    }

    private void answered() {
        armed = true;
        misses = 0;
        if (down) {
            down = false;
            LOG.info("the AS answers again");
            listener.reachable();
        }
    }

    private void miss() {
        if (!armed) {
            if (!warned) {
                warned = true;
                LOG.warn("the AS has not answered an OPTIONS yet: the platform probe stays off until it does");
            }
            return;
        }
        if (++misses >= MISSES && !down) {
            down = true;
            LOG.warn("the AS does not answer [probes missed={}, interval={}]: its agents' links are lost until it does", misses, interval);
            listener.unreachable();
        }
    }
}
