package io.ctistream.simulator.broadworks;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults a test injects into the AS: dropped NOTIFYs, 481 on a refresh, ignored commands, 503s,
 * slow answers, ended subscriptions, hostile bodies, an outage, unanswered OPTIONS and a restart.
 * Runs on the simulator's executor, except {@link #outage} and {@link #ignoreOptions}, which take
 * effect at once on the SIP stack's threads.
 */
final class SimFaults {
    private static final Logger LOG = LoggerFactory.getLogger(SimFaults.class);

    private final SimAs as;
    private final SimNotifier notifier;
    private int reject503;
    private volatile Duration slowAnswers = Duration.ZERO; // read on the SIP stack's threads
    private volatile boolean ignoreOptions;

    SimFaults(SimAs as, SimNotifier notifier) {
        this.as = as;
        this.notifier = notifier;
    }

    void dropNotifies(String user, int n) {
        as.user(user).dropNotifies = n;
    }

    void fail481OnNextRefresh(String user) {
        as.user(user).fail481OnRefresh = true;
    }

    void ignoreCommands(String user, boolean ignore) {
        as.user(user).ignoreCommands = ignore;
    }

    void reject503(int n) {
        reject503 = n;
    }

    /** True when this SUBSCRIBE is one of the ones to refuse with 503 (and counts it). */
    boolean takeReject503() {
        if (reject503 > 0) {
            reject503--;
            return true;
        }
        return false;
    }

    /** Ends the user's subscriptions to a package with {@code terminated;reason=...[;retry-after=...]}. */
    void terminate(String user, String pkg, String reason, Integer retryAfter) {
        for (SimSubscription s : List.copyOf(as.subscriptions.values())) {
            if (s.user.user.equals(user) && s.pkg.equals(pkg)) {
                as.untrack(s.key);
                notifier.sendNotify(s, null, null, reason, retryAfter);
            }
        }
    }

    /** Sends any body, malformed or hostile, in a NOTIFY to every subscriber of the user's package. */
    void sendRaw(String user, String pkg, String contentType, byte[] body) {
        SimUser u = as.user(user);
        for (SimSubscription s : List.copyOf(as.subscriptions.values())) {
            if (s.user == u && s.pkg.equals(pkg)) {
                notifier.sendNotify(s, body, contentType, null, null);
            }
        }
    }

    void slowAnswers(Duration delay) {
        slowAnswers = delay;
    }

    /** How long answers to requests are held back; read on the SIP stack's threads as a request arrives. */
    Duration slowAnswers() {
        return slowAnswers;
    }

    void ignoreOptions(boolean on) {
        ignoreOptions = on;
    }

    boolean ignoresOptions() {
        return ignoreOptions;
    }

    void outage(boolean on) {
        as.down = on;
        LOG.info("simulator outage {}", on ? "begins" : "ends");
    }

    /** An AS restart: every subscription is forgotten without a word; users keep their state. */
    void restart() {
        int n = as.subscriptions.size();
        as.subscriptions.clear();
        for (SimUser u : as.users.values()) {
            u.subscriptions.clear();
            u.calls.clear();
            u.pendingNonce = null;
        }
        LOG.info("simulator restarted: {} subscriptions forgotten", n);
    }
}
