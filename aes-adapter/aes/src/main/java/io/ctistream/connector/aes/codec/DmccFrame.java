package io.ctistream.connector.aes.codec;

import java.util.Arrays;

/** One frame read off the wire: its invoke id and XML body (the bytes after the header). */
public record DmccFrame(String invokeId, byte[] body) {
    /** True for an unsolicited event (invoke id {@value DmccFraming#EVENT_INVOKE_ID}). */
    public boolean event() {
        return DmccFraming.EVENT_INVOKE_ID.equals(invokeId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DmccFrame f && f.invokeId.equals(invokeId) && Arrays.equals(f.body, body);
    }

    @Override
    public int hashCode() {
        return invokeId.hashCode() * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "DmccFrame[invokeId=" + invokeId + ", bytes=" + body.length + "]";
    }
}
