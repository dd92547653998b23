package io.ctistream.connector.broadworks;

import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.ConnectorVerticle;
import io.ctistream.connector.core.Events;
import io.ctistream.connector.core.kafka.KafkaAgentDirectory;
import io.ctistream.connector.core.kafka.KafkaEventSink;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.events.Platform;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * A running BroadWorks connector instance: the adapter, Kafka ownership and sink, and the verticle
 * that joins them, deployed on a Vert.x instance. Wiring only.
 */
public final class BroadWorksConnector {
    private final Vertx vertx;
    private final ConnectorVerticle verticle;
    private final BroadWorksAdapter adapter;
    private final KafkaEventSink sink;
    private final ConnectorMetrics metrics;
    private String deploymentId;

    private BroadWorksConnector(Vertx vertx, ConnectorVerticle verticle, BroadWorksAdapter adapter, KafkaEventSink sink,
                                ConnectorMetrics metrics) {
        this.vertx = vertx;
        this.verticle = verticle;
        this.adapter = adapter;
        this.sink = sink;
        this.metrics = metrics;
    }

    /** Builds and deploys an instance; the future fails fast on bad configuration or an unreachable Kafka. */
    public static Future<BroadWorksConnector> start(Vertx vertx, ConnectorSettings settings, KafkaSettings kafka,
                                                    java.util.Set<String> tenants, BroadWorksConfig config,
                                                    Credentials credentials) {
        ConnectorMetrics metrics = new ConnectorMetrics();
        return vertx.executeBlocking(() -> {
            KafkaEventSink sink = new KafkaEventSink(kafka, settings.instanceId() + "-sink", metrics);
            KafkaAgentDirectory directory = new KafkaAgentDirectory(kafka, Platform.BROADWORKS, tenants, settings.instanceId());
            BroadWorksAdapter adapter = new BroadWorksAdapter(config, credentials);
            ConnectorVerticle verticle = new ConnectorVerticle(settings, adapter, directory, sink,
                    new Events(Platform.BROADWORKS, settings.instanceId(), Clock.systemUTC()), metrics);
            return new BroadWorksConnector(vertx, verticle, adapter, sink, metrics);
        }).compose(c -> vertx.deployVerticle(c.verticle).map(id -> {
            c.deploymentId = id;
            return c;
        }));
    }

    public Future<Void> stop() {
        return vertx.undeploy(deploymentId).eventually(() -> vertx.executeBlocking(() -> {
            sink.close();
            return null;
        }));
    }

    /** Dies as a killed process would: nothing unsubscribed, no group leave, no last words. */
    public void abort() {
        verticle.abort();
        sink.abort();
    }

    public boolean ready() {
        return verticle.ready();
    }

    /** {@code starting}, {@code kafka} or {@code platform}; null when ready. */
    public String failedDependency() {
        return verticle.failedDependency();
    }

    public int sipPort() {
        return adapter.sipPort();
    }

    public int agentsOwned() {
        return adapter.sessions();
    }

    public int linksActive() {
        return adapter.linksActive();
    }

    /** SIP subscriptions now, by event package and state. */
    public java.util.Map<String, java.util.Map<String, Integer>> subscriptionsByState() {
        return adapter.subscriptionsByState();
    }

    /** SIP client transactions held by the stack now (diagnostics, benchmarks). */
    public int sipClientTransactions() {
        return adapter.sipClientTransactions();
    }

    public ConnectorMetrics metrics() {
        return metrics;
    }
}
