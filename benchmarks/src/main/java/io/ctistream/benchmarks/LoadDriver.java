package io.ctistream.benchmarks;

import io.ctistream.connector.core.ConnectorMetrics;
import java.util.Arrays;

/**
 * Agent-state changes at a fixed rate, as the platform would report them: the peer's or simulator's
 * "agent pressed a button" ({@link Change}) round robin over the agents, each one flipping READY ↔
 * NOT_READY (with a reason), so every change is one platform event and one canonical
 * AgentStateChanged. Sent in 10 ms ticks; latency samples come from the connector
 * ({@link ConnectorMetrics#onPlatformToAck}) and are kept only during the measured window.
 */
final class LoadDriver {
    /** Makes agent {@code agent} READY ({@code ready}) or NOT_READY with a reason chosen by {@code n}, the change's number. */
    @FunctionalInterface
    interface Change {
        void apply(int agent, boolean ready, long n);
    }

    /** What the measured window gave: samples sorted, in nanoseconds. */
    record Result(long sent, double sentRate, long[] sorted) {
        int count() {
            return sorted.length;
        }

        /** The p-quantile (nearest rank) in milliseconds. */
        double p(double p) {
            return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
        }

        double max() {
            return sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6;
        }
    }

    private final Change platform;
    private final int agents;
    private final int rate;
    private final boolean[] ready;
    private int cursor;
    private long changes;
    private final Object lock = new Object();
    private long[] samples = new long[0];
    private int n;
    private boolean recording;

    /** Every agent starts NOT_READY. */
    LoadDriver(Change platform, int agents, int rate) {
        this.platform = platform;
        this.agents = agents;
        this.rate = rate;
        this.ready = new boolean[agents];
    }

    Result measure(ConnectorMetrics metrics, int warmupSeconds, int seconds) throws InterruptedException {
        metrics.onPlatformToAck(nanos -> {
            synchronized (lock) {
                if (recording && n < samples.length) {
                    samples[n++] = nanos;
                }
            }
        });
        drive(warmupSeconds);
        synchronized (lock) {
            samples = new long[rate * seconds * 2 + 1000];
            n = 0;
            recording = true;
        }
        long t0 = System.nanoTime();
        long sent = drive(seconds);
        double took = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(2000); // the last events' acknowledgements
        long[] got;
        synchronized (lock) {
            recording = false;
            got = Arrays.copyOf(samples, n);
        }
        Arrays.sort(got);
        return new Result(sent, sent / took, got);
    }

    /** {@code rate} changes a second for {@code seconds}, in 10 ms ticks (a late tick catches up); returns how many were sent. */
    private long drive(int seconds) throws InterruptedException {
        long t0 = System.nanoTime();
        long sent = 0;
        int ticks = seconds * 100;
        for (int tick = 1; tick <= ticks; tick++) {
            long due = (long) tick * rate / 100;
            while (sent < due) {
                change();
                sent++;
            }
            long wait = t0 + tick * 10_000_000L - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        return sent;
    }

    private void change() {
        int i = cursor;
        cursor = (cursor + 1) % agents;
        ready[i] = !ready[i];
        platform.apply(i, ready[i], changes);
        changes++;
    }
}
