package io.ctistream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.RecordTimes;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies issue #20's guarantee (ADR 017) on a real broker: the engine runs at-least-once in a
 * process of its own and is killed with SIGKILL twice while a seeded busy day streams in (agent
 * state changes, queue calls reported by agents and by queues, abandoned calls, team moves, over
 * several partitions, agents leaving the roster and coming back: ADR 017, "Roster and events"); restarted each time on the same
 * state directory. What it published in the end — every agent's snapshot, every team's figures and
 * every queue's counters — is exactly what a fresh engine (a new application id) publishes from the
 * same input.
 */
@ExtendWith(CtiKafkaExtension.class)
class EngineKillIT {
    private static final String TENANT = "kill9";
    /** Longer than the default, so each kill leaves seconds of applied but uncommitted input to be read again. */
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(3);
    private static final int RECORDS_PER_SECOND = 350;

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void anEngineKilledTwiceMidStreamPublishesWhatAFreshEnginePublishes(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();

            // GIVEN a busy morning, stamped from the clock (a broker deletes records older than retention, issue #12)
            // with agents leaving the roster and coming back: the broker stamps cti.agents and cti.agent-events (LogAppendTime),
            // and the engine judges the two by record time, so the end does not depend on how it read them (ADR 017)
            Scenario day = BusyDay.endingBefore(Clock.systemUTC(), TENANT, 20, 300, 8, 4, 4, true);
            RecordTimes.requireKept(Clock.systemUTC(), day.start(), day.last(), CtiTopics.AGENTS, CtiTopics.AGENT_EVENTS, CtiTopics.QUEUE_EVENTS);
            System.out.println("kill test input: " + BusyDay.describe(day));
            String applicationId = "engine-kill9-" + UUID.randomUUID();
            String stateDir = Files.createTempDirectory("engine-kill9-").toString();
            Path log = Files.createTempFile("engine-kill9-", ".log");
            List<Process> processes = new ArrayList<>();
            List<Long> replayed;
            List<String> dropped;
            try (KafkaProducer<String, SpecificRecord> producer = producer(kafka)) {
                for (AgentProfile p : day.roster()) {
                    producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), null, day.start().toEpochMilli(), p.getAgentId(), p));
                }
                producer.flush();

                // WHEN an engine process works through the day as it streams in
                processes.add(EngineProcess.launch(kafka.bootstrapServers(), kafka.registryUrl(), applicationId, stateDir, log, COMMIT_INTERVAL));
                awaitLines(log, EngineProcess.RUNNING, 1);
                AtomicInteger sent = new AtomicInteger();
                Thread pacer = pace(producer, day.steps(), sent);
                int total = day.steps().size();

                // AND it is killed with SIGKILL a third of the way in, and started again on the same state directory
                await().atMost(Duration.ofMinutes(2)).until(() -> sent.get() >= total * 3 / 10);
                kill(processes.get(0));
                processes.add(EngineProcess.launch(kafka.bootstrapServers(), kafka.registryUrl(), applicationId, stateDir, log, COMMIT_INTERVAL));
                awaitLines(log, EngineProcess.RUNNING, 2);

                // AND killed again once it has worked a while past two thirds, and started again
                long running = System.nanoTime();
                await().atMost(Duration.ofMinutes(2)).until(() -> sent.get() >= total * 2 / 3 && System.nanoTime() - running > TimeUnit.SECONDS.toNanos(4));
                kill(processes.get(1));
                processes.add(EngineProcess.launch(kafka.bootstrapServers(), kafka.registryUrl(), applicationId, stateDir, log, COMMIT_INTERVAL));
                awaitLines(log, EngineProcess.RUNNING, 3);
                pacer.join(TimeUnit.MINUTES.toMillis(3));
                assertThat(sent.get()).isEqualTo(total);
                awaitNoLag(admin, applicationId);
                replayed = replayedPerRun(log);
                System.out.println("kill test: records found applied already after each restart " + replayed + ", sent " + total);
                dropped = Files.readAllLines(log).stream().filter(l -> l.startsWith(EngineProcess.REPLAYED) && !l.contains(" dropped 0 ")).toList();
                System.out.println("kill test: roster reorders the killed engines could not undo, last report of each run "
                        + Files.readAllLines(log).stream().filter(l -> l.startsWith(EngineProcess.REPLAYED)).reduce((a, b) -> b).orElse("none"));
            } finally {
                processes.forEach(Process::destroyForcibly);
            }
            Map<TopicPartition, Long> marker = endOffsets(admin, outputTopics());
            Published killed = Published.read(kafka, Map.of(), marker);

            // THEN a fresh engine (a new application id) over the same input publishes exactly the same
            EngineConfig fresh = EngineConfig.defaults(kafka.bootstrapServers(), kafka.registryUrl())
                    .withApplicationId("engine-kill9-fresh-" + UUID.randomUUID())
                    .withStateDir(Files.createTempDirectory("engine-kill9-fresh-").toString())
                    .withHousekeepingInterval(Duration.ofHours(1));
            try (AgentStateEngine replay = AgentStateEngine.start(fresh, ValueSerdes.registry(kafka.registryUrl()), null)) {
                replay.awaitRunning(Duration.ofSeconds(90));
                awaitNoLag(admin, fresh.applicationId());
                assertThat(replay.metrics().total(EngineMetrics.Outcome.DEAD_LETTERED)).isZero();
                System.out.println("kill test: the fresh engine's roster reorders " + replay.metrics().rosterReordered()
                        + ", held events dropped " + replay.metrics().heldDropped() + ", ignored for a removed agent "
                        + replay.metrics().total(EngineMetrics.Outcome.IGNORED_REMOVED));
            }
            Published clean = Published.read(kafka, marker, endOffsets(admin, outputTopics()));
            assertThat(clean.agents).as("agents the fresh engine published").hasSizeGreaterThan(250);
            assertThat(clean.teams).hasSize(8);
            assertThat(clean.queues).hasSize(4);
            // the even queues are reported call by call (abandons among them), the odd ones through the agents only (ADR 021)
            assertThat(clean.queues.values()).filteredOn(q -> q.getQueueId().endsWith("0") || q.getQueueId().endsWith("2"))
                    .hasSize(2).allSatisfy(q -> assertThat(q.getAbandonedToday()).isPositive());
            assertThat(clean.queues.values()).allSatisfy(q -> assertThat(q.getPlatformFiguresAt()).isNotNull());
            for (String k : new TreeSet<>(clean.agents.keySet())) { // every version each engine published of an agent that differs: the cause
                if (!Objects.equals(killed.agents.get(k), clean.agents.get(k))) {
                    System.out.println("DIFF " + k + "\n killed " + String.join("\n killed ", killed.history.getOrDefault(k, List.of()))
                            + "\n fresh " + String.join("\n fresh ", clean.history.getOrDefault(k, List.of())));
                }
            }
            assertSame("agents", killed.agents, clean.agents);
            assertSame("teams", killed.teams, clean.teams);
            assertSame("queues", killed.queues, clean.queues);
            // AND the kills did hit mid-stream: each restart read again, and did not apply again, records it had applied
            assertThat(replayed).hasSize(3);
            assertThat(replayed.get(1)).as("records read again after the first kill").isPositive();
            assertThat(replayed.get(2)).as("records read again after the second kill").isPositive();
            assertThat(dropped).as("outputs kept for a replay dropped before their commit").isEmpty();
        }
    }

    /** Sends the day's steps at {@link #RECORDS_PER_SECOND} on a thread of its own, counting them. */
    private static Thread pace(KafkaProducer<String, SpecificRecord> producer, List<Scenario.Step> steps, AtomicInteger sent) {
        Thread t = new Thread(() -> {
            long start = System.nanoTime();
            for (Scenario.Step s : steps) {
                long due = start + TimeUnit.SECONDS.toNanos(sent.get()) / RECORDS_PER_SECOND;
                java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
                send(producer, s);
                sent.incrementAndGet();
            }
            producer.flush();
        }, "kill-test-input");
        t.start();
        return t;
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, Scenario.Step s) {
        long at = s.at().toEpochMilli();
        if (s.event() != null) {
            producer.send(new ProducerRecord<>(CtiTopics.AGENT_EVENTS.topicName(), null, at, s.event().getHeader().getAgentId(), s.event()));
        } else if (s.queueEvent() != null) {
            producer.send(new ProducerRecord<>(CtiTopics.QUEUE_EVENTS.topicName(), null, at, s.queueEvent().getQueueId(), s.queueEvent()));
        } else if (s.leaver() != null) {
            producer.send(new ProducerRecord<String, SpecificRecord>(CtiTopics.AGENTS.topicName(), null, at, s.leaver(), (SpecificRecord) null));
        } else {
            producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), null, at, s.profile().getAgentId(), s.profile()));
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL: no close, no commit, no flush
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static KafkaProducer<String, SpecificRecord> producer(TestKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), CtiSerdes.<SpecificRecord>valueSerializer(kafka.registryUrl()));
    }

    private static void awaitLines(Path log, String line, int count) {
        await().atMost(Duration.ofMinutes(2)).until(() -> Files.readAllLines(log).stream().filter(line::equals).count() >= count);
    }

    /** The last "replayed N" each engine process printed, in the order they ran (N counts from that process's start). */
    private static List<Long> replayedPerRun(Path log) throws Exception {
        List<Long> perRun = new ArrayList<>();
        for (String l : Files.readAllLines(log)) {
            if (l.equals(EngineProcess.RUNNING)) {
                perRun.add(0L);
            } else if (l.startsWith(EngineProcess.REPLAYED) && !perRun.isEmpty()) {
                perRun.set(perRun.size() - 1, Long.parseLong(l.substring(EngineProcess.REPLAYED.length()).split(" ")[0]));
            }
        }
        return perRun;
    }

    /** Until the group has committed everything on every partition it reads (its inputs and its own repartition topics). */
    private static void awaitNoLag(Admin admin, String group) {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            java.util.Set<String> topics = new java.util.HashSet<>(List.of(CtiTopics.AGENTS.topicName(), CtiTopics.AGENT_EVENTS.topicName(),
                    CtiTopics.QUEUE_EVENTS.topicName()));
            committed.keySet().forEach(tp -> topics.add(tp.topic()));
            for (var e : endOffsets(admin, topics).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                if (e.getValue() > (c == null ? 0 : c.offset())) {
                    return false;
                }
            }
            return committed.keySet().stream().anyMatch(tp -> tp.topic().endsWith("-repartition"));
        });
    }

    private static List<String> outputTopics() {
        return List.of(CtiTopics.AGENT_STATE.topicName(), CtiTopics.TEAM_STATS.topicName(), CtiTopics.QUEUE_STATS.topicName());
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, java.util.Collection<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
                d.partitions().forEach(p -> ask.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(ask).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** Equal maps, or a failure naming the first keys that differ and the fields in which. */
    private static <V extends SpecificRecord> void assertSame(String what, Map<String, V> actual, Map<String, V> expected) {
        List<String> diffs = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            V a = actual.get(k);
            V e = expected.get(k);
            if (!Objects.equals(a, e) && diffs.size() < 5) {
                StringBuilder d = new StringBuilder(k);
                if (a == null || e == null) {
                    d.append(a == null ? ": only the fresh engine has it" : ": only the killed engine has it");
                } else {
                    for (var f : a.getSchema().getFields()) {
                        if (!Objects.equals(a.get(f.pos()), e.get(f.pos()))) {
                            d.append("\n  ").append(f.name()).append(": killed ").append(a.get(f.pos())).append(", fresh ").append(e.get(f.pos()));
                        }
                    }
                }
                diffs.add(d.toString());
            }
        }
        assertThat(diffs).as("%s differing between the killed engine and a fresh one (%d and %d)", what, actual.size(), expected.size()).isEmpty();
    }

    /**
     * What a reader of the state topics holds for {@link #TENANT} after reading them from
     * {@code from} to {@code to} as the pusher does: an agent's newest version, gone after a
     * tombstone; a team's and a queue's newest version. Agent versions are compared as they are
     * (one agent's changes are one ordered stream: the same in every run); a team's and a queue's
     * version counts the changes it saw, and in which order changes from different partitions reach
     * it is not the same in two runs, so those versions (and every wall-clock stamp) are left out.
     */
    private static final class Published {
        final Map<String, AgentSnapshot> agents = new HashMap<>();
        final Map<String, TeamSnapshot> teams = new HashMap<>();
        final Map<String, QueueSnapshot> queues = new HashMap<>();
        private final Map<String, Long> versions = new HashMap<>();
        /** Per agent, each snapshot read, in order: printed for an agent whose end differs. */
        final Map<String, List<String>> history = new HashMap<>();

        static Published read(TestKafka kafka, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
            Published p = new Published();
            try (var consumer = new KafkaConsumer<String, SpecificRecord>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                    new StringDeserializer(), CtiSerdes.<SpecificRecord>valueDeserializer(kafka.registryUrl()))) {
                consumer.assign(to.keySet());
                to.keySet().forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
                Map<TopicPartition, Long> remaining = new HashMap<>(to);
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                    for (var r : consumer.poll(Duration.ofMillis(200))) {
                        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                        if (r.offset() < to.get(tp) && r.key() != null && r.key().startsWith(TENANT + "/")) {
                            p.apply(r.topic(), r.key(), r.value());
                        }
                    }
                    remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                }
                assertThat(remaining).as("state topic partitions not read to the end").isEmpty();
            }
            return p;
        }

        private void apply(String topic, String key, SpecificRecord value) {
            if (topic.equals(CtiTopics.AGENT_STATE.topicName())) {
                AgentSnapshot h = (AgentSnapshot) value;
                history.computeIfAbsent(key, x -> new ArrayList<>()).add(h == null ? "tombstone" : h.getVersion() + " " + h.getState() + " "
                        + h.getLink() + " since " + h.getStateSince() + " talk " + h.getToday().getTalkTimeMillis() + " call "
                        + (h.getCurrentCall() == null ? null : h.getCurrentCall().getCallState()) + " event " + h.getLastEventIngestedAt());
                if (value == null) {
                    agents.remove(key);
                    versions.remove("agent " + key);
                } else if (newer("agent " + key, ((AgentSnapshot) value).getVersion())) {
                    agents.put(key, AgentSnapshot.newBuilder((AgentSnapshot) value).setUpdatedAt(Instant.EPOCH).build());
                }
            } else if (value instanceof TeamSnapshot t && newer("team " + key, t.getVersion())) {
                teams.put(key, TeamSnapshot.newBuilder(t).setVersion(0).setUpdatedAt(Instant.EPOCH).build());
            } else if (value instanceof QueueSnapshot q && newer("queue " + key, q.getVersion())) {
                queues.put(key, QueueSnapshot.newBuilder(q).setVersion(0).setUpdatedAt(Instant.EPOCH).build());
            }
        }

        /** The same version again is a resend and replaces nothing it does not equal; a lower one is old news. */
        private boolean newer(String key, long version) {
            Long held = versions.get(key);
            if (held != null && held >= version) {
                return false;
            }
            versions.put(key, version);
            return true;
        }
    }
}
