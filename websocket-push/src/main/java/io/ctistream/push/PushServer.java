package io.ctistream.push;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pusher's HTTP server: the WebSocket API on {@code /ws} (DESIGN.md section 5) over a
 * {@link StateView}, and liveness/readiness. Stateless: run as many behind a load balancer as needed.
 */
public final class PushServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushServer.class);

    private final Vertx vertx;
    private final HttpServer server;
    private final Set<Session> sessions;

    private PushServer(Vertx vertx, HttpServer server, Set<Session> sessions) {
        this.vertx = vertx;
        this.server = server;
        this.sessions = sessions;
    }

    public static Future<PushServer> start(Vertx vertx, PushConfig config, StateView view, CommandRelay commands) {
        Jwt jwt = new Jwt(config.jwtSecret(), 30);
        Set<Session> sessions = ConcurrentHashMap.newKeySet();
        view.listen(entry -> sessions.forEach(s -> s.changed(entry)));
        // Vert.x's own limits sit well above ours, so an oversized frame gets our error frame instead of a closed socket
        // a small kernel send buffer: a slow client's backlog stays in our conflating queue (newest value per
        // topic) instead of megabytes of stale frames in the socket
        HttpServerOptions options = new HttpServerOptions().setMaxWebSocketFrameSize(4 * config.maxFrameBytes())
                .setMaxWebSocketMessageSize(4 * config.maxFrameBytes()).setSendBufferSize(Math.max(8192, config.writeQueueBytes()))
                // a client too slow to read our close frame is cut off this many seconds later
                .setWebSocketClosingTimeout(5);
        HttpServer server = vertx.createHttpServer(options);
        server.requestHandler(req -> {
            switch (req.path()) {
                case "/ws" -> {
                    // upgraded here rather than in a webSocketHandler: the session keeps the connection,
                    // to cut off a client too slow even to read our close frame
                    io.vertx.core.http.HttpConnection connection = req.connection();
                    req.toWebSocket().onSuccess(ws -> {
                        Session s = new Session(ws, connection, vertx.getOrCreateContext(), vertx, config, jwt, view, commands,
                                Clock.systemUTC());
                        sessions.add(s);
                        s.start();
                        ws.closeHandler(v -> {
                            sessions.remove(s);
                            s.stop();
                        });
                    }).onFailure(e -> LOG.debug("websocket upgrade failed: {}", e.toString()));
                }
                case "/health/live" -> req.response().putHeader("content-type", "application/json")
                        .end(new JsonObject().put("status", "UP").encode());
                case "/health/ready" -> {
                    boolean ready = view.loaded().isDone() && !view.loaded().isCompletedExceptionally();
                    req.response().setStatusCode(ready ? 200 : 503).putHeader("content-type", "application/json")
                            .end(new JsonObject().put("status", ready ? "UP" : "DOWN").put("failed", ready ? null : "state-view").encode());
                }
                default -> req.response().setStatusCode(404).end();
            }
        });
        return server.listen(config.port(), config.host()).map(s -> {
            LOG.info("push service listening [ws://{}:{}/ws]", config.host(), s.actualPort());
            return new PushServer(vertx, s, sessions);
        });
    }

    public int port() {
        return server.actualPort();
    }

    public int connections() {
        return sessions.size();
    }

    /** The most state frames any one client has waiting now (conflated, newest per topic). */
    public int maxPending() {
        return sessions.stream().mapToInt(Session::pending).max().orElse(0);
    }

    @Override
    public void close() {
        server.close();
    }
}
