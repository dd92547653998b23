package io.ctistream.launcher;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The demo's calls to the admin API over HTTP, with an admin token of the demo tenant: what it
 * provisions there (its teams and queues, the demo CRM's subscription) goes the operator's way —
 * validated, audited, written by the admin service (docs/adr/018).
 *
 * @param base  the admin API's base, {@code http://host:port}
 * @param token an admin token of {@link DemoRoster#TENANT}
 */
record AdminClient(String base, String token, HttpClient http) {

    AdminClient(String base, String token) {
        this(base, token, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    /** The URL of a collection of the demo tenant, e.g. {@code teams}. */
    String tenantPath(String collection) {
        return base + "/api/v1/tenants/" + DemoRoster.TENANT + "/" + collection;
    }

    HttpResponse<String> send(String method, String url, JsonObject body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).header("authorization", "Bearer " + token)
                .header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
