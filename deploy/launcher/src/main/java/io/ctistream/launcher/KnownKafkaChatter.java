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
 * rejected once and retried by the client) and the client's WARNs for the retries that follow
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
            return cause instanceof org.apache.kafka.common.errors.OutOfOrderSequenceException
                    && String.valueOf(cause.getMessage()).contains("transactions v2 idempotent producer with no existing state");
        }
        if (PRODUCER_SENDER.equals(logger) && level == Level.WARN && format.contains("Got error produce response")) {
            // Kafka's LogContext logger formats the message itself and passes no parameters: look at both
            String text = format + (params == null ? "" : Arrays.toString(params));
            return text.contains("CONCURRENT_TRANSACTIONS") || text.contains("OUT_OF_ORDER_SEQUENCE_NUMBER");
        }
        return false;
    }

    private static Throwable lastThrowable(Object[] params) {
        return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable x ? x : null;
    }
}
