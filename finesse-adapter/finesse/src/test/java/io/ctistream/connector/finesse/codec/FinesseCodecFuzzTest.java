package io.ctistream.connector.finesse.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.core.testkit.Vector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.ctistream.connector.core.testkit.Mutations;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verifies that every Finesse decoder answers any body with a value or a {@code MalformedBodyException},
 * never another exception or an error, and that the REST error reader never throws at all: a bounded,
 * seeded fuzz over mutations of every decoding vector (bit flips, cuts, repeats, splices, deep
 * nesting), each through every reader it applies to. 6,000 mutations by default (about a second on a
 * shared 2-core machine); {@code -Dctistream.fuzz.count} and {@code -Dctistream.fuzz.seed} run it
 * longer or differently, as for BroadWorks' {@code CodecFuzzTest}.
 */
class FinesseCodecFuzzTest {
    /** Finesse fragments spliced in besides the common markup: escaped markup, the envelope's own elements, a UTF-16 prolog. */
    private static final String[] FINESSE_FRAGMENTS = {"&lt;", "&gt;", "&amp;lt;", "<Update>", "</notification>",
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "\u00e9"};
    private static final int[] STATUSES = {400, 401, 403, 404, 500, 503};

    /** Verifies that thousands of nested elements (under the size limit) are malformed, not a stack overflow, for every reader. */
    @ParameterizedTest
    @ValueSource(strings = {"stanza", "update", "rest-user", "rest-dialogs", "rest-dialog", "rest-systeminfo", "rest-reasoncodes",
        "rest-apierrors"})
    void deepNestingIsMalformed(String kind) {
        // GIVEN a well-formed vector of this kind with 7,400 nested elements before its last closing tag
        Vector v = Vector.all().filter(x -> x.kind().equals(kind) && !x.expect().contains("malformed")
                && new String(x.body(), StandardCharsets.UTF_8).contains("</")).findFirst().orElseThrow();
        String body = new String(v.body(), StandardCharsets.UTF_8);
        int close = body.lastIndexOf("</");
        String deep = body.substring(0, close) + "<x>".repeat(7_400) + "</x>".repeat(7_400) + body.substring(close);
        // WHEN decoded THEN it is refused as malformed
        assertThat(FinesseCodecVectorsTest.decode(v, deep.getBytes(StandardCharsets.UTF_8))).containsExactly("malformed");
    }

    /** Verifies that no mutation of any vector makes a decoder throw anything but MalformedBodyException. */
    @Test
    void mutatedBodiesAreDecodedOrMalformedNeverACrash() {
        List<Vector> seeds = Vector.all().filter(v -> !v.kind().equals("request")).toList();
        assertThat(seeds).hasSizeGreaterThan(40);
        long seed = Long.getLong("ctistream.fuzz.seed", 17);
        List<String> crashes = run(seeds, new Random(seed), Integer.getInteger("ctistream.fuzz.count", 6_000));
        assertThat(crashes).as("bodies a codec crashed on (seed %d)", seed).isEmpty();
    }

    /** Runs {@code count} mutations; returns what crashed (seed vector, mutation number, the throwable). */
    static List<String> run(List<Vector> seeds, Random random, int count) {
        List<String> crashes = new ArrayList<>();
        for (int i = 0; i < count && crashes.size() < 10; i++) {
            Vector seed = seeds.get(random.nextInt(seeds.size()));
            byte[] body = Mutations.mutate(seed.body(), random, FINESSE_FRAGMENTS);
            try {
                FinesseCodecVectorsTest.decode(seed, body);
                // the error reader must answer every body, whatever it holds: it is called on refusals
                FinesseRestCodec.error(STATUSES[random.nextInt(STATUSES.length)], random.nextBoolean() ? null : seed.contentType(), body);
                // the stanza reader on bytes as well as on text
                try {
                    XmppStanzaCodec.decode(body);
                } catch (MalformedBodyException expected) {
                    // refused: what a hostile or broken frame must give
                }
            } catch (RuntimeException | StackOverflowError e) {
                crashes.add(seed.file() + " #" + i + ": " + e);
            }
        }
        return crashes;
    }
}
