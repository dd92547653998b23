package io.ctistream.connector.aes.codec;

import java.nio.charset.StandardCharsets;

/**
 * The DMCC frame (protocols/aes.md section 1): an 8-byte header, then the UTF-8 XML body.
 * {@code | 0x0000 | total length incl. header, uint16 BE | invoke id, 4 ASCII digits | XML |}.
 * Requests use ids 0001-9998 and their answers echo them; unsolicited events carry 9999.
 */
public final class DmccFraming {
    public static final int HEADER = 8;
    /** The length field is 16 bits unsigned, so no frame can be longer. */
    public static final int MAX_FRAME = 65535;
    public static final String EVENT_INVOKE_ID = "9999";

    private DmccFraming() {
    }

    /**
     * One frame: header and UTF-8 body.
     *
     * @throws IllegalArgumentException if the id is not 4 ASCII digits or the frame would exceed {@link #MAX_FRAME}
     */
    public static byte[] encode(String invokeId, String xml) {
        if (!validInvokeId(invokeId)) {
            throw new IllegalArgumentException("an invoke id is 4 ASCII digits, got " + (invokeId == null ? "null" : "'" + invokeId + "'"));
        }
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        int total = HEADER + body.length;
        if (total > MAX_FRAME) {
            throw new IllegalArgumentException("a frame of " + total + " bytes exceeds the DMCC limit of " + MAX_FRAME);
        }
        byte[] frame = new byte[total];
        frame[2] = (byte) (total >>> 8);
        frame[3] = (byte) total;
        for (int i = 0; i < 4; i++) {
            frame[4 + i] = (byte) invokeId.charAt(i);
        }
        System.arraycopy(body, 0, frame, HEADER, body.length);
        return frame;
    }

    /** The invoke id text for a number, zero-padded to 4 digits ({@code 1} is {@code "0001"}). */
    public static String invokeId(int n) {
        if (n < 0 || n > 9999) {
            throw new IllegalArgumentException("an invoke id is 0-9999, got " + n);
        }
        return String.format("%04d", n);
    }

    static boolean validInvokeId(String id) {
        if (id == null || id.length() != 4) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
