package io.ctistream.benchmarks;

import io.ctistream.settings.ConfigSource;
import io.ctistream.embedded.LoopbackPorts;
import io.ctistream.events.CategoryCounts;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.launcher.AllInOne;
import io.ctistream.launcher.EmbeddedConfig;
import io.ctistream.push.Jwt;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One pusher instance with many connected clients (issue #5): {@code clients} WebSocket
 * connections, {@code wallboards} of them subscribed to one team whose snapshot changes
 * {@code rate} times a second; delivery latency from the snapshot's {@code updatedAt} (stamped
 * just before it is produced) to a client's receipt; heap and resident memory per connection.
 * The pusher (with the embedded broker) runs in this JVM; the clients in a child JVM, so the
 * pusher's memory is measured without theirs. Both share the machine's cores.
 *
 * <p>Args: {@code [clients=19000] [wallboards=1000] [rate=200] [seconds=30] [warmUpSeconds=3]}: the team changes
 * at {@code rate} through the warm-up too, and only the {@code seconds} after it are measured (give it minutes: the
 * JIT is busy that long with a broker in the same JVM). A process here may hold at most 20,000 open files (hard
 * limit), which bounds {@code clients}.
 */
public final class PushBenchmark {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("ctistream.benchmark.push");

    private PushBenchmark() {
    }

    public static void main(String[] args) {
        try {
            if (args.length > 0 && args[0].equals("clients")) {
                clients(args);
            } else {
                server(args);
            }
            System.exit(0);
        } catch (Exception | Error e) {
            LOG.error("push benchmark failed", e);
            System.exit(1);
        }
    }

