package io.ctistream.simulator.aes;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies DMCC framing (§1) on the wire and against the notes' header vectors. */
@Timeout(60)
class FramingTest {
    private static final String GET_DEVICE = "<GetDeviceId xmlns=\"V\"><switchName>CM1</switchName><extension>5001</extension></GetDeviceId>";

    /** Verifies that TV2's success and TV9 come out with the notes' lengths and headers. */
    @Test
    void headersMatchTheVectors() {
        Buffer tv2 = DmccFrames.frame("0001", DmccXml.startPos("469421A9364D46D6444524AE41BEAD72-0", DmccXml.E + "/priv7", 180));
        assertThat(HexFormat.of().formatHex(tv2.getBytes(0, 8))).isEqualTo("0000019e30303031");
        assertThat(tv2.length()).isEqualTo(406 + 8);
        PeerCall call = new PeerCall("412", "00001004121700000001", "0612345678:CM1::0", "3100:CM1::0", "4001:CM1::0");
        Buffer tv9 = DmccFrames.frame("9999", EventXml.delivered(17, call, "5001:CM1:10.10.10.5:0", "CM1"));
        assertThat(HexFormat.of().formatHex(tv9.getBytes(0, 8))).isEqualTo("0000053539393939");
    }

    /** Verifies that the reader cuts frames from any reads, and reads the length unsigned (a frame over 32 KiB). */
    @Test
    void readerCutsFrames() {
        List<DmccFrames.Frame> got = new ArrayList<>();
        DmccFrames.Reader reader = new DmccFrames.Reader(got::add);
        String big = "<x>" + "a".repeat(40_000) + "</x>";
        byte[] both = concat(DmccTestClient.frame("0001", GET_DEVICE), DmccTestClient.frame("0002", big));
        for (byte b : both) {
            reader.feed(Buffer.buffer(new byte[] {b}));
        }
        assertThat(got).extracting(DmccFrames.Frame::invokeId).containsExactly("0001", "0002");
        assertThat(new String(got.get(1).body(), StandardCharsets.UTF_8)).isEqualTo(big);
    }

    /** Verifies over a socket: a header split across writes, two frames in one write, and a request over 32 KiB. */
    @Test
    void splitJoinedAndLargeFrames() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.client();
            c.startSession(60);
            // split: the header in two writes, then the body
            byte[] one = DmccTestClient.frame("0101", GET_DEVICE);
            c.sendBytes(java.util.Arrays.copyOfRange(one, 0, 3));
            c.sendBytes(java.util.Arrays.copyOfRange(one, 3, 20));
            c.sendBytes(java.util.Arrays.copyOfRange(one, 20, one.length));
            assertThat(c.take(fr -> fr.invokeId().equals("0101")).name()).isEqualTo("GetDeviceIdResponse");
            // joined: two frames in one write
            c.sendBytes(concat(DmccTestClient.frame("0102", GET_DEVICE), DmccTestClient.frame("0103", PeerFixture.GET_AGENT_STATE)));
            assertThat(c.take(fr -> fr.invokeId().equals("0102")).name()).isEqualTo("GetDeviceIdResponse");
            assertThat(c.take(fr -> fr.invokeId().equals("0103")).name()).isEqualTo("GetAgentStateResponse");
            // large: 40 000 bytes of extension, read whole and refused as an unknown device
            c.send("0104", GET_DEVICE.replace("5001", "9".repeat(40_000)));
            assertThat(c.take(fr -> fr.invokeId().equals("0104")).shape()).contains("invalidDeviceID");
            // and the peer writes frames over 32 KiB too
            f.peer.sendRaw(DmccTestClient.frame("9999", "<Big xmlns=\"E\">" + "b".repeat(50_000) + "</Big>"));
            assertThat(c.event("Big").xml()).hasSizeGreaterThan(50_000);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
