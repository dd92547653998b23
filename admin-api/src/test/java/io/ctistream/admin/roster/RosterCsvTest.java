package io.ctistream.admin.roster;

import static io.ctistream.admin.roster.RosterSamples.HEADER;
import static io.ctistream.admin.roster.RosterSamples.readCsv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.events.Platform;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the CSV roster format: RFC 4180 quoting, lists and maps in cells, and problems named by line. */
class RosterCsvTest {

    /** Verifies that commas, doubled quotes and a line break inside quoted values are read as the text they quote. */
    @Test
    void quotedValuesKeepCommasQuotesAndLineBreaks() {
        // GIVEN a display name with a comma and quotes, and one spanning two lines
        String csv = HEADER + "\n"
                + "acme,acme/alice,\"Adams, Alice \"\"Al\"\"\",acme/sales,acme/sales;acme/general,BROADWORKS,alice@as.example.com,,,,,\n"
                + "acme,acme/bob,\"Bob\nBrown\",,,FINESSE,1002,,,,,\n";

        // WHEN read
        RosterValidator.Result result = readCsv(csv);

        // THEN the values are the quoted text
        assertThat(result.problems()).isEmpty();
        assertThat(result.entries()).extracting(RosterEntry::displayName).containsExactly("Adams, Alice \"Al\"", "Bob\nBrown");
        assertThat(result.entries().get(0).queues()).containsExactly("acme/sales", "acme/general");
    }

    /** Verifies that columns may come in any order, optional ones may be left out, and a spreadsheet's BOM and blank lines do no harm. */
    @Test
    void columnsInAnyOrderOptionalOnesLeftOut() {
        String csv = "\uFEFFplatformUserId,platform,agentId,tenant,attributes\n\n"
                + "1001, finesse ,acme/alice,acme,extension=7001; site = berlin \n\n";

        RosterValidator.Result result = readCsv(csv);

        assertThat(result.problems()).isEmpty();
        assertThat(result.entries()).containsExactly(new RosterEntry("acme", "acme/alice", null, null, List.of(), Platform.FINESSE, "1001",
                null, null, null, null, Map.of("extension", "7001", "site", "berlin")));
    }

    /** Verifies that a row with a stray comma is named by its line (counting lines inside quoted values), with the hint. */
    @Test
    void aRowWithTheWrongNumberOfValuesNamesItsLine() {
        String csv = HEADER + "\n"
                + "acme,acme/a1,\"Multi\nline\",,,AES,5001,,,,,\n"
                + "acme,acme/a2,Okafor, Femi,,,AES,5002,,,,,\n";

        RosterValidator.Result result = readCsv(csv);

        assertThat(result.entries()).isEmpty();
        assertThat(result.problems()).extracting(RosterProblem::toString)
                .containsExactly("roster.csv:4: 13 values, the header has 12 columns (a comma in a value needs the value in double quotes)");
    }

    /** Verifies that an unknown column, a column named twice and a missing required column are named on the header line. */
    @Test
    void headerProblemsAreNamed() {
        RosterValidator.Result result = readCsv("tenant,agentId,team,agentId,platformUserId\nacme,acme/a,x,acme/a,1\n");

        assertThat(result.problems()).extracting(RosterProblem::toString).containsExactly(
                "roster.csv:1: team: unknown column; the columns are " + RosterField.keys(),
                "roster.csv:1: agentId: column named twice",
                "roster.csv:1: platform: required column missing from the header");
    }

    /** Verifies that an unclosed quote is reported on the line its row starts, and an attribute without '=' by its column. */
    @Test
    void syntaxProblemsNameTheLine() {
        assertThat(readCsv(HEADER + "\nacme,acme/a,\"Open quote,,,AES,5001,,,,,\n").problems()).singleElement()
                .satisfies(p -> assertThat(p.toString()).startsWith("roster.csv:2: not valid CSV here: Missing closing quote"));
        assertThat(readCsv(HEADER + "\nacme,acme/a,,,,AES,5001,,,,,extension\n").problems()).extracting(RosterProblem::toString)
                .containsExactly("roster.csv:2: attributes: [extension] is not key=value");
        assertThat(readCsv("").problems()).extracting(RosterProblem::line).containsExactly(1);
    }

    /** Verifies that what the writer writes reads back as the same entries, quoting where needed. */
    @Test
    void writtenCsvReadsBackTheSame() {
        List<RosterEntry> entries = RosterSamples.entries("acme", 30);

        String csv = RosterSamples.write(RosterFormat.CSV, entries);

        assertThat(csv).startsWith(HEADER + "\n").contains("\"Okafor, Femi \"\"Fem\"\" 7\"");
        assertThat(readCsv(csv).entries()).isEqualTo(entries);
        assertThat(RosterCsv.read(new StringReader(csv), "x.csv").rows()).hasSize(30);
    }

    /** Verifies that a queue id or attribute CSV's ';' syntax cannot carry is refused with the way out, not written ambiguously. */
    @Test
    void valuesCsvCannotCarryAreRefused() {
        RosterEntry semicolon = new RosterEntry("acme", "acme/a", null, null, List.of(), Platform.AES, "5001", null, null, null, null,
                Map.of("note", "a;b"));

        assertThatThrownBy(() -> RosterSamples.write(RosterFormat.CSV, List.of(semicolon)))
                .hasMessageContaining("acme/a").hasMessageContaining("--format yaml");
        assertThat(RosterSamples.readYaml(RosterSamples.write(RosterFormat.YAML, List.of(semicolon))).entries()).containsExactly(semicolon);
    }
}
