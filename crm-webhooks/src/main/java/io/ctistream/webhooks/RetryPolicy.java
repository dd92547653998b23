package io.ctistream.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * How long a failing delivery is retried: exponential backoff with full jitter (the delay before
 * attempt n+1 is uniform in [0, min(maxDelay, initialDelay * 2^(n-1))]), for up to {@code period}
 * after the first attempt; the last attempt is made at the end of the period, then the event is
 * dead-lettered. Pure: the caller supplies the clock and the randomness.
 *
 * @param initialDelay the ceiling of the first delay
 * @param maxDelay     no delay is longer
 * @param period       how long after its first attempt an event is still retried
 */
public record RetryPolicy(Duration initialDelay, Duration maxDelay, Duration period) {
    public RetryPolicy {
        if (initialDelay.isNegative() || initialDelay.isZero() || maxDelay.compareTo(initialDelay) < 0 || period.isNegative()) {
            throw new IllegalArgumentException("retry delays must be positive, the maximum at least the initial delay, the period not negative");
        }
    }

    /** The ceiling of the delay after {@code failedAttempts} failures (at least 1). */
    public Duration ceiling(int failedAttempts) {
        int doublings = Math.min(Math.max(failedAttempts, 1) - 1, 40);
        long millis = initialDelay.toMillis();
        for (int i = 0; i < doublings && millis < maxDelay.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }

    /**
     * The delay before the next attempt after {@code failedAttempts} failures, or empty when the
     * period that began at {@code firstAttempt} is over (the event is dead-lettered).
     *
     * @param random uniform in [0, 1)
     */
    public Optional<Duration> next(int failedAttempts, Instant firstAttempt, Instant now, DoubleSupplier random) {
        Instant deadline = firstAttempt.plus(period);
        if (!now.isBefore(deadline)) {
            return Optional.empty();
        }
        long jittered = (long) (random.getAsDouble() * ceiling(failedAttempts).toMillis());
        long left = Duration.between(now, deadline).toMillis();
        return Optional.of(Duration.ofMillis(Math.max(1, Math.min(jittered, left))));
    }
}
