package io.ctistream.engine;

import io.ctistream.events.internal.AgentProjection;
import io.ctistream.events.internal.QueueProjection;
import io.ctistream.events.internal.TeamEntry;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's small HTTP API: {@code GET /agents/{id}}, {@code /teams/{id}}, {@code /queues/{id}}
 * answered from the state stores (ids are tenant-qualified; the slash may be sent as is or as
 * {@code %2F}). A key another instance owns is fetched from that instance. Also
 * {@code /health/live}, {@code /health/ready}, {@code /version} and Prometheus {@code /metrics}.
 */
public final class EngineHttp implements AutoCloseable {
    static final String FORWARDED = "X-Ctistream-Forwarded";
    private static final Logger LOG = LoggerFactory.getLogger(EngineHttp.class);

    private final Vertx vertx;
    private final AgentStateEngine engine;
    private final HostInfo self;
    private final HttpServer server;
    private final HttpClient client;
    private final PrometheusRegistry registry;

    private EngineHttp(Vertx vertx, AgentStateEngine engine, HostInfo self, HttpServer server, HttpClient client, PrometheusRegistry registry) {
        this.vertx = vertx;
        this.engine = engine;
        this.self = self;
        this.server = server;
        this.client = client;
        this.registry = registry;
    }

    /** Serves on {@code host:port} (0 = any free port); {@code self} is what the engine advertises as its application server. */
    public static Future<EngineHttp> start(Vertx vertx, AgentStateEngine engine, String host, int port) {
        PrometheusRegistry registry = metrics(engine);
        HttpClient client = vertx.createHttpClient();
        Router router = Router.router(vertx);
        EngineHttp[] holder = new EngineHttp[1];
        router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
        router.get("/health/ready").handler(ctx -> {
            KafkaStreams.State state = engine.streams().state();
            boolean ready = state == KafkaStreams.State.RUNNING;
            json(ctx, ready ? 200 : 503, new JsonObject().put("status", ready ? "UP" : "DOWN").put("kafkaStreams", state.name())
                    .put("failed", ready ? null : "kafka-streams"));
        });
        router.get("/version").handler(ctx -> json(ctx, 200, new JsonObject().put("service", "agent-state-engine")
                .put("version", String.valueOf(EngineHttp.class.getPackage().getImplementationVersion()))));
        router.get("/metrics").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                .end(scrape(registry)));
        router.getWithRegex("/(agents|teams|queues)/.+").handler(ctx -> {
            if (holder[0] == null) {
                problem(ctx, 503, "the read api is still starting");
            } else {
                ctx.next();
            }
        });
        router.getWithRegex("/agents/(?<id>.+)").handler(ctx -> holder[0].lookup(ctx, "agents", EngineTopology.AGENT_PROJECTIONS, (kv, id) -> {
            AgentProjection p = (AgentProjection) kv.get(id);
            return p == null || p.getRemoved() ? null : p.getSnapshot().toString();
        }));
        router.getWithRegex("/teams/(?<id>.+)").handler(ctx -> holder[0].lookup(ctx, "teams", EngineTopology.TEAM_PROJECTIONS, (kv, id) -> {
            @SuppressWarnings("unchecked")
            TeamRules.Team team = TeamProcessor.read((ReadOnlyKeyValueStore<String, TeamEntry>) (ReadOnlyKeyValueStore<?, ?>) kv, id);
            return team == null ? null : TeamRules.snapshot(team).toString();
        }));
        router.getWithRegex("/queues/(?<id>.+)").handler(ctx -> holder[0].lookup(ctx, "queues", EngineTopology.QUEUE_PROJECTIONS, (kv, id) -> {
            QueueProjection q = (QueueProjection) kv.get(id);
            return q == null ? null : q.getSnapshot().toString();
        }));
        return vertx.createHttpServer().requestHandler(router).listen(port, host).map(server -> {
            // who the other instances think we are: the advertised address, not the bind address (0.0.0.0)
            HostInfo self = engine.applicationServer() != null ? HostInfo.buildFromEndpoint(engine.applicationServer())
                    : new HostInfo(host, server.actualPort());
            holder[0] = new EngineHttp(vertx, engine, self, server, client, registry);
            LOG.info("engine read api at [http://{}:{}]", host, server.actualPort());
            return holder[0];
        });
    }

    public int port() {
        return server.actualPort();
    }

    /** @param render the key's JSON from the store, or null when the store has no such key */
    private void lookup(RoutingContext ctx, String kind, String store, BiFunction<ReadOnlyKeyValueStore<String, Object>, String, String> render) {
        String id = URLDecoder.decode(ctx.pathParam("id"), StandardCharsets.UTF_8);
        KafkaStreams streams = engine.streams();
        KeyQueryMetadata owner;
        try {
            owner = streams.queryMetadataForKey(store, id, Serdes.String().serializer());
        } catch (RuntimeException e) {
            problem(ctx, 503, "the engine is not ready to answer: " + DeadLetters.describe(e));
            return;
        }
        if (owner == null || owner == KeyQueryMetadata.NOT_AVAILABLE) {
            problem(ctx, 503, "the engine is rebalancing; try again shortly");
            return;
        }
        HostInfo active = owner.activeHost();
        boolean local = active == null || active.equals(self) || "unavailable".equals(active.host());
        if (!local) {
            if (ctx.request().getHeader(FORWARDED) != null) {
                problem(ctx, 503, "the owner of [" + id + "] moved while the request was forwarded; try again");
                return;
            }
            forward(ctx, active, "/" + kind + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
            return;
        }
        vertx.executeBlocking(() -> {
            ReadOnlyKeyValueStore<String, Object> kv = streams.store(StoreQueryParameters.fromNameAndType(store,
                    QueryableStoreTypes.<String, Object>keyValueStore()).withPartition(owner.partition()));
            return java.util.Optional.ofNullable(render.apply(kv, id));
        }).onComplete(result -> {
            if (result.failed()) {
                problem(ctx, 503, "the store is not queryable right now: " + DeadLetters.describe(result.cause()));
            } else {
                String body = result.result().orElse(null);
                if (body == null) {
                    problem(ctx, 404, "no " + kind.substring(0, kind.length() - 1) + " [" + id + "]");
                } else {
                    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
                }
            }
        });
    }

    private void forward(RoutingContext ctx, HostInfo owner, String path) {
        client.request(HttpMethod.GET, owner.port(), owner.host(), path)
                .compose(req -> req.putHeader(FORWARDED, self.host() + ":" + self.port()).idleTimeout(5_000).send())
                .compose(resp -> resp.body().map(body -> {
                    ctx.response().setStatusCode(resp.statusCode());
                    String type = resp.getHeader(HttpHeaders.CONTENT_TYPE);
                    if (type != null) {
                        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type);
                    }
                    return ctx.response().end(body);
                }))
                .onFailure(e -> problem(ctx, 502, "the instance that owns the key [" + owner.host() + ":" + owner.port() + "] did not answer: " + e.getMessage()));
    }

    private static void problem(RoutingContext ctx, int status, String detail) {
        if (!ctx.response().ended()) {
            json(ctx, status, new JsonObject().put("status", status).put("detail", detail));
        }
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }

    static PrometheusRegistry metrics(AgentStateEngine engine) {
        PrometheusRegistry registry = new PrometheusRegistry();
        EngineMetrics m = engine.metrics();
        CounterWithCallback.builder().name("ctistream_engine_records_total")
                .help("input records by what the engine did with them").labelNames("outcome")
                .callback(cb -> {
                    for (EngineMetrics.Outcome o : EngineMetrics.Outcome.values()) {
                        cb.call(m.total(o), o.label());
                    }
                }).register(registry);
        CounterWithCallback.builder().name("ctistream_engine_punctuations_total").help("housekeeping punctuations run")
                .callback(cb -> cb.call(m.punctuations())).register(registry);
        CounterWithCallback.builder().name("ctistream_engine_punctuation_seconds_total").help("time spent in housekeeping punctuations")
                .callback(cb -> cb.call(m.punctuationNanos() / 1e9)).register(registry);
        CounterWithCallback.builder().name("ctistream_engine_unconfirmed_dropped_total")
                .help("outputs an agent stopped keeping for a replay before they were committed (a crash then could lose them)")
                .callback(cb -> cb.call(m.unconfirmedDropped())).register(registry);
        CounterWithCallback.builder().name("ctistream_engine_roster_reordered_total")
                .help("roster records and agent events applied in an order their record times contradict (ADR 017)")
                .callback(cb -> cb.call(m.rosterReordered())).register(registry);
        CounterWithCallback.builder().name("ctistream_engine_held_dropped_total")
                .help("events held for an agent off the roster dropped because too many were held")
                .callback(cb -> cb.call(m.heldDropped())).register(registry);
        CounterWithCallback.builder().name("ctistream_engine_stream_threads_replaced_total").help("stream threads that failed and were replaced")
                .callback(cb -> cb.call(m.threadsReplaced())).register(registry);
        CounterWithCallback.builder().name("ctistream_engine_state_tasks_rebuilt_total")
                .help("task state directories found damaged at start and rebuilt from their changelogs")
                .callback(cb -> cb.call(m.tasksRebuilt())).register(registry);
        GaugeWithCallback.builder().name("ctistream_engine_ingest_lag_seconds")
                .help("time from a connector ingesting an event to the engine processing it, for the last event processed")
                .callback(cb -> cb.call(m.lastIngestLagMillis() / 1000.0)).register(registry);
        GaugeWithCallback.builder().name("ctistream_engine_running").help("1 when the engine has its tasks and serves, else 0")
                .callback(cb -> cb.call(engine.streams().state() == KafkaStreams.State.RUNNING ? 1 : 0)).register(registry);
        // the Kafka clients inside Kafka Streams: a fixed set of their own metrics, summed (rates, totals) or the max (lag) over clients
        GaugeWithCallback.builder().name("ctistream_engine_kafka_client")
                .help("selected Kafka client metrics of the engine's consumers and producers (name = the client metric)").labelNames("group", "name")
                .callback(cb -> kafkaClientMetrics(engine.streams().metrics()).forEach((k, v) -> cb.call(v, k.split("/", 2)[0], k.split("/", 2)[1])))
                .register(registry);
        io.prometheus.metrics.instrumentation.jvm.JvmMetrics.builder().register(registry);
        return registry;
    }

    private static final java.util.Set<String> KAFKA_CLIENT_METRICS = java.util.Set.of(
            "consumer-fetch-manager-metrics/records-lag-max", "consumer-fetch-manager-metrics/records-consumed-rate",
            "producer-metrics/record-send-rate", "producer-metrics/request-latency-avg", "producer-metrics/record-error-rate",
            "consumer-coordinator-metrics/rebalance-total");

    /** {@code group/name} to value: rates and totals summed over clients, averages and maxima as the largest. */
    static java.util.Map<String, Double> kafkaClientMetrics(java.util.Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> all) {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        all.forEach((name, metric) -> {
            String key = name.group() + "/" + name.name();
            if (!KAFKA_CLIENT_METRICS.contains(key) || name.tags().containsKey("topic") || name.tags().containsKey("partition")) {
                return;
            }
            if (!(metric.metricValue() instanceof Number n) || Double.isNaN(n.doubleValue()) || Double.isInfinite(n.doubleValue())) {
                return;
            }
            boolean max = name.name().endsWith("-max") || name.name().endsWith("-avg");
            out.merge(key, n.doubleValue(), max ? Math::max : Double::sum);
        });
        return out;
    }

    static String scrape(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
