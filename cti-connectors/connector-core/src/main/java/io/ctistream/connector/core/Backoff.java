package io.ctistream.connector.core;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: attempt n waits a random time in
 * [{@code min(max, base * 2^n) / 2}, {@code min(max, base * 2^n)}], so a thousand agents that lose
 * their link together do not come back together.
 */
public record Backoff(Duration base, Duration max, DoubleSupplier random) {
    public Backoff {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max, got base " + base + " max " + max);
        }
    }

    public static Backoff of(Duration base, Duration max) {
        return new Backoff(base, max, Math::random);
    }

    /** The wait before retry number {@code attempt} (0 for the first retry). */
    public Duration delay(int attempt) {
        long cap = max.toMillis();
        long exp = base.toMillis() << Math.min(Math.max(attempt, 0), 30);
        long ceiling = exp <= 0 || exp > cap ? cap : exp;
        long floor = ceiling / 2;
        return Duration.ofMillis(floor + (long) (random.getAsDouble() * (ceiling - floor)));
    }
}
