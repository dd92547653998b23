package io.ctistream.connector.finesse.xmpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.core.testkit.Vector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Verifies {@link XmppStreamCodec} against the vector files in {@code xmpp-vectors/} (the kit's
 * {@link Vector} format): a description, the expected value (a record as printed, or
 * {@code malformed}) and the frame as it arrives. Frames marked "captured" were recorded from
 * Prosody 0.12.
 */
class XmppStreamCodecVectorsTest {
    static final Path DIR = Path.of("src/test/resources/xmpp-vectors");

    static Stream<Vector> vectors() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<Vector> all = files.filter(p -> p.toString().endsWith(".vector")).sorted().map(Vector::read).toList();
            assertThat(all).hasSizeGreaterThanOrEqualTo(20);
            return all.stream();
        }
    }

    /** Verifies that each vector decodes to what it says, or is refused as malformed. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodesAsTheVectorSays(Vector v) {
        byte[] frame = v.body();
        assertThat(v.expect()).as("one expect: line").hasSize(1);
        if (v.expect().get(0).equals("malformed")) {
            assertThatThrownBy(() -> XmppStreamCodec.decode(frame, 256 * 1024)).isInstanceOf(MalformedBodyException.class);
        } else {
            assertThat(XmppStreamCodec.decode(frame, 256 * 1024)).hasToString(v.expect().get(0));
        }
    }

    /** Verifies that a frame over the limit and one nested deeper than the parser allows are refused. */
    @Test
    void oversizedAndDeepFramesAreRefused() {
        byte[] big = ("<iq type='result' id='x'>" + "y".repeat(2048) + "</iq>").getBytes(StandardCharsets.UTF_8);
        byte[] deep = ("<iq type='result' id='x'>" + "<a>".repeat(200) + "</a>".repeat(200) + "</iq>").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> XmppStreamCodec.decode(big, 1024)).isInstanceOf(MalformedBodyException.class).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> XmppStreamCodec.decode(deep, 256 * 1024)).isInstanceOf(MalformedBodyException.class).hasMessageContaining("nested");
    }
}
