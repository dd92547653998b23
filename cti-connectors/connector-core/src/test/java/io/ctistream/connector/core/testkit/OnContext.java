package io.ctistream.connector.core.testkit;

import io.vertx.core.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs a piece of a test on a Vert.x context (where the code under test keeps its state) and waits for its answer. */
public final class OnContext {
    private OnContext() {
    }

    /** {@code work}'s result, computed on {@code context}; its exception if it threw; fails after 10 s. */
    public static <T> T call(Context context, Supplier<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                f.complete(work.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.orTimeout(10, TimeUnit.SECONDS).join();
    }
}
