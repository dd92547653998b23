package io.ctistream.engine;

import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.PlainAvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Where the topology gets its value serdes: the registry in production, plain Avro in topology tests. */
@FunctionalInterface
public interface ValueSerdes {
    <T extends SpecificRecord> Serde<T> of(Class<T> type);

    /** The Apicurio serde against the registry at {@code registryUrl}; every topic's and store's schema is registered there. */
    static ValueSerdes registry(String registryUrl) {
        return new ValueSerdes() {
            @Override
            public <T extends SpecificRecord> Serde<T> of(Class<T> type) {
                return CtiSerdes.valueSerde(registryUrl);
            }
        };
    }

    /** Avro binary without a registry, for {@code TopologyTestDriver}. */
    static ValueSerdes plain() {
        return new ValueSerdes() {
            @Override
            public <T extends SpecificRecord> Serde<T> of(Class<T> type) {
                return new PlainAvroSerde<>(type);
            }
        };
    }
}
