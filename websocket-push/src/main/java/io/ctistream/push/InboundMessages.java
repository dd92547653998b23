package io.ctistream.push;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Assembles a client's messages from its frames, instead of Vert.x's text-message handler: that one
 * drops a message assembled beyond its maximum without a word (no close, nothing logged) and turns
 * invalid UTF-8 into replacement characters (issue #19). Here a message beyond {@code maxBytes}
 * closes the connection with 1009 and invalid UTF-8 with 1007, as RFC 6455 asks. A single frame
 * beyond the limit never gets here: Netty's decoder closes with 1009 first.
 */
final class InboundMessages implements Handler<WebSocketFrame> {
    /** Where assembled messages go (on the connection's context). */
    interface Sink {
        void text(String text);

        void binary();

        /** The client broke the protocol: close with this code. */
        void refuse(CloseCode code, String detail);
    }

    private final int maxBytes;
    private final Sink sink;
    private Buffer pending;
    private boolean pendingText;
    private boolean refused;

    InboundMessages(int maxBytes, Sink sink) {
        this.maxBytes = maxBytes;
        this.sink = sink;
    }

    @Override
    public void handle(WebSocketFrame frame) {
        if (refused) {
            return; // the rest of a message already refused, until the close completes
        }
        switch (frame.type()) {
            case TEXT, BINARY -> {
                pending = Buffer.buffer();
                pendingText = frame.type() == io.vertx.core.http.WebSocketFrameType.TEXT;
                append(frame);
            }
            case CONTINUATION -> {
                if (pending != null) {
                    append(frame);
                }
            }
            default -> {
                // ping, pong and close are answered by Vert.x itself
            }
        }
    }

    private void append(WebSocketFrame frame) {
        Buffer data = frame.binaryData();
        if ((long) pending.length() + data.length() > maxBytes) {
            refused = true;
            pending = null;
            sink.refuse(CloseCode.MESSAGE_TOO_BIG, "a message too large (beyond " + maxBytes + " bytes)");
            return;
        }
        pending.appendBuffer(data);
        if (!frame.isFinal()) {
            return;
        }
        Buffer message = pending;
        pending = null;
        if (!pendingText) {
            sink.binary();
            return;
        }
        String text = utf8(message);
        if (text == null) {
            refused = true;
            sink.refuse(CloseCode.INVALID_PAYLOAD, "a text message that is not UTF-8");
        } else {
            sink.text(text);
        }
    }

    /** The text, or null when the bytes are not UTF-8. */
    static String utf8(Buffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.getBytes())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
