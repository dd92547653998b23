package io.ctistream.connector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    /** Verifies that delays double up to the cap and that jitter keeps them within [ceiling/2, ceiling]. */
    @Test
    void exponentialWithFullJitterUpToTheCap() {
        Backoff low = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.0);
        Backoff high = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.999999);
        assertThat(low.delay(0)).isEqualTo(Duration.ofMillis(500));
        assertThat(high.delay(0)).isEqualTo(Duration.ofMillis(999));
        assertThat(low.delay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(high.delay(3)).isEqualTo(Duration.ofMillis(7999));
        assertThat(low.delay(10)).isEqualTo(Duration.ofSeconds(15));
        assertThat(high.delay(60)).isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(low.delay(-1)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> Backoff.of(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.of(Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
