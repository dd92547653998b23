package io.ctistream.connector.core;

import io.vertx.core.Vertx;

/**
 * What a platform adapter gets from the connector: the event loop, the sink, the event factory,
 * metrics, and which queues this instance speaks for.
 */
public record ConnectorContext(Vertx vertx, EventSink sink, Events events, ConnectorMetrics metrics, QueueOwnership queues) {
}
