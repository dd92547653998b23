package io.ctistream.connector.finesse;

import io.ctistream.connector.core.TrustStores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.TrustOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Finesse's REST API as the connector uses it: one pooled, non-blocking HTTP client for all agents,
 * HTTP Basic per request with the agent's own credentials, {@code application/xml} bodies, the
 * optional {@code requestId} header. It returns what the node answered; what a status means is
 * {@link FinesseErrors}' business.
 */
final class FinesseRest implements AutoCloseable {
    /** What a node answered. */
    record Response(int status, String contentType, String requestId, byte[] body) {
        boolean accepted() {
            return status == 200 || status == 202;
        }
    }

    private final HttpClientAgent client;
    private final Duration timeout;

    FinesseRest(Vertx vertx, FinesseConfig config) {
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000)
                .setVerifyHost(config.tls().verifyHostname());
        TrustOptions trust = trust(config.tls());
        if (trust != null) {
            options.setTrustOptions(trust);
        }
        this.client = vertx.createHttpClient(options, new io.vertx.core.http.PoolOptions().setHttp1MaxSize(50));
        this.timeout = config.commandTimeout();
    }

    static TrustOptions trust(FinesseConfig.Tls tls) {
        return TrustStores.of(tls.trustStore(), tls.trustStorePassword());
    }

    Future<Response> get(URI node, String path, FinesseCredentials.Secret auth) {
        return send(HttpMethod.GET, node, path, null, auth, null);
    }

    Future<Response> put(URI node, String path, String xml, FinesseCredentials.Secret auth, String requestId) {
        return send(HttpMethod.PUT, node, path, xml, auth, requestId);
    }

    Future<Response> post(URI node, String path, String xml, FinesseCredentials.Secret auth, String requestId) {
        return send(HttpMethod.POST, node, path, xml, auth, requestId);
    }

    private Future<Response> send(HttpMethod method, URI node, String path, String xml, FinesseCredentials.Secret auth, String requestId) {
        boolean tls = node.getScheme().equals("https");
        RequestOptions req = new RequestOptions().setMethod(method).setHost(node.getHost())
                .setPort(node.getPort() > 0 ? node.getPort() : (tls ? 443 : 80)).setSsl(tls).setURI(path)
                .setIdleTimeout(timeout.toMillis()).putHeader(HttpHeaders.ACCEPT, "application/xml"); // never setTimeout: ADR 036
        if (auth != null) {
            String basic = auth.loginId() + ":" + auth.password();
            req.putHeader(HttpHeaders.AUTHORIZATION, "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        if (requestId != null) {
            req.putHeader("requestId", requestId);
        }
        if (xml != null) {
            req.putHeader(HttpHeaders.CONTENT_TYPE, "application/xml");
        }
        // The body is asked for inside the callback that sends: chained after it instead, a caller off
        // any Vert.x thread (discovery, a CLI) that is descheduled for a millisecond attaches the
        // body handler after the answer has ended, and reads an empty body.
        return client.request(req).compose(r -> (xml == null ? r.send() : r.send(Buffer.buffer(xml, "UTF-8")))
                .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.getHeader(HttpHeaders.CONTENT_TYPE),
                        resp.getHeader("requestId"), b.getBytes()))));
    }

    @Override
    public void close() {
        client.close();
    }
}
