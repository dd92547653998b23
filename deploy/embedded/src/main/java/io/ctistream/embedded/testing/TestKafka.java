package io.ctistream.embedded.testing;

/**
 * The Kafka broker and schema registry a test runs against.
 *
 * @param bootstrapServers Kafka bootstrap address
 * @param registryUrl      Apicurio Registry v3 API base, e.g. {@code http://127.0.0.1:8081/apis/registry/v3}
 * @param kind             where they came from
 */
public record TestKafka(String bootstrapServers, String registryUrl, Kind kind) {
    /** In order of preference. */
    public enum Kind {
        /** {@code CTISTREAM_TEST_KAFKA} and {@code CTISTREAM_TEST_REGISTRY} name running ones. */
        EXTERNAL,
        /** Kafka and Apicurio Registry containers, where Docker is available. */
        TESTCONTAINERS,
        /** The in-process KRaft broker and the embedded registry. */
        EMBEDDED
    }
}
