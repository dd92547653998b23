package io.ctistream.embedded;

import io.ctistream.embedded.registry.KafkaJournal;
import io.ctistream.embedded.registry.RegistryApi;
import io.ctistream.embedded.registry.RegistryStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-machine default schema registry: an HTTP server speaking the Apicurio Registry v3
 * API subset the Apicurio serdes use, storing schemas in a compacted Kafka topic so that ids are
 * stable across restarts. Production runs a real Apicurio Registry instead; nothing else in
 * ctistream can tell the difference.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final HttpServer server;
    private final KafkaJournal journal;
    private final RegistryStore store;
    private final String host;

    private EmbeddedSchemaRegistry(Vertx vertx, boolean ownsVertx, HttpServer server, KafkaJournal journal, RegistryStore store, String host) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.server = server;
        this.journal = journal;
        this.store = store;
        this.host = host;
    }

    /** Starts on its own Vert.x instance. */
    public static EmbeddedSchemaRegistry start(String bootstrapServers, String host, int port) {
        return start(Vertx.vertx(), true, bootstrapServers, host, port);
    }

    /**
     * Replays the journal, then listens.
     *
     * @param port 0 for any free port
     */
    public static EmbeddedSchemaRegistry start(Vertx vertx, boolean ownsVertx, String bootstrapServers, String host, int port) {
        KafkaJournal journal = new KafkaJournal(bootstrapServers, KafkaJournal.DEFAULT_TOPIC);
        try {
            journal.ensureTopic((short) 1);
            RegistryStore store = new RegistryStore(journal, Clock.systemUTC());
            int replayed = journal.replay(store::apply);
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                    .requestHandler(new RegistryApi(store).router(vertx))
                    .listen().await(30, TimeUnit.SECONDS);
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(vertx, ownsVertx, server, journal, store, host);
            LOG.info("embedded schema registry at [{}] with [{}] stored versions", registry.url(), replayed);
            return registry;
        } catch (Exception e) {
            journal.close();
            if (ownsVertx) {
                vertx.close();
            }
            throw new IllegalStateException("could not start the embedded schema registry on [" + host + ":" + port + "]: " + e.getMessage(), e);
        }
    }

    /** The v3 API base the serdes take as {@code apicurio.registry.url}. */
    public String url() {
        return "http://" + host + ":" + server.actualPort() + RegistryApi.BASE;
    }

    public int port() {
        return server.actualPort();
    }

    public int versionCount() {
        return store.versionCount();
    }

    @Override
    public void close() {
        try {
            server.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("registry http server did not close cleanly: {}", e.getMessage());
        }
        journal.close();
        if (ownsVertx) {
            vertx.close().await();
        }
    }
}
