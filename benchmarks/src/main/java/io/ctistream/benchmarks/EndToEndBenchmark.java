package io.ctistream.benchmarks;

import io.ctistream.settings.ConfigSource;
import io.ctistream.embedded.LoopbackPorts;
import io.ctistream.launcher.AllInOne;
import io.ctistream.launcher.DemoRoster;
import io.ctistream.launcher.EmbeddedConfig;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End to end (issues #6, #20): a state change made on the simulated BroadWorks AS (it sends the
 * NOTIFY) → SIP → the connector → Kafka → the engine → the pusher → a WebSocket client, measured
 * from the change's scheduled time to the client's receipt of the state frame showing it.
 * Everything runs in this JVM on this machine's cores, the SIP simulator (the load generator)
 * included.
 *
 * <p>Args: {@code [agents=200] [seconds=20] [rates=200,2000,4000,6000] [commitInterval=100ms] [warmUpSeconds=seconds]
 * [teamPublishInterval=the engine's default]}.
 * The demo roster of {@code agents} puts three fifths of them on BroadWorks; the changes are made to
 * those that are not hot-desk (330 agents give 165).
 *
 * <p>For each rate: a warm-up of {@code warmUpSeconds} at that rate (JIT, buffers; reported, marked
 * warm-up), the pipeline drained, then {@code seconds} measured. Changes go round robin over the
 * agents (READY / NOT_READY alternately) on an open-loop schedule: the simulator is handed each
 * change at its time and not waited for, and latency counts from the scheduled time, so a chain
 * (generator included) that cannot keep the rate shows as growing latency, not as a quietly lower
 * rate. Each round reports the rate achieved, how many changes the client saw of those sent, the
 * percentiles, whether it kept up (≥ 98 % of the rate sent on time, ≥ 99 % seen), the CPU the
 * process used by thread group ({@link #threadGroup}; the JIT compilers and the garbage collector on
 * their own lines), and the requests the broker handled per change, by type. Give it minutes of
 * warm-up (300 s): with everything in one JVM the JIT compilers are busy for that long.
 */
public final class EndToEndBenchmark {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("ctistream.benchmark.e2e");

    private EndToEndBenchmark() {
    }

    public static void main(String[] args) {
        Drivers.runAndExit(LOG, "end-to-end benchmark", () -> run(args));
    }

    /** The demo's default: three BroadWorks teams, one on AES, one on Finesse. */
    private static final int DEMO_TEAMS = 5;

    /** A change: when it was due on the schedule, the state it sets, and when the generator handed it to the simulator. */
    private record Sent(long nanos, String state, long handedNanos) {
    }

    static void run(String[] args) throws Exception {
        int agents = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int[] rates = Arrays.stream((args.length > 2 ? args[2] : "200,2000,4000,6000").split(",")).mapToInt(Integer::parseInt).toArray();
        String commit = args.length > 3 ? args[3] : "100ms";
        int warmUpSeconds = args.length > 4 ? Integer.parseInt(args[4]) : seconds;
        String teamInterval = args.length > 5 ? args[5] : io.ctistream.engine.EngineConfig.DEFAULT_TEAM_PUBLISH_INTERVAL.toMillis() + "ms";
        var dir = Files.createTempDirectory("ctistream-e2e-bench-");
        String[] ports = Arrays.stream(LoopbackPorts.free(4)).mapToObj(Integer::toString).toArray(String[]::new);
        Map<String, String> settings = new java.util.TreeMap<>(Map.ofEntries(Map.entry(EmbeddedConfig.DATA_DIR, dir.toString()),
                Map.entry(EmbeddedConfig.KAFKA_PORT, ports[0]), Map.entry(EmbeddedConfig.REGISTRY_PORT, ports[1]),
                Map.entry(EmbeddedConfig.DEMO_AGENTS, Integer.toString(agents)), Map.entry(EmbeddedConfig.DEMO_TEAMS, Integer.toString(DEMO_TEAMS)),
                Map.entry(EmbeddedConfig.DEMO_CALLS_PER_MINUTE, "0"), Map.entry("CTISTREAM_ENGINE_HTTP_PORT", ports[2]),
                Map.entry("CTISTREAM_PUSH_PORT", ports[3]), Map.entry("CTISTREAM_ENGINE_COMMIT_INTERVAL", commit),
                Map.entry("CTISTREAM_ENGINE_TEAM_PUBLISH_INTERVAL", teamInterval), Map.entry("CTISTREAM_LOG_LEVEL", "WARN")));
        // any other CTISTREAM_ setting in the environment (a stream thread count, a cache) goes to the services as it would
        // from ./ctistream; the driver's own settings above win
        Map<String, String> fromEnvironment = new java.util.TreeMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("CTISTREAM_") && !settings.containsKey(k)) {
                fromEnvironment.put(k, v);
            }
        });
        settings.putAll(fromEnvironment);
        if (!fromEnvironment.isEmpty()) {
            report("e2e: settings from the environment: %s", fromEnvironment);
        }
        try (AllInOne all = AllInOne.start(ConfigSource.from(settings), true)) {
            BroadWorksSimulator sim = all.demo().simulator();
            List<String> users = new ArrayList<>();
            for (var p : DemoRoster.build(agents, DEMO_TEAMS, 1)) {
                // the BroadWorks simulator's users only (the demo's last teams are on Finesse and AES); hot-desk agents
                // need a guest sign-in first: leave them out
                if (p.getPlatform() == io.ctistream.events.Platform.BROADWORKS && p.getHotelingGuestAddress() == null) {
                    users.add(p.getAgentId().substring(p.getAgentId().indexOf('/') + 1));
                }
            }
            Map<String, ArrayDeque<Sent>> pending = new HashMap<>();
            users.forEach(u -> pending.put(DemoRoster.TENANT + "/" + u, new ArrayDeque<>()));
            List<Long> latencies = new ArrayList<>();
            // where each change's time went, by the clocks the pipeline stamps (one JVM, one clock): the schedule -> the
            // connector built the event (lastEventIngestedAt) -> the engine applied it (updatedAt) -> the frame arrived
            List<long[]> hops = new ArrayList<>();
            long epochNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
            AtomicLong received = new AtomicLong();
            WebSocketClient client = all.vertx().createWebSocketClient();
            WebSocket ws = client.connect(all.pushPort(), "127.0.0.1", "/ws").await(10, TimeUnit.SECONDS);
            ws.textMessageHandler(text -> {
                long now = System.nanoTime();
                JsonObject f = new JsonObject(text);
                if (!"state".equals(f.getString("type")) || f.getJsonObject("data") == null) {
                    return;
                }
                String state = f.getJsonObject("data").getString("state");
                synchronized (pending) {
                    ArrayDeque<Sent> q = pending.get(f.getString("key"));
                    while (q != null && !q.isEmpty()) {
                        Sent s = q.poll();
                        if (s.state().equals(state)) {
                            latencies.add(now - s.nanos());
                            long ingested = epochNanos(f.getJsonObject("data").getString("lastEventIngestedAt"));
                            long applied = epochNanos(f.getJsonObject("data").getString("updatedAt"));
                            if (ingested > 0 && applied > 0) {
                                hops.add(new long[] {s.handedNanos() - s.nanos(), ingested - (s.handedNanos() + epochNanos), applied - ingested,
                                        now + epochNanos - applied});
                            }
                            received.incrementAndGet();
                            break;
                        }
                    }
                }
            });
            ws.writeTextMessage(new JsonObject().put("op", "auth").put("token", all.token("bench", "admin", null, List.of(), Duration.ofHours(2))).encode());
            JsonArray topics = new JsonArray();
            users.forEach(u -> topics.add("agent/" + DemoRoster.TENANT + "/" + u));
            ws.writeTextMessage(new JsonObject().put("op", "subscribe").put("topics", topics).encode());
            // every agent logged on and READY first, so each change below is a real change
            sim.setAgentStates(users, "ready", null);
            Thread.sleep(5_000); // let the initial full states settle (a benchmark, not a test)
            report("e2e: %d agents, engine commit interval %s, team publish interval %s, each rate: %d s warm-up (not reported), "
                            + "drained, then %d s measured; cores=%d; everything in this JVM",
                    users.size(), commit, teamInterval, warmUpSeconds, seconds, Runtime.getRuntime().availableProcessors());
            boolean[] ready = new boolean[users.size()];
            Arrays.fill(ready, true);
            int simPort = sim.port();
            var cpu = new Drivers.CpuWindow(thread -> threadGroup(thread, simPort));
            var requests = new Drivers.BrokerRequests();
            var clients = new Drivers.ClientRequests();
            var streamThreads = new Drivers.StreamThreadTimes();
            int[] next = {0};
            for (int rate : rates) {
                for (boolean measured : new boolean[] {false, true}) {
                    int runFor = measured ? seconds : warmUpSeconds;
                    if (runFor <= 0) {
                        continue;
                    }
                    synchronized (pending) {
                        latencies.clear();
                        hops.clear();
                        pending.values().forEach(ArrayDeque::clear);
                    }
                    received.set(0);
                    cpu.start();
                    requests.start();
                    clients.start();
                    streamThreads.start();
                    long start = System.nanoTime();
                    long end = start + TimeUnit.SECONDS.toNanos(runFor);
                    long sent = 0;
                    long lateMax = 0;
                    while (true) {
                        // open loop: each change has its time on the schedule, and its latency counts from that time, so a
                        // generator that falls behind shows as latency rather than as a lower rate nobody reads
                        long due = start + (long) (sent * 1e9 / rate);
                        if (due >= end) {
                            break;
                        }
                        long now = System.nanoTime();
                        if (now < due) {
                            if (due - now > 150_000) {
                                // parks to 100 µs before the change is due (Linux wakes it ~60 µs late), then spins: Thread.sleep(0, n)
                                // sleeps a whole millisecond, which had made the generator up to 0.8 ms late on every change
                                java.util.concurrent.locks.LockSupport.parkNanos(due - now - 100_000);
                            }
                            continue;
                        }
                        lateMax = Math.max(lateMax, now - due);
                        int i = next[0];
                        next[0] = (next[0] + 1) % users.size();
                        ready[i] = !ready[i];
                        String agentId = DemoRoster.TENANT + "/" + users.get(i);
                        synchronized (pending) {
                            pending.get(agentId).add(new Sent(due, ready[i] ? "READY" : "NOT_READY", now));
                        }
                        sim.setAgentStateLater(users.get(i), ready[i] ? "ready" : "notReady", ready[i] ? null : "0012");
                        sent++;
                    }
                    double sendSeconds = (System.nanoTime() - start) / 1e9;
                    Map<String, Double> cores = cpu.stop();
                    Map<String, Long> handled = requests.stop();
                    Map<String, Long> byClient = clients.stop();
                    String engineThreads = streamThreads.stop();
                    String clientWaits = Drivers.clientLatencies();
                    long drainedAt = drain(received, sent);
                    long[] l;
                    synchronized (pending) {
                        l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                        if (!hops.isEmpty()) {
                            String[] names = {"schedule -> the generator handed the change to the simulator (the driver's own lateness)",
                                    "-> connector built the event (simulator, NOTIFY over UDP, connector SIP stack, parse)",
                                    "-> engine applied it (connector produce, broker, engine fetch; updatedAt is whole ms)",
                                    "-> frame at the client (engine produce, broker, pusher fetch, push, WebSocket)"};
                            StringBuilder h = new StringBuilder();
                            for (int k = 0; k < names.length; k++) {
                                int col = k;
                                long[] v = hops.stream().mapToLong(x -> x[col]).sorted().toArray();
                                h.append(String.format("%n    p50 %6.2f  p95 %6.2f  p99 %6.2f ms  %s", pct(v, 50), pct(v, 95), pct(v, 99), names[k]));
                            }
                            report("rate %d/s %s: %d changes by hop, from the pipeline's own stamps:%s", rate, measured ? "MEASURED" : "warm-up",
                                    hops.size(), h);
                        }
                    }
                    double achieved = sent / sendSeconds;
                    // a change not seen on its own was superseded by a newer one of the same agent before the client got it
                    // (the pusher hands a busy connection the newest value per topic), or did not arrive at all
                    boolean keptUp = achieved >= 0.98 * rate && l.length >= 0.99 * sent && lateMax < TimeUnit.MILLISECONDS.toNanos(100);
                    report("rate %d/s %s: sent %d in %.1f s (%.0f/s, the generator at most %.1f ms late), seen %d of them (%.1f %%), "
                                    + "superseded or missing %d, last seen %.1f s after the last sent; latency ms from the scheduled time p50 %.1f, "
                                    + "p95 %.1f, p99 %.1f, max %.1f; %s",
                            rate, measured ? "MEASURED" : "warm-up", sent, sendSeconds, achieved, lateMax / 1e6, l.length,
                            sent == 0 ? 0 : 100.0 * l.length / sent, sent - l.length, drainedAt / 1e9, pct(l, 50), pct(l, 95), pct(l, 99),
                            l.length == 0 ? 0 : l[l.length - 1] / 1e6, keptUp ? "kept up" : "FELL BEHIND");
                    double process = cores.remove("process");
                    StringBuilder b = new StringBuilder();
                    cores.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                            .forEach(e -> b.append(String.format("%n    %5.2f cores  %4.1f %%  %s", e.getValue(), 100 * e.getValue() / process, e.getKey())));
                    report("rate %d/s %s: cpu %.2f cores (of %d), %.3f ms of cpu per change sent; by thread group:%s", rate,
                            measured ? "MEASURED" : "warm-up", process, Runtime.getRuntime().availableProcessors(),
                            sent == 0 ? 0 : process * sendSeconds * 1e3 / sent, b);
                    long allRequests = handled.values().stream().mapToLong(Long::longValue).sum();
                    StringBuilder r = new StringBuilder();
                    long changes = sent;
                    handled.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                            .forEach(e -> r.append(String.format(" %s %.2f,", e.getKey(), changes == 0 ? 0 : e.getValue() / (double) changes)));
                    report("rate %d/s %s: the broker handled %.1f requests per change sent (%.0f/s); per change by type:%s", rate,
                            measured ? "MEASURED" : "warm-up", sent == 0 ? 0 : allRequests / (double) sent, allRequests / sendSeconds, r);
                    StringBuilder c = new StringBuilder();
                    byClient.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                            .forEach(e -> c.append(String.format("%n    %5.2f  %s", changes == 0 ? 0 : e.getValue() / (double) changes, e.getKey())));
                    report("rate %d/s %s: requests per change sent, by the client that sent them:%s", rate, measured ? "MEASURED" : "warm-up", c);
                    report("rate %d/s %s: the engine's stream threads (ms; Kafka Streams' own figures, the last ~60 s):%s", rate,
                            measured ? "MEASURED" : "warm-up", engineThreads);
                    report("rate %d/s %s: the busy Kafka clients' waits (ms; the clients' own figures, the last ~60 s):%s", rate,
                            measured ? "MEASURED" : "warm-up", clientWaits);
                }
            }
            ws.close();
            client.close();
        }
    }

    /**
     * Waits until the client has seen every change sent, or has seen nothing new for 5 s (the rest
     * was superseded, or is stuck), or 60 s have passed; returns how long it waited.
     */
    private static long drain(AtomicLong received, long sent) throws InterruptedException {
        long start = System.nanoTime();
        long seen = received.get();
        long lastProgress = start;
        while (received.get() < sent && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(5)
                && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            Thread.sleep(50);
            if (received.get() != seen) {
                seen = received.get();
                lastProgress = System.nanoTime();
            }
        }
        return lastProgress - start;
    }

    /** The thread group a thread's CPU is counted in (names as the embedded broker, JAIN-SIP, Kafka clients and services give them). */
    static String threadGroup(String t, int simPort) {
        if (t.startsWith("bw-simulator") || t.endsWith("/" + simPort)) {
            return "SIP simulator (load generator: its thread and SIP stack)";
        }
        if (t.startsWith("ctistream-bw-") || t.startsWith("MessageProcessorThread")) {
            return "BroadWorks connector: SIP stack (JAIN-SIP receive, answer)";
        }
        if (t.equals("DefaultSipTimerThread")) {
            return "JAIN-SIP transaction timers (both stacks)";
        }
        if (t.startsWith("ctistream-kafka-") || t.contains("demo-broadworks")) {
            return "BroadWorks connector: sink (sender thread, producer)";
        }
        if (t.startsWith("vert.x-eventloop")) {
            return "Vert.x event loops (connectors' NOTIFY handling, pusher sockets, client)";
        }
        if (t.contains("ctistream-engine") || t.startsWith("engine")) {
            return "engine (stream thread, its clients)";
        }
        if (t.startsWith("push")) {
            return "pusher (state view, readers)";
        }
        if (t.contains("webhooks") || t.contains("cloudevents")) {
            return "webhooks, CloudEvents";
        }
        if (t.contains("demo-aes") || t.contains("demo-finesse") || t.contains("agent-directory") || t.contains("queue-roster")) {
            return "other connectors, directories (idle load)";
        }
        if (t.equals("main")) {
            return "benchmark driver";
        }
        if (t.startsWith("data-plane") || t.startsWith("kafka-") || t.contains("coordinator") || t.startsWith("quorum")
                || t.contains("raft") || t.startsWith("ExpirationReaper") || t.startsWith("executor-") || t.contains("-reaper")) {
            return "broker";
        }
        return "other";
    }

    /** An ISO instant from a frame as nanoseconds since the epoch; 0 when absent. */
    private static long epochNanos(String iso) {
        if (iso == null) {
            return 0;
        }
        java.time.Instant at = java.time.Instant.parse(iso);
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)] / 1e6;
    }

    private static void report(String format, Object... args) {
        LOG.warn(String.format(format, args));
    }
}
