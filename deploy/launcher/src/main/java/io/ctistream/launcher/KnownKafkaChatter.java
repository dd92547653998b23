package io.ctistream.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Arrays;
import org.slf4j.Marker;

/**
 * Keeps known-harmless Kafka chatter off the single-machine console (issue #19, item 12): the
 * embedded broker's ERROR with a stack trace for KAFKA-18202 (a transactional producer's first
 * append after a transaction began, "transactions v2 idempotent producer with no existing state":
 * rejected once and retried by the client), its ERROR for a batch pipelined behind one of those
 * (a sequence gap ahead of the end, retried in order by the client), and the client's WARNs for the retries that follow
 * (CONCURRENT_TRANSACTIONS, OUT_OF_ORDER_SEQUENCE_NUMBER). A newcomer reads them as "it is broken";
 * nothing is lost. Everything else, and these with {@code CTISTREAM_LOG_LEVEL=DEBUG}, passes.
 */
public final class KnownKafkaChatter extends TurboFilter {
    static final String BROKER_REPLICAS = "kafka.server.ReplicaManager";
    static final String PRODUCER_SENDER = "org.apache.kafka.clients.producer.internals.Sender";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger == null || format == null || logger.getLoggerContext().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).isDebugEnabled()) {
            return FilterReply.NEUTRAL;
        }
        return known(logger.getName(), level, format, params, t) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }

    static boolean known(String logger, Level level, String format, Object[] params, Throwable t) {
        if (BROKER_REPLICAS.equals(logger) && level == Level.ERROR) {
            Throwable cause = t != null ? t : lastThrowable(params);
            if (!(cause instanceof org.apache.kafka.common.errors.OutOfOrderSequenceException)) {
                return false;
            }
            String message = String.valueOf(cause.getMessage());
            return message.contains("transactions v2 idempotent producer with no existing state") || behindARetriedBatch(message);
        }
        if (PRODUCER_SENDER.equals(logger) && level == Level.WARN && format.contains("Got error produce response")) {
            // Kafka's LogContext logger formats the message itself and passes no parameters: look at both
            String text = format + (params == null ? "" : Arrays.toString(params));
            return text.contains("CONCURRENT_TRANSACTIONS") || text.contains("OUT_OF_ORDER_SEQUENCE_NUMBER");
        }
        return false;
    }

    private static final java.util.regex.Pattern GAP = java.util.regex.Pattern.compile(
            "(\\d+) \\(incoming seq\\. number\\), (\\d+) \\(current end sequence number\\)");

    /**
     * A batch that arrived while the one before it was refused (CONCURRENT_TRANSACTIONS) and is being
     * retried: a gap ahead of the current end, which the client answers by retrying in order (its
     * OUT_OF_ORDER_SEQUENCE_NUMBER WARN, also known). A sequence at or behind the end is not this.
     */
    private static boolean behindARetriedBatch(String message) {
        java.util.regex.Matcher m = GAP.matcher(message);
        return m.find() && Long.parseLong(m.group(1)) > Long.parseLong(m.group(2)) + 1;
    }

    private static Throwable lastThrowable(Object[] params) {
        return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable x ? x : null;
    }
}
