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
 * End to end (issue #6): a state change made on the simulated BroadWorks AS (it sends the NOTIFY)
 * → SIP → the connector → Kafka → the engine (exactly-once) → the pusher → a WebSocket client,
 * measured from just before the simulator is told to change the agent to the client's receipt of
 * the state frame showing it. Everything runs in this JVM on this machine's cores.
 *
 * <p>Args: {@code [agents=200] [seconds=20] [rates=200,2000,4000,6000] [commitInterval=100ms] [warmUpSeconds=seconds]
 * [teamPublishInterval=the engine's default]}.
 * The demo roster of {@code agents} puts three fifths of them on BroadWorks; the changes are made to
 * those that are not hot-desk (330 agents give 178).
 * First a warm-up round at the first rate for {@code warmUpSeconds}, not reported (JIT, first
 * transactions). For each rate: changes are spread over the agents round robin (READY / NOT_READY alternately),
 * paced by wall clock; latencies of the changes that arrive are reported as p50/p95/p99/max with the
 * achieved rate and how many never arrived within 10 s of the run's end.
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

    private record Sent(long nanos, String state) {
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
        try (AllInOne all = AllInOne.start(ConfigSource.from(Map.ofEntries(Map.entry(EmbeddedConfig.DATA_DIR, dir.toString()),
                Map.entry(EmbeddedConfig.KAFKA_PORT, ports[0]), Map.entry(EmbeddedConfig.REGISTRY_PORT, ports[1]),
                Map.entry(EmbeddedConfig.DEMO_AGENTS, Integer.toString(agents)), Map.entry(EmbeddedConfig.DEMO_TEAMS, Integer.toString(DEMO_TEAMS)),
                Map.entry(EmbeddedConfig.DEMO_CALLS_PER_MINUTE, "0"), Map.entry("CTISTREAM_ENGINE_HTTP_PORT", ports[2]),
                Map.entry("CTISTREAM_PUSH_PORT", ports[3]), Map.entry("CTISTREAM_ENGINE_COMMIT_INTERVAL", commit),
                Map.entry("CTISTREAM_ENGINE_TEAM_PUBLISH_INTERVAL", teamInterval), Map.entry("CTISTREAM_LOG_LEVEL", "WARN"))), true)) {
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
            report("e2e: %d agents, engine commit interval %s, team publish interval %s, %d s per rate after a %d s warm-up, cores=%d",
                    users.size(), commit, teamInterval, seconds,
                    warmUpSeconds, Runtime.getRuntime().availableProcessors());
            boolean[] ready = new boolean[users.size()];
            Arrays.fill(ready, true);
            int[] withWarmUp = new int[rates.length + 1];
            withWarmUp[0] = -rates[0]; // a warm-up round at the first rate, not reported (JIT, first transactions)
            System.arraycopy(rates, 0, withWarmUp, 1, rates.length);
            for (int signedRate : withWarmUp) {
                int rate = Math.abs(signedRate);
                synchronized (pending) {
                    latencies.clear();
                    pending.values().forEach(ArrayDeque::clear);
                }
                received.set(0);
                long sent = 0;
                long start = System.nanoTime();
                long end = start + TimeUnit.SECONDS.toNanos(signedRate < 0 ? warmUpSeconds : seconds);
                int next = 0;
                while (System.nanoTime() < end) {
                    long due = start + (long) (sent * 1e9 / rate);
                    long now = System.nanoTime();
                    if (now < due) {
                        if (due - now > 200_000) {
                            Thread.sleep(0, 100_000);
                        }
                        continue;
                    }
                    int i = next;
                    next = (next + 1) % users.size();
                    ready[i] = !ready[i];
                    String state = ready[i] ? "READY" : "NOT_READY";
                    String agentId = DemoRoster.TENANT + "/" + users.get(i);
                    synchronized (pending) {
                        pending.get(agentId).add(new Sent(System.nanoTime(), state));
                    }
                    sim.setAgentState(users.get(i), ready[i] ? "ready" : "notReady", ready[i] ? null : "0012");
                    sent++;
                }
                double achieved = sent / ((System.nanoTime() - start) / 1e9);
                long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (received.get() < sent && System.nanoTime() < waitUntil) {
                    Thread.sleep(50);
                }
                long[] l;
                synchronized (pending) {
                    l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                }
                if (signedRate < 0) {
                    continue;
                }
                // a change not seen on its own was superseded by a newer one of the same agent before the client got it
                // (the pusher hands a busy connection the newest value per topic), or did not arrive at all
                report("rate %d/s: sent %d (achieved %.0f/s), seen %d, superseded or missing %d; latency ms p50 %.1f, p95 %.1f, p99 %.1f, max %.1f",
                        rate, sent, achieved, l.length, sent - l.length, pct(l, 50), pct(l, 95), pct(l, 99), l.length == 0 ? 0 : l[l.length - 1] / 1e6);
            }
            ws.close();
            client.close();
        }
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
