package io.ctistream.connector.finesse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Verifies the REST client over real HTTP when more requests are in flight than the pool has
 * connections: every one is answered, and none leaves an unhandled error behind (ADR 036: Vert.x
 * 5.1.1 completes a queued request's pool wait twice when the request has a connect timeout).
 */
class FinesseRestTest {
    private static final int POOL = 50; // FinesseRest's pool
    private Vertx vertx;
    private final Queue<Throwable> unhandled = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        vertx.exceptionHandler(unhandled::add);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void requestsQueuedForAConnectionLeaveNoUnhandledErrorBehind() throws Exception {
        // a node that answers each request after 200 ms, so that requests beyond the pool wait for a connection
        HttpServer server = vertx.createHttpServer()
                .requestHandler(req -> vertx.setTimer(200, t -> req.response().putHeader("Content-Type", "application/xml")
                        .end("<SystemInfo><status>IN_SERVICE</status></SystemInfo>")))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        URI node = URI.create("http://127.0.0.1:" + server.actualPort());
        Duration timeout = Duration.ofMillis(1_500);
        FinesseConfig config = FinesseConfig.defaults(List.of(node)).withTimeouts(timeout, Duration.ofSeconds(10));

        try (FinesseRest rest = new FinesseRest(vertx, config)) {
            List<Future<FinesseRest.Response>> answers = new ArrayList<>();
            vertx.runOnContext(v -> {
                for (int i = 0; i < POOL + 3; i++) {
                    answers.add(rest.get(node, "/finesse/api/SystemInfo", new FinesseCredentials.Secret("5100", "pw")));
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() == POOL + 3 && answers.stream().allMatch(Future::isComplete));
            assertThat(answers).allSatisfy(a -> assertThat(a.result().status()).isEqualTo(200));

            // the pool-wait timers of the three queued requests were armed for 1.5 s: nothing may fire after they were served
            await().during(timeout.plusMillis(500)).atMost(timeout.plusSeconds(2)).until(unhandled::isEmpty);
        }
    }
}
