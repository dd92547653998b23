package io.ctistream.connector.finesse.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verifies how frames become stanzas under the byte limit. */
class XmppFrameAssemblerTest {
    final List<String> stanzas = new ArrayList<>();
    final List<String> dropped = new ArrayList<>();
    final FrameAssembler.Sink sink = new FrameAssembler.Sink() {
        @Override
        public void stanza(Buffer bytes) {
            stanzas.add(bytes.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void dropped(String why) {
            dropped.add(why);
        }
    };

    /** Verifies that a final text frame is one stanza, and fragments are joined, a multi-byte character split between them included. */
    @Test
    void joinsFragmentsAcrossAMultiByteCharacter() {
        FrameAssembler frames = new FrameAssembler(1024);
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);

        frames.accept(WebSocketFrame.textFrame("<presence/>", true), sink);
        frames.accept(WebSocketFrame.textFrame("<message>", false), sink);
        frames.accept(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] {e[0]}), false), sink);
        frames.accept(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] {e[1]}).appendString("</message>"), true), sink);

        assertThat(stanzas).containsExactly("<presence/>", "<message>é</message>");
        assertThat(dropped).isEmpty();
    }

    /** Verifies that a message over the limit is dropped once, whether it came in one frame or in several, and the next one passes. */
    @Test
    void dropsOversizedMessagesAndCarriesOn() {
        FrameAssembler frames = new FrameAssembler(1024);

        frames.accept(WebSocketFrame.textFrame("x".repeat(2000), true), sink);
        frames.accept(WebSocketFrame.textFrame("y".repeat(600), false), sink);
        frames.accept(WebSocketFrame.continuationFrame(Buffer.buffer("y".repeat(600)), false), sink);
        frames.accept(WebSocketFrame.continuationFrame(Buffer.buffer("y".repeat(600)), true), sink);
        frames.accept(WebSocketFrame.textFrame("<ok/>", true), sink);

        assertThat(dropped).containsExactly("stanza over 1024 bytes (2000 bytes dropped)", "stanza over 1024 bytes (1800 bytes dropped)");
        assertThat(stanzas).containsExactly("<ok/>");
    }

    /** Verifies that binary messages and stray continuations are dropped, pings and pongs ignored. */
    @Test
    void dropsBinaryAndStrayContinuations() {
        FrameAssembler frames = new FrameAssembler(1024);

        frames.accept(WebSocketFrame.binaryFrame(Buffer.buffer("<message/>"), true), sink);
        frames.accept(WebSocketFrame.continuationFrame(Buffer.buffer("<x/>"), true), sink);
        frames.accept(WebSocketFrame.pingFrame(Buffer.buffer("p")), sink);
        frames.accept(WebSocketFrame.pongFrame(Buffer.buffer("p")), sink);

        assertThat(dropped).containsExactly("binary websocket message (10 bytes dropped)", "continuation frame without a message");
        assertThat(stanzas).isEmpty();
    }
}
