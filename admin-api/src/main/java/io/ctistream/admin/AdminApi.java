package io.ctistream.admin;

import io.ctistream.admin.store.AdminView;
import io.ctistream.admin.store.ChangeWriter;
import io.ctistream.push.Jwks;
import io.ctistream.push.Jwt;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The admin service: the REST API of {@code openapi/admin.openapi.yaml} on its own port, over the
 * resource topics ({@link AdminView} reads, {@link ChangeWriter} writes and audits), with
 * {@code /health/live}, {@code /health/ready}, {@code /version} and {@code /metrics} like every
 * other service. Started by {@link #start}, stopped by {@link #close}.
 *
 * <pre>{@code
 * AdminApi admin = AdminApi.start(vertx, AdminSettings.from(config, "0.0.0.0", host), bootstrap, registryUrl, metrics)
 *         .await(2, TimeUnit.MINUTES);
 * }</pre>
 */
public final class AdminApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    /** The document on the class path; docs/api/admin.openapi.yaml is a copy a test keeps equal. */
    public static final String DOCUMENT = "openapi/admin.openapi.yaml";
    /** How long a start waits for the view to read the topics whole. */
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);

    private final HttpServer server;
    private final AdminView view;
    private final ChangeWriter writer;
    private final Provisioning changes;

    private AdminApi(HttpServer server, AdminView view, ChangeWriter writer, Provisioning changes) {
        this.server = server;
        this.view = view;
        this.writer = writer;
        this.changes = changes;
    }

    /** {@link #start(Vertx, AdminSettings, String, String, PrometheusRegistry)} with metrics of its own. */
    public static Future<AdminApi> start(Vertx vertx, AdminSettings settings, String bootstrapServers, String registryUrl) {
        return start(vertx, settings, bootstrapServers, registryUrl, new PrometheusRegistry());
    }

    /**
     * Reads the resource topics whole, then listens. Completes once the service answers with the
     * topics' current content; fails when Kafka, the registry or the port is not to be had (the
     * message says which), having released what it took.
     *
     * @param bootstrapServers the Kafka cluster holding the cti.* topics (they must exist)
     * @param registryUrl      the Apicurio Registry v3 API base
     * @param registry         where the metrics go, served at {@code /metrics} with whatever else the process registered there
     */
    public static Future<AdminApi> start(Vertx vertx, AdminSettings settings, String bootstrapServers, String registryUrl,
                                         PrometheusRegistry registry) {
        LOG.info("admin service starting [{}]", settings);
        JsonObject document;
        try {
            document = document();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        Clock clock = Clock.systemUTC();
        return OpenAPIContract.from(vertx, forVertx(document)).compose(contract -> vertx.executeBlocking(() -> {
            AdminView view = new AdminView(bootstrapServers, registryUrl, settings.writeTimeout()).start();
            ChangeWriter writer = null;
            try {
                writer = new ChangeWriter(bootstrapServers, registryUrl, settings.transactionalId(), settings.writeTimeout(), clock);
                view.loaded().get(LOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                return new Parts(contract, view, writer);
            } catch (Exception e) {
                view.close();
                if (writer != null) {
                    writer.close();
                }
                Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
                throw new IllegalStateException("the admin service could not read or write the cti.* topics at [" + bootstrapServers + "]: "
                        + cause.getMessage(), cause);
            }
        })).compose(parts -> listen(vertx, settings, registry, parts, document, clock));
    }

    private record Parts(OpenAPIContract contract, AdminView view, ChangeWriter writer) {
    }

    private static Future<AdminApi> listen(Vertx vertx, AdminSettings settings, PrometheusRegistry registry, Parts parts, JsonObject document,
                                           Clock clock) {
        Jwks jwks = settings.jwksUrl() == null ? null : new Jwks(settings.jwksUrl(), Duration.ofSeconds(2));
        if (jwks != null) {
            jwks.refresh();
        }
        Jwt jwt = new Jwt(settings.jwtSecret(), jwks, settings.jwtAudience(), settings.jwtLeeway().toSeconds());
        Provisioning changes = new Provisioning(parts.view(), parts.writer(), settings, clock);
        Router router = AdminRoutes.create(vertx, parts.contract(), Buffer.buffer(document.encode()), new AdminAuth(jwt, jwks, clock), parts.view(),
                changes, new AdminMetrics(registry));
        serviceRoutes(router, parts.view(), registry);
        return vertx.createHttpServer().requestHandler(router).listen(settings.port(), settings.host()).map(server -> {
            LOG.info("admin API listening [http://{}:{}/api/v1], document [http://{}:{}/api/v1/openapi.json]", settings.host(), server.actualPort(),
                    settings.host(), server.actualPort());
            return new AdminApi(server, parts.view(), parts.writer(), changes);
        }).onFailure(e -> {
            changes.close();
            parts.view().close();
            parts.writer().close();
        }).recover(e -> Future.failedFuture(new IllegalStateException("the admin service could not listen on [" + settings.host() + ":"
                + settings.port() + "]: " + e.getMessage(), e)));
    }

    /** Liveness, readiness (naming the failed dependency), version and metrics, outside /api/v1 and without a token. */
    private static void serviceRoutes(Router router, AdminView view, PrometheusRegistry registry) {
        PrometheusTextFormatWriter text = new PrometheusTextFormatWriter(false);
        router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
        router.get("/health/ready").handler(ctx -> {
            boolean ready = view.loaded().isDone() && !view.loaded().isCompletedExceptionally() && view.running();
            json(ctx, ready ? 200 : 503, new JsonObject().put("status", ready ? "UP" : "DOWN").put("failed", ready ? new JsonArray()
                    : new JsonArray(List.of("admin-view (reading cti.agents, cti.teams, cti.queues, cti.webhook-subscriptions)"))));
        });
        router.get("/version").handler(ctx -> json(ctx, 200, new JsonObject().put("service", "admin-api").put("version", version()).put("api", "v1")));
        router.get("/metrics").handler(ctx -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                text.write(out, registry.scrape());
            } catch (IOException e) {
                ctx.response().setStatusCode(500).end();
                return;
            }
            ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(Buffer.buffer(out.toByteArray()));
        });
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }

    static String version() {
        String v = AdminApi.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The OpenAPI document from the class path, as JSON (what {@code /api/v1/openapi.json} serves). */
    public static JsonObject document() {
        try (InputStream in = AdminApi.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is missing from the class path");
            }
            Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return (JsonObject) json(tree);
        } catch (IOException e) {
            throw new IllegalStateException(DOCUMENT + " cannot be read", e);
        }
    }

    /**
     * The document as Vert.x's OpenAPI support (5.0) takes it, which differs in two points it cannot read, neither of which
     * touches what requests are validated against: it wants an absolute server URL (and takes only the path from it), where
     * the published document says {@code /api/v1}, relative to wherever the service is reached; and it knows no
     * {@code application/problem+json} (only application/json and hal+json), so the error answers' media type is named
     * {@code application/json} in its copy, with the same schema.
     */
    static JsonObject forVertx(JsonObject document) {
        JsonObject copy = document.copy();
        for (Object server : copy.getJsonArray("servers", new JsonArray())) {
            JsonObject s = (JsonObject) server;
            if (s.getString("url", "").startsWith("/")) {
                s.put("url", "http://localhost" + s.getString("url"));
            }
        }
        JsonObject responses = copy.getJsonObject("components").getJsonObject("responses");
        for (String name : responses.fieldNames()) {
            JsonObject content = responses.getJsonObject(name).getJsonObject("content");
            if (content != null && content.containsKey(AdminRoutes.PROBLEM_JSON)) {
                content.put("application/json", content.remove(AdminRoutes.PROBLEM_JSON));
            }
        }
        return copy;
    }

    /** YAML to JSON values; keys as text (a response code written 200 is the key "200"). */
    private static Object json(Object yaml) {
        if (yaml instanceof Map<?, ?> m) {
            JsonObject o = new JsonObject();
            m.forEach((k, v) -> o.put(String.valueOf(k), json(v)));
            return o;
        }
        if (yaml instanceof List<?> l) {
            JsonArray a = new JsonArray();
            l.forEach(v -> a.add(json(v)));
            return a;
        }
        return yaml;
    }

    public int port() {
        return server.actualPort();
    }

    /** Stops listening, lets a change in progress finish, and closes the Kafka clients. Not to be called on an event loop. */
    @Override
    public void close() {
        try {
            server.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("admin server did not close cleanly: {}", e.toString());
        }
        changes.close();
        writer.close();
        view.close();
    }
}
