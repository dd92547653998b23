package io.ctistream.launcher;

import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.core.runtime.ConnectorExporter;
import io.ctistream.connector.core.runtime.ConnectorHttp;
import io.ctistream.connector.core.runtime.ConnectorPlatform;
import io.ctistream.connector.core.runtime.ConnectorRuntime;
import io.ctistream.connector.core.runtime.RuntimeSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A platform connector as one unit the launcher starts and stops: core's runtime around the
 * platform's adapter, with its metrics in the process registry and, when it runs as its own process,
 * its HTTP endpoints. {@link #kill()} dies as a crashed process would.
 */
final class ConnectorService implements AutoCloseable {
    private final AtomicReference<ConnectorRuntime> connector;
    private final HttpServer http;

    private ConnectorService(AtomicReference<ConnectorRuntime> connector, HttpServer http) {
        this.connector = connector;
        this.http = http;
    }

    /** @param metrics where the connector's metrics go; null to leave them out (a restarted connector in one process) */
    static ConnectorService start(Vertx vertx, ConnectorPlatform platform, RuntimeSettings settings, PlatformAdapter adapter, ProcessMetrics metrics,
                                  boolean serveHttp) throws Exception {
        AtomicReference<ConnectorRuntime> ref = new AtomicReference<>();
        ConnectorRuntime c;
        try {
            c = ConnectorRuntime.start(vertx, platform, settings, adapter).await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the " + platform.name() + " connector did not start: " + e.getMessage(), e);
        }
        ref.set(c);
        if (metrics != null) {
            ConnectorExporter.register(metrics.registry(), ref::get).observe(c);
        }
        HttpServer http = null;
        if (serveHttp) {
            try {
                http = ConnectorHttp.serve(vertx, settings, ref::get, Main.version(), metrics == null ? () -> "" : metrics::scrape)
                        .await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                c.stop().await(20, TimeUnit.SECONDS);
                throw new IllegalStateException("the connector's health and metrics could not listen on [" + settings.httpHost() + ":"
                        + settings.httpPort() + "]: " + e.getMessage(), e);
            }
        }
        return new ConnectorService(ref, http);
    }

    ConnectorRuntime connector() {
        return connector.get();
    }

    int httpPort() {
        return http == null ? -1 : http.actualPort();
    }

    /** Dies as a killed process would: no unsubscribes, no group leave, no last status. */
    void kill() {
        connector.get().abort();
        if (http != null) {
            http.close();
        }
    }

    @Override
    public void close() throws Exception {
        if (http != null) {
            http.close();
        }
        connector.get().stop().await(20, TimeUnit.SECONDS);
    }
}
