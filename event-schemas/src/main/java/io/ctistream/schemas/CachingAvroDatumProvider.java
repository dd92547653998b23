package io.ctistream.schemas;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Apicurio's datum provider, with its reader and writer caches looked up by schema identity
 * first. The stock provider computes Avro's parsing fingerprint (building the schema's canonical
 * string) on every record it writes or reads, which cost the engine half its CPU; the schema
 * instances it is handed are the generated classes' own or the resolver's cached ones, so an
 * identity lookup almost always hits. Specific records are written by {@link NullableUnionWriter}.
 */
public class CachingAvroDatumProvider<T> extends DefaultAvroDatumProvider<T> {
    private static final int MAX_ENTRIES = 1_000;

    private final Map<WriterKey, DatumWriter<T>> writers = new ConcurrentHashMap<>();
    private final Map<Identity, DatumReader<T>> readers = new ConcurrentHashMap<>();

    public CachingAvroDatumProvider() {
        super();
    }

    @Override
    public DatumWriter<T> createDatumWriter(T data, Schema schema) {
        WriterKey key = new WriterKey(new Identity(schema), data == null ? null : data.getClass());
        DatumWriter<T> writer = writers.get(key);
        if (writer == null) {
            // a specific record gets Avro's specific writer, as from the stock provider, with optional fields resolved cheaply
            writer = data instanceof SpecificRecord ? new NullableUnionWriter<>(schema) : super.createDatumWriter(data, schema);
            bound(writers).put(key, writer);
        }
        return writer;
    }

    @Override
    public DatumReader<T> createDatumReader(Schema schema) {
        Identity key = new Identity(schema);
        DatumReader<T> reader = readers.get(key);
        if (reader == null) {
            reader = super.createDatumReader(schema);
            bound(readers).put(key, reader);
        }
        return reader;
    }

    /** Schema instances that churn (a registry cache refresh) must not grow the cache without end. */
    private static <K, V> Map<K, V> bound(Map<K, V> cache) {
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        return cache;
    }

    private record WriterKey(Identity schema, Class<?> type) {
    }

    /** A schema compared by identity, not by Avro's deep equality. */
    private static final class Identity {
        private final Schema schema;

        Identity(Schema schema) {
            this.schema = schema;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && other.schema == schema;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(schema);
        }
    }
}
