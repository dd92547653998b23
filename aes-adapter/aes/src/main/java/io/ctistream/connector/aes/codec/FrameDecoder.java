package io.ctistream.connector.aes.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a DMCC byte stream into frames (protocols/aes.md section 1). One per connection, fed every
 * chunk as it arrives: a frame may be split across reads and a read may hold several frames. The
 * length is read as <em>unsigned</em> 16 bits (two open-source clients read it signed and break
 * above 32 KiB). Once the stream is found malformed the decoder refuses everything: the frame
 * boundaries are lost and the connection must be closed. Pure and not thread-safe.
 */
public final class FrameDecoder {
    private final int maxFrame;
    private byte[] buf = new byte[1024];
    private int len;
    private String broken;

    /** @param maxFrame the largest total frame accepted (header included), at most {@link DmccFraming#MAX_FRAME} */
    public FrameDecoder(int maxFrame) {
        if (maxFrame < DmccFraming.HEADER + 1 || maxFrame > DmccFraming.MAX_FRAME) {
            throw new IllegalArgumentException("maxFrame must be 9-" + DmccFraming.MAX_FRAME + ", got " + maxFrame);
        }
        this.maxFrame = maxFrame;
    }

    /** The frames this chunk completes, in order; none when it only adds to a partial frame. */
    public List<DmccFrame> feed(byte[] chunk) throws MalformedFrameException {
        if (broken != null) {
            throw new MalformedFrameException("framing was lost earlier (" + broken + "); close the connection");
        }
        append(chunk);
        List<DmccFrame> out = new ArrayList<>(1);
        int at = 0;
        while (len - at >= DmccFraming.HEADER) {
            int total = header(at);
            if (len - at < total) {
                break;
            }
            String id = new String(buf, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            out.add(new DmccFrame(id, Arrays.copyOfRange(buf, at + DmccFraming.HEADER, at + total)));
            at += total;
        }
        compact(at);
        return out;
    }

    /** Bytes held towards the next frame. */
    public int buffered() {
        return len;
    }

    /** Checks the header at {@code at}; returns the frame's total length. */
    private int header(int at) throws MalformedFrameException {
        if (buf[at] != 0 || buf[at + 1] != 0) {
            throw fail("bytes 0-1 are not 0x0000 (read " + hex(at, 2) + ")");
        }
        int total = (buf[at + 2] & 0xff) << 8 | buf[at + 3] & 0xff;
        if (total < DmccFraming.HEADER) {
            throw fail("a frame length of " + total + " is shorter than the header");
        }
        if (total > maxFrame) {
            throw fail("a frame length of " + total + " exceeds the limit of " + maxFrame);
        }
        for (int i = 4; i < 8; i++) {
            byte b = buf[at + i];
            if (b < '0' || b > '9') {
                throw fail("the invoke id is not 4 ASCII digits (read " + hex(at + 4, 4) + ")");
            }
        }
        return total;
    }

    private MalformedFrameException fail(String why) {
        broken = why;
        len = 0;
        buf = new byte[0];
        return new MalformedFrameException(why);
    }

    private String hex(int from, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < from + n; i++) {
            b.append(String.format("%02x", buf[i] & 0xff));
        }
        return b.toString();
    }

    private void append(byte[] chunk) {
        if (len + chunk.length > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + chunk.length));
        }
        System.arraycopy(chunk, 0, buf, len, chunk.length);
        len += chunk.length;
    }

    /** Drops consumed bytes; shrinks back after a large frame so an idle connection holds little. */
    private void compact(int consumed) {
        if (consumed == 0) {
            return;
        }
        int rest = len - consumed;
        if (buf.length > 8192 && rest < 1024) {
            byte[] small = new byte[1024];
            System.arraycopy(buf, consumed, small, 0, rest);
            buf = small;
        } else {
            System.arraycopy(buf, consumed, buf, 0, rest);
        }
        len = rest;
    }
}
