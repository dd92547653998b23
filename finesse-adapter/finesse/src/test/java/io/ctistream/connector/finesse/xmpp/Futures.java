package io.ctistream.connector.finesse.xmpp;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking waits on Vert.x futures, for the test thread only. */
final class Futures {
    private Futures() {
    }

    /** The value, or the failure's cause rethrown as is (a {@code Failure} stays a {@code Failure}). */
    static <T> T join(Future<T> f) {
        return join(f, 20);
    }

    static <T> T join(Future<T> f, int seconds) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new AssertionError("future not completed within " + seconds + " s", e);
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
