package io.ctistream.connector.broadworks.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.connector.core.testkit.Vector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import io.ctistream.connector.core.testkit.Mutations;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verifies that every NOTIFY codec answers any body with a value or a {@code MalformedBodyException},
 * never another exception or an error: a bounded, seeded fuzz over mutations of every decoding vector
 * (bit flips, cuts, repeats, splices, deep nesting). 20,000 mutations in CI (about a second); the long
 * run sets {@code -Dctistream.fuzz.count} and {@code -Dctistream.fuzz.seed} (see benchmarks/README.md).
 */
class CodecFuzzTest {
    static final List<String> DECODED = List.of("hoteling-notify", "feature-notify", "dialog-notify");

    /** Regression for issue #13: ~7,400 nested elements (about 52 KB, under the size limit) overflowed the codec's stack. */
    @ParameterizedTest
    @ValueSource(strings = {"hoteling-notify", "feature-notify", "dialog-notify"})
    void deepNestingIsMalformed(String kind) {
        Vector v = Vector.all().filter(x -> x.kind().equals(kind) && !x.expect().contains("malformed")).findFirst().orElseThrow();
        String body = new String(v.body(), StandardCharsets.ISO_8859_1);
        int close = body.lastIndexOf("</");
        String deep = body.substring(0, close) + "<x>".repeat(7_400) + "</x>".repeat(7_400) + body.substring(close);
        Vector hostile = new Vector(v.file(), v.description(), kind, v.contentType(), v.args(), v.expect(), deep.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(CodecVectorsTest.decode(hostile, hostile.body())).containsExactly("malformed");
    }

    @Test
    void mutatedBodiesAreDecodedOrMalformedNeverACrash() {
        List<Vector> seeds = Vector.all().filter(v -> DECODED.contains(v.kind())).toList();
        assertThat(seeds).hasSizeGreaterThan(10);
        long seed = Long.getLong("ctistream.fuzz.seed", 13);
        List<String> crashes = run(seeds, new Random(seed), Integer.getInteger("ctistream.fuzz.count", 20_000));
        assertThat(crashes).as("bodies a codec crashed on (seed %d)", seed).isEmpty();
    }

    /** Runs {@code count} mutations; returns what crashed (seed vector, mutation, the throwable). Also used by the long run. */
    static List<String> run(List<Vector> seeds, Random random, int count) {
        List<String> crashes = new ArrayList<>();
        for (int i = 0; i < count && crashes.size() < 10; i++) {
            Vector seed = seeds.get(random.nextInt(seeds.size()));
            byte[] body = Mutations.mutate(seed.body(), random);
            try {
                CodecVectorsTest.decode(seed, body);
            } catch (RuntimeException | StackOverflowError e) {
                crashes.add(seed.file() + " #" + i + ": " + e);
            }
        }
        return crashes;
    }
}
