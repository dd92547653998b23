package io.ctistream.settings;

/** The two settings every separate service needs: where Kafka and the Apicurio Registry are. */
public final class KafkaEndpoints {
    public static final String BOOTSTRAP = "CTISTREAM_KAFKA_BOOTSTRAP";
    public static final String REGISTRY_URL = "CTISTREAM_REGISTRY_URL";

    private KafkaEndpoints() {
    }

    /** The Kafka cluster every separate service needs. */
    public static String bootstrap(ConfigSource config) {
        return config.required(BOOTSTRAP, "the Kafka bootstrap servers (host:port,...)");
    }

    /** The Apicurio Registry every separate service needs. */
    public static String registry(ConfigSource config) {
        return config.required(REGISTRY_URL, "the Apicurio Registry v3 API base, e.g. http://registry:8080/apis/registry/v3");
    }
}
