package io.ctistream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.RecordTimes;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AgentState;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies the engine on a real broker with the real Apicurio serde: two instances share 500
 * agents, one is stopped mid-stream, and the published state and team figures end exactly where
 * a single-instance replay of the same input ends; an instance started on an empty state
 * directory recovers every store from the changelogs and carries on from there.
 */
@ExtendWith(CtiKafkaExtension.class)
class EngineFailoverIT {
    private static final int AGENTS = 500;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void twoInstancesAStopAndARestartEndWhereASingleInstanceReplayEnds(TestKafka kafka) throws Exception {
        provision(kafka);
        Input input = Input.at(Clock.systemUTC());
        Scenario scenario = input.scenario();
        AgentEvent next = input.next();
        String firstAgent = next.getHeader().getAgentId();
        EngineConfig base = EngineConfig.defaults(kafka.bootstrapServers(), kafka.registryUrl())
                .withApplicationId("engine-it-" + UUID.randomUUID())
                .withHousekeepingInterval(Duration.ofHours(1)); // no midnight rollover mid-test, whatever the time of day

        // GIVEN what a single instance makes of the input (the same topology, replayed in TopologyTestDriver)
        Expected expected = replay(scenario, base, next);
        assertThat(expected.agents).hasSize(AGENTS);

        try (var producer = producer(kafka)) {
            for (AgentProfile p : scenario.roster()) {
                producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), null, scenario.start().toEpochMilli(), p.getAgentId(), p));
            }
            producer.flush();

            // WHEN two instances run, and the first is stopped halfway through the input
            AgentStateEngine one = AgentStateEngine.start(base.withStateDir(tempDir("one")), ValueSerdes.registry(kafka.registryUrl()), null);
            AgentStateEngine two = AgentStateEngine.start(base.withStateDir(tempDir("two")), ValueSerdes.registry(kafka.registryUrl()), null);
            one.awaitRunning(Duration.ofSeconds(90));
            two.awaitRunning(Duration.ofSeconds(90));
            List<Scenario.Step> steps = scenario.steps();
            int half = steps.size() / 2;
            send(producer, steps.subList(0, half));
            one.close();
            send(producer, steps.subList(half, steps.size()));

            // THEN what the survivor publishes ends exactly where the single-instance replay ends
            Published published = new Published(kafka, EngineDriver.TENANT);
            try (published) {
                await().atMost(Duration.ofMinutes(2)).pollInSameThread().untilAsserted(() -> {
                    published.poll();
                    assertThat(published.agents).hasSize(AGENTS);
                    assertSame("agents", published.agents, expected.agents);
                    assertSame("teams", published.teams, expected.teams);
                    assertSame("queues", published.queues, expected.queues);
                });
                assertThat(published.versionRegressions).as("team and queue versions going back").isEmpty();
            }
            assertThat(two.metrics().total(EngineMetrics.Outcome.DEAD_LETTERED)).isZero();
            two.close();

            // WHEN a new instance starts on an empty state directory
            try (AgentStateEngine three = AgentStateEngine.start(base.withStateDir(tempDir("three")), ValueSerdes.registry(kafka.registryUrl()), null)) {
                three.awaitRunning(Duration.ofSeconds(90));

                // THEN its stores, restored from the changelogs, hold the same state
                var table = three.streams().store(StoreQueryParameters.fromNameAndType(EngineTopology.AGENT_PROJECTIONS,
                        QueryableStoreTypes.<String, io.ctistream.events.internal.AgentProjection>keyValueStore()));
                Map<String, AgentSnapshot> restored = new HashMap<>();
                try (var all = table.all()) {
                    all.forEachRemaining(kv -> {
                        if (kv.key.startsWith(EngineDriver.TENANT + "/") && !kv.value.getRemoved()) {
                            restored.put(kv.key, normalized(kv.value.getSnapshot()));
                        }
                    });
                }
                assertSame("restored agents", restored, expected.agents);

                // AND the next event carries on from the restored projection, not from scratch
                producer.send(new ProducerRecord<>(CtiTopics.AGENT_EVENTS.topicName(), null, next.getHeader().getIngestedAt().toEpochMilli(), firstAgent, next));
                producer.flush();
                try (Published after = new Published(kafka, EngineDriver.TENANT)) {
                    await().atMost(Duration.ofSeconds(60)).pollInSameThread().untilAsserted(() -> {
                        after.poll();
                        AgentSnapshot now = after.agents.get(firstAgent);
                        assertThat(now).isNotNull();
                        assertThat(now.getState()).isEqualTo(AgentState.NOT_READY);
                        assertThat(now.getVersion()).isEqualTo(expected.agents.get(firstAgent).getVersion() + 1);
                        assertThat(now).isEqualTo(expected.afterNext);
                    });
                }
            }
        }
    }

    /**
     * Verifies issue #13 (and, under at-least-once since issue #20, ADR 017): an engine process
     * killed with SIGKILL mid-stream, and started again on the same state directory (a crashed
     * host's leftovers), ends exactly where a single-instance replay of the same input ends — every
     * agent's snapshot and every team and queue figure. {@code EngineKillIT} kills it twice over a
     * busier day and compares with a fresh engine.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void anEngineKilledMidStreamEndsWhereAReplayEnds(TestKafka kafka) throws Exception {
        provision(kafka);
        // a tenant of its own: the broker, and so the input topics, are shared with the other test of this class
        String tenant = "killed";
        Input input = Input.at(Clock.systemUTC(), tenant);
        Scenario scenario = input.scenario();
        String applicationId = "engine-kill-" + UUID.randomUUID();
        EngineConfig base = EngineConfig.defaults(kafka.bootstrapServers(), kafka.registryUrl()).withApplicationId(applicationId)
                .withHousekeepingInterval(Duration.ofHours(1));
        Expected expected = replay(scenario, base, input.next());
        String stateDir = tempDir("killed");
        java.nio.file.Path log = Files.createTempFile("engine-process-", ".log");
        List<Process> started = new java.util.ArrayList<>();
        try (var producer = producer(kafka);
             Published published = new Published(kafka, tenant)) {
            for (AgentProfile p : scenario.roster()) {
                producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), null, scenario.start().toEpochMilli(), p.getAgentId(), p));
            }
            producer.flush();

            // GIVEN an engine process working through the input
            started.add(EngineProcess.launch(kafka.bootstrapServers(), kafka.registryUrl(), applicationId, stateDir, log));
            awaitRunning(log, 1);
            List<Scenario.Step> steps = scenario.steps();
            send(producer, steps);

            // WHEN it is killed with SIGKILL while it is part-way through (some of the input published, not all)
            await().atMost(Duration.ofMinutes(2)).pollInSameThread().until(() -> {
                published.poll();
                return published.agents.values().stream().mapToLong(AgentSnapshot::getVersion).sum() > 2_000;
            });
            started.get(0).destroyForcibly().waitFor(30, TimeUnit.SECONDS);

            // AND started again on the same state directory
            started.add(EngineProcess.launch(kafka.bootstrapServers(), kafka.registryUrl(), applicationId, stateDir, log));
            awaitRunning(log, 2);

            // THEN what it publishes ends exactly where the single-instance replay ends
            await().atMost(Duration.ofMinutes(3)).pollInSameThread().untilAsserted(() -> {
                published.poll();
                assertSame("agents", published.agents, expected.agents);
                assertSame("teams", published.teams, expected.teams);
                assertSame("queues", published.queues, expected.queues);
            });
            assertThat(published.versionRegressions).as("team and queue versions going back").isEmpty();
        } finally {
            started.forEach(Process::destroyForcibly);
        }
    }

    /**
     * Verifies issue #13's corrupted state directory: an engine stopped cleanly (checkpoints
     * written, so Streams would trust its stores) whose every state file is then overwritten with
     * garbage starts without a single stream-thread failure, rebuilds the damaged tasks from the
     * changelogs, and ends exactly where a single-instance replay of the same input ends.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aCorruptedStateDirectoryIsRebuiltWithoutAStreamThreadFailing(TestKafka kafka) throws Exception {
        provision(kafka);
        String tenant = "corrupted";
        Input input = Input.at(Clock.systemUTC(), tenant);
        Scenario scenario = input.scenario();
        EngineConfig base = EngineConfig.defaults(kafka.bootstrapServers(), kafka.registryUrl())
                .withApplicationId("engine-corrupt-" + UUID.randomUUID()).withHousekeepingInterval(Duration.ofHours(1))
                .withStateDir(tempDir("corrupted"));
        Expected expected = replay(scenario, base, input.next());
        try (var producer = producer(kafka);
             Published published = new Published(kafka, tenant)) {
            for (AgentProfile p : scenario.roster()) {
                producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), null, scenario.start().toEpochMilli(), p.getAgentId(), p));
            }
            producer.flush();
            List<Scenario.Step> steps = scenario.steps();
            int half = steps.size() / 2;

            // GIVEN an engine that worked through half of the input and was stopped cleanly
            try (AgentStateEngine first = AgentStateEngine.start(base, ValueSerdes.registry(kafka.registryUrl()), null)) {
                first.awaitRunning(Duration.ofSeconds(90));
                send(producer, steps.subList(0, half));
                await().atMost(Duration.ofMinutes(2)).pollInSameThread().until(() -> {
                    published.poll();
                    return published.agents.size() == AGENTS;
                });
            }
            // WHEN every file of its local state is overwritten with garbage
            java.nio.file.Path app = java.nio.file.Path.of(base.stateDir(), base.applicationId());
            List<java.nio.file.Path> files;
            try (var walk = Files.walk(app)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            assertThat(files).as("state files written by the first run").anyMatch(p -> p.toString().endsWith(".sst"))
                    .anyMatch(p -> p.getFileName().toString().equals(StateDirCheck.CHECKPOINT));
            java.util.Random random = new java.util.Random(13);
            for (java.nio.file.Path f : files) {
                byte[] garbage = new byte[(int) Math.max(16, Files.size(f))];
                random.nextBytes(garbage);
                Files.write(f, garbage);
            }

            // AND the engine starts again on it, and the rest of the input follows
            long restarted = System.nanoTime();
            try (AgentStateEngine second = AgentStateEngine.start(base, ValueSerdes.registry(kafka.registryUrl()), null)) {
                second.awaitRunning(Duration.ofSeconds(90));
                long running = System.nanoTime();
                send(producer, steps.subList(half, steps.size()));

                // THEN no stream thread failed, the damage was found and rebuilt, and the result is the replay's
                await().atMost(Duration.ofMinutes(3)).pollInSameThread().untilAsserted(() -> {
                    published.poll();
                    assertSame("agents", published.agents, expected.agents);
                    assertSame("teams", published.teams, expected.teams);
                    assertSame("queues", published.queues, expected.queues);
                });
                assertThat(second.metrics().threadsReplaced()).as("stream threads replaced").isZero();
                assertThat(second.metrics().tasksRebuilt()).as("damaged tasks found").isPositive();
                assertThat(published.versionRegressions).as("team and queue versions going back").isEmpty();
                System.out.printf("corrupted state dir: %d tasks rebuilt, running %d ms after start%n", second.metrics().tasksRebuilt(),
                        (running - restarted) / 1_000_000);
            }
        }
    }

    private static void provision(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
    }

    private static KafkaProducer<String, SpecificRecord> producer(TestKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), CtiSerdes.<SpecificRecord>valueSerializer(kafka.registryUrl()));
    }

    /** Until the engine processes' log says {@code count} of them reached running. */
    private static void awaitRunning(java.nio.file.Path log, int count) {
        await().atMost(Duration.ofMinutes(2)).until(() -> Files.readAllLines(log).stream().filter(EngineProcess.RUNNING::equals).count() >= count);
    }

    /**
     * What this test writes to the broker: a morning of {@link #AGENTS} agents, then one more event
     * for the first agent. Stamped from {@code clock}, never from a calendar date, because the
     * broker deletes records older than retention (issue #12); {@code EngineFailoverInputTest}
     * builds it with clocks far in the past and the future to keep it that way.
     */
    record Input(Scenario scenario, AgentEvent next) {
        static Input at(Clock clock) {
            return at(clock, EngineDriver.TENANT);
        }

        /** For the agents, teams and queues of {@code tenant}: tests sharing a broker keep to their own keys. */
        static Input at(Clock clock, String tenant) {
            Scenario scenario = Scenario.endingBefore(clock, tenant, 2026, AGENTS, 10, 3);
            AgentEvent next = EngineDriver.event(scenario.roster().get(0).getAgentId(), scenario.last().plusSeconds(1),
                    EngineDriver.notReady("0099", "Training"), 10_000L);
            Input input = new Input(scenario, next);
            RecordTimes.requireKept(clock, input.earliest(), input.latest(), CtiTopics.AGENTS, CtiTopics.AGENT_EVENTS);
            return input;
        }

        Instant earliest() {
            return scenario.start();
        }

        Instant latest() {
            return next.getHeader().getIngestedAt();
        }
    }

    /** Equal maps, or a failure that names the first few keys that differ and how. */
    private static <V> void assertSame(String what, Map<String, V> actual, Map<String, V> expected) {
        List<String> diffs = new java.util.ArrayList<>();
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            V a = actual.get(k);
            V e = expected.get(k);
            if (!java.util.Objects.equals(a, e) && diffs.size() < 3) {
                if (a instanceof SpecificRecord ra && e instanceof SpecificRecord re) {
                    StringBuilder fields = new StringBuilder(k);
                    for (var f : ra.getSchema().getFields()) {
                        if (!java.util.Objects.equals(ra.get(f.pos()), re.get(f.pos()))) {
                            fields.append("\n  ").append(f.name()).append(": actual ").append(ra.get(f.pos())).append(", expected ").append(re.get(f.pos()));
                        }
                    }
                    diffs.add(fields.toString());
                } else {
                    diffs.add(k + "\n  actual:   " + a + "\n  expected: " + e);
                }
            }
        }
        assertThat(diffs).as("%s differing from the single-instance replay (%d actual, %d expected)", what, actual.size(), expected.size()).isEmpty();
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, List<Scenario.Step> steps) {
        for (Scenario.Step s : steps) {
            if (s.event() != null) {
                AgentEvent e = s.event();
                producer.send(new ProducerRecord<>(CtiTopics.AGENT_EVENTS.topicName(), null, e.getHeader().getIngestedAt().toEpochMilli(), e.getHeader().getAgentId(), e));
            } else {
                producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), null, s.at().toEpochMilli(), s.profile().getAgentId(), s.profile()));
            }
        }
        producer.flush();
    }

    /** @param afterNext the first agent's snapshot once {@code next} followed the scenario */
    private record Expected(Map<String, AgentSnapshot> agents, Map<String, TeamSnapshot> teams, Map<String, QueueSnapshot> queues,
                            AgentSnapshot afterNext) {
    }

    private static Expected replay(Scenario scenario, EngineConfig config, AgentEvent next) throws Exception {
        try (EngineDriver driver = new EngineDriver(config, scenario.start())) {
            scenario.roster().forEach(p -> driver.profile(p, scenario.start()));
            for (Scenario.Step s : scenario.steps()) {
                if (s.event() != null) {
                    driver.send(s.event());
                } else {
                    driver.profile(s.profile(), s.at());
                }
            }
            Map<String, AgentSnapshot> agents = new HashMap<>();
            driver.agentState.readKeyValuesToMap().forEach((k, v) -> agents.put(k, normalized(v)));
            Map<String, TeamSnapshot> teams = new HashMap<>();
            driver.teamStats.readKeyValuesToMap().forEach((k, v) -> teams.put(k, normalized(v)));
            Map<String, QueueSnapshot> queues = new HashMap<>();
            driver.queueStats.readKeyValuesToMap().forEach((k, v) -> queues.put(k, normalized(v)));
            driver.send(next);
            AgentSnapshot afterNext = normalized(driver.agentState.readKeyValuesToMap().get(next.getHeader().getAgentId()));
            return new Expected(agents, teams, queues, afterNext);
        }
    }

    /** The wall-clock stamp is the only field that may differ between two runs over the same input. */
    static AgentSnapshot normalized(AgentSnapshot s) {
        return AgentSnapshot.newBuilder(s).setUpdatedAt(Instant.EPOCH).build();
    }

    /**
     * A team's version counts the updates it received; how a roster move interleaves with the
     * moved agent's events (two topics) decides which team counts which update, and that order is
     * not defined across topics. Its counts, members and available agents are exact; its versions
     * are checked to only ever increase ({@link Published#versionRegressions}).
     */
    static TeamSnapshot normalized(TeamSnapshot s) {
        return TeamSnapshot.newBuilder(s).setUpdatedAt(Instant.EPOCH).setVersion(0).build();
    }

    /** A queue hears from many agents through a repartition topic: like a team's, its version is checked for order only. */
    static QueueSnapshot normalized(QueueSnapshot s) {
        return QueueSnapshot.newBuilder(s).setUpdatedAt(Instant.EPOCH).setVersion(0).build();
    }

    private static String tempDir(String name) throws Exception {
        return Files.createTempDirectory("engine-it-" + name + "-").toString();
    }

    /** The latest committed value per key of the engine's three output topics. */
    private static final class Published implements AutoCloseable {
        final Map<String, AgentSnapshot> agents = new HashMap<>();
        final Map<String, TeamSnapshot> teams = new HashMap<>();
        final Map<String, QueueSnapshot> queues = new HashMap<>();
        final List<String> versionRegressions = new java.util.ArrayList<>();
        private final Map<String, Long> versions = new HashMap<>();
        private final KafkaConsumer<String, SpecificRecord> consumer;

        private final String tenant;

        Published(TestKafka kafka, String tenant) {
            this.tenant = tenant;
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "published-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new StringDeserializer(), CtiSerdes.<SpecificRecord>valueDeserializer(kafka.registryUrl()));
            consumer.subscribe(List.of(CtiTopics.AGENT_STATE.topicName(), CtiTopics.TEAM_STATS.topicName(), CtiTopics.QUEUE_STATS.topicName()));
        }

        void poll() {
            for (var r : consumer.poll(Duration.ofMillis(500))) {
                if (r.key() == null || !r.key().startsWith(tenant + "/")) {
                    continue; // another IT's tenant on the shared broker
                }
                if (r.value() instanceof AgentSnapshot s) {
                    agents.put(r.key(), normalized(s));
                } else if (r.value() instanceof TeamSnapshot t) {
                    Long previous = versions.put(r.key(), t.getVersion());
                    // the same version again is a resend (at-least-once: the engine publishes its teams again when it starts, ADR 017)
                    if (previous != null && previous > t.getVersion()) {
                        versionRegressions.add(r.key() + " " + previous + " -> " + t.getVersion());
                    }
                    teams.put(r.key(), normalized(t));
                } else if (r.value() instanceof QueueSnapshot q) {
                    Long previous = versions.put("queue " + r.key(), q.getVersion());
                    if (previous != null && previous > q.getVersion()) {
                        versionRegressions.add("queue " + r.key() + " " + previous + " -> " + q.getVersion());
                    }
                    queues.put(r.key(), normalized(q));
                } else if (r.value() == null && r.topic().equals(CtiTopics.AGENT_STATE.topicName())) {
                    agents.remove(r.key());
                }
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
