package io.ctistream.push;

import io.vertx.core.Context;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sessions of one event loop and the changes waiting for them (issue #20, ADR 028). The state
 * view hands a change to each event loop once, not to each session: it waits here, newest per
 * topic, until the loop takes it, and the loop then encodes it once ({@link Frame}) for every
 * session of the loop that follows it. At 1,000 wallboards on a team changing 200×/s that is
 * 200 hand-overs a second per loop instead of 200,000, and one encoding instead of 1,000.
 */
final class Fanout {
    private final Context context;
    private final Clock clock;
    private final PushMetrics metrics;
    private final Subscribers subscribers = new Subscribers();
    private final ConcurrentHashMap<String, StateView.Entry> incoming = new ConcurrentHashMap<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    Fanout(Context context, Clock clock, PushMetrics metrics) {
        this.context = context;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Which of this loop's sessions follow which topic (touched by the sessions, on this loop). */
    Subscribers subscribers() {
        return subscribers;
    }

    /** A change from the state view (its thread): kept, newest per topic, for this loop when one of its sessions may want it. */
    void changed(StateView.Entry entry) {
        if (!subscribers.followed(entry)) {
            return;
        }
        // the view hands changes over in order: the later one is the newer (a re-created key after a removal too)
        if (incoming.put(entry.topic(), entry) != null) {
            metrics.merged();
        }
        if (flushScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> flush());
        }
    }

    private void flush() {
        flushScheduled.set(false);
        for (Map.Entry<String, StateView.Entry> next : incoming.entrySet()) {
            if (incoming.remove(next.getKey(), next.getValue())) {
                Frame frame = new Frame(next.getValue(), clock.millis());
                subscribers.forEach(next.getValue(), (s, exact) -> s.changed(frame, exact));
            }
        }
    }
}
