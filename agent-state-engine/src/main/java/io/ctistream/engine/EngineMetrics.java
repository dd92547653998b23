package io.ctistream.engine;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the engine did with its input, counted per instance. Outcome labels are an enum, never an
 * agent, queue or call id. Exported to Prometheus by the engine's HTTP endpoint.
 */
public final class EngineMetrics {
    /** What happened to one input record. */
    public enum Outcome {
        APPLIED("applied"),
        IGNORED_DUPLICATE("duplicate"),
        IGNORED_OUT_OF_ORDER("out_of_order"),
        IGNORED_NO_CHANGE("no_change"),
        IGNORED_REMOVED("removed_agent"),
        /** Read again after a crash: already in the state, its outputs sent again (ADR 017). */
        IGNORED_REPLAYED("replayed"),
        DEAD_LETTERED("dead_lettered");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
    private final LongAdder punctuations = new LongAdder();
    private final LongAdder punctuationNanos = new LongAdder();
    private volatile long lastIngestLagMillis;
    private final LongAdder threadsReplaced = new LongAdder();
    private final LongAdder tasksRebuilt = new LongAdder();
    private final LongAdder unconfirmedDropped = new LongAdder();
    private final LongAdder rosterReordered = new LongAdder();
    private final LongAdder heldDropped = new LongAdder();

    public EngineMetrics() {
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new LongAdder());
        }
    }

    void count(Outcome outcome) {
        outcomes.get(outcome).increment();
    }

    void punctuated(long nanos) {
        punctuations.increment();
        punctuationNanos.add(nanos);
    }

    void ingestLag(long millis) {
        lastIngestLagMillis = millis;
    }

    void threadReplaced() {
        threadsReplaced.increment();
    }

    void tasksRebuilt(int n) {
        tasksRebuilt.add(n);
    }

    void dropUnconfirmed() {
        unconfirmedDropped.increment();
    }

    void countRosterReordered() {
        rosterReordered.increment();
    }

    void dropHeld() {
        heldDropped.increment();
    }

    /**
     * Roster records and agent events applied in an order their record times contradict, which the
     * agent projector could not undo (ADR 017, "Roster and events"): an event stamped at or before
     * an agent's leave read after its return, or one stamped after the leave applied before the leave
     * was read. Possible only with record times out of step across the two topics (leaders on
     * brokers with skewed clocks); 0 on one broker.
     */
    public long rosterReordered() {
        return rosterReordered.sum();
    }

    /** Events held for an agent off the roster that were dropped because more than {@code AgentProcessor.MAX_HELD} were held. */
    public long heldDropped() {
        return heldDropped.sum();
    }

    /**
     * Outputs an agent projection stopped keeping before its input offsets were committed past
     * them (more than {@code AgentLedger.MAX_UNCONFIRMED} between two commits): a crash at that
     * moment could lose them. Zero in every run measured.
     */
    public long unconfirmedDropped() {
        return unconfirmedDropped.sum();
    }

    /** Stream threads that failed and were replaced since start. */
    public long threadsReplaced() {
        return threadsReplaced.sum();
    }

    /** Task directories found damaged at start and removed, to be restored from their changelogs. */
    public long tasksRebuilt() {
        return tasksRebuilt.sum();
    }

    public long total(Outcome outcome) {
        return outcomes.get(outcome).sum();
    }

    public long punctuations() {
        return punctuations.sum();
    }

    public long punctuationNanos() {
        return punctuationNanos.sum();
    }

    /** Milliseconds between an event's ingest by its connector and its processing here, for the last event processed. */
    public long lastIngestLagMillis() {
        return lastIngestLagMillis;
    }
}
