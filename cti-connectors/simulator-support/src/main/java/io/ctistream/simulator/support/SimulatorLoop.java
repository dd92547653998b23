package io.ctistream.simulator.support;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A simulator's single thread: one Vert.x event loop on which every socket read, timer and control
 * call runs, so the simulated platform needs no locks. A simulator's public methods hop here with
 * {@link #call} and wait a bounded time. (Vert.x is an optional dependency of this module: only the
 * simulators built on Vert.x use this class.)
 */
public final class SimulatorLoop {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final String name;
    private final Vertx vertx;
    private final Context context;
    private final Thread thread;

    public SimulatorLoop(Vertx vertx, String name) throws Exception {
        this.name = name;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        CompletableFuture<Thread> t = new CompletableFuture<>();
        context.runOnContext(v -> t.complete(Thread.currentThread()));
        this.thread = t.get(10, TimeUnit.SECONDS);
    }

    public Vertx vertx() {
        return vertx;
    }

    public Context context() {
        return context;
    }

    public boolean onLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs on the loop, soon (never inline). */
    public void run(Runnable r) {
        context.runOnContext(v -> r.run());
    }

    /** Runs on the loop after the delay; returns the timer id for {@link #cancel}. */
    public long later(Duration delay, Runnable r) {
        return later(delay.toMillis(), r);
    }

    /** Runs on the loop after the delay in milliseconds; returns the timer id for {@link #cancel}. */
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
        return Answers.within(f, WAIT, name);
    }

    public void exec(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }
}
