package io.ctistream.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Verifies the retry schedule (exponential backoff, full jitter, a period) and how attempt results are classified. */
class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(24));
    private final Instant first = Instant.parse("2026-02-01T00:00:00Z");

    /** Verifies that the ceiling doubles from the initial delay up to the maximum. */
    @Test
    void theCeilingDoublesUpToTheMaximum() {
        assertThat(policy.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.ceiling(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(policy.ceiling(9)).isEqualTo(Duration.ofSeconds(256));
        assertThat(policy.ceiling(10)).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.ceiling(10_000)).isEqualTo(Duration.ofMinutes(5));
    }

    /** Verifies full jitter: anywhere from (almost) nothing to the ceiling, as the random draw says. */
    @Test
    void fullJitterSpansZeroToTheCeiling() {
        assertThat(policy.next(3, first, first, () -> 0.0)).contains(Duration.ofMillis(1));
        assertThat(policy.next(3, first, first, () -> 0.5)).contains(Duration.ofSeconds(2));
        assertThat(policy.next(3, first, first, () -> 0.999_999)).get().satisfies(d -> assertThat(d).isLessThan(Duration.ofSeconds(4))
                .isGreaterThan(Duration.ofMillis(3990)));
    }

    /** Verifies the period: the last attempt lands at its end, after it the event is dead-lettered. */
    @Test
    void thePeriodEndsTheRetries() {
        Instant nearlyOver = first.plus(Duration.ofHours(24)).minusSeconds(10);
        assertThat(policy.next(40, first, nearlyOver, () -> 0.99)).contains(Duration.ofSeconds(10));
        assertThat(policy.next(41, first, first.plus(Duration.ofHours(24)), () -> 0.5)).isEmpty();
        assertThat(new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ZERO).next(1, first, first, () -> 0.5)).isEmpty();
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Verifies the classification: 2xx delivered, 410 gone, every other status and every error retried, each with its label; refusals are permanent. */
    @Test
    void attemptResultsAreClassified() {
        assertThat(DeliveryOutcome.ofStatus(200).kind()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        assertThat(DeliveryOutcome.ofStatus(204).kind()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        assertThat(DeliveryOutcome.ofStatus(410)).isEqualTo(new DeliveryOutcome(DeliveryOutcome.Kind.GONE, "HTTP 410 Gone", "gone"));
        assertThat(DeliveryOutcome.ofStatus(400)).isEqualTo(new DeliveryOutcome(DeliveryOutcome.Kind.RETRY, "HTTP 400", "http_4xx"));
        assertThat(DeliveryOutcome.ofStatus(503)).isEqualTo(new DeliveryOutcome(DeliveryOutcome.Kind.RETRY, "HTTP 503", "http_5xx"));
        assertThat(DeliveryOutcome.ofStatus(302).label()).isEqualTo("http_3xx");
        assertThat(DeliveryOutcome.ofFailure(new java.util.concurrent.TimeoutException("no answer in 10000 ms")).label()).isEqualTo("timeout");
        assertThat(DeliveryOutcome.ofFailure(new RuntimeException(new java.net.ConnectException("Connection refused")))).satisfies(o -> {
            assertThat(o.kind()).isEqualTo(DeliveryOutcome.Kind.RETRY);
            assertThat(o.label()).isEqualTo("connection");
            assertThat(o.reason()).contains("Connection refused");
        });
        assertThat(DeliveryOutcome.ofFailure(new java.net.UnknownHostException("crm.example")).reason()).isEqualTo("unknown host: crm.example");
        // an error never carries the URL's path or query (the client's timeout message names the request URI)
        assertThat(DeliveryOutcome.ofFailure(new RuntimeException("The timeout period of 10000ms has been exceeded while executing POST "
                + "/hooks?token=s3cret for server crm.example:443")).reason()).isEqualTo("timeout: The timeout period of 10000ms has been exceeded");
        assertThat(DeliveryOutcome.ofFailure(new java.io.IOException("reset by https://crm.example/x?token=s3cret")).reason())
                .doesNotContain("s3cret", "crm.example/x");
        assertThat(DeliveryOutcome.refused("refused_target", "a loopback address").kind()).isEqualTo(DeliveryOutcome.Kind.REFUSED);
        assertThat(WebhookMetrics.REASONS).contains("http_3xx", "http_4xx", "http_5xx", "timeout", "connection", "gone", "refused_target",
                "invalid_secret");
    }
}
