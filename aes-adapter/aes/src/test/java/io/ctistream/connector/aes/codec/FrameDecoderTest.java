package io.ctistream.connector.aes.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Verifies DMCC framing (protocols/aes.md section 1 and the simulator framing cases of section 12):
 * encoding, a frame split across reads at every point, several frames in one read, lengths above
 * 32 KiB read as unsigned, and every header error refused for good.
 */
class FrameDecoderTest {
    private static final String A = "<MonitorStartResponse xmlns=\"http://www.ecma-international.org/standards/ecma-323/csta/ed3\">"
            + "<monitorCrossRefID>17</monitorCrossRefID></MonitorStartResponse>";
    private static final String B = "<AgentReadyEvent xmlns=\"http://www.ecma-international.org/standards/ecma-323/csta/ed3\"><agentID>7001 \u00e9</agentID></AgentReadyEvent>";

    /** Verifies that two frames are read whatever single point the stream is split at. */
    @Test
    void twoFramesSplitAtEveryPoint() throws Exception {
        // GIVEN two frames back to back
        byte[] stream = concat(DmccFraming.encode("0001", A), DmccFraming.encode("9999", B));
        for (int cut = 0; cut <= stream.length; cut++) {
            FrameDecoder d = new FrameDecoder(DmccFraming.MAX_FRAME);
            // WHEN they arrive in two reads split at this point
            List<DmccFrame> frames = new ArrayList<>(d.feed(Arrays.copyOfRange(stream, 0, cut)));
            frames.addAll(d.feed(Arrays.copyOfRange(stream, cut, stream.length)));
            // THEN both are read, whole and in order, and nothing is left over
            assertThat(frames).as("split at %d", cut).containsExactly(frame("0001", A), frame("9999", B));
            assertThat(d.buffered()).isZero();
        }
    }

    /** Verifies that a stream fed one byte at a time gives the same frames. */
    @Test
    void oneByteAtATime() throws Exception {
        byte[] stream = concat(DmccFraming.encode("0002", A), DmccFraming.encode("0003", B));
        FrameDecoder d = new FrameDecoder(DmccFraming.MAX_FRAME);
        List<DmccFrame> frames = new ArrayList<>();
        for (byte b : stream) {
            frames.addAll(d.feed(new byte[] {b}));
        }
        assertThat(frames).extracting(DmccFrame::invokeId).containsExactly("0002", "0003");
        assertThat(frames.get(1).event()).isFalse();
    }

    /** Verifies that two frames in one read are both returned, and that an event is recognised by its invoke id. */
    @Test
    void twoFramesInOneRead() throws Exception {
        List<DmccFrame> frames = new FrameDecoder(DmccFraming.MAX_FRAME).feed(concat(DmccFraming.encode("0001", A), DmccFraming.encode("9999", B)));
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).event()).isFalse();
        assertThat(frames.get(1).event()).isTrue();
        assertThat(new String(frames.get(1).body(), StandardCharsets.UTF_8)).isEqualTo(B);
    }

    /** Verifies that a frame above 32 KiB (the length's top bit set) is read: the length is unsigned. */
    @Test
    void frameAbove32KibIsRead() throws Exception {
        String big = "<DeliveredEvent><cause>" + "x".repeat(40_000) + "</cause></DeliveredEvent>";
        byte[] frame = DmccFraming.encode("9999", big);
        assertThat(frame[2] & 0x80).as("the length's top bit").isNotZero();
        assertThat(new FrameDecoder(DmccFraming.MAX_FRAME).feed(frame)).containsExactly(frame("9999", big));
    }

    /** Verifies the header hex of TV1 and that the encoder refuses bad ids and oversized bodies. */
    @Test
    void encoderChecksItsInput() {
        byte[] f = DmccFraming.encode("0001", "<a/>");
        assertThat(Arrays.copyOf(f, 8)).containsExactly(0, 0, 0, 12, '0', '0', '0', '1');
        assertThatThrownBy(() -> DmccFraming.encode("1", "<a/>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DmccFraming.encode("00a1", "<a/>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DmccFraming.encode(null, "<a/>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DmccFraming.encode("0001", "x".repeat(DmccFraming.MAX_FRAME - 7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds");
        assertThat(DmccFraming.encode("0001", "x".repeat(DmccFraming.MAX_FRAME - 8))).hasSize(DmccFraming.MAX_FRAME);
    }

    /** Verifies the invoke id helper: zero-padded, 0-9999 only. */
    @Test
    void invokeIdHelper() {
        assertThat(DmccFraming.invokeId(1)).isEqualTo("0001");
        assertThat(DmccFraming.invokeId(9998)).isEqualTo("9998");
        assertThat(DmccFraming.invokeId(9999)).isEqualTo(DmccFraming.EVENT_INVOKE_ID);
        assertThatThrownBy(() -> DmccFraming.invokeId(10_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DmccFraming.invokeId(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Verifies that bytes 0-1 other than 0x0000 are refused, and that the decoder then refuses everything. */
    @Test
    void badFirstBytesLoseTheFraming() throws Exception {
        FrameDecoder d = new FrameDecoder(DmccFraming.MAX_FRAME);
        byte[] bad = DmccFraming.encode("0001", A);
        bad[1] = 1;
        assertThatThrownBy(() -> d.feed(bad)).isInstanceOf(MalformedFrameException.class).hasMessageContaining("0x0000");
        // a good frame afterwards is refused too: the boundaries are lost
        assertThatThrownBy(() -> d.feed(DmccFraming.encode("0002", A))).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("close the connection");
    }

    /** Verifies that an HTTP answer (a client pointed at a web port) is refused without echoing it beyond a short hex prefix. */
    @Test
    void httpIsRefused() {
        byte[] http = "HTTP/1.1 400 Bad Request\r\nSet-Cookie: secret=1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> new FrameDecoder(DmccFraming.MAX_FRAME).feed(http)).isInstanceOf(MalformedFrameException.class)
                .message().doesNotContain("secret").hasSizeLessThan(80);
    }

    /** Verifies that a length shorter than the header is refused. */
    @Test
    void lengthBelowEightIsRefused() {
        byte[] frame = {0, 0, 0, 7, '0', '0', '0', '1'};
        assertThatThrownBy(() -> new FrameDecoder(DmccFraming.MAX_FRAME).feed(frame)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("shorter than the header");
    }

    /** Verifies that a length above the configured limit is refused before the body arrives. */
    @Test
    void lengthAboveTheLimitIsRefused() {
        byte[] header = {0, 0, (byte) 0x40, 0, '0', '0', '0', '1'};
        assertThatThrownBy(() -> new FrameDecoder(8192).feed(header)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("exceeds the limit of 8192");
    }

    /** Verifies that an invoke id that is not 4 ASCII digits is refused. */
    @Test
    void nonDigitInvokeIdIsRefused() {
        byte[] frame = DmccFraming.encode("0001", A);
        frame[6] = 'x';
        assertThatThrownBy(() -> new FrameDecoder(DmccFraming.MAX_FRAME).feed(frame)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("invoke id");
    }

    /** Verifies that a frame with no body (length 8) is a frame with an empty body, left for the body reader to refuse. */
    @Test
    void headerOnlyFrame() throws Exception {
        assertThat(new FrameDecoder(DmccFraming.MAX_FRAME).feed(new byte[] {0, 0, 0, 8, '0', '0', '0', '5'})).containsExactly(new DmccFrame("0005", new byte[0]));
    }

    private static DmccFrame frame(String id, String xml) {
        return new DmccFrame(id, xml.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
