package io.ctistream.connector.broadworks.codec.archfixture;

import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.HttpRequest;

/**
 * FIXTURE for ArchitectureTest: HTTP requests bounded by a timeout that also bounds the wait for a pooled
 * connection, which ADR 036 forbids. Never used by production code.
 */
public final class PoolWaitTimeoutFixture {
    public RequestOptions request() {
        return new RequestOptions().setURI("/").setTimeout(5_000);
    }

    public HttpRequest<?> webRequest(HttpRequest<?> request) {
        return request.timeout(5_000);
    }
}
