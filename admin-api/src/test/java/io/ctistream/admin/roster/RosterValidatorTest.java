package io.ctistream.admin.roster;

import static io.ctistream.admin.roster.RosterSamples.HEADER;
import static io.ctistream.admin.roster.RosterSamples.readCsv;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Verifies that every rule of a roster row is checked, all rows before any is used, each problem by line and field. */
class RosterValidatorTest {

    /** Verifies that a 2,000-row CSV reads whole, in file order, and is the roster it describes. */
    @Test
    void twoThousandRowsRead() {
        RosterValidator.Result result = readCsv(RosterSamples.csv("acme", 2000));

        assertThat(result.problems()).isEmpty();
        assertThat(result.entries()).hasSize(2000).isEqualTo(RosterSamples.entries("acme", 2000));
    }

    /** Verifies that one broken row of 2,000 is named by its line and field, and no entry at all comes out (issue #18: changes nothing). */
    @Test
    void oneBrokenRowOfTwoThousandNamesItsLineAndGivesNothing() {
        // GIVEN agent 1234 (line 1235) on a platform that does not exist
        String csv = RosterSamples.csv("acme", 2000).replace(RosterSamples.csvRow("acme", 1234),
                RosterSamples.csvRow("acme", 1234).replace(",FINESSE,", ",FINNESSE,"));

        // WHEN read
        RosterValidator.Result result = readCsv(csv);

        // THEN only that row is named, and nothing is to be written
        assertThat(result.valid()).isFalse();
        assertThat(result.entries()).isEmpty();
        assertThat(result.problems()).extracting(RosterProblem::toString)
                .containsExactly("roster.csv:1235: platform: [FINNESSE] is not a platform; one of BROADWORKS, FINESSE, AES");
    }

    /** Verifies each rule of one row: required values, tenant-qualified ids of the row's tenant, the time zone. */
    @Test
    void everyRuleOfARowNamesItsField() {
        String csv = HEADER + "\n"
                + ",acme/a1,,,,AES,5001,,,,,\n"                                     // 2: no tenant
                + "acme,other/a2,,,,AES,5002,,,,,\n"                               // 3: agent of another tenant
                + "acme,a3,,,,AES,5003,,,,,\n"                                     // 4: agent not qualified
                + "acme,acme/a4,,sales,,AES,5004,,,,,\n"                           // 5: team not qualified
                + "acme,acme/a5,,,acme/sales;other/support,AES,5005,,,,,\n"        // 6: a queue of another tenant
                + "acme,acme/a6,,,,CTISTREAM,5006,,,,,\n"                          // 7: not a telephony platform
                + "acme,acme/a7,,,,AES,,,,,,\n"                                    // 8: no platform user
                + "acme,acme/a8,,,,AES,5008,,,,Europe/Berln,\n"                    // 9: unknown zone
                + "acme,acme/a9,,,,AES,5009,,,,+02:00,\n"                          // 10: an offset is not an IANA zone
                + "ac me,ac me/a10,,,,AES,5010,,,,,\n";                            // 11: a tenant with a space

        assertThat(readCsv(csv).problems()).extracting(RosterProblem::toString).containsExactly(
                "roster.csv:2: tenant: required, and empty",
                "roster.csv:3: agentId: [other/a2] must be tenant-qualified as acme/<name>, the row's tenant being [acme]",
                "roster.csv:4: agentId: [a3] must be tenant-qualified as acme/<name>, the row's tenant being [acme]",
                "roster.csv:5: teamId: [sales] must be tenant-qualified as acme/<name>, the row's tenant being [acme]",
                "roster.csv:6: queues: [other/support] must be tenant-qualified as acme/<name>, the row's tenant being [acme]",
                "roster.csv:7: platform: [CTISTREAM] is not a platform; one of BROADWORKS, FINESSE, AES",
                "roster.csv:8: platformUserId: required, and empty",
                "roster.csv:9: timeZone: [Europe/Berln] is not an IANA time zone (such as Europe/Berlin or America/New_York)",
                "roster.csv:10: timeZone: [+02:00] is not an IANA time zone (such as Europe/Berlin or America/New_York)",
                "roster.csv:11: tenant: [ac me] is not a tenant id (no '/' and no spaces)");
    }

    /** Verifies that an agent twice and a platform user twice (same tenant and platform) name the line seen first. */
    @Test
    void duplicatesNameTheFirstLine() {
        String csv = HEADER + "\n"
                + "acme,acme/a1,,,,AES,5001,,,,,\n"
                + "acme,acme/a1,,,,AES,5002,,,,,\n"
                + "acme,acme/a3,,,,AES,5001,,,,,\n"
                + "acme,acme/a4,,,,FINESSE,5001,,,,,\n"        // the same id on another platform: another person
                + "beta,beta/a1,,,,AES,5001,,,,,\n";           // and in another tenant

        assertThat(readCsv(csv).problems()).extracting(RosterProblem::toString).containsExactly(
                "roster.csv:3: agentId: [acme/a1] is already on line 2; each agent once",
                "roster.csv:4: platformUserId: [5001] on AES is already the agent of line 2");
    }

    /** Verifies that one file may carry several tenants, each row checked against its own. */
    @Test
    void severalTenantsInOneFile() {
        RosterValidator.Result result = readCsv(RosterSamples.csv("acme", 3) + String.join("\n", RosterSamples.csv("beta", 3).lines().skip(1).toList()));

        assertThat(result.problems()).isEmpty();
        assertThat(result.entries()).extracting(RosterEntry::tenant).containsExactly("acme", "acme", "acme", "beta", "beta", "beta");
    }
    /** Verifies the checks against the roster (issue #18's admin API and import): a platform user an agent staying on it has, unknown teams and queues. */
    @Test
    void againstTheRosterTheTeamsAndTheQueues() {
        // GIVEN acme/zed with AES user 5001 on the roster, and a file giving acme/a1 the same user, an unknown team and queue
        String csv = HEADER + "\n" + "acme,acme/a1,,acme/nosuch,acme/sales;acme/gone,AES,5001,,,,,\n";
        RosterRows rows = RosterCsv.read(new java.io.StringReader(csv), "roster.csv");
        RosterValidator.Result valid = RosterValidator.validate(rows);
        java.util.Map<String, RosterEntry> roster = java.util.Map.of("acme/zed", new RosterEntry("acme", "acme/zed", null, null, java.util.List.of(),
                io.ctistream.events.Platform.AES, "5001", null, null, null, null, java.util.Map.of()));

        // THEN each is named; without known teams and queues (an import) only the user; removing acme/zed leaves nothing
        assertThat(RosterValidator.against(rows, valid, roster, false, "acme/sales"::equals, "acme/sales"::equals))
                .extracting(RosterProblem::toString).containsExactly(
                        "roster.csv:2: platformUserId: [5001] on AES is already the agent acme/zed",
                        "roster.csv:2: teamId: [acme/nosuch] is not a team of tenant [acme]; create the team first",
                        "roster.csv:2: queues: [acme/gone] is not a queue of tenant [acme]; create the queue first");
        assertThat(RosterValidator.against(rows, valid, roster, false, null, null)).hasSize(1);
        assertThat(RosterValidator.against(rows, valid, roster, true, null, null)).isEmpty();
    }
}
