package io.ctistream.benchmarks;

import java.lang.management.ManagementFactory;

/** Used heap after full collections: the lowest of several readings, each right after a {@link System#gc()}. */
final class HeapProbe {
    private static final int ROUNDS = 5;

    private HeapProbe() {
    }

    /**
     * Full GCs (System.gc() is a full, stop-the-world collection with G1 unless
     * -XX:+ExplicitGCInvokesConcurrent), then the heap in use; the minimum of {@value #ROUNDS} rounds, since
     * the broker's threads allocate between a collection and the reading.
     */
    static long usedAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < ROUNDS; i++) {
            System.gc();
            Thread.sleep(300);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    static double mib(double bytes) {
        return bytes / 1024.0 / 1024.0;
    }
}
