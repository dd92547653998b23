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

    private static final java.util.regex.Pattern UUID = java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-?");

    /** A Kafka client's or stream thread's name without the random UUIDs Kafka Streams puts in it, so runs compare by name. */
    static String withoutUuids(String name) {
        return UUID.matcher(name).replaceAll("");
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

    /** Counts read from JMX meters at {@link #start} and at {@link #stop}: what each name counted in between. */
    abstract static class MeterCounts {
        final javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        private Map<String, Long> start = Map.of();

        void start() {
            start = read();
        }

        /** Counts since {@link #start} by name, those that moved only; empty when no such meter is in this JVM. */
        Map<String, Long> stop() {
            Map<String, Long> delta = new TreeMap<>();
            read().forEach((name, count) -> {
                long d = count - start.getOrDefault(name, 0L);
                if (d > 0) {
                    delta.put(name, d);
                }
            });
            return delta;
        }

        abstract Map<String, Long> read();
    }

    /**
     * The requests the embedded broker (in this JVM) handled over a window, by request type, read from
     * its own {@code kafka.network:type=RequestMetrics,name=RequestsPerSec} meters' counts. The broker
     * counts a fetch twice, as {@code Fetch} and again as {@code FetchConsumer} (or {@code FetchFollower}):
     * only {@code Fetch} is kept.
     */
    static final class BrokerRequests extends MeterCounts {
        @Override
        Map<String, Long> read() {
            Map<String, Long> counts = new HashMap<>();
            try {
                for (var name : server.queryNames(new javax.management.ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
                    String type = name.getKeyProperty("request"); // one meter per request type and version
                    if (type != null && !type.equals("FetchConsumer") && !type.equals("FetchFollower")) {
                        counts.merge(type, ((Number) server.getAttribute(name, "Count")).longValue(), Long::sum);
                    }
                }
            } catch (javax.management.JMException e) {
                throw new IllegalStateException("reading the broker's request meters", e);
            }
            return counts;
        }
    }

    /**
     * Requests each Kafka client in this JVM sent, from the clients' own {@code request-total} meters,
     * by client id with any UUID in it cut out (Kafka Streams names its clients after its process id).
     */
    static final class ClientRequests extends MeterCounts {
        @Override
        Map<String, Long> read() {
            Map<String, Long> counts = new HashMap<>();
            try {
                for (String kind : new String[] {"producer", "consumer", "admin-client"}) {
                    for (var name : server.queryNames(new javax.management.ObjectName("kafka." + kind + ":type=" + kind + "-metrics,*"), null)) {
                        String client = name.getKeyProperty("client-id");
                        if (client != null) {
                            String shortName = kind + " " + withoutUuids(client);
                            counts.merge(shortName, (long) ((Number) server.getAttribute(name, "request-total")).doubleValue(), Long::sum);
                        }
                    }
                }
            } catch (javax.management.JMException e) {
                throw new IllegalStateException("reading the clients' request meters", e);
            }
            return counts;
        }
    }

    /**
     * How long each busy Kafka client in this JVM waited, by its own windowed figures (Kafka keeps two 30 s samples,
     * so read at the end of a minute they cover about that minute): a producer's records waiting in its buffer for a
     * batch to go ({@code record-queue-time-avg}) and its requests' round trips ({@code request-latency-avg}), a
     * consumer's fetch round trips ({@code fetch-latency-avg}, which include the broker holding a fetch until data comes).
     */
    static String clientLatencies() {
        var server = ManagementFactory.getPlatformMBeanServer();
        StringBuilder b = new StringBuilder();
        try {
            for (String[] q : new String[][] {{"producer", "record-queue-time-avg", "request-latency-avg", "record-send-rate"},
                {"consumer", "fetch-latency-avg", "fetch-rate", "records-per-request-avg"}}) {
                String pattern = q[0].equals("producer") ? "kafka.producer:type=producer-metrics,*" : "kafka.consumer:type=consumer-fetch-manager-metrics,*";
                for (var name : new java.util.TreeSet<>(server.queryNames(new javax.management.ObjectName(pattern), null))) {
                    if (name.getKeyProperty("topic") != null || name.getKeyProperty("partition") != null) {
                        continue;
                    }
                    Object rate = server.getAttribute(name, q[0].equals("producer") ? "record-send-rate" : "fetch-rate");
                    if (!(rate instanceof Number r) || Double.isNaN(r.doubleValue()) || r.doubleValue() < 1) {
                        continue; // idle clients: nothing to say
                    }
                    String client = withoutUuids(name.getKeyProperty("client-id"));
                    b.append(String.format("%n    %s %s:", q[0], client));
                    for (int i = 1; i < q.length; i++) {
                        if (server.getAttribute(name, q[i]) instanceof Number n && !Double.isNaN(n.doubleValue())) {
                            b.append(String.format(" %s %.2f;", q[i], n.doubleValue()));
                        }
                    }
                }
            }
        } catch (javax.management.JMException e) {
            return " (client metrics not readable: " + e + ")";
        }
        return b.toString();
    }

    /**
     * Where each Kafka Streams thread in this JVM spent its time over a window: the thread's own windowed figures
     * (Kafka Streams keeps two 30 s samples, so read at the end of a minute they cover about that minute) of how
     * long a poll, a process pass, a punctuation and a commit took and how often each ran, and how long the thread
     * was blocked on Kafka (the cumulative {@code blocked-time-ns-total}: waiting in poll, a producer flush).
     */
    static final class StreamThreadTimes {
        private static final java.util.regex.Pattern FIGURES = java.util.regex.Pattern.compile("(poll|process|punctuate|commit)-(latency-avg|latency-max|rate)");
        private final javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        private Map<String, Double> blockedAtStart = Map.of();
        private long startNanos;

        void start() {
            blockedAtStart = blocked();
            startNanos = System.nanoTime();
        }

        /** One line per stream thread: each figure it has, and the share of the window it was blocked on Kafka. */
        String stop() {
            double window = System.nanoTime() - startNanos;
            Map<String, Double> blockedNow = blocked();
            StringBuilder b = new StringBuilder();
            try {
                for (var name : server.queryNames(new javax.management.ObjectName("kafka.streams:type=stream-thread-metrics,*"), null)) {
                    String thread = withoutUuids(String.valueOf(name.getKeyProperty("thread-id")));
                    StringBuilder line = new StringBuilder();
                    for (var a : server.getMBeanInfo(name).getAttributes()) {
                        if (FIGURES.matcher(a.getName()).matches() && server.getAttribute(name, a.getName()) instanceof Number n && !Double.isNaN(n.doubleValue())) {
                            line.append(String.format(" %s %.3f;", a.getName(), n.doubleValue()));
                        }
                    }
                    Double before = blockedAtStart.get(name.toString());
                    Double now = blockedNow.get(name.toString());
                    if (before != null && now != null) {
                        line.append(String.format(" blocked on Kafka %.1f %% of the window", 100 * (now - before) / window));
                    }
                    if (!line.isEmpty()) {
                        b.append(String.format("%n    %s:", thread)).append(line);
                    }
                }
            } catch (javax.management.JMException e) {
                return " (stream thread metrics not readable: " + e + ")";
            }
            return b.toString();
        }

        /** The cumulative time each stream thread was blocked on Kafka, where the client has that figure. */
        private Map<String, Double> blocked() {
            Map<String, Double> m = new HashMap<>();
            try {
                for (var name : server.queryNames(new javax.management.ObjectName("kafka.streams:type=stream-thread-metrics,*"), null)) {
                    for (var a : server.getMBeanInfo(name).getAttributes()) {
                        if (a.getName().startsWith("blocked-time") && server.getAttribute(name, a.getName()) instanceof Number n) {
                            m.put(name.toString(), n.doubleValue());
                        }
                    }
                }
            } catch (javax.management.JMException e) {
                return Map.of();
            }
            return m;
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
        /** The process's threads the JVM does not list, beyond its GC and JIT threads (VM thread, threads gone in the window). */
        static final String JVM = "JVM (VM thread, other)";
        static final String GC = "JVM: garbage collector threads";
        static final String JIT = "JVM: JIT compiler threads";

        private final Function<String, String> groupOf;
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private Map<Long, Long> startCpu = Map.of();
        private long startProcess;
        private long startNanos;
        private Map<String, Long> startNative = Map.of();

        CpuWindow(Function<String, String> groupOf) {
            this.groupOf = groupOf;
        }

        void start() {
            startCpu = readThreads();
            startNative = readNative();
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
            long outside = process - javaThreads;
            Map<String, Long> nativeNow = readNative();
            for (String group : nativeNow.keySet()) {
                long used = Math.max(0, nativeNow.get(group) - startNative.getOrDefault(group, 0L));
                outside -= used;
                cores.put(group, used / (double) wall);
            }
            cores.put(JVM, Math.max(0, outside) / (double) wall);
            cores.put("process", process / (double) wall);
            return cores;
        }

        /**
         * CPU nanoseconds of the JVM's own GC and JIT threads, from {@code /proc/self/task/<tid>/stat}
         * (utime + stime, in clock ticks of 10 ms), grouped by the thread's name; empty where there is no /proc.
         */
        private static Map<String, Long> readNative() {
            Map<String, Long> used = new HashMap<>();
            var tasks = java.nio.file.Path.of("/proc/self/task");
            if (!java.nio.file.Files.isDirectory(tasks)) {
                return used;
            }
            try (var dirs = java.nio.file.Files.list(tasks)) {
                for (var task : (Iterable<java.nio.file.Path>) dirs::iterator) {
                    try {
                        String stat = java.nio.file.Files.readString(task.resolve("stat"));
                        int close = stat.lastIndexOf(')');
                        String comm = stat.substring(stat.indexOf('(') + 1, close);
                        String group = comm.startsWith("G1 ") || comm.startsWith("GC Thread") || isZgc(comm) ? GC
                                : comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") ? JIT : null;
                        if (group == null) {
                            continue;
                        }
                        String[] f = stat.substring(close + 2).split(" ");
                        // after the name: state(0) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(11) stime(12)
                        used.merge(group, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L, Long::sum);
                    } catch (java.io.IOException | RuntimeException gone) {
                        // the thread ended between the listing and the read
                    }
                }
            } catch (java.io.IOException e) {
                return Map.of();
            }
            return used;
        }

        /** ZGC's threads (JDK 17): ZDirector, ZDriver, ZStat, ZUncommitter, ZUnmapper, ZWorker#n. */
        static boolean isZgc(String comm) {
            return comm.startsWith("ZWorker") || comm.startsWith("ZDriver") || comm.startsWith("ZDirector")
                    || comm.startsWith("ZStat") || comm.startsWith("ZUnmapper") || comm.startsWith("ZUncommitter");
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
