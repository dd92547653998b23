package io.ctistream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.internal.QueueCall;
import io.ctistream.events.internal.QueueProjection;
import io.ctistream.events.internal.QueueSignal;
import io.ctistream.events.internal.QueueSignalKind;
import io.ctistream.events.QueueProfile;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.PlainAvroSerde;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verifies the queue projector's counters under at-least-once (ADR 017), on the queue projector
 * alone in {@code TopologyTestDriver}: a crash leaves its three stores (the queue's figures, each
 * call's life, the waiting calls) each with a different number of its last writes — three
 * changelogs, no order between them — and the signals are read again from the last committed
 * offset. Every counter must still move once per call.
 */
class QueueReplayTest {
    private static final String SALES = EngineDriver.queue("sales");
    private static final Instant T0 = EngineDriver.T0;

    /**
     * A morning as the queue projector sees it: the platform reports the queue call by call (as
     * BroadWorks Xsi does), the agents' phones report their own halves of the calls under other call
     * ids (offers and answers the queue does not count, handle times it does), and the platform sends
     * its figures once (ADR 021).
     */
    private static final List<QueueSignal> MORNING = List.of(
            queue("c1", QueueSignalKind.ENTERED, 0),
            signal("c1-sip", QueueSignalKind.OFFERED_TO_AGENT, 8, null),
            signal("c1-sip", QueueSignalKind.ANSWERED, 10, null),
            queue("c1", QueueSignalKind.ANSWERED, 10),
            queue("c1", QueueSignalKind.ANSWERED, 10), // told again (a resync)
            queue("c2", QueueSignalKind.ENTERED, 30),
            queue("c3", QueueSignalKind.ENTERED, 35),
            queue("c2", QueueSignalKind.ABANDONED, 75), // after 45 s: an abandon after the threshold
            queue("c3", QueueSignalKind.ANSWERED, 75),
            signal("c1-sip", QueueSignalKind.HANDLED, 160, 149_000L),
            queue("c4", QueueSignalKind.ENTERED, 180),
            queue("c4", QueueSignalKind.LEFT, 240),
            queue("c5", QueueSignalKind.ENTERED, 300),
            queue("c6", QueueSignalKind.ENTERED, 305),
            queue("c6", QueueSignalKind.ABANDONED, 307), // after 2 s: a short abandon
            queue("c7", QueueSignalKind.ENTERED, 310),
            queue("c7", QueueSignalKind.ABANDONED, 325), // after 15 s: an abandon, within the threshold
            statistics(330),
            signal("c8-sip", QueueSignalKind.OFFERED_TO_AGENT, 331, null),
            signal("c8-sip", QueueSignalKind.ANSWERED, 332, null),
            signal("c8-sip", QueueSignalKind.HANDLED, 400, 90_000L));

    /** Verifies that signals sent twice (a resend upstream, at new offsets) count once, and what the morning counts. */
    @Test
    void signalsSentAgainCountOnce() throws Exception {
        try (Queues q = new Queues()) {
            MORNING.forEach(q::send);
            QueueSnapshot once = q.figures();
            MORNING.forEach(q::send);
            assertThat(q.figures()).isEqualTo(once);
            assertThat(once.getOfferedToday()).as("c1..c7; the agents' c1-sip and c8-sip are the platform's calls").isEqualTo(7);
            assertThat(once.getAnsweredToday()).isEqualTo(2);
            assertThat(once.getAbandonedToday()).as("c2 and c7").isEqualTo(2);
            assertThat(once.getShortAbandonedToday()).as("c6").isEqualTo(1);
            assertThat(once.getCallsInQueue()).isEqualTo(1);
            assertThat(once.getOldestWaitingSince()).isEqualTo(T0.plusSeconds(300));
            assertThat(once.getAverageHandleTimeMillis()).as("the agents' handle times").isEqualTo((149_000L + 90_000L) / 2);
            assertThat(once.getAverageSpeedOfAnswerMillis()).as("c1 10 s, c3 40 s from the queue's entry").isEqualTo(25_000L);
            assertThat(once.getServiceLevelPercent()).as("c1 of 2 answered and c2 abandoned after 20 s")
                    .isCloseTo(100.0 / 3, org.assertj.core.data.Offset.offset(0.001));
            assertThat(once.getExpectedWaitMillis()).isEqualTo(42_000L);
            assertThat(once.getStaffedAgents()).isEqualTo(4);
            assertThat(once.getPlatformFiguresAt()).isEqualTo(T0.plusSeconds(330));
        }
    }

    /**
     * Verifies that the figures do not depend on how the platform's queue events and the agents'
     * signals interleave (two topics, several tasks: a live run and a replay of a backlog interleave
     * them differently; the queue may be known to be reported call by call only after the agents'
     * first answers): each source keeps its order, the two are merged at random.
     */
    @ParameterizedTest
    @ValueSource(longs = {5, 17, 2026})
    void theSourcesInterleavedAnyWayGiveTheSameFigures(long seed) throws Exception {
        List<QueueSignal> queueSide = MORNING.stream().filter(QueueApplier::fromQueue).toList();
        List<QueueSignal> agentSide = MORNING.stream().filter(x -> !QueueApplier.fromQueue(x)).toList();
        Random random = new Random(seed);
        List<QueueSignal> merged = new ArrayList<>();
        int q = 0;
        int a = 0;
        while (q < queueSide.size() || a < agentSide.size()) {
            boolean fromQueue = a == agentSide.size() || (q < queueSide.size() && random.nextBoolean());
            merged.add(fromQueue ? queueSide.get(q++) : agentSide.get(a++));
        }
        List<QueueSignal> agentsFirst = new ArrayList<>(agentSide);
        agentsFirst.addAll(queueSide);
        try (Queues inOrder = new Queues(); Queues mixed = new Queues(); Queues late = new Queues()) {
            MORNING.forEach(inOrder::send);
            merged.forEach(mixed::send);
            agentsFirst.forEach(late::send);
            assertThat(mixed.figures()).isEqualTo(inOrder.figures());
            assertThat(late.figures()).as("every agent signal before the queue's first report").isEqualTo(inOrder.figures());
        }
    }

    /**
     * Verifies that the speed of answer and the service level are measured from the queue's entry
     * whether the queue's report arrives before the agent's answer or after it (two topics, no order
     * between them: a live run and a replay of a backlog interleave them differently).
     */
    @Test
    void aLateEntryGivesTheSameSpeedOfAnswerAsAnEarlyOne() throws Exception {
        // the queue's first report: before it, the queue is not yet known to be fed per call and the agent's answer counts
        List<QueueSignal> inOrder = List.of(queue("c1", QueueSignalKind.ENTERED, 0),
                signal("c1", QueueSignalKind.OFFERED_TO_AGENT, 25, null), signal("c1", QueueSignalKind.ANSWERED, 30, null),
                queue("c1", QueueSignalKind.ANSWERED, 30));
        List<QueueSignal> entryLast = List.of(inOrder.get(1), inOrder.get(2), inOrder.get(0), inOrder.get(3));
        try (Queues early = new Queues(); Queues late = new Queues()) {
            inOrder.forEach(early::send);
            entryLast.forEach(late::send);
            assertThat(late.figures()).isEqualTo(early.figures());
            assertThat(early.figures().getAverageSpeedOfAnswerMillis()).isEqualTo(30_000L);
            assertThat(early.figures().getServiceLevelPercent()).isZero();
        }
    }

    /**
     * Verifies the crash states that break a per-call dedupe kept apart from the counters: the calls'
     * store kept everything and the figures nothing (the answers must be counted, from what each
     * call says it counted where), the figures everything and the calls nothing (nothing may be
     * counted twice), and the waiting index behind or ahead of both.
     */
    @Test
    void theNamedCrashStatesEndWhereTheUninterruptedRunEnds() throws Exception {
        Recorded run = Recorded.of(MORNING);
        int n = MORNING.size();
        for (int[] cut : List.of(new int[] {0, n, n}, new int[] {n, 0, 0}, new int[] {n, n, 0}, new int[] {0, 0, n},
                new int[] {3, n, 1}, new int[] {n, 2, 9})) {
            assertThat(run.replayedFrom(cut, false)).as("figures after %d, calls after %d, waiting after %d", cut[0], cut[1], cut[2])
                    .isEqualTo(run.end);
        }
    }

    /** Verifies the same over random crash states. */
    @ParameterizedTest
    @ValueSource(longs = {1, 20, 2026})
    void anyCrashStateEndsWhereTheUninterruptedRunEnds(long seed) throws Exception {
        Recorded run = Recorded.of(MORNING);
        Random random = new Random(seed);
        int n = MORNING.size();
        for (int i = 0; i < 40; i++) {
            int[] cut = {random.nextInt(n + 1), random.nextInt(n + 1), random.nextInt(n + 1)};
            assertThat(run.replayedFrom(cut, false)).as("figures after %d, calls after %d, waiting after %d (seed %d)", cut[0], cut[1], cut[2], seed)
                    .isEqualTo(run.end);
        }
    }

    /** Verifies that the positions are what makes it exact: without them, a call store ahead of the figures loses the answers. */
    @Test
    void withoutPositionsACrashLosesCounts() throws Exception {
        Recorded run = Recorded.of(MORNING);
        int n = MORNING.size();
        QueueSnapshot wrong = run.replayedFrom(new int[] {0, n, n}, true);
        assertThat(wrong.getAnsweredToday()).isLessThan(run.end.getAnsweredToday());
    }

    /** A signal from the platform's queue events. */
    private static QueueSignal queue(String call, QueueSignalKind kind, int atSeconds) {
        QueueSignal s = signal(call, kind, atSeconds, null);
        s.setFromQueueEvents(true);
        return s;
    }

    /** The platform's figures, as the decoder makes them a signal. */
    private static QueueSignal statistics(int atSeconds) {
        QueueSignal s = queue("", QueueSignalKind.STATISTICS, atSeconds);
        s.setStatistics(io.ctistream.events.QueueStatistics.newBuilder().setCallsInQueue(1).setOldestWaitingSince(T0.plusSeconds(300))
                .setExpectedWaitMillis(42_000L).setStaffedAgents(4).setIdleAgents(0).setUnavailableAgents(1).build());
        return s;
    }

    /** A signal from an agent's call event naming the queue. */
    private static QueueSignal signal(String call, QueueSignalKind kind, int atSeconds, Long handleMillis) {
        return QueueSignal.newBuilder().setTenant(EngineDriver.TENANT).setQueueId(SALES).setCallId(call).setKind(kind)
                .setAt(T0.plusSeconds(atSeconds)).setHandleMillis(handleMillis).build();
    }

    /** An uninterrupted run: its stores after every signal, and its figures at the end. */
    private record Recorded(List<List<Map<String, Object>>> storesAfter, QueueSnapshot end) {
        static Recorded of(List<QueueSignal> signals) throws Exception {
            List<List<Map<String, Object>>> after = new ArrayList<>();
            try (Queues q = new Queues()) {
                after.add(q.stores());
                for (QueueSignal s : signals) {
                    q.send(s);
                    after.add(q.stores());
                }
                return new Recorded(after, q.figures());
            }
        }

        /**
         * A new run whose stores start as this run's were after {@code cut[0]} (figures),
         * {@code cut[1]} (calls) and {@code cut[2]} (waiting) signals — what a crash left — and that
         * reads every signal again at the same offsets. Its figures at the end.
         */
        QueueSnapshot replayedFrom(int[] cut, boolean withoutPositions) throws Exception {
            try (Queues q = new Queues()) {
                for (int s = 0; s < 3; s++) {
                    Map<String, Object> entries = storesAfter.get(cut[s]).get(s);
                    if (withoutPositions) {
                        Map<String, Object> stripped = new TreeMap<>();
                        entries.forEach((k, v) -> stripped.put(k, v instanceof QueueCall c
                                ? QueueCall.newBuilder(c).setPartition(-1).setPosition(-1).build()
                                : QueueProjection.newBuilder((QueueProjection) v).setPartition(-1).setPosition(-1).build()));
                        entries = stripped;
                    }
                    q.load(Queues.STORES.get(s), entries);
                }
                MORNING.forEach(q::send);
                return q.figures();
            }
        }
    }

    /** The queue projector alone, fed queue signals directly. */
    private static final class Queues implements AutoCloseable {
        static final List<String> STORES = List.of(QueueProcessor.PROJECTIONS, QueueProcessor.CALLS, QueueProcessor.WAITING);
        private final TopologyTestDriver driver;
        private final TestInputTopic<String, QueueSignal> signals;

        Queues() throws Exception {
            EngineConfig config = EngineConfig.defaults("unused:9092", "http://unused").withZones(ZoneId.of("UTC"), Map.of())
                    .withStores(EngineConfig.StoreKind.IN_MEMORY);
            StreamsBuilder b = new StreamsBuilder();
            b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(QueueProcessor.PROJECTIONS), Serdes.String(),
                    new PlainAvroSerde<>(QueueProjection.class)));
            b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(QueueProcessor.CALLS), Serdes.String(),
                    new PlainAvroSerde<>(QueueCall.class)));
            b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(QueueProcessor.WAITING), Serdes.String(),
                    new PlainAvroSerde<>(QueueCall.class)));
            EngineTopology.mirror(b, QueueProcessor.PROFILES, CtiTopics.QUEUES.topicName(), "queue-roster-in");
            b.stream("signals", Consumed.with(Serdes.String(), new PlainAvroSerde<>(QueueSignal.class)))
                    .process(() -> new QueueProcessor(config, new EngineMetrics(), new PlainAvroSerde<>(QueueProfile.class).deserializer()),
                            QueueProcessor.PROJECTIONS, QueueProcessor.CALLS,
                            QueueProcessor.WAITING)
                    .to("queue-stats", Produced.with(Serdes.String(), new PlainAvroSerde<>(QueueSnapshot.class)));
            Topology topology = b.build();
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "queue-replay-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("queue-replay-").toString());
            driver = new TopologyTestDriver(topology, props, T0);
            signals = driver.createInputTopic("signals", new StringSerializer(), new PlainAvroSerde<>(QueueSignal.class).serializer());
        }

        void send(QueueSignal s) {
            signals.pipeInput(s.getQueueId(), s, s.getAt());
        }

        /** The queue's figures without their version (a count of updates, which replays add to) and wall-clock stamp. */
        QueueSnapshot figures() {
            KeyValueStore<String, QueueProjection> p = driver.getKeyValueStore(QueueProcessor.PROJECTIONS);
            return QueueSnapshot.newBuilder(p.get(SALES).getSnapshot()).setVersion(0).setUpdatedAt(Instant.EPOCH).build();
        }

        List<Map<String, Object>> stores() {
            List<Map<String, Object>> all = new ArrayList<>();
            for (String name : STORES) {
                Map<String, Object> entries = new TreeMap<>();
                KeyValueStore<String, Object> kv = driver.getKeyValueStore(name);
                try (var it = kv.all()) {
                    it.forEachRemaining(e -> entries.put(e.key, e.value));
                }
                all.add(entries);
            }
            return all;
        }

        void load(String store, Map<String, Object> entries) {
            KeyValueStore<String, Object> kv = driver.getKeyValueStore(store);
            entries.forEach(kv::put);
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}
