package io.ctistream.benchmarks;

import io.ctistream.embedded.EmbeddedKafka;
import io.ctistream.embedded.EmbeddedSchemaRegistry;
import io.ctistream.engine.AgentStateEngine;
import io.ctistream.engine.EngineConfig;
import io.ctistream.engine.ValueSerdes;
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AgentState;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import io.ctistream.events.EventHeader;
import io.ctistream.events.EventSource;
import io.ctistream.events.Platform;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The agent-state engine on a real (embedded) broker with the real registry serde, one instance:
 * <ol>
 *   <li><b>throughput</b>: {@code events} agent events for {@code agents} agents are written first,
 *   then one engine starts; the clock runs from RUNNING until its consumer group has no lag on
 *   {@code cti.agent-events};</li>
 *   <li><b>latency</b>: the same engine then gets events at a fixed {@code rate}, first for
 *   {@code warmUp} seconds not reported, then for {@code seconds}; for every published agent
 *   snapshot, latency = the moment a read_committed consumer receives it − the event's ingest time
 *   (set when it was produced); for every published team snapshot (the team path), the moment it
 *   is received − its {@code updatedAt} (the time the agent change it shows was made).</li>
 * </ol>
 * Broker, registry, engine, producer and consumer share one JVM and the machine's cores.
 *
 * <p>Run: {@code java -Xmx6g -cp "benchmarks/target/classes:benchmarks/target/lib/*"
 * io.ctistream.benchmarks.EngineBenchmark 10000 1000000 2000 30 100 PERSISTENT 20}
 * (agents, events, rate/s, seconds, commit interval ms, PERSISTENT or IN_MEMORY stores, warm-up seconds[, team publish
 * interval ms, the engine's default when absent[, record cache MiB (the engine's default when absent, 0: none)[, stream threads
 * per instance (1)[, engine instances sharing the partitions (1)]]]]).
 */
