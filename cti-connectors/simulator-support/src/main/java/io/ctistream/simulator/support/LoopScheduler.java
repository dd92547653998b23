package io.ctistream.simulator.support;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SimulatorLoop} seen as a {@link ScheduledExecutorService}, so the shared
 * {@link CallCenterDay} runs on the same thread as the simulator's sockets and its floor can touch
 * agents directly. Only what the day uses is needed; the rest is implemented plainly on Vert.x timers.
 */
public final class LoopScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private static final Logger LOG = LoggerFactory.getLogger(LoopScheduler.class);
    private final SimulatorLoop loop;
    private volatile boolean shutdown;

    public LoopScheduler(SimulatorLoop loop) {
        this.loop = loop;
    }

    @Override
    public void execute(Runnable command) {
        loop.run(command);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return schedule(() -> {
            command.run();
            return null;
        }, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Timer<V> t = new Timer<>(unit.toMillis(delay));
        t.id = loop.later(unit.toMillis(delay), () -> {
            try {
                t.result.complete(callable.call());
            } catch (Exception e) {
                LOG.warn("simulator: scheduled work failed", e); // nobody reads the future: say it here
                t.result.completeExceptionally(e);
            }
        });
        return t;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        Timer<Object> t = new Timer<>(unit.toMillis(initialDelay));
        t.id = loop.every(unit.toMillis(period), command);
        return t;
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return scheduleAtFixedRate(command, initialDelay, delay, unit); // the loop runs nothing else concurrently
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    /** A Vert.x timer as a {@link ScheduledFuture}. */
    private final class Timer<V> implements ScheduledFuture<V> {
        final CompletableFuture<V> result = new CompletableFuture<>();
        final long due;
        long id = -1;

        Timer(long delayMillis) {
            this.due = System.currentTimeMillis() + delayMillis;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), o.getDelay(TimeUnit.MILLISECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            loop.cancel(id);
            return result.cancel(false);
        }

        @Override
        public boolean isCancelled() {
            return result.isCancelled();
        }

        @Override
        public boolean isDone() {
            return result.isDone();
        }

        @Override
        public V get() throws InterruptedException, ExecutionException {
            return result.get();
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            return result.get(timeout, unit);
        }
    }
}
