package io.ctistream.simulator.aes;

import io.ctistream.simulator.support.Answers;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The peer's single thread: one Vert.x event loop on which every socket read, timer and control call
 * runs, so the switch, sessions and monitors need no locks. Public methods of {@link AesPeer} hop
 * here with {@link #call} and wait a bounded time.
 */
final class PeerLoop {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Vertx vertx;
    private final Context context;
    private final Thread thread;

    PeerLoop(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        CompletableFuture<Thread> t = new CompletableFuture<>();
        context.runOnContext(v -> t.complete(Thread.currentThread()));
        this.thread = t.get(10, TimeUnit.SECONDS);
    }

    Vertx vertx() {
        return vertx;
    }

    Context context() {
        return context;
    }

    boolean onLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs on the loop, soon (never inline). */
    void run(Runnable r) {
        context.runOnContext(v -> r.run());
    }

    /** Runs on the loop after the delay; returns the timer id for {@link #cancel}. */
    long later(long millis, Runnable r) {
        if (!onLoop()) {
            return call(() -> later(millis, r));
        }
        return vertx.setTimer(Math.max(1, millis), id -> r.run());
    }

    long every(long millis, Runnable r) {
        if (!onLoop()) {
            return call(() -> every(millis, r));
        }
        return vertx.setPeriodic(Math.max(1, millis), id -> r.run());
    }

    void cancel(long timer) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Runs the work on the loop and waits for it (inline when already there). */
    <T> T call(Callable<T> work) {
        if (onLoop()) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                f.complete(work.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return Answers.within(f, WAIT, "the aes peer");
    }

    void exec(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }
}
