package io.ctistream.schemas;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;

/**
 * Backward-transitive compatibility: a consumer built with the current schema must read every
 * record written with any earlier committed version of it (the 7-day event log and the
 * compacted state topics hold records of all of them).
 */
public final class SchemaEvolution {
    private SchemaEvolution() {
    }

    /** One way the current schema fails to read one earlier version. */
    public record Problem(String writerVersion, SchemaIncompatibilityType type, String location, String message) {
        @Override
        public String toString() {
            return "cannot read " + writerVersion + ": " + type + " at " + location + " (" + message + ")";
        }
    }

    /**
     * Checks that {@code reader} can read data written with each schema of {@code history}.
     *
     * @param history earlier versions, labelled (e.g. {@code "AgentEvent v1"})
     * @return the problems; empty when compatible
     */
    public static List<Problem> backwardProblems(Schema reader, List<Labelled> history) {
        List<Problem> problems = new ArrayList<>();
        for (Labelled writer : history) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer.schema()).getResult();
            if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
                for (var incompatibility : result.getIncompatibilities()) {
                    problems.add(new Problem(writer.label(), incompatibility.getType(), incompatibility.getLocation(),
                            incompatibility.getMessage()));
                }
            }
        }
        return problems;
    }

    /** A schema with a name people recognise. */
    public record Labelled(String label, Schema schema) {
    }
}
