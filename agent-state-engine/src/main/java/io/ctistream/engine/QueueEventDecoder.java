package io.ctistream.engine;

import io.ctistream.events.QueueEvent;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/** Turns {@code cti.queue-events} records into queue signals, or into dead letters when they cannot be read. */
final class QueueEventDecoder extends ContextualProcessor<String, byte[], String, SpecificRecord> {
    private final EngineMetrics metrics;
    private final Deserializer<QueueEvent> events;

    QueueEventDecoder(EngineMetrics metrics, Deserializer<QueueEvent> events) {
        this.metrics = metrics;
        this.events = events;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context().recordMetadata().map(m -> m.topic()).orElse("");
        String reason;
        if (record.value() == null) {
            reason = "a queue event with no value";
        } else {
            try {
                QueueEvent event = events.deserialize(topic, record.value());
                if (event.getQueueId().equals(record.key())) {
                    context().forward(record.withValue((SpecificRecord) QueueApplier.toSignal(event)));
                    return;
                }
                reason = "record key [" + record.key() + "] is not the event's queue id [" + event.getQueueId() + "]";
            } catch (RuntimeException e) {
                reason = "cannot decode a QueueEvent: " + DeadLetters.describe(e);
            }
        }
        context().forward(record.withValue((SpecificRecord) DeadLetters.of(context(), record, reason)));
        metrics.count(EngineMetrics.Outcome.DEAD_LETTERED);
    }
}
