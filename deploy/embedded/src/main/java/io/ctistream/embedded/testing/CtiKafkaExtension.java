package io.ctistream.embedded.testing;

import io.ctistream.embedded.EmbeddedKafka;
import io.ctistream.embedded.EmbeddedSchemaRegistry;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives {@code *IT} tests a real Kafka broker and schema registry as a {@link TestKafka}
 * parameter: external ones when {@code CTISTREAM_TEST_KAFKA} (and {@code CTISTREAM_TEST_REGISTRY})
 * are set; else Testcontainers (Kafka and Apicurio Registry images) when Docker is available;
 * else the embedded broker and registry. One per test JVM, shared by all test classes, closed
 * when the JVM's tests end.
 *
 * <pre>{@code
 * @ExtendWith(CtiKafkaExtension.class)
 * class SomethingIT {
 *     @Test void works(TestKafka kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class CtiKafkaExtension implements ParameterResolver {
    public static final String ENV_KAFKA = "CTISTREAM_TEST_KAFKA";
    public static final String ENV_REGISTRY = "CTISTREAM_TEST_REGISTRY";
    private static final Logger LOG = LoggerFactory.getLogger(CtiKafkaExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CtiKafkaExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Backend.class, k -> startBackend(), Backend.class)
                .kafka();
    }

    private static boolean testcontainersOnClasspath() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, CtiKafkaExtension.class.getClassLoader());
            Class.forName("org.testcontainers.kafka.KafkaContainer", false, CtiKafkaExtension.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static Backend startBackend() {
        String external = System.getenv(ENV_KAFKA);
        if (external != null && !external.isBlank()) {
            String registry = System.getenv(ENV_REGISTRY);
            if (registry == null || registry.isBlank()) {
                throw new IllegalStateException(ENV_KAFKA + " is set but " + ENV_REGISTRY + " is not: name the Apicurio Registry v3 API base too");
            }
            LOG.info("tests use the external kafka [{}] and registry [{}]", external, registry);
            return new Backend(new TestKafka(external, registry, TestKafka.Kind.EXTERNAL), () -> { });
        }
        if (!testcontainersOnClasspath()) {
            LOG.info("testcontainers is not on this module's test classpath: tests use the embedded kafka and registry");
        } else if (TestcontainersBackend.dockerAvailable()) {
            return TestcontainersBackend.start();
        } else {
            LOG.info("no external kafka and no docker: tests use the embedded kafka and registry");
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.temporary());
        EmbeddedSchemaRegistry registry;
        try {
            registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), "127.0.0.1", 0);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return new Backend(new TestKafka(kafka.bootstrapServers(), registry.url(), TestKafka.Kind.EMBEDDED), () -> {
            registry.close();
            kafka.close();
        });
    }

    /** What is running, and how to stop it; JUnit closes it when the root context ends. */
    record Backend(TestKafka kafka, AutoCloseable stopper) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Exception {
            stopper.close();
        }
    }
}
