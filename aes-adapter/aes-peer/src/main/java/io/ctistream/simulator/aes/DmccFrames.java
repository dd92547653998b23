package io.ctistream.simulator.aes;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * DMCC framing as AES speaks it (notes §1): {@code 0x0000}, the total length including the 8-byte
 * header as an <em>unsigned</em> 16-bit big-endian number, the invoke id as four ASCII digits, then
 * the UTF-8 XML. Written here on its own, not borrowed from the connector, so a mistake in one is
 * caught by the other.
 */
final class DmccFrames {
    static final int HEADER = 8;
    static final int MAX_FRAME = 0xFFFF;
    /** Unsolicited events carry this invoke id (§1). */
    static final String EVENT_ID = "9999";
    static final String PROLOG = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    private DmccFrames() {
    }

    /** One received frame: the invoke id and the raw body. */
    record Frame(String invokeId, byte[] body) {
    }

    /** The header could not be read: the stream has lost its framing and the connection must close. */
    static final class FramingLost extends RuntimeException {
        FramingLost(String why) {
            super(why);
        }
    }

    /** A frame with the prolog prepended to {@code xml}, as AES sends (TV2, TV9). */
    static Buffer frame(String invokeId, String xml) {
        byte[] body = (PROLOG + xml).getBytes(StandardCharsets.UTF_8);
        int total = body.length + HEADER;
        if (total > MAX_FRAME) {
            throw new IllegalArgumentException("a frame of " + total + " bytes does not fit the 16-bit length");
        }
        if (invokeId.length() != 4 || !invokeId.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invoke id must be four digits: " + invokeId);
        }
        return Buffer.buffer(total).appendUnsignedShort(0).appendUnsignedShort(total)
                .appendBytes(invokeId.getBytes(StandardCharsets.US_ASCII)).appendBytes(body);
    }

    /**
     * Cuts a byte stream into frames, whatever the reads look like (split headers, several frames
     * in one read). Not thread-safe: one per connection, fed on the loop.
     */
    static final class Reader {
        private final Consumer<Frame> sink;
        private Buffer pending = Buffer.buffer();
        private boolean lost;

        Reader(Consumer<Frame> sink) {
            this.sink = sink;
        }

        /** Feeds a read; throws {@link FramingLost} on a header that cannot be a DMCC header. */
        void feed(Buffer chunk) {
            if (lost) {
                return;
            }
            pending.appendBuffer(chunk);
            List<Frame> complete = new ArrayList<>();
            int at = 0;
            try {
                while (pending.length() - at >= HEADER) {
                    int total = checkedLength(at);
                    if (pending.length() - at < total) {
                        break;
                    }
                    complete.add(new Frame(pending.getString(at + 4, at + 8, "ISO-8859-1"), pending.getBytes(at + HEADER, at + total)));
                    at += total;
                }
            } finally {
                // consumed bytes go before any frame is handed on, so a failing handler cannot see a frame twice
                pending = pending.getBuffer(at, pending.length());
            }
            complete.forEach(sink);
        }

        private int checkedLength(int at) {
            if (pending.getUnsignedShort(at) != 0) {
                lost = true;
                throw new FramingLost("header does not start with 0x0000");
            }
            int total = pending.getUnsignedShort(at + 2);
            if (total < HEADER) {
                lost = true;
                throw new FramingLost("frame length " + total + " is shorter than its header");
            }
            for (int i = at + 4; i < at + 8; i++) {
                byte b = pending.getByte(i);
                if (b < '0' || b > '9') {
                    lost = true;
                    throw new FramingLost("invoke id is not four ASCII digits");
                }
            }
            return total;
        }
    }
}
