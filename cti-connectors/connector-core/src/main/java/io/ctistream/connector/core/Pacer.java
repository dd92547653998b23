package io.ctistream.connector.core;

import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/**
 * At most {@code ratePerSecond} starts a second, in 10 ms slices: what keeps a connector's start or
 * takeover from storming its platform with sign-ins, subscriptions or monitors. The rate holds for
 * any value (a period of {@code 1000 / rate} whole milliseconds would not: 700/s would run at 1,000/s),
 * and credit does not build up while nothing waits, so work that arrives after a quiet spell is
 * paced like the rest rather than let through in one burst.
 */
public final class Pacer {
    /** The slice, in milliseconds. */
    public static final long TICK_MILLIS = 10;

    private final double perTick;
    private double credit;

    public Pacer(double ratePerSecond) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("a pace needs a rate above 0 per second, got " + ratePerSecond);
        }
        this.perTick = ratePerSecond * TICK_MILLIS / 1000.0;
    }

    /** How many may start in this slice; {@code waiting} says whether anything waits to. */
    public int permits(boolean waiting) {
        if (!waiting) {
            credit = 0;
            return 0;
        }
        credit = Math.min(credit + perTick, perTick + 1); // what is left is always below 1: the cap only bounds a late slice
        int n = (int) credit;
        credit -= n;
        return n;
    }

    /**
     * Runs {@code next} at this pace on {@code vertx}'s timer while {@code waiting} holds (checked
     * before each run); returns the timer's id, to cancel it.
     */
    public long start(Vertx vertx, BooleanSupplier waiting, Runnable next) {
        return vertx.setPeriodic(TICK_MILLIS, id -> {
            int n = permits(waiting.getAsBoolean());
            for (int i = 0; i < n && waiting.getAsBoolean(); i++) {
                next.run();
            }
        });
    }
}
