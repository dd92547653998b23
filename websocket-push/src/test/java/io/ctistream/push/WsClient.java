package io.ctistream.push;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A test WebSocket client that records every frame it receives (and what it could not parse). */
final class WsClient {
    /** Kept: Vert.x closes a client's connections once the client object is collected. */
    final WebSocketClient client;
    final WebSocket ws;
    final List<JsonObject> frames = new CopyOnWriteArrayList<>();

    WsClient(Vertx vertx, int port) {
        // a small receive buffer, so that a paused client pushes back on the server quickly
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(8192).setMaxFrameSize(1 << 20)
                .setMaxMessageSize(1 << 24));
        try {
            ws = client.connect(port, "127.0.0.1", "/ws").await(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no connection to the push service within 10 s", e);
        }
        ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    }

    WsClient send(JsonObject frame) {
        ws.writeTextMessage(frame.encode());
        return this;
    }

    WsClient auth(String id, String token) {
        return send(new JsonObject().put("op", "auth").put("id", id).put("token", token));
    }

    /** The newest frame of this type (and, when given, with this field value), waited for. */
    JsonObject await(String type, String key, Object value) {
        try {
            return Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> frames.stream()
                    .filter(f -> type.equals(f.getString("type")) && (key == null || value.equals(f.getValue(key))))
                    .reduce((a, b) -> b).orElse(null), f -> f != null);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no " + type + " frame with " + key + "=" + value + " among the last frames "
                    + frames.subList(Math.max(0, frames.size() - 20), frames.size()) + " (closed=" + ws.isClosed() + ")", e);
        }
    }

    long count(String type) {
        return frames.stream().filter(f -> type.equals(f.getString("type"))).count();
    }

    long count(String type, String key, Object value) {
        return frames.stream().filter(f -> type.equals(f.getString("type")) && value.equals(f.getValue(key))).count();
    }
}
