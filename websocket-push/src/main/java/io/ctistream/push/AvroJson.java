package io.ctistream.push;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/** Avro records as the JSON the WebSocket API sends: field names as in the schema, enums as names, timestamps as ISO-8601. */
final class AvroJson {
    private AvroJson() {
    }

    static JsonObject of(IndexedRecord record) {
        JsonObject out = new JsonObject();
        for (Schema.Field f : record.getSchema().getFields()) {
            out.put(f.name(), value(record.get(f.pos())));
        }
        return out;
    }

    private static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Number) {
            return v;
        }
        if (v instanceof CharSequence cs) {
            return cs.toString();
        }
        if (v instanceof Instant i) {
            return i.toString();
        }
        if (v instanceof Enum<?> e) {
            return e.name();
        }
        if (v instanceof GenericEnumSymbol<?> s) {
            return s.toString();
        }
        if (v instanceof IndexedRecord r) {
            return of(r);
        }
        if (v instanceof Map<?, ?> m) {
            JsonObject o = new JsonObject();
            m.forEach((k, x) -> o.put(String.valueOf(k), value(x)));
            return o;
        }
        if (v instanceof Collection<?> c) {
            JsonArray a = new JsonArray();
            c.forEach(x -> a.add(value(x)));
            return a;
        }
        if (v instanceof ByteBuffer b) {
            return Base64.getEncoder().encodeToString(b.array());
        }
        return v.toString();
    }
}
