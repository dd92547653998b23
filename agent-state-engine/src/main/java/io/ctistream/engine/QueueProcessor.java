package io.ctistream.engine;

import io.ctistream.events.QueueProfile;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.internal.QueueCall;
import io.ctistream.events.internal.QueueProjection;
import io.ctistream.events.internal.QueueSignal;
import io.ctistream.events.internal.QueueSignalKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Projects one partition of queues from queue signals (keyed by queue id) into
 * {@code QueueSnapshot}s. Keeps each call's life per queue ({@code queue-calls}) so every call
 * counts once however often it is reported, and the calls waiting in queue ({@code queue-waiting})
 * for the in-queue figures.
 *
 * <p>Under at-least-once a crash makes the processor read signals again, and the three stores may
 * each have kept a different number of its last writes (three changelogs, no order between them).
 * The queue's figures and each call carry the position of the last signal they reflect, and each
 * call the position at which each of its counters was counted; so a signal the figures already
 * count is not counted again, one only the call reflects is counted from what the call says it
 * counted, and the waiting index is set from the call (ADR 017).
 *
 * <p>The platform's own figures ({@code STATISTICS} signals) are kept on the queue, never as a
 * call; each figure has one authority (ADR 021, {@link QueueApplier}); the service-level threshold
 * and the abandon grace are the queue's own, from the queue roster ({@code cti.queues}).
 */
