package io.ctistream.simulator.aes;

import io.vertx.core.Future;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket: plain TCP (AES's 4721) or TLS (4722) with the caller's PKCS12 key store.
 * Knows how to drop every connection and how to stop and listen again on the same port, for the
 * restart and connection-loss knobs.
 */
final class PeerServer {
    private static final Logger LOG = LoggerFactory.getLogger(PeerServer.class);
    private final PeerSwitch sw;
    private final RequestRouter router;
    private NetServer server;
    private int port;

    PeerServer(PeerSwitch sw, RequestRouter router) {
        this.sw = sw;
        this.router = router;
    }

    /** Listens on the settings' host and {@code wantedPort} (0: any); completes with the bound port. */
    Future<Integer> listen(int wantedPort) {
        AesPeer.Settings st = sw.settings;
        NetServerOptions options = new NetServerOptions().setHost(st.bindHost()).setPort(wantedPort).setReuseAddress(true);
        if (st.tls() != null) {
            options.setSsl(true).setKeyCertOptions(new KeyStoreOptions().setType("PKCS12").setPath(st.tls().keyStore())
                    .setPassword(st.tls().password()));
        }
        server = sw.loop.vertx().createNetServer(options).connectHandler(socket -> {
            PeerConnection c = new PeerConnection(socket, router);
            sw.connections.add(c);
            LOG.debug("aes peer accepted a connection [remote={}]", c.remote());
        });
        return server.listen().map(s -> {
            port = s.actualPort();
            return port;
        });
    }

    int port() {
        return port;
    }

    /** Closes every client socket; with {@code keepSessions} false their sessions and monitors go at once, otherwise they wait to be re-attached. */
    void dropConnections(boolean keepSessions) {
        if (!keepSessions) {
            new ArrayList<>(sw.sessions.values()).forEach(sw::forget);
        }
        new ArrayList<>(sw.connections).forEach(PeerConnection::close);
    }

    /** AES restarts: every socket closed, every session and monitor gone, and no listener until {@code downMillis} have passed; completes once closed. */
    Future<Void> restart(long downMillis) {
        dropConnections(false);
        return server.close().onComplete(closed -> sw.loop.later(downMillis, () -> listen(port).onComplete(r -> {
            if (r.succeeded()) {
                LOG.info("aes peer listening again after a restart [port={}]", port);
            } else {
                LOG.error("aes peer could not listen again after a restart [port={}]", port, r.cause());
            }
        })));
    }

    Future<Void> close() {
        dropConnections(false);
        return server == null ? Future.succeededFuture() : server.close();
    }
}
