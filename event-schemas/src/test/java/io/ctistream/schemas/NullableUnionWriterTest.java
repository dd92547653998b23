package io.ctistream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Verifies that the writer the serdes use writes exactly Avro's bytes for every schema here, optional fields set or not. */
class NullableUnionWriterTest {

    static Stream<Schema> everySchema() {
        return SchemaCompatibilityTest.everySchema();
    }

    /**
     * Verifies, over random records of the schema (every optional field null or set, every branch of the wider unions such as
     * an event's payload), byte equality with Avro's own writer.
     */
    @ParameterizedTest
    @MethodSource("everySchema")
    void writesAvrosOwnBytes(Schema schema) throws IOException {
        Random random = new Random(schema.getFullName().hashCode());
        DatumWriter<SpecificRecord> stock = new SpecificDatumWriter<>(schema);
        for (int i = 0; i < 200; i++) {
            SpecificRecord record = (SpecificRecord) value(schema, random, 0);
            DatumWriter<SpecificRecord> ours = new CachingAvroDatumProvider<SpecificRecord>().createDatumWriter(record, schema);
            assertThat(ours).isInstanceOf(NullableUnionWriter.class);
            assertThat(write(ours, record)).as("%s, record %d: %s", schema.getName(), i, record).isEqualTo(write(stock, record));
        }
    }

    private static byte[] write(DatumWriter<SpecificRecord> writer, SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** A random value of {@code schema}, in the classes the generated code uses. */
    private static Object value(Schema schema, Random random, int depth) {
        switch (schema.getType()) {
            case RECORD: {
                SpecificRecord r = (SpecificRecord) SpecificData.getForSchema(schema).newRecord(null, schema);
                for (Schema.Field f : schema.getFields()) {
                    r.put(f.pos(), value(f.schema(), random, depth + 1));
                }
                return r;
            }
            case UNION: {
                List<Schema> branches = schema.getTypes();
                Schema pick = branches.get(random.nextInt(branches.size()));
                if (depth > 6) { // deep enough: take null where there is one
                    pick = branches.stream().filter(b -> b.getType() == Schema.Type.NULL).findFirst().orElse(pick);
                }
                return value(pick, random, depth + 1);
            }
            case NULL:
                return null;
            case ENUM:
                return SpecificData.getForSchema(schema).createEnum(schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())), schema);
            case ARRAY: {
                List<Object> list = new ArrayList<>();
                for (int n = depth > 6 ? 0 : random.nextInt(3); n > 0; n--) {
                    list.add(value(schema.getElementType(), random, depth + 1));
                }
                return list;
            }
            case MAP: {
                Map<String, Object> map = new HashMap<>();
                for (int n = depth > 6 ? 0 : random.nextInt(3); n > 0; n--) {
                    map.put("k" + random.nextInt(1000), value(schema.getValueType(), random, depth + 1));
                }
                return map;
            }
            case STRING:
                return "s" + random.nextInt(100_000);
            case BYTES:
                byte[] b = new byte[random.nextInt(20)];
                random.nextBytes(b);
                return ByteBuffer.wrap(b);
            case INT:
                return random.nextInt();
            case LONG:
                long l = random.nextLong() >>> 24; // a timestamp in Instant's range
                return schema.getLogicalType() instanceof LogicalTypes.TimestampMillis ? Instant.ofEpochMilli(l) : l;
            case BOOLEAN:
                return random.nextBoolean();
            case DOUBLE:
                return random.nextDouble();
            case FLOAT:
                return random.nextFloat();
            case FIXED:
                byte[] fixed = new byte[schema.getFixedSize()];
                random.nextBytes(fixed);
                return new GenericData.Fixed(schema, fixed);
            default:
                throw new IllegalArgumentException("no random value for " + schema);
        }
    }
}
