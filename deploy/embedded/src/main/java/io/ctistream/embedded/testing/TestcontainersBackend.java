package io.ctistream.embedded.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka and a real Apicurio Registry in containers. Only loaded where Testcontainers is on the
 * test classpath; only used where a Docker engine answers.
 */
final class TestcontainersBackend {
    static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
    static final String APICURIO_IMAGE = "apicurio/apicurio-registry:3.1.7";
    private static final Logger LOG = LoggerFactory.getLogger(TestcontainersBackend.class);

    private TestcontainersBackend() {
    }

    static boolean dockerAvailable() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, TestcontainersBackend.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            LOG.info("docker is not usable here ({}): falling back to the embedded broker", e.getMessage());
            return false;
        }
    }

    @SuppressWarnings("resource")
    static CtiKafkaExtension.Backend start() {
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE));
        GenericContainer<?> registry = new GenericContainer<>(DockerImageName.parse(APICURIO_IMAGE))
                .withExposedPorts(8080)
                .waitingFor(Wait.forHttp("/apis/registry/v3/system/info").forStatusCode(200));
        kafka.start();
        registry.start();
        String url = "http://" + registry.getHost() + ":" + registry.getMappedPort(8080) + "/apis/registry/v3";
        LOG.info("tests use kafka [{}] and apicurio registry [{}] in containers", kafka.getBootstrapServers(), url);
        return new CtiKafkaExtension.Backend(new TestKafka(kafka.getBootstrapServers(), url, TestKafka.Kind.TESTCONTAINERS), () -> {
            registry.stop();
            kafka.stop();
        });
    }
}
