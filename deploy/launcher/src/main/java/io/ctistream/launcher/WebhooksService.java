package io.ctistream.launcher;

import io.ctistream.settings.ConfigSource;
import io.ctistream.webhooks.WebhookHealth;
import io.ctistream.webhooks.WebhookService;
import io.ctistream.webhooks.WebhookSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The CRM webhooks service (crm-webhooks, docs/adr/015: deliveries per subscription and the
 * {@code cti.cloudevents} writer) as one unit the launcher starts and stops; as its own process
 * ({@code ctistream webhooks}) with {@code /health/live}, {@code /health/ready}, {@code /version} and
 * {@code /metrics} on {@code CTISTREAM_WEBHOOKS_HTTP_HOST}:{@code CTISTREAM_WEBHOOKS_HTTP_PORT}
 * (docs/config/webhooks.md). Inside {@code all}/{@code demo} its metrics join the process registry.
 */
final class WebhooksService implements AutoCloseable {
    static final String HTTP_HOST = "CTISTREAM_WEBHOOKS_HTTP_HOST";
    static final String HTTP_PORT = "CTISTREAM_WEBHOOKS_HTTP_PORT";
    static final int DEFAULT_HTTP_PORT = 8087;

    private final WebhookService webhooks;
    private final HttpServer http;

    private WebhooksService(WebhookService webhooks, HttpServer http) {
        this.webhooks = webhooks;
        this.http = http;
    }

    /** Where a separate process serves its health and metrics. */
    record Http(String host, int port) {
        static Http from(ConfigSource config) {
            return new Http(config.string(HTTP_HOST, "0.0.0.0"), config.port(HTTP_PORT, DEFAULT_HTTP_PORT));
        }
    }

    /**
     * For {@code all} and {@code demo}: the embedded broker and registry; in the demo, targets on
     * 127.0.0.1 are allowed (the demo CRM), unless the operator set the allowed targets.
     */
    static WebhookSettings embedded(ConfigSource config, String bootstrap, String registryUrl, boolean demo) {
        ConfigSource withDemo = demo ? config.withDefaults(Map.of(WebhookSettings.ALLOW_PRIVATE_TARGETS, "127.0.0.1/32")) : config;
        return WebhookSettings.embedded(withDemo, bootstrap, registryUrl);
    }

    /** @param http where to serve health and metrics; null inside {@code all}/{@code demo} (the other services serve the process's) */
    static WebhooksService start(Vertx vertx, WebhookSettings settings, ProcessMetrics metrics, Http http) throws Exception {
        WebhookService webhooks;
        try {
            webhooks = WebhookService.start(vertx, settings, metrics.registry()).await(3, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the webhooks service did not start within 3 minutes (reading the cti.* topics at ["
                    + settings.bootstrapServers() + "])", e);
        }
        if (http == null) {
            return new WebhooksService(webhooks, null);
        }
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(req -> serve(req, webhooks, metrics))
                    .listen(http.port(), http.host()).await(30, TimeUnit.SECONDS);
            return new WebhooksService(webhooks, server);
        } catch (Exception e) {
            webhooks.close();
            throw new IllegalStateException("the webhooks service's health and metrics could not listen on [" + http.host() + ":" + http.port()
                    + "]: " + e.getMessage(), e);
        }
    }

    private static void serve(HttpServerRequest req, WebhookService webhooks, ProcessMetrics metrics) {
        switch (req.path()) {
            case "/health/live" -> json(req, 200, new JsonObject().put("status", "UP"));
            case "/health/ready" -> {
                WebhookHealth health = webhooks.health();
                json(req, health.ready() ? 200 : 503, health.toJson());
            }
            case "/version" -> json(req, 200, new JsonObject().put("service", "crm-webhooks").put("version", Main.version()));
            case "/metrics" -> req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
            default -> req.response().setStatusCode(404).end();
        }
    }

    private static void json(HttpServerRequest req, int status, JsonObject body) {
        req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }

    WebhookHealth health() {
        return webhooks.health();
    }

    int httpPort() {
        return http == null ? -1 : http.actualPort();
    }

    /** Stops the endpoints, then the deliveries (what was delivered is committed). Not on an event loop. */
    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        webhooks.close();
    }
}
