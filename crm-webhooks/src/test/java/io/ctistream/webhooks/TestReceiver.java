package io.ctistream.webhooks;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A CRM endpoint for tests: a real HTTP server on a loopback address that records every delivery
 * attempt and answers as told (a status, after a delay, or 503 for chosen events); it can go down
 * (stop listening) and come back on the same port. Deliveries are de-duplicated by {@code webhook-id},
 * as a receiver should.
 */
final class TestReceiver {
    /** One request received, and what it was answered. */
    record Delivery(Map<String, String> headers, byte[] body, int answered) {
        String id() {
            return headers.get("webhook-id");
        }

        JsonObject event() {
            return new JsonObject(io.vertx.core.buffer.Buffer.buffer(body));
        }

        JsonObject data() {
            return event().getJsonObject("data");
        }

        String type() {
            return event().getString("type");
        }

        String agentId() {
            return event().getString("subject");
        }
    }

    private final Vertx vertx;
    private final String host;
    private final List<Delivery> attempts = new ArrayList<>();
    private final Map<String, Delivery> accepted = new LinkedHashMap<>();
    private int duplicates;
    private HttpServer server;
    private int port;
    volatile int status = 204;
    volatile long delayMillis;
    volatile Predicate<Delivery> failWith503 = d -> false;

    private TestReceiver(Vertx vertx, String host) {
        this.vertx = vertx;
        this.host = host;
    }

    static TestReceiver start(Vertx vertx, String host) throws Exception {
        TestReceiver r = new TestReceiver(vertx, host);
        r.listen(0).await(10, TimeUnit.SECONDS);
        return r;
    }

    private Future<HttpServer> listen(int p) {
        return vertx.createHttpServer().requestHandler(this::handle).listen(p, host).onSuccess(s -> {
            server = s;
            port = s.actualPort();
        });
    }

    String url(String path) {
        return "http://" + host + ":" + port + path;
    }

    int port() {
        return port;
    }

    /** Stops listening: connections are refused. */
    void down() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }

    /** Listens again on the same port. */
    void up() throws Exception {
        listen(port).await(10, TimeUnit.SECONDS);
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            MultiMap h = req.headers();
            h.names().forEach(n -> headers.put(n.toLowerCase(java.util.Locale.ROOT), h.get(n)));
            headers.put(":path", req.uri());
            Delivery probe = new Delivery(headers, body.getBytes(), 0);
            int answer = failWith503.test(probe) ? 503 : status;
            Delivery d = new Delivery(headers, body.getBytes(), answer);
            Runnable respond = () -> {
                synchronized (this) {
                    attempts.add(d);
                    if (answer / 100 == 2) {
                        if (accepted.putIfAbsent(d.headers().get(":path") + " " + d.id(), d) != null) {
                            duplicates++;
                        }
                    }
                }
                req.response().setStatusCode(answer).end();
            };
            long delay = delayMillis;
            if (delay > 0) {
                vertx.setTimer(delay, t -> respond.run());
            } else {
                respond.run();
            }
        });
    }

    /** Every request so far, in arrival order. */
    synchronized List<Delivery> attempts() {
        return List.copyOf(attempts);
    }

    /** Accepted deliveries, first of each webhook-id per path (one path per subscription), in arrival order. */
    synchronized List<Delivery> accepted() {
        return List.copyOf(accepted.values());
    }

    /** Accepted deliveries to one path. */
    synchronized List<Delivery> accepted(String path) {
        return accepted.values().stream().filter(d -> d.headers().get(":path").equals(path)).toList();
    }

    /** Deliveries accepted again (same webhook-id on the same path). */
    synchronized int duplicates() {
        return duplicates;
    }

    synchronized int acceptedCount(String path) {
        return (int) accepted.values().stream().filter(d -> d.headers().get(":path").equals(path)).count();
    }

    /** Per agent, the values of {@code field} in the data of its accepted deliveries, in arrival order. */
    synchronized Map<String, List<String>> perAgent(String path, String field) {
        Map<String, List<String>> out = new HashMap<>();
        for (Delivery d : accepted.values()) {
            if (d.headers().get(":path").equals(path)) {
                out.computeIfAbsent(d.agentId(), k -> new ArrayList<>()).add(d.data().getString(field));
            }
        }
        return out;
    }

    Future<Void> close() {
        return server.close();
    }
}
