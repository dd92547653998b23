package io.ctistream.simulator.finesse;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The simulator's single thread: a Vert.x instance with one event loop, on which every HTTP request,
 * WebSocket frame, timer and control call runs, so the state needs no locks.
 */
public final class Loop {
    private final Vertx vertx;
    private final Context context;
    private final Thread thread;

    Loop(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        CompletableFuture<Thread> t = new CompletableFuture<>();
        context.runOnContext(v -> t.complete(Thread.currentThread()));
        this.thread = t.get(10, TimeUnit.SECONDS);
    }

    public Vertx vertx() {
        return vertx;
    }

    public boolean onLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs on the loop, soon (never inline). */
    public void run(Runnable r) {
        context.runOnContext(v -> r.run());
    }

    /** Runs on the loop after the delay; returns the timer id. */
    public long later(Duration delay, Runnable r) {
        return later(delay.toMillis(), r);
    }

    public long later(long millis, Runnable r) {
        if (!onLoop()) {
            return call(() -> later(millis, r));
        }
        return vertx.setTimer(Math.max(1, millis), id -> r.run());
    }

    public long every(long millis, Runnable r) {
        if (!onLoop()) {
            return call(() -> every(millis, r));
        }
        return vertx.setPeriodic(Math.max(1, millis), id -> r.run());
    }

    public void cancel(long timer) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Runs the work on the loop and waits for it (inline when already there). */
    public <T> T call(Callable<T> work) {
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
        return io.ctistream.simulator.support.Answers.within(f, java.time.Duration.ofSeconds(10), "the finesse simulator");
    }

    public void exec(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }
}
