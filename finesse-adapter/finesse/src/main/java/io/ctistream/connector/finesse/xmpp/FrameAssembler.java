package io.ctistream.connector.finesse.xmpp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;

/**
 * Joins WebSocket frames into stanzas (RFC 7395: one stanza per message, usually one frame) under
 * a byte limit. A message over the limit is read to its end and dropped without being kept, so a
 * hostile or runaway stanza costs nothing but the frame Vert.x already decoded. Binary messages
 * are not XMPP over WebSocket and are dropped the same way.
 */
final class FrameAssembler {
    /** What a frame produced. */
    interface Sink {
        void stanza(Buffer bytes);

        void dropped(String why);
    }

    private final int maxBytes;
    private Buffer partial;
    private boolean inMessage;
    private boolean discarding;
    private String discardWhy;
    private long discardedBytes;

    FrameAssembler(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    void accept(WebSocketFrame frame, Sink sink) {
        WebSocketFrameType type = frame.type();
        if (type != WebSocketFrameType.TEXT && type != WebSocketFrameType.BINARY && type != WebSocketFrameType.CONTINUATION) {
            return; // close, ping and pong are Vert.x's business
        }
        if (!frame.isContinuation()) {
            // a new message; an unfinished one before it cannot be completed any more
            partial = null;
            discarding = frame.isBinary();
            discardWhy = discarding ? "binary websocket message" : null;
            discardedBytes = 0;
            inMessage = true;
        } else if (!inMessage) {
            sink.dropped("continuation frame without a message");
            return;
        }
        Buffer data = frame.binaryData();
        if (!discarding) {
            long size = (partial == null ? 0 : partial.length()) + (long) data.length();
            if (size > maxBytes) {
                discarding = true;
                discardWhy = "stanza over " + maxBytes + " bytes";
                discardedBytes = partial == null ? 0 : partial.length();
                partial = null;
            } else if (frame.isFinal() && partial == null) {
                inMessage = false;
                sink.stanza(data);
                return;
            } else {
                if (partial == null) {
                    partial = Buffer.buffer(Math.min(maxBytes, data.length() * 2));
                }
                partial.appendBuffer(data);
            }
        }
        if (discarding) {
            discardedBytes += data.length();
        }
        if (frame.isFinal()) {
            inMessage = false;
            if (discarding) {
                discarding = false;
                sink.dropped(discardWhy + " (" + discardedBytes + " bytes dropped)");
            } else {
                Buffer whole = partial;
                partial = null;
                sink.stanza(whole);
            }
        }
    }
}
