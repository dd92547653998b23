package io.ctistream.engine;

import io.ctistream.events.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds the {@code cti.dead-letter} record for an input record the engine cannot decode or apply. */
final class DeadLetters {
    static final String COMPONENT = "agent-state-engine";

    private DeadLetters() {
    }

    static DeadLetter of(ProcessorContext<?, ?> context, Record<String, byte[]> record, String reason) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        return DeadLetter.newBuilder()
                .setOriginalTopic(meta == null ? "unknown" : meta.topic())
                .setOriginalPartition(meta == null ? -1 : meta.partition())
                .setOriginalOffset(meta == null ? -1 : meta.offset())
                .setOriginalKey(record.key())
                .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setReason(reason)
                .setComponent(COMPONENT)
                .setFailedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .build();
    }

    /** The first line of an exception's message, without the stack: enough to act on, nothing secret. */
    static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
