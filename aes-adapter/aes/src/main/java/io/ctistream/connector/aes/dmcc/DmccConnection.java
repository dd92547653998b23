package io.ctistream.connector.aes.dmcc;

import io.ctistream.connector.aes.codec.DmccFrame;
import io.ctistream.connector.aes.codec.DmccFraming;
import io.ctistream.connector.aes.codec.FrameDecoder;
import io.ctistream.connector.aes.codec.MalformedFrameException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP/TLS connection to AES: socket bytes through a {@link FrameDecoder}, whole frames and the
 * end of the connection reported to the owner. Bodies are never logged: requests carry the CTI
 * and agent passwords.
 */
final class DmccConnection {
    private static final Logger LOG = LoggerFactory.getLogger(DmccSession.class);

    /** What the connection reports, on the socket's context. */
    interface Owner {
        void frame(DmccConnection from, DmccFrame frame);

        /** The connection ended (closed by either side, or broken framing); reported once. */
        void closed(DmccConnection from, String reason);
    }

    private final NetSocket socket;
    private final Owner owner;
    private final String peer;
    private final FrameDecoder decoder;
    private boolean closed;

    DmccConnection(NetSocket socket, Owner owner, String peer, int maxFrame) {
        this.socket = socket;
        this.owner = owner;
        this.peer = peer;
        this.decoder = new FrameDecoder(maxFrame);
        socket.handler(this::read);
        socket.closeHandler(v -> end("connection closed by " + peer));
        socket.exceptionHandler(e -> LOG.debug("dmcc socket error [peer={}, error={}]", peer, e.toString()));
    }

    String peer() {
        return peer;
    }

    /** Writes one request or answer; the XML is not logged. */
    void write(String invokeId, String xml) {
        if (!closed) {
            byte[] frame = DmccFraming.encode(invokeId, xml);
            LOG.trace("dmcc out [peer={}, invokeId={}, bytes={}]", peer, invokeId, frame.length);
            socket.write(Buffer.buffer(frame));
        }
    }

    /** Closes the socket without reporting it to the owner (the owner already knows). */
    void close() {
        closed = true;
        socket.close();
    }

    private void read(Buffer chunk) {
        if (closed) {
            return;
        }
        List<DmccFrame> frames;
        try {
            frames = decoder.feed(chunk.getBytes());
        } catch (MalformedFrameException e) {
            // the frame boundaries are lost: nothing after this can be trusted
            LOG.warn("dmcc framing lost, closing the connection [peer={}, reason={}]", peer, e.getMessage());
            end("framing lost: " + e.getMessage());
            socket.close();
            return;
        }
        for (DmccFrame f : frames) {
            if (closed) {
                return;
            }
            owner.frame(this, f);
        }
    }

    private void end(String reason) {
        if (!closed) {
            closed = true;
            owner.closed(this, reason);
        }
    }
}
