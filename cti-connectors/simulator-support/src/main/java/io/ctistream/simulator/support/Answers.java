package io.ctistream.simulator.support;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a simulator's public methods wait for the work they hopped onto the simulator's own thread:
 * the answer within a bound, a runtime failure thrown as it was, anything else wrapped.
 */
public final class Answers {
    private Answers() {
    }

    /** The work's result, waiting at most {@code within}; {@code who} names the simulator in the timeout's message. */
    public static <T> T within(Future<T> work, Duration within, String who) {
        try {
            return work.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(who + " did not answer in " + within.toSeconds() + " s", e);
        }
    }
}