final class QueueProcessor extends ContextualProcessor<String, QueueSignal, String, QueueSnapshot> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QueueProcessor.class);
    static final String PROJECTIONS = "queue-projections";
    static final String CALLS = "queue-calls";
    static final String WAITING = "queue-waiting";
    /** The queue roster ({@code cti.queues}), a global store of serialized {@code QueueProfile}s by queue id. */
    static final String PROFILES = "queue-profiles";
    private static final char SEP = '\u0000';

    private final EngineConfig config;
    private final EngineMetrics metrics;
    private final QueueApplier applier;
    private final Deserializer<QueueProfile> profileReader;
    private KeyValueStore<String, byte[]> profiles;
    private byte[] lastProfileBytes;
    private QueueApplier.Rules lastProfileRules;
    private KeyValueStore<String, QueueProjection> projections;
    private KeyValueStore<String, QueueCall> calls;
    private KeyValueStore<String, QueueCall> waiting;
    private Cancellable resync;

    QueueProcessor(EngineConfig config, EngineMetrics metrics, Deserializer<QueueProfile> profileReader) {
        this.config = config;
        this.metrics = metrics;
        this.applier = new QueueApplier(config);
        this.profileReader = profileReader;
    }

    @Override
    public void init(ProcessorContext<String, QueueSnapshot> context) {
        super.init(context);
        projections = context.getStateStore(PROJECTIONS);
        calls = context.getStateStore(CALLS);
        waiting = context.getStateStore(WAITING);
        profiles = context.getStateStore(PROFILES);
        context.schedule(config.housekeepingInterval(), PunctuationType.WALL_CLOCK_TIME, this::housekeeping);
        if (config.atLeastOnce()) {
            resync = context.schedule(Duration.ofMillis(1), PunctuationType.WALL_CLOCK_TIME, this::resync);
        }
    }

    @Override
    public void process(Record<String, QueueSignal> record) {
        long now = context().currentSystemTimeMs();
        resync(now);
        QueueSignal signal = record.value();
        if (signal == null) {
            return;
        }
        RecordMetadata meta = context().recordMetadata().orElse(null);
        int partition = meta == null ? -1 : meta.partition();
        long offset = meta == null ? -1 : meta.offset();
        QueueProjection before = projections.get(signal.getQueueId());
        boolean known = partition >= 0 && offset >= 0;
        boolean queueHasIt = known && QueueApplier.reflects(before, partition, offset);
        QueueApplier.Rules rules = rulesOf(signal.getQueueId());
        if (signal.getKind() == QueueSignalKind.STATISTICS) {
            // the platform's figures for the queue: about no call, so nothing is written per call
            if (queueHasIt || signal.getStatistics() == null) {
                metrics.count(queueHasIt ? EngineMetrics.Outcome.IGNORED_REPLAYED : EngineMetrics.Outcome.IGNORED_NO_CHANGE);
                return;
            }
            publish(record, before, applier.applyStatistics(before, signal, waitingIn(signal.getQueueId()), rules, now), partition, offset, now);
            return;
        }
        String callKey = callKey(signal);
        QueueCall previous = calls.get(callKey);
        boolean callHasIt = known && QueueApplier.reflects(previous, partition, offset);

        QueueApplier.CallStep step;
        if (callHasIt) {
            step = QueueApplier.recount(previous, offset); // a replay: the call kept this signal's write
        } else {
            step = applier.applyToCall(previous, signal, partition, offset, rules);
            calls.put(callKey, step.call());
        }
        // the waiting store is written, and scanned, only when a call joins or leaves the queue: a
        // delete for a call that never waited would leave a RocksDB tombstone every later scan wades through
        boolean waitingNow = step.call().getInQueue();
        boolean wasWaiting = !callHasIt && previous != null && previous.getInQueue();
        boolean indexed = waiting.get(callKey) != null;
        if (waitingNow && !indexed) {
            waiting.put(callKey, step.call());
        } else if (indexed && !waitingNow) {
            waiting.delete(callKey);
        }
        if (queueHasIt) {
            metrics.count(EngineMetrics.Outcome.IGNORED_REPLAYED); // counted already; the figures were published with it
            return;
        }
        // the first per-call event of a queue whose calls in queue came from the platform's statistics: count them anew
        boolean becomesPerCall = QueueApplier.perCallEvent(signal) && !QueueApplier.perCallFed(before, signal.getAt().toEpochMilli());
        boolean rescan = before == null || wasWaiting != waitingNow || indexed != waitingNow || callHasIt || becomesPerCall;
        List<QueueCall> live = rescan ? waitingIn(signal.getQueueId()) : null;
        publish(record, before, applier.applyToQueue(before, signal, step, live, rules, now), partition, offset, now);
    }

    /** Stores the queue at the signal's position and publishes it when what it shows changed. */
    private void publish(Record<String, QueueSignal> record, QueueProjection before, QueueProjection applied, int partition, long offset, long now) {
        String queueId = record.value().getQueueId();
        QueueProjection after = QueueProjection.newBuilder(QueueApplier.bump(before, applied, now)).setPartition(partition).setPosition(offset).build();
        projections.put(queueId, after);
        if (QueueApplier.changed(before, after)) {
            context().forward(record.withKey(queueId).withValue(after.getSnapshot()));
            metrics.count(EngineMetrics.Outcome.APPLIED);
        } else {
            metrics.count(EngineMetrics.Outcome.IGNORED_NO_CHANGE);
        }
    }

    /**
     * The queue's service-level threshold and abandon grace from its roster entry; the engine's
     * threshold ({@code CTISTREAM_SERVICE_LEVEL_THRESHOLD}) and the roster's default grace for a queue
     * without one, or with one that cannot be read.
     */
    QueueApplier.Rules rulesOf(String queueId) {
        byte[] bytes = profiles.get(queueId);
        if (bytes == null) {
            return new QueueApplier.Rules(config.serviceLevelThreshold(), QueueApplier.DEFAULT_ABANDON_GRACE);
        }
        if (bytes != lastProfileBytes) { // the same entry as the last lookup (a busy queue): read once
            QueueApplier.Rules rules;
            try {
                QueueProfile p = profileReader.deserialize(io.ctistream.schemas.CtiTopics.QUEUES.topicName(), bytes);
                rules = new QueueApplier.Rules(Duration.ofSeconds(Math.max(1, p.getServiceLevelThresholdSeconds())),
                        Duration.ofSeconds(Math.max(0, p.getAbandonGraceSeconds())));
            } catch (RuntimeException e) {
                // said once per stored entry (the next lookup finds the same bytes); the queue goes on, on the defaults
                LOG.warn("queue [{}]: its roster entry in {} cannot be read ({}); the engine's service-level threshold and the default "
                        + "abandon grace apply until it is replaced", queueId, io.ctistream.schemas.CtiTopics.QUEUES.topicName(), DeadLetters.describe(e));
                rules = new QueueApplier.Rules(config.serviceLevelThreshold(), QueueApplier.DEFAULT_ABANDON_GRACE);
            }
            lastProfileBytes = bytes;
            lastProfileRules = rules;
        }
        return lastProfileRules;
    }

    /**
     * A call's record per queue and per source: the platform's queue events and the agents' call
     * events count a call each in their own ledger (ADR 021), so the same call id from both is two
     * records. Both keys start with the queue id and SEP (the waiting index is scanned by that prefix).
     */
    static String callKey(QueueSignal s) {
        return QueueApplier.fromQueue(s) ? s.getQueueId() + SEP + "queue" + SEP + s.getCallId() : s.getQueueId() + SEP + s.getCallId();
    }

    private List<QueueCall> waitingIn(String queueId) {
        List<QueueCall> live = new ArrayList<>();
        try (KeyValueIterator<String, QueueCall> it = waiting.prefixScan(queueId + SEP, new StringSerializer())) {
            it.forEachRemaining(kv -> live.add(kv.value));
        }
        return live;
    }

    /**
     * Under at-least-once a crash can lose a published queue while its store kept the change: every
     * queue is published again once after the task starts (its version unchanged, so readers that
     * have it drop it).
     */
    private void resync(long now) {
        if (resync == null) {
            return;
        }
        resync.cancel();
        resync = null;
        try (KeyValueIterator<String, QueueProjection> all = projections.all()) {
            while (all.hasNext()) {
                KeyValue<String, QueueProjection> e = all.next();
                context().forward(new Record<>(e.key, e.value.getSnapshot(), now));
            }
        }
    }

    /** Rolls queues over to a new day at midnight and forgets finished calls past their retention. */
    private void housekeeping(long now) {
        long started = System.nanoTime();
        List<KeyValue<String, QueueProjection>> rolled = new ArrayList<>();
        try (KeyValueIterator<String, QueueProjection> all = projections.all()) {
            while (all.hasNext()) {
                KeyValue<String, QueueProjection> e = all.next();
                QueueSnapshot s = e.value.getSnapshot();
                String today = AgentRules.day(now, config.zoneOf(s.getTenant()));
                if (today.compareTo(s.getDay()) > 0) {
                    QueueSignal marker = QueueSignal.newBuilder().setTenant(s.getTenant()).setQueueId(s.getQueueId()).setCallId("")
                            .setKind(QueueSignalKind.OTHER).setAt(Instant.ofEpochMilli(now)).build();
                    QueueProjection fresh = applier.withFigures(applier.freshDay(e.value, marker, today, now), waitingIn(e.key), rulesOf(e.key), now);
                    rolled.add(KeyValue.pair(e.key, QueueApplier.bump(e.value, fresh, now)));
                }
            }
        }
        for (KeyValue<String, QueueProjection> e : rolled) {
            projections.put(e.key, e.value);
            context().forward(new Record<>(e.key, e.value.getSnapshot(), now));
        }
        long horizon = now - config.queueCallRetention().toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, QueueCall> all = calls.all()) {
            all.forEachRemaining(kv -> {
                if (!kv.value.getInQueue() && kv.value.getLastSeenAt().toEpochMilli() < horizon) {
                    expired.add(kv.key);
                }
            });
        }
        expired.forEach(calls::delete);
        metrics.punctuated(System.nanoTime() - started);
    }
}
