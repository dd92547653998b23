package io.ctistream.connector.aes.dmcc;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking waits on Vert.x futures, for the test thread only. */
final class Futures {
    private Futures() {
    }

    /** The value, or the failure rethrown as is (a {@code Failure} stays a {@code Failure}). */
    static <T> T join(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new AssertionError("future not completed within 20 s", e);
        }
    }

    /** The failure a future ended with. */
    static Throwable failure(Future<?> f) {
        try {
            join(f);
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected a failure, the future succeeded");
    }
}
