package io.ctistream.simulator.aes;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client socket: cuts its bytes into frames for the router, writes answers and events, and
 * holds the session attached to it. A header that cannot be a DMCC header closes the socket, since
 * after it no frame boundary can be trusted; a bad body is the router's business.
 */
final class PeerConnection {
    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);
    private final NetSocket socket;
    private final DmccFrames.Reader reader;
    private final String remote;
    private boolean closed;
    PeerSession session;

    PeerConnection(NetSocket socket, RequestRouter router) {
        this.socket = socket;
        this.remote = String.valueOf(socket.remoteAddress());
        this.reader = new DmccFrames.Reader(frame -> {
            try {
                router.onFrame(this, frame);
            } catch (RuntimeException e) {
                // a fault in the peer itself must not cost the client its connection or its later frames
                LOG.warn("aes peer failed on a frame [remote={}, invokeId={}]", remote, frame.invokeId(), e);
            }
        });
        socket.handler(this::onBytes);
        socket.exceptionHandler(e -> LOG.debug("aes peer connection failed [remote={}, why={}]", remote, e.toString()));
        socket.closeHandler(v -> {
            closed = true;
            router.onClosed(this);
        });
    }

    private void onBytes(Buffer chunk) {
        try {
            reader.feed(chunk);
        } catch (DmccFrames.FramingLost e) {
            LOG.warn("aes peer lost the framing, closing the connection [remote={}, why={}]", remote, e.getMessage());
            close();
        }
    }

    /** Writes one frame; nothing once the socket is closed. */
    void send(String invokeId, String xml) {
        if (!closed) {
            socket.write(DmccFrames.frame(invokeId, xml));
        }
    }

    void sendRaw(Buffer bytes) {
        if (!closed) {
            socket.write(bytes);
        }
    }

    boolean closed() {
        return closed;
    }

    void close() {
        if (!closed) {
            closed = true;
            socket.close();
        }
    }

    String remote() {
        return remote;
    }
}
