package io.ctistream.benchmarks;

import io.ctistream.connector.aes.AesAdapter;
import io.ctistream.connector.aes.AesConfig;
import io.ctistream.connector.aes.AesCredentials;
import io.ctistream.connector.aes.AesPlatform;
import io.ctistream.connector.aes.dmcc.DmccOptions;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.connector.core.runtime.ConnectorRuntime;
import io.ctistream.connector.core.runtime.RuntimeSettings;
import io.ctistream.embedded.EmbeddedKafka;
import io.ctistream.embedded.EmbeddedSchemaRegistry;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.Platform;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.simulator.aes.AesPeer;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * The Avaya AES connector under load (issue #16): one instance, ONE DMCC application session, N
 * agents from the roster. Measures the time to monitor them all (paced), the heap each monitored
 * agent costs, and agent event in → event acknowledged by Kafka at a fixed rate.
 *
 * <p>Args: {@code [agents=2000] [eventRate=500] [seconds=60] [warmupSeconds=10] [monitorRate=20]}.
 * The embedded broker and registry, the DMCC peer (plain TCP on loopback, its own one-thread Vert.x)
 * and the connector (its own Vert.x) share one JVM and the machine's cores, so the numbers are a floor.
 *
 * <p>Heap, all "used heap after full GCs" ({@link HeapProbe}): P = broker, registry and peer with N
 * stations (agents logged on), no connector; C0 = P + the connector started, session up, no agent yet;
 * CN = every agent monitored and ACTIVE; M = the connector aborted (no MonitorStop: the peer keeps the
 * session and its N monitors for the re-attach window) and its Vert.x closed; M0 = the same after the
 * peer ended that session (cleanup delay over, monitors gone). M - M0 is the peer's per-monitor state
 * (whatever the connector left behind in static caches is in both). Connector per agent =
 * ((CN - C0) - (M - M0)) / N.
 */
public final class AesBenchmark {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("ctistream.benchmark.aes");
    private static final String TENANT = "bench";
    private static final int FIRST_STATION = 50000;
    private static final int FIRST_AGENT = 70000;

    private AesBenchmark() {
    }

    private static void report(String format, Object... args) {
        LOG.info(String.format(format, args));
    }

    public static void main(String[] args) {
        Drivers.runAndExit(LOG, "aes benchmark", () -> run(args));
    }

    /** The connector's references, dropped together so that it can be collected after {@link #abort}. */
    private static final class Connector {
        Vertx vertx;
        ConnectorRuntime runtime;

        void abort() throws Exception {
            runtime.abort();
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            runtime = null;
            vertx = null;
        }
    }

    private static void run(String[] args) throws Exception {
        int agents = arg(args, 0, 2000);
        int eventRate = arg(args, 1, 500);
        int seconds = arg(args, 2, 60);
        int warmup = arg(args, 3, 10);
        int monitorRate = arg(args, 4, 20);
        var rt = ManagementFactory.getRuntimeMXBean();
        report("machine: %d cores, max heap %d MiB, %s %s, GC %s, JVM flags %s", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, rt.getVmName(), System.getProperty("java.version"),
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList(), rt.getInputArguments());
        report("load: %d agents, monitor rate %d/s, %d agent events/s for %d s after a %d s warm-up", agents, monitorRate, eventRate, seconds, warmup);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.temporary());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), "127.0.0.1", 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(CtiTopics.DEFAULT_AGENT_PARTITIONS, CtiTopics.DEFAULT_AGGREGATE_PARTITIONS, (short) 1)).ensureAll();
            AesPeer peer = AesPeer.start(AesPeer.Settings.loopback());
            try {
                for (int i = 0; i < agents; i++) {
                    peer.addStation(String.valueOf(FIRST_STATION + i), agentId(i), "1234");
                    peer.setAgentState(agentId(i), "loggedOn", "auxWork", 0); // logged on, AUX reason 0 (NOT_READY)
                }
                long heapPeer = HeapProbe.usedAfterGc();
                report("HEAP P (broker, registry, peer with %d stations and logged-on agents, no connector): %.1f MiB", agents, HeapProbe.mib(heapPeer));

                // the connector, with nothing on the roster yet: its fixed cost
                Connector connector = new Connector();
                connector.vertx = Vertx.vertx();
                DmccOptions options = DmccOptions.defaults(List.of(new DmccOptions.Address("127.0.0.1", peer.port())), "ctiuser", "Secret#1")
                        .withTls(false);
                AesAdapter adapter = new AesAdapter(AesConfig.defaults("CM1").withMonitorRate(monitorRate), options, AesCredentials.of(Map.of()));
                WeakReference<AesAdapter> adapterRef = new WeakReference<>(adapter);
                RuntimeSettings settings = new RuntimeSettings(ConnectorSettings.of("aes-bench"),
                        new KafkaSettings(kafka.bootstrapServers(), registry.url(), "aes-bench", Duration.ofSeconds(10), Map.of()),
                        Set.of(TENANT), "127.0.0.1", 0);
                long started = System.nanoTime();
                connector.runtime = ConnectorRuntime.start(connector.vertx, new AesPlatform(), settings, adapter)
                        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
                adapter = null;
                awaitTrue(() -> connector.runtime.ready(), 60, "the connector never became ready (session up, Kafka reachable)");
                report("connector ready %.1f s after its start; peer sessions: %d", (System.nanoTime() - started) / 1e9, peer.sessions());
                Thread.sleep(3000);
                long heapConnector0 = HeapProbe.usedAfterGc();
                report("HEAP C0 (P + the connector, session up, 0 agents): %.1f MiB", HeapProbe.mib(heapConnector0));

                long rosterAt = publishRoster(kafka.bootstrapServers(), registry.url(), agents);
                monitorAll(connector.runtime, peer, agents, monitorRate, rosterAt);
                Thread.sleep(3000);
                long heapConnectorN = HeapProbe.usedAfterGc();
                report("HEAP CN (every agent monitored and ACTIVE): %.1f MiB", HeapProbe.mib(heapConnectorN));

                // READY (manualIn) or NOT_READY (AUX, reason 1-9): one agent event on the station's monitor each
                LoadDriver load = new LoadDriver((i, ready, n) -> {
                    if (ready) {
                        peer.setAgentState(agentId(i), "ready", "manualIn", 0);
                    } else {
                        peer.setAgentState(agentId(i), "notReady", "auxWork", 1 + (int) (n % 9));
                    }
                }, agents, eventRate);
                LoadDriver.Result r = load.measure(connector.runtime.metrics(), warmup, seconds);
                report("LATENCY %d agent events sent at %.0f/s (peer -> connector over loopback TCP) in %d s after a %d s warm-up; "
                                + "%d events acknowledged; event received -> Kafka ack p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                        r.sent(), r.sentRate(), seconds, warmup, r.count(), r.p(0.50), r.p(0.90), r.p(0.99), r.max());
                report("connector totals: %d events published, %d publish failures; links ACTIVE %d of %d",
                        connector.runtime.metrics().publishedTotal(), connector.runtime.metrics().publishFailures(),
                        connector.runtime.linksActive(), agents);
                long heapAfterLoad = HeapProbe.usedAfterGc();
                report("HEAP CN after the load: %.1f MiB", HeapProbe.mib(heapAfterLoad));

                // the peer's share: the connector gone, the peer's session and its N monitors kept, then the session's end
                connector.abort();
                Thread.sleep(1000);
                long heapPeerMonitors = HeapProbe.usedAfterGc();
                boolean collected = adapterRef.get() == null;
                int peerMonitors = peer.monitors();
                report("HEAP M (connector aborted and collected: %s; peer still holds %d monitors): %.1f MiB", collected, peerMonitors,
                        HeapProbe.mib(heapPeerMonitors));
                awaitTrue(() -> peer.monitors() == 0, 120, "the peer kept the aborted session's monitors past its cleanup delay");
                long heapPeerAfter = HeapProbe.usedAfterGc();
                report("HEAP M0 (the peer ended the session after its cleanup delay: 0 monitors): %.1f MiB", HeapProbe.mib(heapPeerAfter));

                double fixed = heapConnector0 - heapPeer;
                double grown = heapConnectorN - heapConnector0;
                double peerShare = heapPeerMonitors - heapPeerAfter;
                report("RESULT heap: connector fixed cost (C0 - P) %.1f MiB; growth with %d monitored agents (CN - C0) %.1f MiB = %.1f KiB/agent"
                                + " (connector + peer monitors); peer's session with its monitors (M - M0) %.1f MiB = %.1f KiB/monitor; "
                                + "connector alone %.1f KiB per monitored agent%s (after the load: %.1f KiB)", HeapProbe.mib(fixed), agents,
                        HeapProbe.mib(grown), grown / 1024 / agents, HeapProbe.mib(peerShare), peerShare / 1024 / agents,
                        (grown - peerShare) / 1024 / agents,
                        collected && peerMonitors == agents ? "" : " (NOT VALID: connector not collected or peer monitors gone)",
                        (heapAfterLoad - heapConnector0 - peerShare) / 1024 / agents);
            } finally {
                peer.close();
            }
        }
    }

    /** Every profile on cti.agents; returns when the last was acknowledged (the clock's start for "monitor all"). */
    private static long publishRoster(String bootstrap, String registryUrl, int agents) {
        try (var producer = new KafkaProducer<String, SpecificRecord>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
                CtiSerdes.<SpecificRecord>valueSerializer(registryUrl))) {
            for (int i = 0; i < agents; i++) {
                AgentProfile p = AgentProfile.newBuilder().setTenant(TENANT).setAgentId(TENANT + "/a" + i).setTeamId(TENANT + "/t" + (i % 100))
                        .setQueues(List.of()).setPlatform(Platform.AES).setPlatformUserId(String.valueOf(FIRST_STATION + i)).build();
                producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), p.getAgentId(), p));
            }
            producer.flush();
        }
        return System.nanoTime();
    }

    /** Waits until every agent is ACTIVE and the peer holds a monitor for each; reports the times and the pace. */
    private static void monitorAll(ConnectorRuntime connector, AesPeer peer, int agents, int monitorRate, long rosterAt) throws Exception {
        long deadline = rosterAt + TimeUnit.SECONDS.toNanos(120 + 3L * agents / monitorRate);
        long firstTake = 0;
        long allOwned = 0;
        int monitors = 0;
        while (connector.linksActive() < agents || (monitors = peer.monitors()) < agents) {
            long now = System.nanoTime();
            if (firstTake == 0 && connector.agentsOwned() > 0) {
                firstTake = now;
            }
            if (allOwned == 0 && connector.agentsOwned() == agents) {
                allOwned = now;
            }
            if (now > deadline) {
                throw new IllegalStateException(String.format("after %.0f s: %d agents owned, %d links ACTIVE, peer monitors %d, links %s, refused %s",
                        (now - rosterAt) / 1e9, connector.agentsOwned(), connector.linksActive(), peer.monitors(),
                        connector.adapter().linksByChannelAndState(), connector.refusedLinks()));
            }
            Thread.sleep(100);
        }
        long done = System.nanoTime();
        firstTake = firstTake == 0 ? rosterAt : firstTake;
        double fromTake = (done - firstTake) / 1e9;
        report("MONITOR %d agents monitored and ACTIVE %.1f s after the roster was published (%.1f s after the first take; all owned at %.1f s):"
                        + " %.1f agents/s at a monitor rate of %d/s; peer: %d monitors, %d application session(s)", agents, (done - rosterAt) / 1e9,
                fromTake, ((allOwned == 0 ? done : allOwned) - rosterAt) / 1e9, agents / fromTake, monitorRate, monitors, peer.sessions());
    }

    static String agentId(int i) {
        return String.valueOf(FIRST_AGENT + i);
    }

    private static int arg(String[] args, int i, int otherwise) {
        return args.length > i ? Integer.parseInt(args[i]) : otherwise;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, int seconds, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure);
            }
            Thread.sleep(50);
        }
    }
}
