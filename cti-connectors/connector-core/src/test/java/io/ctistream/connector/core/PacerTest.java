package io.ctistream.connector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PacerTest {
    private static int permitsOverOneSecond(Pacer pacer) {
        int total = 0;
        for (int tick = 0; tick < 1000 / Pacer.TICK_MILLIS; tick++) {
            total += pacer.permits(true);
        }
        return total;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 50, 300, 700, 999, 2000, 5000})
    void givesTheRateItIsAskedFor(int rate) {
        // 700/s as a timer of 1000/700 = 1 whole millisecond would run at 1,000/s; 2,000/s could not go above 1,000
        assertThat(permitsOverOneSecond(new Pacer(rate))).isBetween(rate - 1, rate);
    }

    @Test
    void spreadsTheRateOverTheSecondRatherThanBurstingAtItsStart() {
        Pacer pacer = new Pacer(300);
        for (int tick = 0; tick < 100; tick++) {
            assertThat(pacer.permits(true)).as("slice %d", tick).isBetween(2, 4);
        }
    }

    @Test
    void aQuietSpellBuildsNoBurst() {
        Pacer pacer = new Pacer(50);
        for (int tick = 0; tick < 500; tick++) {
            assertThat(pacer.permits(false)).isZero();
        }
        // work arrives after five idle seconds: still one start per 20 ms, not 250 at once
        int firstSlices = 0;
        for (int tick = 0; tick < 10; tick++) {
            firstSlices += pacer.permits(true);
        }
        assertThat(firstSlices).isBetween(4, 5);
    }

    @Test
    void refusesARateThatIsNotAboveZero() {
        assertThatThrownBy(() -> new Pacer(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above 0");
        assertThatThrownBy(() -> new Pacer(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
