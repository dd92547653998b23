package io.ctistream.launcher;

import io.ctistream.embedded.EmbeddedKafka;
import io.ctistream.embedded.EmbeddedSchemaRegistry;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.SchemaRegistrar;
import io.ctistream.schemas.TopicProvisioner;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-machine foundation every all-in-one run stands on: the embedded broker on a
 * persistent data directory, the embedded registry, every catalogued topic and every value
 * schema. Closing it stops the registry, then the broker.
 */
public final class EmbeddedStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;
    private final TopicProvisioner.Report topics;

    private EmbeddedStack(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, TopicProvisioner.Report topics) {
        this.kafka = kafka;
        this.registry = registry;
        this.topics = topics;
    }

    public static EmbeddedStack start(EmbeddedConfig config) throws IOException, InterruptedException, TimeoutException {
        Files.createDirectories(config.dataDir());
        List<AutoCloseable> started = new ArrayList<>();
        try {
            EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.persistent(config.dataDir(), config.kafkaPort()));
            started.add(kafka);
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), "127.0.0.1", config.registryPort());
            started.add(0, registry);
            TopicProvisioner.Report topics;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                topics = new TopicProvisioner(admin, new TopicProvisioner.Plan(config.agentPartitions(),
                        Math.max(1, config.agentPartitions() / 2), (short) 1)).ensureAll();
            }
            var schemas = new SchemaRegistrar(registry.url()).registerAll();
            LOG.info("topics: [{}] created, [{}] already there; [{}] value schemas registered", topics.created().size(),
                    topics.existing().size(), schemas.size());
            return new EmbeddedStack(kafka, registry, topics);
        } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public TopicProvisioner.Report topics() {
        return topics;
    }

    /** True when this run found the topics of an earlier run (a reused data directory). */
    public boolean reusedData() {
        return topics.created().isEmpty() && topics.existing().size() == CtiTopics.values().length;
    }

    @Override
    public void close() {
        closeAll(List.of(registry, kafka));
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("could not stop [{}] cleanly: {}", r.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
