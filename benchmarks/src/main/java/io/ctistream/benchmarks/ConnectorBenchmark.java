package io.ctistream.benchmarks;

import io.ctistream.connector.broadworks.BroadWorksConfig;
import io.ctistream.connector.broadworks.BroadWorksConnector;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.embedded.EmbeddedKafka;
import io.ctistream.embedded.EmbeddedSchemaRegistry;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.Platform;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The BroadWorks connector under load (issue #3): how many agents one instance holds, how fast it
 * subscribes them, what it costs at rest, and NOTIFY-in → Kafka-acknowledged latency.
 *
 * <p>Args: {@code agents [subscribeRate=0 (unpaced)] [notifyRate=2000] [seconds=30] [transport=udp]}.
 * The embedded broker and registry, the simulator (the AS) and the connector share one JVM and the
 * machine's cores, so the numbers are a floor.
 */
public final class ConnectorBenchmark {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("ctistream.benchmark.connector");

    private ConnectorBenchmark() {
    }

    /** One result line, through the log (the run's output is its log). */
    private static void report(String format, Object... args) {
        LOG.info(String.format(format, args));
    }

    public static void main(String[] args) {
        Drivers.runAndExit(LOG, "connector benchmark", () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        int agents = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int subscribeRate = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int notifyRate = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        String transport = args.length > 4 ? args[4] : "udp";
        report("machine: %d cores, max heap %d MiB, java %s", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.temporary());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), "127.0.0.1", 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             BroadWorksSimulator sim = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(CtiTopics.DEFAULT_AGENT_PARTITIONS, CtiTopics.DEFAULT_AGGREGATE_PARTITIONS, (short) 1)).ensureAll();
            List<String> users = new ArrayList<>();
            try (var producer = new KafkaProducer<String, SpecificRecord>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
                    CtiSerdes.<SpecificRecord>valueSerializer(registry.url()))) {
                for (int i = 0; i < agents; i++) {
                    String user = "b" + i;
                    users.add(user);
                    sim.addUser(new BroadWorksSimulator.UserSpec(user, false, Map.of(), null));
                    AgentProfile p = AgentProfile.newBuilder().setTenant("bench").setAgentId("bench/a" + i).setTeamId("bench/t" + (i % 100))
                            .setQueues(List.of()).setPlatform(Platform.BROADWORKS).setPlatformUserId(user + "@" + sim.domain()).build();
                    producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), p.getAgentId(), p));
                }
                producer.flush();
            }
            sim.setAgentStates(users, "ready", null);
            BroadWorksConfig config = BroadWorksConfig.defaults("127.0.0.1", "127.0.0.1:" + sim.port()).withTransport(transport)
                    .withSubscribeRate(subscribeRate);
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long start = System.nanoTime();
            BroadWorksConnector connector = BroadWorksConnector.start(vertx, ConnectorSettings.of("bench"),
                    new KafkaSettings(kafka.bootstrapServers(), registry.url(), "bench-connector", Duration.ofSeconds(10), Map.of()),
                    Set.of(), config, ref -> Optional.empty()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            long firstTake = 0;
            int links = agents * 2;
            while (connector.linksActive() < links) {
                if (firstTake == 0 && connector.agentsOwned() > 0) {
                    firstTake = System.nanoTime();
                }
                if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(10)) {
                    throw new IllegalStateException("only " + connector.linksActive() + " of " + links + " subscriptions active after 10 min");
                }
                Thread.sleep(20);
            }
            long active = System.nanoTime();
            double fromTake = (active - (firstTake == 0 ? start : firstTake)) / 1e9;
            report("SUBSCRIBE %d agents, %d subscriptions active %.1f s after the connector started, %.1f s after it took"
                            + " its agents: %.0f SUBSCRIBE/s (pacing %s, %s)", agents, links, (active - start) / 1e9, fromTake,
                    links / fromTake, subscribeRate == 0 ? "lifted" : subscribeRate + "/s", transport);

            // at rest: only refreshes
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            Thread.sleep(40_000); // longer than 64*T1 (32 s): the start-up SUBSCRIBE transactions have left the stack's tables
            double cores = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - wall0);
            System.gc();
            Thread.sleep(500);
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            report("STEADY whole process at rest: %.2f cores; heap used after GC %d MiB (%.1f KiB per agent, broker and AS included)",
                    cores, heap >> 20, heap / 1024.0 / agents);

            report("SIP client transactions held by the connector's stack at rest: %d", connector.sipClientTransactions());
            // NOTIFY in -> event acknowledged by the broker
            long[] samples = new long[notifyRate * seconds + 1000];
            int[] n = {0};
            connector.metrics().onPlatformToAck(nanos -> {
                synchronized (samples) {
                    if (n[0] < samples.length) {
                        samples[n[0]++] = nanos;
                    }
                }
            });
            int perTick = Math.max(1, notifyRate / 100);
        if (agents % perTick != 0) {
            throw new IllegalArgumentException("agents must be a multiple of notifyRate/100 so every batch changes every agent it names");
        }
            int cursor = 0;
            boolean ready = true; // everyone starts READY; the first pass makes them NOT_READY
            long t0 = System.nanoTime();
            long sent = 0;
            for (int tick = 0; tick < seconds * 100; tick++) {
                if (cursor == 0) {
                    ready = !ready; // a new pass over all agents: everyone flips (batches never straddle two passes)
                }
                List<String> batch = new ArrayList<>(perTick);
                for (int i = 0; i < perTick; i++) {
                    batch.add(users.get(cursor));
                    cursor = (cursor + 1) % users.size();
                }
                sim.setAgentStates(batch, ready ? "ready" : "notReady", ready ? null : "0001");
                sent += batch.size();
                long next = t0 + (tick + 1) * 10_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            double took = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(2000);
            long[] got;
            synchronized (samples) {
                got = Arrays.copyOf(samples, n[0]);
            }
            Arrays.sort(got);
            report("LATENCY %d state changes sent at %.0f/s; %d events acknowledged; NOTIFY in -> Kafka ack p50 %.1f ms, "
                            + "p90 %.1f ms, p99 %.1f ms, max %.1f ms", sent, sent / took, got.length, pct(got, 0.50), pct(got, 0.90),
                    pct(got, 0.99), got.length == 0 ? 0 : got[got.length - 1] / 1e6);
            connector.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } finally {
            vertx.close();
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
