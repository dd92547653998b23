package io.ctistream.engine;

import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.internal.QueueCall;
import io.ctistream.events.internal.QueueProjection;
import io.ctistream.events.internal.QueueSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 */
final class QueueProcessor extends ContextualProcessor<String, QueueSignal, String, QueueSnapshot> {
    static final String PROJECTIONS = "queue-projections";
    static final String CALLS = "queue-calls";
    static final String WAITING = "queue-waiting";
    private static final char SEP = '\u0000';

    private final EngineConfig config;
    private final EngineMetrics metrics;
    private final QueueApplier applier;
    private KeyValueStore<String, QueueProjection> projections;
    private KeyValueStore<String, QueueCall> calls;
    private KeyValueStore<String, QueueCall> waiting;
    private Cancellable resync;

    QueueProcessor(EngineConfig config, EngineMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.applier = new QueueApplier(config);
    }

    @Override
    public void init(ProcessorContext<String, QueueSnapshot> context) {
        super.init(context);
        projections = context.getStateStore(PROJECTIONS);
        calls = context.getStateStore(CALLS);
        waiting = context.getStateStore(WAITING);
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
        String callKey = signal.getQueueId() + SEP + signal.getCallId();
        QueueCall previous = calls.get(callKey);
        QueueProjection before = projections.get(signal.getQueueId());
        boolean known = partition >= 0 && offset >= 0;
        boolean callHasIt = known && QueueApplier.reflects(previous, partition, offset);
        boolean queueHasIt = known && QueueApplier.reflects(before, partition, offset);

        QueueApplier.CallStep step;
        if (callHasIt) {
            step = QueueApplier.recount(previous, offset); // a replay: the call kept this signal's write
        } else {
            step = applier.applyToCall(previous, signal, partition, offset);
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
        boolean rescan = before == null || wasWaiting != waitingNow || indexed != waitingNow || callHasIt;
        List<QueueCall> live = rescan ? waitingIn(signal.getQueueId()) : null;
        QueueProjection applied = applier.applyToQueue(before, signal, step, live, now);
        QueueProjection after = QueueProjection.newBuilder(QueueApplier.bump(before, applied, now)).setPartition(partition).setPosition(offset).build();
        projections.put(signal.getQueueId(), after);
        if (QueueApplier.changed(before, after)) {
            context().forward(record.withKey(signal.getQueueId()).withValue(after.getSnapshot()));
            metrics.count(EngineMetrics.Outcome.APPLIED);
        } else {
            metrics.count(EngineMetrics.Outcome.IGNORED_NO_CHANGE);
        }
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
                            .setKind(io.ctistream.events.internal.QueueSignalKind.OTHER).setAt(Instant.ofEpochMilli(now)).build();
                    QueueProjection fresh = applier.withFigures(applier.freshDay(e.value, marker, today, now), 0, 0, 0, waitingIn(e.key), now);
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
