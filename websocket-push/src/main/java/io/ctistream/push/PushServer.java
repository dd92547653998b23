package io.ctistream.push;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pusher's HTTP server: the WebSocket API on {@code /ws} (DESIGN.md section 5) over a
 * {@link StateView}, the wallboard ({@code /}) and the agent panel ({@code /agent}) with the
 * browser client library, and liveness/readiness. Served on {@link PushConfig#eventLoops()} event
 * loops, one server each on the one port (ADR 028). Stateless: run as many behind a load balancer
 * as needed.
 */
public final class PushServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushServer.class);
    /** The files under {@code webroot/} on the class path that are served, by request path. */
    private static final Map<String, String> PAGES = Map.of(
            "/", "index.html", "/index.html", "index.html", "/agent", "agent.html", "/agent.html", "agent.html",
            "/ctistream-client.js", "ctistream-client.js", "/page.js", "page.js", "/wallboard.js", "wallboard.js", "/agent.js", "agent.js",
            "/ctistream.css", "ctistream.css");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");

    /** Keys of the random ports shared by one pusher's servers (Vert.x: a negative port is a random port shared by that value). */
    private static final AtomicInteger SHARED_RANDOM_PORTS = new AtomicInteger();

    private final List<HttpServer> servers;
    private final Set<Session> sessions;
    private final EventStreams events;
    private final java.util.concurrent.atomic.AtomicBoolean engineSilent;

    private PushServer(List<HttpServer> servers, Set<Session> sessions, EventStreams events, java.util.concurrent.atomic.AtomicBoolean engineSilent) {
        this.servers = servers;
        this.sessions = sessions;
        this.events = events;
        this.engineSilent = engineSilent;
    }

    /** The engine fell silent ({@code true}) or works again: every client is told, and every later one in its welcome. */
    public void engineStatus(boolean silent) {
        engineSilent.set(silent);
        sessions.forEach(Session::engineChanged);
    }

    public static Future<PushServer> start(Vertx vertx, PushConfig config, StateView view, CommandRelay commands) {
        return start(vertx, config, view, commands, null, new io.prometheus.metrics.model.registry.PrometheusRegistry());
    }

    /**
     * @param events where {@code events/agent/{id}} subscriptions read (null: not served)
     * @param registry where this pusher's metrics go, served at {@code /metrics} (with whatever else the process registered there)
     */
    public static Future<PushServer> start(Vertx vertx, PushConfig config, StateView view, CommandRelay commands, EventStreams events,
                                           io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
        PushMetrics metrics = new PushMetrics(registry);
        Jwks jwks = config.jwksUrl() == null ? null : new Jwks(config.jwksUrl(), Duration.ofSeconds(2));
        if (jwks != null) {
            jwks.refresh();
        }
        Jwt jwt = new Jwt(config.jwtSecret(), jwks, config.jwtAudience(), config.jwtLeeway().toSeconds(), config.limits().maxArrayItems());
        Connections connections = new Connections(config.maxConnectionsPerPrincipal());
        CommandTracker tracker = new CommandTracker(vertx, commands, config.limits());
        if (events != null) {
            events.limits(config.limits());
        }
        Map<String, Buffer> files = loadPages();
        Buffer configJson = Buffer.buffer(new JsonObject().put("reasons", new JsonArray(config.reasons().stream()
                .map(r -> new JsonObject().put("code", r.code()).put("label", r.label())).toList())).put("protocol", 1).encode());
        Set<Session> sessions = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean engineSilent = new java.util.concurrent.atomic.AtomicBoolean();
        metrics.connections(registry, sessions::size);
        io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter writer = new io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter(false);
        // one per event loop: the view hands each change to every loop once, the loop to its sessions (ADR 028)
        Map<io.netty.channel.EventLoop, Fanout> fanouts = new ConcurrentHashMap<>();
        metrics.subscriptions(registry, () -> {
            java.util.Map<String, Integer> follows = new java.util.TreeMap<>();
            fanouts.values().forEach(f -> f.subscribers().countByKind().forEach((kind, n) -> follows.merge(kind, n, Integer::sum)));
            follows.put("events", events == null ? 0 : events.open());
            return follows;
        });
        view.listen(entry -> fanouts.values().forEach(f -> f.changed(entry)));
        // Vert.x's own limits sit above ours, so an oversized frame gets our error frame instead of a closed socket; one
        // frame beyond maxMessageBytes is closed (1009) by the decoder, a message assembled beyond it by InboundMessages
        // a small kernel send buffer: a slow client's backlog stays in our conflating queue (newest value per
        // topic) instead of megabytes of stale frames in the socket
        HttpServerOptions options = new HttpServerOptions().setMaxWebSocketFrameSize(config.maxMessageBytes())
                .setMaxWebSocketMessageSize(config.maxMessageBytes()).setSendBufferSize(Math.max(8192, config.writeQueueBytes()))
                // a client that reads our close frame but does not answer it is let go this many seconds later
                // (one that does not read it is cut by the session: Session.close)
                .setWebSocketClosingTimeout(5);
        // one server per event loop, all on one port: Vert.x shares the listening socket among a host and port's servers and
        // hands them the connections in turn, each served on its server's loop (ADR 028); at most one per loop of the pool
        List<io.netty.channel.EventLoop> pool = new ArrayList<>();
        ((io.vertx.core.internal.VertxInternal) vertx).nettyEventLoopGroup().forEach(loop -> pool.add((io.netty.channel.EventLoop) loop));
        int loops = Math.min(config.eventLoops(), pool.size());
        AtomicInteger[] perLoop = new AtomicInteger[loops];
        Arrays.setAll(perLoop, i -> new AtomicInteger());
        metrics.loopConnections(registry, i -> perLoop[i].get(), loops);
        IntFunction<Handler<HttpServerRequest>> handlers = loop -> req -> {
            String path = req.path();
            if (path.equals("/ws")) {
                // upgraded here rather than in a webSocketHandler: the session keeps the connection,
                // to cut off a client too slow even to read our close frame
                io.vertx.core.http.HttpConnection connection = req.connection();
                req.toWebSocket().onSuccess(ws -> {
                    io.vertx.core.Context context = vertx.getOrCreateContext();
                    // by thread: contexts on one loop run one at a time on it, so the loop's fanout may call any of their sessions
                    Fanout fanout = fanouts.computeIfAbsent(((io.vertx.core.internal.ContextInternal) context).nettyEventLoop(),
                            netty -> new Fanout(context, Clock.systemUTC(), metrics));
                    Session s = new Session(ws, connection, context, vertx, config, jwt, view, tracker, connections, events,
                            jwks, metrics, fanout.subscribers(), Clock.systemUTC());
                    s.engine(engineSilent::get);
                    sessions.add(s);
                    perLoop[loop].incrementAndGet();
                    s.start();
                    // browsers cannot set headers, other clients may: a bearer token on the upgrade is the first auth
                    String authorization = req.getHeader("authorization");
                    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                        s.authFromHeader(authorization.substring(7).trim());
                    }
                    ws.closeHandler(v -> {
                        sessions.remove(s);
                        perLoop[loop].decrementAndGet();
                        s.stop();
                    });
                }).onFailure(e -> LOG.debug("websocket upgrade failed: {}", e.toString()));
            } else if (path.equals("/health/live")) {
                json(req, 200, new JsonObject().put("status", "UP"));
            } else if (path.equals("/health/ready")) {
                boolean ready = view.loaded().isDone() && !view.loaded().isCompletedExceptionally();
                json(req, ready ? 200 : 503, new JsonObject().put("status", ready ? "UP" : "DOWN").put("failed", ready ? null : "state-view"));
            } else if (path.equals("/config.json")) {
                req.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-cache").end(configJson);
            } else if (files.containsKey(path)) {
                String name = PAGES.get(path);
                req.response().putHeader("content-type", TYPES.get(name.substring(name.lastIndexOf('.') + 1)))
                        .putHeader("cache-control", "no-cache").putHeader("x-content-type-options", "nosniff")
                        .putHeader("referrer-policy", "no-referrer")
                        .putHeader("content-security-policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'")
                        .end(files.get(path));
            } else if (path.equals("/metrics")) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                try {
                    writer.write(out, registry.scrape());
                } catch (IOException e) {
                    req.response().setStatusCode(500).end();
                    return;
                }
                req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(Buffer.buffer(out.toByteArray()));
            } else if (path.equals("/version")) {
                json(req, 200, new JsonObject().put("service", "websocket-push").put("version", version()).put("protocol", 1));
            } else {
                req.response().setStatusCode(404).end();
            }
        };
        // port 0 would give each server a random port of its own; a negative one is a random port shared by the servers given it
        int port = config.port() == 0 ? -SHARED_RANDOM_PORTS.incrementAndGet() : config.port();
        List<Future<HttpServer>> listening = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            int loop = i;
            io.vertx.core.internal.ContextInternal context = ((io.vertx.core.internal.VertxInternal) vertx).contextBuilder()
                    .withEventLoop(pool.get(loop)).build();
            io.vertx.core.Promise<HttpServer> bound = context.promise();
            context.runOnContext(v -> vertx.createHttpServer(options).requestHandler(handlers.apply(loop)).listen(port, config.host())
                    .onComplete(bound));
            listening.add(bound.future());
        }
        return Future.join(listening).transform(all -> {
            List<HttpServer> servers = listening.stream().filter(Future::succeeded).map(Future::result).toList();
            if (all.failed()) {
                servers.forEach(HttpServer::close);
                return Future.failedFuture(all.cause());
            }
            int actual = servers.get(0).actualPort();
            LOG.info("push service listening [ws://{}:{}/ws], wallboard [http://{}:{}/], on {} event loops", config.host(), actual,
                    config.host(), actual, loops);
            return Future.succeededFuture(new PushServer(servers, sessions, events, engineSilent));
        });
    }

    static String version() {
        String v = PushServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static void json(HttpServerRequest req, int status, JsonObject body) {
        req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }

    /** The pages from the class path, once: request paths never reach the file system. */
    private static Map<String, Buffer> loadPages() {
        Map<String, Buffer> files = new HashMap<>();
        PAGES.forEach((path, name) -> {
            try (InputStream in = PushServer.class.getClassLoader().getResourceAsStream("webroot/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("webroot/" + name + " is missing from the class path");
                }
                files.put(path, Buffer.buffer(in.readAllBytes()));
            } catch (IOException e) {
                throw new IllegalStateException("webroot/" + name + " cannot be read", e);
            }
        });
        return Map.copyOf(files);
    }

    /** The port the servers share (the one chosen when the configured port is 0). */
    public int port() {
        return servers.get(0).actualPort();
    }

    /** How many event loops (one server each) serve the connections. */
    public int eventLoops() {
        return servers.size();
    }

    public int connections() {
        return sessions.size();
    }

    /** The most state frames any one client has waiting now (conflated, newest per topic). */
    public int maxPending() {
        return sessions.stream().mapToInt(Session::pending).max().orElse(0);
    }

    /** The most bytes any one client has handed to its socket and not yet written out. */
    public long maxQueuedBytes() {
        return sessions.stream().mapToLong(Session::queuedBytes).max().orElse(0);
    }

    @Override
    public void close() {
        servers.forEach(HttpServer::close);
        if (events != null) {
            events.close();
        }
    }

}
