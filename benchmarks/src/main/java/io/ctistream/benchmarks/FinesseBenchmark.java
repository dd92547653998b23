package io.ctistream.benchmarks;

import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.connector.core.runtime.ConnectorRuntime;
import io.ctistream.connector.core.runtime.RuntimeSettings;
import io.ctistream.connector.finesse.FinesseAdapter;
import io.ctistream.connector.finesse.FinesseConfig;
import io.ctistream.connector.finesse.FinesseCredentials;
import io.ctistream.connector.finesse.FinessePlatform;
import io.ctistream.embedded.EmbeddedKafka;
import io.ctistream.embedded.EmbeddedSchemaRegistry;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.Platform;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Cisco Finesse connector under load (issue #15): one instance owning N agents from the roster,
 * each with its own XMPP-over-WebSocket notification session under the agent's JID, against the
 * Finesse simulator's built-in notification service (as the demo runs it). Measures the time to
 * sign every session in at the paced rate (session up, GET User and Dialogs, link ACTIVE), the heap
 * and threads each agent session costs, and notification received → event acknowledged by Kafka
 * at a fixed rate of state changes.
 *
 * <p>Args: {@code [agents=2000] [changesPerSecond=500] [seconds=60] [warmupSeconds=10] [signInRate=20]}.
 * The simulator runs in a child JVM ({@link FinesseSimulatorProcess}, {@code -Xmx1g}) so that this
 * JVM's heap and threads are the embedded broker's, the registry's and the connector's only; both
 * JVMs share the machine's cores, so the numbers are a floor.
 *
 * <p>Heap, all "used heap after full GCs" ({@link HeapProbe}): P = broker and registry; C0 = P + the
 * connector started, no agent yet; CN = every agent's session open and its link ACTIVE. Connector
 * per agent session = (CN - C0) / N. Threads: the JVM's live threads at the same points.
 */
public final class FinesseBenchmark {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("ctistream.benchmark.finesse");
    static final String PASSWORD = "bench-Secret-1";
    private static final String TENANT = "bench";
    private static final int FIRST_LOGIN = 40000;
    private static final int FIRST_EXTENSION = 60000;
    /** The simulator's NOT_READY reason ids (Lunch, Break, Team Meeting). */
    private static final int[] NOT_READY_REASONS = {1, 2, 16};

    private FinesseBenchmark() {
    }

    static String login(int i) {
        return String.valueOf(FIRST_LOGIN + i);
    }

    static String extension(int i) {
        return String.valueOf(FIRST_EXTENSION + i);
    }

    private static void report(String format, Object... args) {
        LOG.info(String.format(format, args));
    }

    public static void main(String[] args) {
        Drivers.runAndExit(LOG, "finesse benchmark", () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        int agents = arg(args, 0, 2000);
        int changeRate = arg(args, 1, 500);
        int seconds = arg(args, 2, 60);
        int warmup = arg(args, 3, 10);
        int signInRate = arg(args, 4, 20);
        var rt = ManagementFactory.getRuntimeMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        report("machine: %d cores, max heap %d MiB, %s %s, GC %s, JVM flags %s", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, rt.getVmName(), System.getProperty("java.version"),
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList(), rt.getInputArguments());
        report("load: %d agents, sign-in rate %d/s, %d state changes/s for %d s after a %d s warm-up", agents, signInRate, changeRate,
                seconds, warmup);
        try (SimProcess sim = SimProcess.start(agents);
             EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.temporary());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), "127.0.0.1", 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(CtiTopics.DEFAULT_AGENT_PARTITIONS, CtiTopics.DEFAULT_AGGREGATE_PARTITIONS, (short) 1)).ensureAll();
            long[] simIdle = sim.info();
            long heapP = HeapProbe.usedAfterGc();
            int threadsP = threads.getThreadCount();
            report("HEAP P (broker and registry; the simulator with %d signed-in agents is in its own JVM): %.1f MiB, %d threads", agents,
                    HeapProbe.mib(heapP), threadsP);

            // the connector, with nothing on the roster yet: its fixed cost
            Vertx vertx = Vertx.vertx();
            Map<String, FinesseCredentials.Secret> secrets = new HashMap<>();
            for (int i = 0; i < agents; i++) {
                secrets.put("ref-" + i, new FinesseCredentials.Secret(login(i), PASSWORD));
            }
            FinesseConfig config = FinesseConfig.defaults(List.of(URI.create("http://127.0.0.1:" + sim.port))).withSignInRate(signInRate);
            RuntimeSettings settings = new RuntimeSettings(ConnectorSettings.of("finesse-bench"),
                    new KafkaSettings(kafka.bootstrapServers(), registry.url(), "finesse-bench", Duration.ofSeconds(10), Map.of()),
                    Set.of(TENANT), "127.0.0.1", 0);
            long started = System.nanoTime();
            ConnectorRuntime connector = ConnectorRuntime.start(vertx, new FinessePlatform(), settings,
                    FinesseAdapter.overXmpp(config, FinesseCredentials.of(secrets), 5000)).toCompletionStage().toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            report("connector started in %.1f s", (System.nanoTime() - started) / 1e9);
            Thread.sleep(3000);
            long heapC0 = HeapProbe.usedAfterGc();
            int threadsC0 = threads.getThreadCount();
            report("HEAP C0 (P + the connector, 0 agents): %.1f MiB, %d threads", HeapProbe.mib(heapC0), threadsC0);

            long rosterAt = publishRoster(kafka.bootstrapServers(), registry.url(), agents);
            signInAll(connector, agents, signInRate, rosterAt);
            Thread.sleep(3000);
            long heapCN = HeapProbe.usedAfterGc();
            int threadsCN = threads.getThreadCount();
            long[] simBusy = sim.info();
            report("HEAP CN (every agent's session open and ACTIVE): %.1f MiB, %d threads; the simulator holds %d sessions "
                    + "(its heap %.1f -> %.1f MiB)", HeapProbe.mib(heapCN), threadsCN, simBusy[1], HeapProbe.mib(simIdle[0]),
                    HeapProbe.mib(simBusy[0]));

            LoadDriver load = new LoadDriver((i, ready, n) -> sim.send("s " + login(i) + " "
                    + (ready ? "READY -1" : "NOT_READY " + NOT_READY_REASONS[(int) (n % NOT_READY_REASONS.length)])), agents, changeRate);
            LoadDriver.Result r = load.measure(connector.metrics(), warmup, seconds);
            report("LATENCY %d state changes sent at %.0f/s (simulator -> connector: one User notification each over the agent's "
                            + "XMPP-over-WebSocket session) in %d s after a %d s warm-up; %d events acknowledged; notification received -> "
                            + "Kafka ack p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                    r.sent(), r.sentRate(), seconds, warmup, r.count(), r.p(0.50), r.p(0.90), r.p(0.99), r.max());
            report("connector totals: %d events published, %d publish failures, %d malformed; links ACTIVE %d of %d",
                    connector.metrics().publishedTotal(), connector.metrics().publishFailures(),
                    connector.metrics().malformedTotal("xmpp"), connector.linksActive(), agents);
            long heapAfter = HeapProbe.usedAfterGc();
            int threadsAfter = threads.getThreadCount();
            report("HEAP CN after the load: %.1f MiB, %d threads", HeapProbe.mib(heapAfter), threadsAfter);
            report("RESULT heap: connector fixed cost (C0 - P) %.1f MiB; %d agent sessions (CN - C0) %.1f MiB = %.1f KiB per agent session "
                            + "(%.1f KiB after the load); threads P %d, C0 %d, CN %d, after the load %d (%+d with %d sessions)",
                    HeapProbe.mib(heapC0 - heapP), agents, HeapProbe.mib(heapCN - heapC0), (heapCN - heapC0) / 1024.0 / agents,
                    (heapAfter - heapC0) / 1024.0 / agents, threadsP, threadsC0, threadsCN, threadsAfter, threadsCN - threadsC0, agents);
            connector.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** Every profile on cti.agents; returns when the last was acknowledged (the clock's start for "sign in all"). */
    private static long publishRoster(String bootstrap, String registryUrl, int agents) {
        try (var producer = new KafkaProducer<String, SpecificRecord>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
                CtiSerdes.<SpecificRecord>valueSerializer(registryUrl))) {
            for (int i = 0; i < agents; i++) {
                // "extension": the profile attribute a Finesse LogOn signs in on (FinesseCommands.EXTENSION)
                AgentProfile p = AgentProfile.newBuilder().setTenant(TENANT).setAgentId(TENANT + "/f" + i).setTeamId(TENANT + "/t" + (i % 100))
                        .setQueues(List.of()).setPlatform(Platform.FINESSE).setPlatformUserId(login(i)).setCredentialRef("ref-" + i)
                        .setAttributes(Map.of("extension", extension(i))).build();
                producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), p.getAgentId(), p));
            }
            producer.flush();
        }
        return System.nanoTime();
    }

    /** Waits until every agent's link is ACTIVE (session signed in, snapshot read); reports the times and the pace. */
    private static void signInAll(ConnectorRuntime connector, int agents, int signInRate, long rosterAt) throws Exception {
        long deadline = rosterAt + TimeUnit.SECONDS.toNanos(120 + 3L * agents / signInRate);
        long firstTake = 0;
        long allOwned = 0;
        while (connector.linksActive() < agents) {
            long now = System.nanoTime();
            if (firstTake == 0 && connector.agentsOwned() > 0) {
                firstTake = now;
            }
            if (allOwned == 0 && connector.agentsOwned() == agents) {
                allOwned = now;
            }
            if (now > deadline) {
                throw new IllegalStateException(String.format("after %.0f s: %d agents owned, %d links ACTIVE, links %s, refused %s",
                        (now - rosterAt) / 1e9, connector.agentsOwned(), connector.linksActive(),
                        connector.adapter().linksByChannelAndState(), connector.refusedLinks()));
            }
            Thread.sleep(100);
        }
        long done = System.nanoTime();
        firstTake = firstTake == 0 ? rosterAt : firstTake;
        double fromTake = (done - firstTake) / 1e9;
        report("SIGN-IN %d agent sessions signed in and ACTIVE %.1f s after the roster was published (%.1f s after the first take; "
                        + "all owned at %.1f s): %.1f sessions/s at a sign-in rate of %d/s", agents, (done - rosterAt) / 1e9, fromTake,
                ((allOwned == 0 ? done : allOwned) - rosterAt) / 1e9, agents / fromTake, signInRate);
    }

    private static int arg(String[] args, int i, int otherwise) {
        return args.length > i ? Integer.parseInt(args[i]) : otherwise;
    }

    /** The simulator's JVM: commands on its stdin, replies (lines starting with {@code @}) from its stdout. */
    private static final class SimProcess implements AutoCloseable {
        final Process process;
        final BufferedWriter in;
        final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        int port;

        private SimProcess(Process process) {
            this.process = process;
            this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        if (line.startsWith("@")) {
                            replies.add(line.substring(1));
                        } else if (line.contains(" WARN ") || line.contains(" ERROR ")) {
                            LOG.info("[simulator] {}", line);
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "finesse-sim-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static SimProcess start(int agents) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                    FinesseSimulatorProcess.class.getName(), String.valueOf(agents)).redirectErrorStream(true).start();
            SimProcess sim = new SimProcess(p);
            String ready = sim.replies.poll(120, TimeUnit.SECONDS);
            if (ready == null || !ready.startsWith("SIM ")) {
                p.destroyForcibly();
                throw new IllegalStateException("the simulator process did not start: " + ready);
            }
            sim.port = Integer.parseInt(ready.substring(4).strip());
            report("simulator process %d up on port %d with %d agents", p.pid(), sim.port, agents);
            return sim;
        }

        void send(String line) {
            try {
                in.write(line);
                in.newLine();
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The simulator's heap after GC and its available sessions. */
        long[] info() throws InterruptedException {
            send("info");
            String line = replies.poll(60, TimeUnit.SECONDS);
            if (line == null || !line.startsWith("INFO ")) {
                throw new IllegalStateException("no answer from the simulator process: " + line);
            }
            String[] w = line.split(" ");
            return new long[] {Long.parseLong(w[1]), Long.parseLong(w[2])};
        }

        @Override
        public void close() throws Exception {
            send("quit");
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly(); // this benchmark's own child, by its handle
            }
        }
    }
}