    static void server(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 19_000;
        int wallboards = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        int warmUp = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        Path dir = Files.createTempDirectory("ctistream-push-bench-");
        String[] ports = Arrays.stream(LoopbackPorts.free(4)).mapToObj(Integer::toString).toArray(String[]::new);
        try (AllInOne all = AllInOne.start(ConfigSource.from(Map.of(EmbeddedConfig.DATA_DIR, dir.toString(), EmbeddedConfig.KAFKA_PORT, ports[0],
                EmbeddedConfig.REGISTRY_PORT, ports[1], EmbeddedConfig.AGENT_PARTITIONS, "2", "CTISTREAM_ENGINE_HTTP_PORT", ports[2],
                "CTISTREAM_PUSH_PORT", ports[3])), false);
             KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, all.bootstrapServers(),
                     ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.ACKS_CONFIG, "1"), new StringSerializer(),
                     CtiSerdes.<SpecificRecord>valueSerializer(all.registryUrl()))) {
            team(producer, 1);
            long heapBefore = usedHeapAfterGc();
            long rssBefore = rssKb();
            String secret = Files.readString(dir.resolve("push-jwt-secret")).trim();
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g", "-XX:+UseParallelGC",
                    "-cp", System.getProperty("java.class.path"), PushBenchmark.class.getName(), "clients", Integer.toString(all.pushPort()), secret,
                    Integer.toString(clients), Integer.toString(wallboards), Integer.toString(seconds), Integer.toString(rate),
                    Integer.toString(warmUp));
            Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            // the client process reports through its log (stdout): its lines are read here
            while ((line = out.readLine()) != null && !line.contains("CONNECTED")) {
                if (line.contains("RESULT") || line.contains("ERROR")) {
                    report("%s", line);
                }
            }
            if (line == null) {
                throw new IllegalStateException("the client process ended before connecting everyone");
            }
            report("%s", line);
            long heapAfter = usedHeapAfterGc();
            long rssAfter = rssKb();
            report("pusher memory with %d connections: heap +%.1f MiB (%.1f KiB per connection), RSS +%.1f MiB (%.1f KiB per connection)", clients,
                    (heapAfter - heapBefore) / 1048576.0, (heapAfter - heapBefore) / 1024.0 / clients, (rssAfter - rssBefore) / 1024.0,
                    (rssAfter - rssBefore) / (double) clients);
            // the team changes `rate` times a second while the clients measure
            long start = System.nanoTime();
            long sent = 0;
            long version = 2;
            while (child.isAlive() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(warmUp + seconds + 2L)) {
                long due = start + (long) (sent * 1e9 / rate);
                if (System.nanoTime() < due) {
                    Thread.sleep(0, 200_000);
                    continue;
                }
                team(producer, version++);
                sent++;
            }
            report("team updates sent: %d at %d/s target (%.0f/s achieved)", sent, rate, sent / ((System.nanoTime() - start) / 1e9));
            while ((line = out.readLine()) != null) {
                if (line.contains("RESULT") || line.contains("ERROR") || line.contains("Exception")) {
                    report("%s", line);
                }
            }
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void team(KafkaProducer<String, SpecificRecord> producer, long version) {
        TeamSnapshot t = TeamSnapshot.newBuilder().setTenant("bench").setTeamId("bench/red")
                .setCounts(CategoryCounts.newBuilder().setAvail((int) (version % 10)).setRing(1).setAcd(3).setAux(2).setAcw(1).setOff(4).setUnknown(0).build())
                .setMembers(List.of("bench/a1", "bench/a2", "bench/a3")).setAvailableAgents(List.of()).setVersion(version)
                .setUpdatedAt(Instant.now()).build();
        producer.send(new ProducerRecord<>(CtiTopics.TEAM_STATS.topicName(), t.getTeamId(), t));
    }

    /** The child: opens the connections, subscribes the wallboards, measures receipt latency. */
    static void clients(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        Jwt jwt = new Jwt(args[2], 0);
        int clients = Integer.parseInt(args[3]);
        int wallboards = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);
        int rate = Integer.parseInt(args[6]);
        int warmUp = Integer.parseInt(args[7]);
        Vertx vertx = Vertx.vertx();
        // the connections spread over one event loop per core (connected from one context, they would all share one)
        List<io.vertx.core.internal.ContextInternal> loops = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            loops.add(((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext());
        }
        WebSocketClient wsc = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(clients + 10).setConnectTimeout(60_000));
        List<WebSocket> open = new ArrayList<>(clients);
        // the clients share this JVM's cores with nothing but each other, and 1,000 wallboards at 200 updates/s are
        // 200,000 frames/s: the receipt is kept cheap (no JSON parse, one timestamp parse per update, no boxing)
        // so that what is measured is the pusher (issue #20)
        AtomicLongArray latencies = new AtomicLongArray((int) Math.max(1, Math.min(50_000_000L, (long) wallboards * rate * (seconds + 1))));
        AtomicInteger received = new AtomicInteger();
        UpdatedAt updatedAt = new UpdatedAt();
        AtomicLong measuring = new AtomicLong(Long.MAX_VALUE);
        AtomicInteger subscribed = new AtomicInteger();
        long exp = Instant.now().getEpochSecond() + 3600;
        int batch = 500;
        for (int i = 0; i < clients; i += batch) {
            List<io.vertx.core.Future<WebSocket>> pending = new ArrayList<>();
            for (int n = i; n < Math.min(clients, i + batch); n++) {
                final int k = n;
                boolean wallboard = k < wallboards;
                String token = jwt.sign(new JsonObject().put("sub", "client-" + k).put("tenant", "bench").put("role", wallboard ? "wallboard" : "agent")
                        .put("agentId", "bench/agent-" + k).put("exp", exp));
                io.vertx.core.Promise<WebSocket> connected = io.vertx.core.Promise.promise();
                pending.add(connected.future());
                loops.get(k % loops.size()).runOnContext(v -> wsc.connect(port, "127.0.0.1", "/ws").onSuccess(ws -> {
                    ws.textMessageHandler(text -> {
                        if (!text.startsWith("{\"type\":\"state\"")) {
                            if (text.contains("\"subscribed\"")) {
                                subscribed.incrementAndGet();
                            }
                            return;
                        }
                        long now = System.currentTimeMillis();
                        if (now >= measuring.get()) {
                            int slot = received.getAndIncrement();
                            if (slot < latencies.length()) {
                                latencies.set(slot, now - updatedAt.millis(text));
                            }
                        }
                    });
                    ws.writeTextMessage(new JsonObject().put("op", "auth").put("token", token).encode());
                    ws.writeTextMessage(new JsonObject().put("op", "subscribe").put("topics",
                            new JsonArray().add(wallboard ? "team/bench/red" : "agent/bench/agent-" + k)).encode());
                }).onComplete(connected));
            }
            for (var f : pending) {
                open.add(f.await(120, TimeUnit.SECONDS));
            }
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (subscribed.get() < clients && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        LOG.warn("CONNECTED {} connections, {} subscribed", open.size(), subscribed.get());
        Thread.sleep(warmUp * 1000L); // warm-up: the first updates include the JIT
        measuring.set(System.currentTimeMillis());
        Thread.sleep(seconds * 1000L);
        measuring.set(Long.MAX_VALUE);
        long[] l = new long[Math.min(received.get(), latencies.length())];
        Arrays.setAll(l, latencies::get);
        Arrays.sort(l);
        LOG.warn(String.format("RESULT %d frames received by %d wallboards in %d s (%.0f frames/s, %.1f %% of the %d offered); latency ms p50 %d, p95 %d, p99 %d, max %d",
                l.length, wallboards, seconds, l.length / (double) seconds, 100.0 * l.length / ((long) wallboards * rate * seconds),
                (long) wallboards * rate * seconds, pct(l, 50), pct(l, 95), pct(l, 99), l.length == 0 ? 0 : l[l.length - 1]));
        long closed = open.stream().filter(WebSocket::isClosed).count();
        LOG.warn("RESULT connections closed by the server during the run: {}", closed);
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    /**
     * A state frame's {@code data.updatedAt} (when the team snapshot changed), in epoch millis: found in the
     * text, and parsed once per update, since every wallboard receives the same value.
     */
    private static final class UpdatedAt {
        private static final String FIELD = "\"updatedAt\":\"";
        private final java.util.concurrent.ConcurrentHashMap<String, Long> parsed = new java.util.concurrent.ConcurrentHashMap<>();

        long millis(String frame) {
            int start = frame.indexOf(FIELD) + FIELD.length();
            String at = frame.substring(start, frame.indexOf('"', start));
            if (parsed.size() > 10_000) {
                parsed.clear(); // the updates of the last few seconds are all that arrive
            }
            return parsed.computeIfAbsent(at, a -> Instant.parse(a).toEpochMilli());
        }
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        var mem = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return mem.getUsed();
    }

    private static long rssKb() throws java.io.IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private static void report(String format, Object... args) {
        LOG.warn(String.format(format, args));
    }
}
