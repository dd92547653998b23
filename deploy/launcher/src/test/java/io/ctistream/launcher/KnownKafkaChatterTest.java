package io.ctistream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;

/** Verifies that exactly the known-harmless Kafka chatter is kept off the console, and nothing near it. */
class KnownKafkaChatterTest {
    private static final String KAFKA_18202 = "Invalid sequence number for producer 2 at offset 65 in partition x-3: 4 (incoming seq. number). "
            + "Expected sequence 0 for transactions v2 idempotent producer with no existing state.";

    @Test
    void theBrokersKafka18202ErrorIsKnown() {
        assertThat(KnownKafkaChatter.known(KnownKafkaChatter.BROKER_REPLICAS, Level.ERROR, "Error processing append operation on partition {}",
                new Object[] {"x-3"}, new OutOfOrderSequenceException(KAFKA_18202))).isTrue();
    }

    /** Verifies the batch pipelined behind a refused one (seen on a loaded demo start) is known, a sequence at or behind the end is not. */
    @Test
    void aGapBehindARetriedBatchIsKnown() {
        String gap = "Out of order sequence number for producer 2 at offset 15 in partition c-2: 2 (incoming seq. number), 0 (current end sequence number)";
        String behind = "Out of order sequence number for producer 2 at offset 15 in partition c-2: 0 (incoming seq. number), 3 (current end sequence number)";
        assertThat(KnownKafkaChatter.known(KnownKafkaChatter.BROKER_REPLICAS, Level.ERROR, "Error processing append operation on partition {}",
                new Object[] {"c-2"}, new OutOfOrderSequenceException(gap))).isTrue();
        assertThat(KnownKafkaChatter.known(KnownKafkaChatter.BROKER_REPLICAS, Level.ERROR, "Error processing append operation on partition {}",
                new Object[] {"c-2"}, new OutOfOrderSequenceException(behind))).isFalse();
    }

    @Test
    void otherBrokerErrorsPass() {
        assertThat(KnownKafkaChatter.known(KnownKafkaChatter.BROKER_REPLICAS, Level.ERROR, "Error processing append operation on partition {}",
                new Object[] {"x-3"}, new OutOfOrderSequenceException("Out of order sequence number for producer 7"))).isFalse();
        assertThat(KnownKafkaChatter.known(KnownKafkaChatter.BROKER_REPLICAS, Level.ERROR, "Error processing append operation on partition {}",
                new Object[] {"x-3"}, new IllegalStateException(KAFKA_18202))).isFalse();
        assertThat(KnownKafkaChatter.known("kafka.server.KafkaApis", Level.ERROR, "x", null, new OutOfOrderSequenceException(KAFKA_18202))).isFalse();
    }

    @Test
    void theClientsRetryWarningsAreKnownOtherWarningsPass() {
        String format = "[Producer clientId=p] Got error produce response with correlation id {} on topic-partition {}, retrying ({} attempts left). Error: {}";
        assertThat(KnownKafkaChatter.known(KnownKafkaChatter.PRODUCER_SENDER, Level.WARN, format, new Object[] {240, "t-3", 5, "CONCURRENT_TRANSACTIONS"},
                null)).isTrue();
        assertThat(KnownKafkaChatter.known(KnownKafkaChatter.PRODUCER_SENDER, Level.WARN, format, new Object[] {244, "t-3", 5, "OUT_OF_ORDER_SEQUENCE_NUMBER"},
                null)).isTrue();
        assertThat(KnownKafkaChatter.known(KnownKafkaChatter.PRODUCER_SENDER, Level.WARN, format, new Object[] {1, "t-3", 5, "NOT_LEADER_OR_FOLLOWER"},
                null)).isFalse();
    }

    /**
     * Verifies the filter on the path Kafka's clients really log by: a LogContext logger (which
     * formats the message itself and hands logback no parameters) into logback with the filter on.
     */
    @Test
    void theClientsRetryWarningsAreFilteredOnKafkasOwnLoggingPath() {
        ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger sender = context.getLogger(KnownKafkaChatter.PRODUCER_SENDER);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        KnownKafkaChatter filter = new KnownKafkaChatter();
        filter.start();
        context.addTurboFilter(filter);
        sender.addAppender(seen);
        try {
            org.slf4j.Logger log = new org.apache.kafka.common.utils.LogContext("[Producer clientId=p] ").logger(KnownKafkaChatter.PRODUCER_SENDER);
            log.warn("Got error produce response with correlation id {} on topic-partition {}, retrying ({} attempts left). Error: {}", 244, "t-3", 5,
                    org.apache.kafka.common.protocol.Errors.CONCURRENT_TRANSACTIONS);
            log.warn("Got error produce response with correlation id {} on topic-partition {}, retrying ({} attempts left). Error: {}", 245, "t-3", 5,
                    org.apache.kafka.common.protocol.Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(seen.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .as("the known retry is kept off, another one passes").hasSize(1).allMatch(m -> m.contains("NOT_LEADER_OR_FOLLOWER"));
        } finally {
            sender.detachAppender(seen);
            context.getTurboFilterList().remove(filter);
        }
    }
}
