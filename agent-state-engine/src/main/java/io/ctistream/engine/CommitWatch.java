package io.ctistream.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The input offsets this engine instance has committed, as its consumers report them. Under
 * at-least-once a record at or past the committed offset may be processed again after a crash;
 * one before it never is, so what the agent projection keeps to re-send on a replay
 * ({@code AgentProjection.unconfirmed}) can be dropped once the offset is committed past it
 * (ADR 017). One instance per engine, handed to the main consumers' {@link Interceptor} through
 * their configuration (no static state).
 */
public final class CommitWatch {
    /** The consumer configuration key the {@link Interceptor} finds its watch under. */
    static final String CONFIG = "ctistream.commit.watch";

    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();

    /** A watch that never hears of a commit: everything stays unconfirmed (topology tests, exactly-once). */
    static CommitWatch none() {
        return new CommitWatch();
    }

    /** The next offset to be read on that partition after a restart; -1 when no commit was seen. */
    long committed(String topic, int partition) {
        Long offset = committed.get(new TopicPartition(topic, partition));
        return offset == null ? -1 : offset;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> {
            if (o != null) {
                committed.merge(tp, o.offset(), Math::max);
            }
        });
    }

    /** Tells the watch named in its configuration of every successful offset commit of the consumer it is installed in. */
    public static final class Interceptor implements ConsumerInterceptor<byte[], byte[]> {
        private CommitWatch watch;

        @Override
        public void configure(Map<String, ?> configs) {
            Object w = configs.get(CONFIG);
            watch = w instanceof CommitWatch cw ? cw : none();
        }

        @Override
        public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
            watch.committed(offsets);
        }

        @Override
        public void close() {
        }
    }
}
