package io.ctistream.connector.aes.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.connector.core.testkit.Mutations;
import io.ctistream.connector.core.testkit.Vector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Verifies that {@link DmccMessages#parse} answers any body with a value or a
 * {@code MalformedBodyException}, never another exception or an error, that {@link DmccErrors}
 * describes whatever error it gives, and that a {@link FrameDecoder} fed the mutated bytes as a
 * stream answers frames or a {@link MalformedFrameException}: a bounded, seeded fuzz over mutations
 * of every message vector. 6,000 mutations by default; {@code -Dctistream.fuzz.count} and
 * {@code -Dctistream.fuzz.seed} run it longer or differently.
 */
class DmccCodecFuzzTest {
    /** DMCC fragments spliced in besides the common markup: prefixes, private data, error codes, a UTF-16 prolog. */
    private static final String[] DMCC_FRAGMENTS = {"ns1:", "xmlns:ns1=\"http://www.avaya.com/csta\"", "<deviceIdentifier>", "<notKnown/>",
        "<extensions><privateData><private>", "<CSTAErrorCode>", "<operation>generic</operation>", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
        "\u00e9", "9999"};

    /** Verifies that no mutation of any vector makes the reader throw anything but MalformedBodyException. */
    @Test
    void mutatedBodiesAreReadOrMalformedNeverACrash() {
        List<Vector> seeds = Vector.all().filter(v -> v.kind().equals("message")).toList();
        assertThat(seeds).hasSizeGreaterThan(40);
        long seed = Long.getLong("ctistream.fuzz.seed", 23);
        Random random = new Random(seed);
        List<String> crashes = new ArrayList<>();
        int count = Integer.getInteger("ctistream.fuzz.count", 6_000);
        for (int i = 0; i < count && crashes.size() < 10; i++) {
            Vector v = seeds.get(random.nextInt(seeds.size()));
            byte[] body = Mutations.mutate(v.body(), random, DMCC_FRAGMENTS);
            try {
                DmccCodecVectorsTest.decode(body);
                FrameDecoder frames = new FrameDecoder(DmccFraming.MAX_FRAME);
                try {
                    frames.feed(body);
                } catch (MalformedFrameException expected) {
                    // refused: what a stream that is not DMCC framing must give
                }
            } catch (RuntimeException | StackOverflowError e) {
                crashes.add(v.file() + " #" + i + ": " + e);
            }
        }
        assertThat(crashes).as("bodies the codec crashed on (seed %d)", seed).isEmpty();
    }

    /** Verifies that thousands of nested elements within the size limit are malformed, not a stack overflow. */
    @Test
    void deepNestingIsMalformed() {
        String body = "<EstablishedEvent xmlns=\"http://www.ecma-international.org/standards/ecma-323/csta/ed3\">" + "<x>".repeat(7_000)
                + "</x>".repeat(7_000) + "</EstablishedEvent>";
        assertThat(DmccCodecVectorsTest.decode(body.getBytes(StandardCharsets.UTF_8))).containsExactly("malformed");
    }
}
