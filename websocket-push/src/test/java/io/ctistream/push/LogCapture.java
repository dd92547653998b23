package io.ctistream.push;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What the push service, Vert.x and Netty log while a test runs (Kafka's own chatter is not ours to judge). */
final class LogCapture implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    /** WARN and ERROR lines of the push service, Vert.x and Netty so far, as "LEVEL logger - message". */
    List<String> warnings() {
        return events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).filter(e -> ours(e.getLoggerName()))
                .map(e -> e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " (" + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage() + ")"))
                .toList();
    }

    /** Every line of the push service (any level) so far. */
    List<ILoggingEvent> events() {
        synchronized (appender) { // AppenderBase appends under its own lock
            return List.copyOf(appender.list);
        }
    }

    private static boolean ours(String logger) {
        return logger.startsWith("io.ctistream.push") || logger.startsWith("io.vertx") || logger.startsWith("io.netty");
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
