package io.ctistream.connector.core;

import io.vertx.core.Vertx;

/** What a platform adapter gets from the connector: the event loop, the sink, the event factory, metrics. */
public record ConnectorContext(Vertx vertx, EventSink sink, Events events, ConnectorMetrics metrics) {
}
