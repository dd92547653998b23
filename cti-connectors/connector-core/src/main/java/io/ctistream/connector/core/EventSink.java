package io.ctistream.connector.core;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.CommandResult;
import io.ctistream.events.ConnectorStatus;
import io.ctistream.events.QueueEvent;
import io.vertx.core.Future;

/**
 * Where a connector's facts go. Platform code sees only this interface; the Kafka implementation
 * keys every record by agent id and uses an idempotent producer. A future completes when the
 * record is acknowledged ({@code acks=all}).
 */
public interface EventSink {
    Future<Void> publish(AgentEvent event);

    Future<Void> publish(CommandResult result);

    /** A queue-side fact, keyed by its queue id; publish only for a queue this instance owns ({@link QueueOwnership}). */
    Future<Void> publish(QueueEvent event);

    Future<Void> publish(ConnectorStatus status);

    /** False while the last sends failed. */
    boolean healthy();
}
