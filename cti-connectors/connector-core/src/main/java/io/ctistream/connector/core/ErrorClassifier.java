package io.ctistream.connector.core;

/**
 * A platform's rule from its own error (a SIP status, an HTTP status with its body, a CSTA error
 * code) to a classified {@link Failure}: retriable ones are retried with {@link Backoff}, permanent
 * ones raise an alarm and are not retried (STYLE.md: classify errors, one test per class).
 *
 * @param <E> the platform's error
 */
@FunctionalInterface
public interface ErrorClassifier<E> {
    Failure classify(E error);
}
