package io.ctistream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verifies that every value schema in the topic catalogue, and every internal store schema, can read every earlier committed
 * version of itself, and that the newest committed version is the current schema, so a schema
 * change cannot land without passing the check.
 *
 * <p>The committed versions live in {@code src/test/resources/schema-history/<Name>/vNNN.avsc}.
 * After a deliberate, compatible change run
 * {@code mvn -pl event-schemas test -Dtest=SchemaCompatibilityTest -Dctistream.schemas.record=true}
 * to add the new version.
 */
class SchemaCompatibilityTest {
    private static final Path HISTORY = Path.of("src/test/resources/schema-history");

    static Stream<Schema> everySchema() {
        return Stream.concat(Arrays.stream(CtiTopics.values()).map(CtiTopics::valueSchema), InternalSchemas.all().stream());
    }

    @ParameterizedTest
    @MethodSource("everySchema")
    void currentSchemaReadsEveryCommittedVersion(Schema current) throws IOException {
        List<SchemaEvolution.Labelled> history = history(current.getName());
        if (Boolean.getBoolean("ctistream.schemas.record") && (history.isEmpty() || !newest(history).equals(current))) {
            assertThat(SchemaEvolution.backwardProblems(current, history)).as("refusing to record an incompatible schema").isEmpty();
            record(current, history.size() + 1);
            history = history(current.getName());
        }

        // THEN the newest committed version is what the code is built with
        assertThat(history).as("committed versions of %s (record the first one with -Dctistream.schemas.record=true)", current.getName()).isNotEmpty();
        assertThat(newest(history))
                .as("%s changed since its last committed version: if the change is deliberate and compatible, record it with -Dctistream.schemas.record=true", current.getName())
                .isEqualTo(current);
        // AND it reads data written with every earlier version
        assertThat(SchemaEvolution.backwardProblems(current, history)).isEmpty();
    }

    /** Verifies that the check fails on a new required field (old records have no value for it). */
    @Test
    void newFieldWithoutDefaultIsIncompatible() {
        var problems = SchemaEvolution.backwardProblems(fixture("AgentEvent-new-required-field.avsc"),
                List.of(new SchemaEvolution.Labelled("AgentEvent current", CtiTopics.AGENT_EVENTS.valueSchema())));
        assertThat(problems).extracting(SchemaEvolution.Problem::type)
                .contains(SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE);
    }

    /** Verifies that the check fails when a field's type changes to one that cannot be promoted. */
    @Test
    void changedFieldTypeIsIncompatible() {
        var problems = SchemaEvolution.backwardProblems(fixture("AgentEvent-reason-code-as-int.avsc"),
                List.of(new SchemaEvolution.Labelled("AgentEvent current", CtiTopics.AGENT_EVENTS.valueSchema())));
        // the old AgentStateChanged branch of the payload union has no counterpart any more
        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p.location()).startsWith("/fields/1"));
        assertThat(problems).extracting(SchemaEvolution.Problem::type)
                .containsAnyOf(SchemaIncompatibilityType.MISSING_UNION_BRANCH, SchemaIncompatibilityType.TYPE_MISMATCH);
    }

    /** Verifies that an optional field with a default is accepted (the check is not merely strict). */
    @Test
    void optionalFieldWithDefaultIsCompatible() {
        var problems = SchemaEvolution.backwardProblems(fixture("AgentEvent-new-optional-field.avsc"),
                List.of(new SchemaEvolution.Labelled("AgentEvent current", CtiTopics.AGENT_EVENTS.valueSchema())));
        assertThat(problems).isEmpty();
    }

    private static Schema fixture(String name) {
        try (var in = SchemaCompatibilityTest.class.getResourceAsStream("/schema-fixtures/" + name)) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema newest(List<SchemaEvolution.Labelled> history) {
        return history.get(history.size() - 1).schema();
    }

    private static List<SchemaEvolution.Labelled> history(String name) throws IOException {
        Path dir = HISTORY.resolve(name);
        List<SchemaEvolution.Labelled> versions = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return versions;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("v\\d{3}\\.avsc")).sorted().toList()) {
                versions.add(new SchemaEvolution.Labelled(name + " " + file.getFileName(), new Schema.Parser().parse(file.toFile())));
            }
        }
        return versions;
    }

    private static void record(Schema current, int version) throws IOException {
        Path dir = HISTORY.resolve(current.getName());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(String.format("v%03d.avsc", version)), current.toString(true) + "\n", StandardCharsets.UTF_8);
    }
}
