package io.ctistream.simulator.broadworks.xsi;

import io.ctistream.simulator.support.SimulatorLoop;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming channel of the Xsi-Events simulator: the open chunked response, the documents
 * written on it (one loop turn's documents in one chunk, or cut into chunks of a set size), the
 * heartbeat deadline and the grant's expiry. On the simulator's loop only.
 */
final class XsiSimChannel {
    private static final Logger LOG = LoggerFactory.getLogger(XsiSimChannel.class);

    final String id;
    final String channelSet;
    private final SimulatorLoop loop;
    private final HttpServerResponse response;
    private final HttpConnection connection;
    private final int eventTimeoutSeconds;
    private final IntSupplier chunkBytes;
    private final Consumer<XsiSimChannel> onClose;
    private final List<byte[]> pending = new ArrayList<>();
    private long expiryTimer = -1;
    private long heartbeatTimer = -1;
    private boolean open = true;

    XsiSimChannel(SimulatorLoop loop, String id, String channelSet, HttpServerResponse response, HttpConnection connection,
                  int eventTimeoutSeconds, IntSupplier chunkBytes, Consumer<XsiSimChannel> onClose) {
        this.loop = loop;
        this.id = id;
        this.channelSet = channelSet;
        this.response = response;
        this.connection = connection;
        this.eventTimeoutSeconds = eventTimeoutSeconds;
        this.chunkBytes = chunkBytes;
        this.onClose = onClose;
    }

    boolean open() {
        return open;
    }

    /** Queues a document; the turn's documents go out together (several in one chunk) unless cut into chunks. */
    void write(String document) {
        if (!open) {
            return;
        }
        if (pending.isEmpty()) {
            loop.run(this::flush);
        }
        pending.add(document.getBytes(StandardCharsets.UTF_8));
    }

    private void flush() {
        if (!open || pending.isEmpty()) {
            pending.clear();
            return;
        }
        Buffer all = Buffer.buffer();
        for (byte[] d : pending) {
            all.appendString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").appendBytes(d).appendString("\n");
        }
        pending.clear();
        int size = chunkBytes.getAsInt();
        if (size <= 0) {
            response.write(all);
        } else {
            for (int at = 0; at < all.length(); at += size) {
                response.write(all.getBuffer(at, Math.min(all.length(), at + size)));
            }
        }
    }

    /** A heartbeat arrived: the channel lives another eventTimeout. */
    void heartbeat() {
        loop.cancel(heartbeatTimer);
        heartbeatTimer = loop.later(eventTimeoutSeconds * 1000L, () -> {
            LOG.info("xsi-events simulator: no heartbeat, channel torn down [{}]", id);
            drop();
        });
    }

    /** The channel is granted this many seconds from now; at the end it is terminated. */
    void expiresIn(int seconds) {
        loop.cancel(expiryTimer);
        expiryTimer = loop.later(seconds * 1000L, () -> terminate("Expired")); // the reason's wording is assumed
    }

    /** Sends ChannelTerminatedEvent and ends the response. */
    void terminate(String reason) {
        if (!open) {
            return;
        }
        write(XsiDocuments.channelTerminated(id, reason));
        flush();
        closed();
        response.end();
    }

    /** Ends the response without a word (a client's DELETE). */
    void end() {
        closed();
        response.end();
    }

    /** Drops the TCP connection mid-stream, as a failed server would. */
    void drop() {
        closed();
        connection.close();
    }

    void closed() {
        if (!open) {
            return;
        }
        open = false;
        loop.cancel(heartbeatTimer);
        loop.cancel(expiryTimer);
        onClose.accept(this);
    }
}
