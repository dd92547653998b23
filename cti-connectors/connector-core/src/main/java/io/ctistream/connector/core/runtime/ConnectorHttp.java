package io.ctistream.connector.core.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * A connector process's HTTP endpoints: {@code /health/live}, {@code /health/ready} (503 naming the
 * failed dependency: {@code starting}, {@code kafka} or {@code platform}; 200 with the agent links the
 * platform refused, by reason, when only some agents are refused), {@code /version} and
 * Prometheus {@code /metrics}. The runtime is read through a supplier, so a restarted one is served.
 */
public final class ConnectorHttp {
    private ConnectorHttp() {
    }

    /**
     * @param version what {@code /version} says (the build's version)
     * @param scrape  the process's metrics in the Prometheus text format
     */
    public static Future<HttpServer> serve(Vertx vertx, RuntimeSettings settings, Supplier<ConnectorRuntime> runtime, String version,
                                           Supplier<String> scrape) {
        return vertx.createHttpServer().requestHandler(req -> {
            ConnectorRuntime c = runtime.get();
            switch (req.path()) {
                case "/health/live" -> json(req, 200, new JsonObject().put("status", "UP"));
                case "/health/ready" -> {
                    String failed = c.failedDependency();
                    json(req, failed == null ? 200 : 503, new JsonObject().put("status", failed == null ? "UP" : "DOWN").put("failed", failed)
                            .put("agentsOwned", c.agentsOwned()).put("linksActive", c.linksActive())
                            .put("linksRefused", new JsonObject(new java.util.TreeMap<String, Object>(c.refusedLinks()))));
                }
                case "/version" -> json(req, 200, new JsonObject().put("service", "connector-" + c.name()).put("version", version));
                case "/metrics" -> req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(scrape.get());
                default -> req.response().setStatusCode(404).end();
            }
        }).listen(settings.httpPort(), settings.httpHost());
    }

    private static void json(HttpServerRequest req, int status, JsonObject body) {
        req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
}
