package io.ctistream.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;

/** What the drivers' {@code main}s share. */
final class Drivers {
    /** A driver's body: it may throw anything, which ends the run as failed. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private Drivers() {
    }

    /**
     * Runs {@code body} and exits the JVM: 0 when it returns, 1 with the failure logged when it
     * throws (the embedded broker and clients leave non-daemon threads behind either way).
     */
    static void runAndExit(Logger log, String name, Body body) {
        try {
            body.run();
            System.exit(0);
        } catch (Exception | Error e) {
            log.error(name + " failed", e);
            System.exit(1);
        }
    }

    /**
     * CPU time by thread group over a window: each live Java thread's CPU time (user + system, so a
     * thread in socket calls counts) at {@link #start} and at {@link #stop}, summed by the group
     * {@code groupOf} gives its name; what the process used beyond its Java threads (GC, JIT
     * compilers, other JVM threads) is its own group. A thread that starts or ends within the
     * window counts only while both readings see it.
     */
    static final class CpuWindow {
        /** The process's threads the JVM does not list (GC workers, JIT compilers). */
        static final String JVM = "JVM (GC, JIT, VM threads)";

        private final Function<String, String> groupOf;
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private Map<Long, Long> startCpu = Map.of();
        private long startProcess;
        private long startNanos;

        CpuWindow(Function<String, String> groupOf) {
            this.groupOf = groupOf;
        }

        void start() {
            startCpu = readThreads();
            startProcess = os.getProcessCpuTime();
            startNanos = System.nanoTime();
        }

        /** Cores used on average over the window, by group, the process's total under "process". */
        Map<String, Double> stop() {
            long wall = System.nanoTime() - startNanos;
            long process = os.getProcessCpuTime() - startProcess;
            Map<String, Double> cores = new TreeMap<>();
            long javaThreads = 0;
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                Long before = startCpu.get(info.getThreadId());
                long now = threads.getThreadCpuTime(info.getThreadId());
                if (before == null || before < 0 || now < 0) {
                    continue;
                }
                javaThreads += now - before;
                cores.merge(groupOf.apply(info.getThreadName()), (now - before) / (double) wall, Double::sum);
            }
            cores.put(JVM, Math.max(0, process - javaThreads) / (double) wall);
            cores.put("process", process / (double) wall);
            return cores;
        }

        private Map<Long, Long> readThreads() {
            Map<Long, Long> cpu = new HashMap<>();
            for (long id : threads.getAllThreadIds()) {
                cpu.put(id, threads.getThreadCpuTime(id));
            }
            return cpu;
        }
    }
}
