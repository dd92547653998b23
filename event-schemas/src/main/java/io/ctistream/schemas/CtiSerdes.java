package io.ctistream.schemas;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Builds Kafka serdes for ctistream's Avro values over the Apicurio Registry serde, unmodified.
 *
 * <p>Values are written in Avro binary with the registry's content id in front; schemas are
 * registered under the topic strategy ({@code <topic>-value} in group {@code default}) with
 * find-or-create, so every producer may register the schema it was built with and every
 * consumer resolves the writer's schema by id. Each topic's value schema is registered whole
 * (dereferenced: one self-contained artifact per topic, see docs/adr/002), exactly as
 * {@link SchemaRegistrar} registers it at start. The registry client uses the JDK HTTP adapter,
 * not the Vert.x 4 one, which clashes with Vert.x 5 on the classpath.
 */
public final class CtiSerdes {
    /** Serde config keys (the Apicurio serde's own names). */
    public static final String REGISTRY_URL = "apicurio.registry.url";
    public static final String HTTP_ADAPTER = "apicurio.registry.http.adapter";
    public static final String AUTO_REGISTER = "apicurio.registry.auto-register";
    public static final String AUTO_REGISTER_IF_EXISTS = "apicurio.registry.auto-register.if-exists";
    public static final String USE_SPECIFIC_AVRO_READER = "apicurio.registry.use-specific-avro-reader";
    public static final String DEREFERENCE_SCHEMA = "apicurio.registry.dereference-schema";
    public static final String AVRO_DATUM_PROVIDER = "apicurio.registry.avro-datum-provider";

    private CtiSerdes() {
    }

    /**
     * The serde settings for a registry at {@code registryUrl}, which is the v3 API base, e.g.
     * {@code http://localhost:8081/apis/registry/v3}.
     */
    public static Map<String, Object> registryConfig(String registryUrl) {
        Map<String, Object> config = new HashMap<>();
        config.put(REGISTRY_URL, registryUrl);
        config.put(HTTP_ADAPTER, "JDK");
        config.put(AUTO_REGISTER, true);
        config.put(AUTO_REGISTER_IF_EXISTS, "FIND_OR_CREATE_VERSION");
        config.put(USE_SPECIFIC_AVRO_READER, true);
        config.put(DEREFERENCE_SCHEMA, true);
        config.put(AVRO_DATUM_PROVIDER, CachingAvroDatumProvider.class.getName());
        return config;
    }

    /** Serializer for record values of any ctistream topic. */
    public static <T extends SpecificRecord> Serializer<T> valueSerializer(String registryUrl) {
        AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
        serializer.configure(registryConfig(registryUrl), false);
        return serializer;
    }

    /** Deserializer into the generated classes ({@code use-specific-avro-reader}). */
    public static <T extends SpecificRecord> Deserializer<T> valueDeserializer(String registryUrl) {
        AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(registryConfig(registryUrl), false);
        return deserializer;
    }

    /** A Kafka Streams serde for record values of type {@code T}. */
    public static <T extends SpecificRecord> Serde<T> valueSerde(String registryUrl) {
        return Serdes.serdeFrom(valueSerializer(registryUrl), valueDeserializer(registryUrl));
    }
}
