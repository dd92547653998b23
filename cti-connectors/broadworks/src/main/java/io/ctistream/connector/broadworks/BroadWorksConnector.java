package io.ctistream.connector.broadworks;

import io.ctistream.connector.broadworks.xsi.XsiConfig;
import io.ctistream.connector.broadworks.xsi.XsiQueueSource;
import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.connector.core.runtime.ConnectorRuntime;
import io.ctistream.connector.core.runtime.RuntimeSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Set;

/**
 * A BroadWorks connector instance in this JVM, for tests, benchmarks and the demo: core's runtime
 * around a {@link BroadWorksAdapter}, with the SIP side's own figures at hand. A connector process
 * needs none of this: {@code ctistream connector broadworks} finds {@link BroadWorksPlatform}.
 */
public final class BroadWorksConnector {
    private final ConnectorRuntime runtime;
    private final BroadWorksAdapter adapter;

    private BroadWorksConnector(ConnectorRuntime runtime, BroadWorksAdapter adapter) {
        this.runtime = runtime;
        this.adapter = adapter;
    }

    /** Builds and deploys an instance; the future fails fast on bad configuration or an unreachable Kafka. */
    public static Future<BroadWorksConnector> start(Vertx vertx, ConnectorSettings settings, KafkaSettings kafka, Set<String> tenants,
                                                    BroadWorksConfig config, Credentials credentials) {
        return start(vertx, settings, kafka, tenants, config, credentials, null);
    }

    /** As above, with the call-center queues over Xsi-Events ({@code xsi} null: none). */
    public static Future<BroadWorksConnector> start(Vertx vertx, ConnectorSettings settings, KafkaSettings kafka, Set<String> tenants,
                                                    BroadWorksConfig config, Credentials credentials, XsiConfig xsi) {
        BroadWorksAdapter adapter = new BroadWorksAdapter(config, credentials, xsi == null ? null : new XsiQueueSource(xsi, credentials));
        BroadWorksPlatform platform = new BroadWorksPlatform();
        return ConnectorRuntime.start(vertx, platform, new RuntimeSettings(settings, kafka, tenants, "127.0.0.1", 0), adapter)
                .map(runtime -> new BroadWorksConnector(runtime, adapter));
    }

    public ConnectorRuntime runtime() {
        return runtime;
    }

    public Future<Void> stop() {
        return runtime.stop();
    }

    /** Dies as a killed process would: nothing unsubscribed, no group leave, no last words. */
    public void abort() {
        runtime.abort();
    }

    public boolean ready() {
        return runtime.ready();
    }

    /** {@code starting}, {@code kafka} or {@code platform}; null when ready. */
    public String failedDependency() {
        return runtime.failedDependency();
    }

    public int sipPort() {
        return adapter.sipPort();
    }

    public int agentsOwned() {
        return runtime.agentsOwned();
    }

    public int linksActive() {
        return runtime.linksActive();
    }

    /** SIP client transactions held by the stack now (diagnostics, benchmarks). */
    public int sipClientTransactions() {
        return adapter.sipClientTransactions();
    }

    public ConnectorMetrics metrics() {
        return runtime.metrics();
    }
}