public final class EngineBenchmark {
    private EngineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int agents = arg(args, 0, 10_000);
        int events = arg(args, 1, 1_000_000);
        int rate = arg(args, 2, 2_000);
        int seconds = arg(args, 3, 30);
        int commitMs = arg(args, 4, 100);
        EngineConfig.StoreKind stores = args.length > 5 ? EngineConfig.StoreKind.valueOf(args[5]) : EngineConfig.StoreKind.PERSISTENT;
        int warmUp = arg(args, 6, 20);
        int teamIntervalMs = arg(args, 7, (int) EngineConfig.DEFAULT_TEAM_PUBLISH_INTERVAL.toMillis());
        int cacheMib = arg(args, 8, (int) (EngineConfig.DEFAULT_CACHE_BYTES >> 20));
        int threads = arg(args, 9, 1);
        int instances = arg(args, 10, 1);
        System.out.printf("machine: %d cores, max heap %d MiB, java %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.temporary());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), "127.0.0.1", 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(CtiTopics.DEFAULT_AGENT_PARTITIONS, CtiTopics.DEFAULT_AGGREGATE_PARTITIONS, (short) 1)).ensureAll();
            Load load = new Load(agents);
            try (var producer = new KafkaProducer<String, SpecificRecord>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                    new StringSerializer(), CtiSerdes.<SpecificRecord>valueSerializer(registry.url()))) {
                for (int i = 0; i < agents; i++) {
                    AgentProfile p = load.profile(i);
                    producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), p.getAgentId(), p));
                }
                long produceStart = System.nanoTime();
                Instant t = Instant.now().minus(Duration.ofHours(1));
                for (int n = 0; n < events; n++) {
                    AgentEvent e = load.next(t = t.plusMillis(1));
                    producer.send(new ProducerRecord<>(CtiTopics.AGENT_EVENTS.topicName(), e.getHeader().getAgentId(), e));
                }
                producer.flush();
                System.out.printf("wrote %d roster entries and %d events in %.1f s%n", agents, events, (System.nanoTime() - produceStart) / 1e9);

                EngineConfig config = EngineConfig.defaults(kafka.bootstrapServers(), registry.url())
                        .withApplicationId("bench-" + UUID.randomUUID())
                        .withStateDir(Files.createTempDirectory("bench-engine-").toString());
                config = new EngineConfig(config.applicationId(), config.bootstrapServers(), config.registryUrl(), config.stateDir(),
                        0, Duration.ofMillis(commitMs), config.dedupeIds(), config.defaultZone(), config.tenantZones(),
                        config.serviceLevelThreshold(), config.queueCallRetention(), config.housekeepingInterval(), stores)
                        .withTeamPublishInterval(Duration.ofMillis(teamIntervalMs))
                        .withCacheBytes((long) cacheMib << 20).withStreamThreads(threads);
                List<AgentStateEngine> engines = new java.util.ArrayList<>();
                try {
                    for (int i = 0; i < instances; i++) { // instances of one application: they share the partitions
                        engines.add(AgentStateEngine.start(config.withStateDir(Files.createTempDirectory("bench-engine-").toString()),
                                ValueSerdes.registry(registry.url()), null));
                    }
                    for (AgentStateEngine engine : engines) {
                        engine.awaitRunning(Duration.ofMinutes(2));
                    }
                    long started = System.nanoTime();
                    awaitNoLag(admin, config.applicationId());
                    double secs = (System.nanoTime() - started) / 1e9;
                    System.out.printf("THROUGHPUT %d events for %d agents in %.1f s = %.0f events/s (commit interval %d ms, %s, %s stores, "
                                    + "cache %d MiB, %d stream thread(s) x %d instance(s))%n",
                            events, agents, secs, events / secs, commitMs, guarantee(engines.get(0)), stores, cacheMib, threads, instances);

                    if (warmUp > 0) {
                        latency(kafka.bootstrapServers(), registry.url(), producer, load, rate, warmUp, commitMs, false);
                    }
                    latency(kafka.bootstrapServers(), registry.url(), producer, load, rate, seconds, commitMs, true);
                } finally {
                    engines.forEach(AgentStateEngine::close);
                }
            }
        }
        System.exit(0);
    }

    /** The processing guarantee the engine runs with, as its configuration says. */
    private static String guarantee(AgentStateEngine engine) {
        try {
            return String.valueOf(engine.config().getClass().getMethod("guarantee").invoke(engine.config()));
        } catch (ReflectiveOperationException e) {
            return "EXACTLY_ONCE_V2"; // the engine before issue #20 had no choice
        }
    }

    private static void latency(String bootstrap, String registryUrl, KafkaProducer<String, SpecificRecord> producer, Load load,
                                int rate, int seconds, int commitMs, boolean report) {
        try (var consumer = new KafkaConsumer<String, SpecificRecord>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "bench-latency-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5),
                new StringDeserializer(), CtiSerdes.<SpecificRecord>valueDeserializer(registryUrl))) {
            consumer.subscribe(List.of(CtiTopics.AGENT_STATE.topicName(), CtiTopics.TEAM_STATS.topicName()));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            long[] samples = new long[rate * seconds * 2];
            int[] count = {0};
            long[] teamSamples = new long[rate * seconds * 4];
            int[] teamCount = {0};
            Thread sender = new Thread(() -> {
                long interval = 1_000_000_000L / rate;
                long next = System.nanoTime();
                for (long n = 0; n < (long) rate * seconds; n++) {
                    LockSupport.parkNanos(next - System.nanoTime());
                    next += interval;
                    AgentEvent e = load.next(Instant.now());
                    producer.send(new ProducerRecord<>(CtiTopics.AGENT_EVENTS.topicName(), e.getHeader().getAgentId(), e));
                }
                producer.flush();
            }, "bench-sender");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 5);
            sender.start();
            while (System.nanoTime() < end) {
                for (var r : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.currentTimeMillis();
                    if (r.value() instanceof AgentSnapshot s && s.getLastEventIngestedAt() != null && count[0] < samples.length) {
                        samples[count[0]++] = now - s.getLastEventIngestedAt().toEpochMilli();
                    } else if (r.value() instanceof io.ctistream.events.TeamSnapshot t && teamCount[0] < teamSamples.length) {
                        teamSamples[teamCount[0]++] = now - t.getUpdatedAt().toEpochMilli();
                    }
                }
            }
            if (!report) {
                System.out.printf("(warm-up: %d s at %d events/s, %d snapshots, not reported)%n", seconds, rate, count[0]);
                return;
            }
            long[] sorted = Arrays.copyOf(samples, count[0]);
            Arrays.sort(sorted);
            if (sorted.length == 0) {
                System.out.println("LATENCY no samples");
                return;
            }
            System.out.printf("LATENCY %d snapshots at %d events/s for %d s (commit interval %d ms): p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
                    sorted.length, rate, seconds, commitMs, pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted[sorted.length - 1]);
            long[] team = Arrays.copyOf(teamSamples, teamCount[0]);
            Arrays.sort(team);
            if (team.length > 0) {
                System.out.printf("TEAM PATH %d team snapshots (agent change made -> team snapshot received): p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
                        team.length, pct(team, 50), pct(team, 90), pct(team, 99), team[team.length - 1]);
            }
        }
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** Waits until the group has consumed everything in every topic it reads, its own repartition topics included. */
    private static void awaitNoLag(Admin admin, String groupId) throws Exception {
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            java.util.Set<String> topics = new java.util.HashSet<>();
            committed.keySet().forEach(tp -> topics.add(tp.topic()));
            topics.add(CtiTopics.AGENT_EVENTS.topicName());
            Map<TopicPartition, OffsetSpec> ask = new java.util.HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
                    d.partitions().forEach(p -> ask.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            long lag = 0;
            for (var e : admin.listOffsets(ask).all().get().entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                // a transactional topic ends with a commit marker the group never "consumes": allow one per partition
                lag += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()) - 1);
            }
            if (lag <= 0) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    private static int arg(String[] args, int i, int defaultValue) {
        return args.length > i ? Integer.parseInt(args[i]) : defaultValue;
    }

    /** A never-ending realistic cycle per agent: ready, offered, talking, (hold), ended, wrap-up, ready or a break. */
    static final class Load {
        private final int agents;
        private final int[] step;
        private int cursor;

        Load(int agents) {
            this.agents = agents;
            this.step = new int[agents];
        }

        AgentProfile profile(int i) {
            return AgentProfile.newBuilder().setTenant("bench").setAgentId(id(i)).setDisplayName("Agent " + i).setTeamId("bench/team-" + (i % 100))
                    .setQueues(List.of("bench/q" + (i % 10))).setPlatform(Platform.BROADWORKS).setPlatformUserId("a" + i + "@bench.test").build();
        }

        synchronized AgentEvent next(Instant at) {
            int i = cursor;
            cursor = (cursor + 1) % agents;
            int s = step[i]++;
            String call = id(i) + "/c" + (s / 7);
            Object payload = switch (s % 7) {
                case 0 -> AgentStateChanged.newBuilder().setState(AgentState.READY).build();
                case 1 -> callEvent(call, CallState.RINGING, i);
                case 2 -> callEvent(call, CallState.CONNECTED, i);
                case 3 -> callEvent(call, CallState.HELD, i);
                case 4 -> callEvent(call, CallState.ENDED, i);
                case 5 -> AgentStateChanged.newBuilder().setState(AgentState.WRAP_UP).build();
                default -> AgentStateChanged.newBuilder().setState(AgentState.NOT_READY).setReasonCode("0012").setReasonLabel("Break").build();
            };
            EventHeader h = EventHeader.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant("bench").setAgentId(id(i))
                    .setSource(EventSource.newBuilder().setPlatform(Platform.BROADWORKS).setConnectorInstance("bench").setPlatformSequence((long) s).build())
                    .setOccurredAt(at).setIngestedAt(at).build();
            return AgentEvent.newBuilder().setHeader(h).setPayload(payload).build();
        }

        private AgentCallEvent callEvent(String callId, CallState state, int i) {
            return AgentCallEvent.newBuilder().setCallId(callId).setDirection(CallDirection.INBOUND).setCallState(state)
                    .setQueueId("bench/q" + (i % 10)).setRemoteParty("+4930" + i).build();
        }

        private static String id(int i) {
            return "bench/a" + i;
        }
    }
}
