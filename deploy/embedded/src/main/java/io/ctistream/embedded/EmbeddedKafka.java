package io.ctistream.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM
 * on loopback: the single-machine default and the test broker when no other is given.
 *
 * <p>The data directory is formatted on first use and reused afterwards, so a persistent
 * directory keeps topics, offsets and schemas across restarts; a temporary one is deleted on
 * close. The log cleaner's dedupe buffer is kept small so the broker fits in a small heap.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";

    /**
     * How to run the broker.
     *
     * @param dataDir        where the logs and metadata live
     * @param deleteOnClose  true for a throw-away broker (tests), false to keep state across restarts
     * @param brokerPort     client port; 0 picks a free one
     * @param overrides      extra broker settings
     */
    public record Settings(Path dataDir, boolean deleteOnClose, int brokerPort, Map<String, String> overrides) {
        public Settings {
            overrides = Map.copyOf(overrides);
        }

        /** State that survives restarts, on a fixed port (e.g. 9092) or 0 for any free port. */
        public static Settings persistent(Path dataDir, int brokerPort) {
            return new Settings(dataDir, false, brokerPort, Map.of());
        }

        /** A throw-away broker in a new temporary directory, on a free port. */
        public static Settings temporary() {
            try {
                return new Settings(Files.createTempDirectory("ctistream-kafka-"), true, 0, Map.of());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Settings withOverrides(Map<String, String> more) {
            var merged = new java.util.HashMap<>(overrides);
            merged.putAll(more);
            return new Settings(dataDir, deleteOnClose, brokerPort, merged);
        }
    }

    private final Settings settings;
    private final DataDirLock lock;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private boolean closed;

    private EmbeddedKafka(Settings settings, DataDirLock lock, KafkaRaftServer server, String bootstrapServers) {
        this.settings = settings;
        this.lock = lock;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats the data directory if it is new, starts the broker and waits until it serves requests. */
    public static EmbeddedKafka start(Settings settings) {
        long started = System.nanoTime();
        int[] ports = LoopbackPorts.free(2);
        int brokerPort = settings.brokerPort() == 0 ? ports[0] : requireFree(settings.brokerPort());
        int controllerPort = settings.brokerPort() == ports[1] ? ports[0] : ports[1];
        Path logDir = settings.dataDir().resolve("kafka");
        Properties props = brokerProperties(logDir, brokerPort, controllerPort);
        props.putAll(settings.overrides());
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        DataDirLock lock = DataDirLock.acquire(settings.dataDir());
        try {
            Files.createDirectories(logDir);
            formatIfNew(logDir, config);
        } catch (Exception e) {
            lock.close();
            throw new IllegalStateException("could not prepare the kafka data directory [" + logDir + "]: " + e.getMessage(), e);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException ignored) {
                // already failing: the original error is the one to report
            } finally {
                lock.close();
            }
            String message = String.valueOf(e.getMessage());
            if (message.contains("Failed to acquire lock")) {
                throw new IllegalStateException("the kafka data directory [" + logDir + "] is in use by another ctistream or kafka process: stop that one or use another data directory", e);
            }
            throw new IllegalStateException("embedded kafka failed to start: " + message, e);
        }
        String bootstrap = HOST + ":" + brokerPort;
        EmbeddedKafka kafka = new EmbeddedKafka(settings, lock, server, bootstrap);
        try {
            kafka.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LOG.info("embedded kafka ready at [{}] with data in [{}] after [{} ms]", bootstrap, logDir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return kafka;
    }

    static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // the cleaner allocates this buffer up front (128 MiB by default): keep the heap small
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        p.put("log.cleaner.threads", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        return p;
    }

    private static void formatIfNew(Path logDir, KafkaConfig config) throws Exception {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            LOG.info("reusing kafka data directory [{}]", logDir);
            return;
        }
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
                .setDirectories(List.of(logDir.toAbsolutePath().toString()))
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setIgnoreFormatted(true)
                .run();
        LOG.info("formatted new kafka data directory [{}]", logDir);
    }

    private void awaitReady(Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        try (Admin admin = Admin.create(p)) {
            var nodes = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                throw new IllegalStateException("embedded kafka started but reports no broker");
            }
            // the controller accepts topic creation once the broker is registered and unfenced
            admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for embedded kafka", e);
        } catch (Exception e) {
            throw new IllegalStateException("embedded kafka did not become ready within [" + timeout + "]: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return settings.dataDir();
    }

    /** Stops the broker cleanly (controlled shutdown, logs flushed); deletes a temporary data directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            lock.close();
        }
        LOG.info("embedded kafka at [{}] stopped", bootstrapServers);
        if (settings.deleteOnClose()) {
            deleteRecursively(settings.dataDir());
        }
    }

    private static int requireFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("port [" + port + "] on " + HOST + " is in use (another ctistream or kafka?): stop it or choose another port", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete [{}]: {}", dir, e.getMessage());
        }
    }
}
