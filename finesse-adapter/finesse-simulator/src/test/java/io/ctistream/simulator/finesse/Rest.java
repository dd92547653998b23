package io.ctistream.simulator.finesse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The REST side of a test: java.net.http against one side of the simulator. */
final class Rest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Rest(String base) {
        this.base = base;
    }

    HttpResponse<String> get(String path, String user, String password) {
        return send("GET", path, user, password, null, null);
    }

    HttpResponse<String> put(String path, String user, String password, String body, String requestId) {
        return send("PUT", path, user, password, body, requestId);
    }

    HttpResponse<String> post(String path, String user, String password, String body, String requestId) {
        return send("POST", path, user, password, body, requestId);
    }

    HttpResponse<String> send(String method, String path, String user, String password, String body, String requestId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        if (body != null) {
            b.header("Content-Type", "application/xml");
        }
        if (requestId != null) {
            b.header("requestId", requestId);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
    }
}
