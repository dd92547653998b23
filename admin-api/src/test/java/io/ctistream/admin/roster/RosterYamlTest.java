package io.ctistream.admin.roster;

import static io.ctistream.admin.roster.RosterSamples.readCsv;
import static io.ctistream.admin.roster.RosterSamples.readYaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the YAML roster format: the same agents as CSV, values kept as written, problems named by line. */
class RosterYamlTest {

    /** Verifies that a YAML file and a CSV file describing the same agents give the same entries. */
    @Test
    void yamlAndCsvDescribeTheSameRoster() {
        // GIVEN the same two agents in both formats
        String csv = RosterSamples.HEADER + "\n"
                + "acme,acme/alice,\"Adams, Alice\",acme/sales,acme/sales;acme/general,BROADWORKS,alice@as.example.com,acd-alice@as.example.com,bw/alice,0,Europe/Berlin,\n"
                + "acme,acme/bob,Bob Brown,acme/support,acme/support,FINESSE,1002,,,,,extension=7002\n";
        String yaml = """
                agents:
                  - tenant: acme
                    agentId: acme/alice
                    displayName: "Adams, Alice"
                    teamId: acme/sales
                    queues: [acme/sales, acme/general]
                    platform: BROADWORKS
                    platformUserId: alice@as.example.com
                    hotelingGuestAddress: acd-alice@as.example.com
                    credentialRef: bw/alice
                    defaultNotReadyReason: 0
                    timeZone: Europe/Berlin
                  - tenant: acme
                    agentId: acme/bob
                    displayName: Bob Brown
                    teamId: acme/support
                    queues:
                      - acme/support
                    platform: FINESSE
                    platformUserId: 1002
                    attributes:
                      extension: 7002
                """;

        // WHEN both are read
        RosterValidator.Result fromCsv = readCsv(csv);
        RosterValidator.Result fromYaml = readYaml(yaml);

        // THEN they are the same roster
        assertThat(fromYaml.problems()).isEmpty();
        assertThat(fromCsv.problems()).isEmpty();
        assertThat(fromYaml.entries()).hasSize(2).isEqualTo(fromCsv.entries());
    }

    /** Verifies that values YAML 1.1 would turn into numbers, booleans or dates stay the text written. */
    @Test
    void scalarsStayText() {
        String yaml = """
                agents:
                  - {tenant: no, agentId: no/007, platform: aes, platformUserId: 0700, displayName: NO, defaultNotReadyReason: 2024-01-01,
                     attributes: {on: yes, extension: 7001}}
                """;

        RosterValidator.Result result = readYaml(yaml);

        assertThat(result.problems()).isEmpty();
        assertThat(result.entries()).containsExactly(new RosterEntry("no", "no/007", "NO", null, List.of(), Platform.AES, "0700", null, null,
                "2024-01-01", null, Map.of("on", "yes", "extension", "7001")));
    }

    /** Verifies that an unknown key, a wrong shape and a YAML syntax error are named by their line. */
    @Test
    void problemsNameTheirLine() {
        String yaml = """
                agents:
                  - tenant: acme
                    agentId: acme/a
                    platform: AES
                    platformUserId: "5001"
                    team: acme/sales
                    queues: acme/sales
                """;
        assertThat(readYaml(yaml).problems()).extracting(RosterProblem::toString).containsExactly(
                "roster.yaml:6: team: unknown key; the keys are " + RosterField.keys(),
                "roster.yaml:7: queues: a list of text values");

        assertThat(readYaml("agents:\n  - tenant: acme\n    agentId: [unclosed\n").problems()).singleElement()
                .satisfies(p -> assertThat(p.toString()).startsWith("roster.yaml:4: not valid YAML here"));
        assertThat(readYaml("- tenant: acme\n").problems()).extracting(RosterProblem::toString)
                .containsExactly("roster.yaml:1: a roster file is a mapping with one key, agents, holding a list of agents");
        assertThat(readYaml("agents:\n").problems()).isEmpty();
        assertThat(readYaml("agents:\n  - {tenant: acme, agentId: acme/a, platform: AES, platformUserId: '1', attributes: {'': x}}\n")
                .problems()).extracting(RosterProblem::toString).containsExactly("roster.yaml:2: attributes: an attribute needs a name");
    }

    /** Verifies that the examples in docs/roster.md are valid, and its YAML example is its CSV example's first two agents. */
    @Test
    void theDocumentedExamplesAreValid() throws Exception {
        String doc = Files.readString(Path.of("../docs/roster.md"));
        String csv = block(doc, "```csv\n");
        String yaml = block(doc, "```yaml\n");

        RosterValidator.Result fromCsv = readCsv(csv);
        RosterValidator.Result fromYaml = readYaml(yaml);

        assertThat(fromCsv.problems()).isEmpty();
        assertThat(fromYaml.problems()).isEmpty();
        assertThat(fromCsv.entries()).hasSize(3).extracting(RosterEntry::displayName).contains("Adams, Alice", "Bob \"Bobby\" Brown");
        assertThat(fromYaml.entries()).isEqualTo(fromCsv.entries().subList(0, 2));
    }

    private static String block(String doc, String opening) {
        int start = doc.indexOf(opening) + opening.length();
        return doc.substring(start, doc.indexOf("```", start));
    }

    /** Verifies that the writer's YAML reads back as the same entries and leaves absent fields out. */
    @Test
    void writtenYamlReadsBackTheSame() {
        List<RosterEntry> entries = RosterSamples.entries("acme", 30);

        String yaml = RosterSamples.write(RosterFormat.YAML, entries);

        assertThat(yaml).startsWith("agents:\n  - tenant: acme\n").doesNotContain("null");
        assertThat(readYaml(yaml).entries()).isEqualTo(entries);
    }
}
