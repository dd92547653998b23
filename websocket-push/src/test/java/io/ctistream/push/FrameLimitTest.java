package io.ctistream.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameLimitTest {

    @Test
    void theLimitCountsUtf8BytesNotCharacters() {
        String ascii = "x".repeat(100);
        String accented = "é".repeat(100); // 2 bytes each
        String euro = "€".repeat(100); // 3 bytes each
        String emoji = "😀".repeat(100); // a surrogate pair each: 4 bytes

        for (String text : new String[] {ascii, accented, euro, emoji}) {
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            assertThat(Session.longerThan(text, bytes)).as("%d bytes against %d", bytes, bytes).isFalse();
            assertThat(Session.longerThan(text, bytes - 1)).as("%d bytes against %d", bytes, bytes - 1).isTrue();
        }
        assertThat(Session.longerThan(accented, 150)).isTrue(); // 100 characters, 200 bytes
    }
}
