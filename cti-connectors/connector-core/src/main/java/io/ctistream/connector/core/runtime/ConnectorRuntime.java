package io.ctistream.connector.core.runtime;

import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.ConnectorVerticle;
import io.ctistream.connector.core.Events;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.core.kafka.KafkaAgentDirectory;
import io.ctistream.connector.core.kafka.KafkaEventSink;
import io.ctistream.events.Platform;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * A running connector instance of any platform, assembled around its adapter: the Kafka event
 * sink, agent ownership and commands over the roster's consumer group, and the verticle that joins
 * them (status, exactly one result per command, new runs after a Kafka loss). A platform supplies
 * only its {@link PlatformAdapter}; {@link ConnectorHttp} and {@link ConnectorExporter} add health
 * and metrics for a process of its own.
 */
public final class ConnectorRuntime {
    private final Vertx vertx;
    private final ConnectorVerticle verticle;
    private final PlatformAdapter adapter;
    private final KafkaEventSink sink;
    private final ConnectorMetrics metrics;
    private final Platform platform;
    private final String name;
    private String deploymentId;

    private ConnectorRuntime(Vertx vertx, ConnectorVerticle verticle, PlatformAdapter adapter, KafkaEventSink sink, ConnectorMetrics metrics,
                             Platform platform, String name) {
        this.vertx = vertx;
        this.verticle = verticle;
        this.adapter = adapter;
        this.sink = sink;
        this.metrics = metrics;
        this.platform = platform;
        this.name = name;
    }

    /** Builds (off the event loop: the Kafka clients may block) and deploys an instance around {@code adapter}. */
    public static Future<ConnectorRuntime> start(Vertx vertx, ConnectorPlatform platform, RuntimeSettings settings, PlatformAdapter adapter) {
        return start(vertx, platform.name(), platform.platform(), settings, adapter);
    }

    /** The same, for a platform named and typed directly (tests, benchmarks, the demo). */
    public static Future<ConnectorRuntime> start(Vertx vertx, String name, Platform platform, RuntimeSettings settings, PlatformAdapter adapter) {
        ConnectorMetrics metrics = new ConnectorMetrics();
        String instance = settings.connector().instanceId();
        return vertx.executeBlocking(() -> {
            KafkaEventSink sink = new KafkaEventSink(settings.kafka(), instance + "-sink", metrics);
            KafkaAgentDirectory directory = new KafkaAgentDirectory(settings.kafka(), platform, settings.tenants(), instance);
            ConnectorVerticle verticle = new ConnectorVerticle(settings.connector(), adapter, directory, sink,
                    new Events(platform, instance, Clock.systemUTC()), metrics);
            sink.onDown(verticle::kafkaDown); // the new run begins when Kafka goes out of reach, not at the next publish
            return new ConnectorRuntime(vertx, verticle, adapter, sink, metrics, platform, name);
        }).compose(c -> vertx.deployVerticle(c.verticle).map(id -> {
            c.deploymentId = id;
            return c;
        }).recover(e -> vertx.<ConnectorRuntime>executeBlocking(() -> {
            c.sink.abort(); // a start that failed leaves no producer or sender thread behind
            throw e instanceof Exception x ? x : new IllegalStateException(e);
        })));
    }

    /** Leaves cleanly: links closed on the platform, the group left, a last STOPPED status. */
    public Future<Void> stop() {
        return vertx.undeploy(deploymentId).eventually(() -> vertx.executeBlocking(() -> {
            sink.close();
            return null;
        }));
    }

    /** Dies as a killed process would: nothing closed on the platform, no group leave, no last words. */
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

    /** Agent links the platform refused for good, by reason (health tells them; readiness stays). */
    public java.util.Map<String, Integer> refusedLinks() {
        return verticle.refusedLinks();
    }

    /** True when this instance speaks for the queue now. */
    public boolean ownsQueue(String queueId) {
        return verticle.queues().owns(queueId);
    }

    public int agentsOwned() {
        return verticle.agentsOwned();
    }

    public int linksActive() {
        return adapter.linksActive();
    }

    public PlatformAdapter adapter() {
        return adapter;
    }

    public ConnectorMetrics metrics() {
        return metrics;
    }

    public Platform platform() {
        return platform;
    }

    /** The platform's name, as on the command line. */
    public String name() {
        return name;
    }
}
