package io.ctistream.launcher;

import io.ctistream.connector.broadworks.BroadWorksConnector;
import io.prometheus.metrics.core.metrics.Histogram;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The BroadWorks connector as one unit the launcher starts and stops, with its HTTP endpoints
 * ({@code /health/live}, {@code /health/ready} naming the failed dependency, {@code /version},
 * {@code /metrics}) when it runs as its own process. {@link #kill()} dies as a crashed process would.
 */
final class ConnectorService implements AutoCloseable {
    private final AtomicReference<BroadWorksConnector> connector;
    private final HttpServer http;

    private ConnectorService(AtomicReference<BroadWorksConnector> connector, HttpServer http) {
        this.connector = connector;
        this.http = http;
    }

    /** @param metrics where the connector's metrics go; null to leave them out (a second connector in one process) */
    static ConnectorService start(Vertx vertx, BroadWorksSettings settings, ProcessMetrics metrics, boolean serveHttp) throws Exception {
        AtomicReference<BroadWorksConnector> ref = new AtomicReference<>();
        BroadWorksConnector c;
        try {
            c = BroadWorksConnector.start(vertx, settings.connector(), settings.kafka(), settings.tenants(), settings.sip(), settings.credentials())
                    .await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the BroadWorks connector did not start: " + e.getMessage(), e);
        }
        ref.set(c);
        if (metrics != null) {
            metrics.connector(ref::get);
            Histogram toAck = metrics.platformToAck();
            c.metrics().onPlatformToAck(nanos -> toAck.observe(nanos / 1e9));
        }
        HttpServer http = null;
        if (serveHttp) {
            try {
                http = serve(vertx, settings, metrics, ref);
            } catch (Exception e) {
                c.stop().await(20, TimeUnit.SECONDS);
                throw new IllegalStateException("the connector's health and metrics could not listen on [" + settings.httpHost() + ":"
                        + settings.httpPort() + "]: " + e.getMessage(), e);
            }
        }
        return new ConnectorService(ref, http);
    }

    private static HttpServer serve(Vertx vertx, BroadWorksSettings settings, ProcessMetrics metrics, AtomicReference<BroadWorksConnector> ref)
            throws Exception {
        return vertx.createHttpServer().requestHandler(req -> {
                switch (req.path()) {
                    case "/health/live" -> json(req, 200, new JsonObject().put("status", "UP"));
                    case "/health/ready" -> {
                        String failed = ref.get().failedDependency();
                        json(req, failed == null ? 200 : 503, new JsonObject().put("status", failed == null ? "UP" : "DOWN").put("failed", failed)
                                .put("agentsOwned", ref.get().agentsOwned()).put("linksActive", ref.get().linksActive()));
                    }
                    case "/version" -> json(req, 200, new JsonObject().put("service", "connector-broadworks").put("version", Main.version()));
                    case "/metrics" -> req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                            .end(metrics == null ? "" : metrics.scrape());
                    default -> req.response().setStatusCode(404).end();
                }
            }).listen(settings.httpPort(), settings.httpHost()).await(30, TimeUnit.SECONDS);
    }

    private static void json(io.vertx.core.http.HttpServerRequest req, int status, JsonObject body) {
        req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }

    BroadWorksConnector connector() {
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
