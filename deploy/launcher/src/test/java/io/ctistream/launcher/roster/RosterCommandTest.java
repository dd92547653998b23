package io.ctistream.launcher.roster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.admin.roster.RosterDiff;
import io.ctistream.admin.roster.RosterEntry;
import io.ctistream.admin.roster.RosterFormat;
import io.ctistream.admin.roster.RosterSamples;
import io.ctistream.admin.roster.RosterStore;
import io.ctistream.settings.ConfigSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies {@code ctistream roster} as an operator runs it, over a roster in memory: output, exit codes, what is written. */
class RosterCommandTest {
    @TempDir
    Path dir;
    private final MemoryRosterStore store = new MemoryRosterStore();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private RosterCommand command;

    @BeforeEach
    void command() {
        command = new RosterCommand(config -> {
            store.opened++;
            return store;
        }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return command.run(List.of(args), ConfigSource.from(Map.of()));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    /** Verifies dry run, apply and a second apply: the diff printed, written once, then "no changes" and nothing written. */
    @Test
    void dryRunThenApplyThenApplyAgainWritesOnce() throws Exception {
        // GIVEN a file of 5 agents and an empty roster
        Path csv = file("roster.csv", RosterSamples.csv("acme", 5));

        // WHEN dry-run: the diff, nothing written
        assertThat(run("import", csv.toString(), "--dry-run")).isEqualTo(RosterCommand.OK);
        assertThat(out()).contains("roster dry run of " + csv, "+ acme/a1  \"Agent 1\", team acme/support, FINESSE 10001",
                "5 added, 0 changed, 0 removed, 0 not in file (kept), 0 unchanged", "dry run: nothing written (5 records would be)");
        assertThat(store.written).isEmpty();

        // WHEN applied: written and acknowledged
        assertThat(run("import", csv.toString())).isEqualTo(RosterCommand.OK);
        assertThat(out()).contains("wrote 5 records to cti.agents (5 added, 0 changed, 0 removed), every one acknowledged");
        assertThat(store.roster.values()).containsExactlyInAnyOrderElementsOf(RosterSamples.entries("acme", 5));

        // WHEN applied again: no changes, nothing written
        assertThat(run("import", csv.toString())).isEqualTo(RosterCommand.OK);
        assertThat(out()).contains("0 added, 0 changed, 0 removed, 0 not in file (kept), 5 unchanged", "no changes");
        assertThat(store.written).hasSize(5);
    }

    /**
     * Verifies that a platform user already taken by an agent the file leaves on the topic is refused like a bad row
     * (exit 3, nothing written), and that with --remove-missing, which removes that agent, it is not (issue #18, ADR 016).
     */
    @Test
    void aPlatformUserOfAnAgentKeptOnTheTopicIsRefused() throws Exception {
        // GIVEN acme/zed on the topic as FINESSE user 10001, which the file gives acme/a1
        RosterEntry a1 = RosterSamples.entry("acme", 1);
        store.roster.put("acme/zed", new RosterEntry("acme", "acme/zed", null, null, List.of(), a1.platform(), a1.platformUserId(), null, null,
                null, null, Map.of()));
        Path csv = file("roster.csv", RosterSamples.csv("acme", 3));

        // WHEN imported: refused, naming the line, the field and the agent that has the user
        assertThat(run("import", csv.toString())).isEqualTo(RosterCommand.INVALID_FILE);
        assertThat(err()).contains(csv + ":2: platformUserId: [10001] on FINESSE is already the agent acme/zed", "nothing was written");
        assertThat(store.written).isEmpty();

        // WHEN imported with --remove-missing, which removes acme/zed: applied
        assertThat(run("import", csv.toString(), "--remove-missing")).as(err()).isEqualTo(RosterCommand.OK);
        assertThat(store.roster).doesNotContainKey("acme/zed").containsKey("acme/a1");
    }

    /** Verifies that a bad row is named on stderr with exit code 3 and the roster is not even read, let alone written. */
    @Test
    void aBrokenFileChangesNothing() throws Exception {
        store.roster.put("acme/a1", RosterSamples.entry("acme", 1));
        Path csv = file("roster.csv", RosterSamples.csv("acme", 5).replace("Europe/Berlin", "Europe/Berln"));

        assertThat(run("import", csv.toString(), "--remove-missing")).isEqualTo(RosterCommand.INVALID_FILE);

        assertThat(err()).contains(csv + ":4: timeZone: [Europe/Berln] is not an IANA time zone",
                csv + ": 1 problem; nothing was written");
        assertThat(store.opened).isZero();
        assertThat(store.roster).containsOnlyKeys("acme/a1");
    }

    /** Verifies that agents not in the file are kept and listed, and removed only with --remove-missing. */
    @Test
    void removalOnlyOnTheFlag() throws Exception {
        for (RosterEntry e : RosterSamples.entries("acme", 4)) {
            store.roster.put(e.agentId(), e);
        }
        store.roster.put("beta/a1", RosterSamples.entry("beta", 1));
        Path yaml = file("roster.yaml", RosterSamples.write(RosterFormat.YAML, RosterSamples.entries("acme", 3)));

        assertThat(run("import", yaml.toString())).isEqualTo(RosterCommand.OK);
        assertThat(out()).contains("= acme/a4  not in file, kept", "no changes");
        assertThat(store.roster).containsKey("acme/a4");

        assertThat(run("import", yaml.toString(), "--remove-missing")).isEqualTo(RosterCommand.OK);
        assertThat(out()).contains("- acme/a4  removed", "wrote 1 records to cti.agents (0 added, 0 changed, 1 removed)");
        assertThat(store.roster).doesNotContainKey("acme/a4").containsKey("beta/a1");
    }

    /** Verifies that export writes one tenant's roster, and importing the export is no change (CSV to stdout, YAML to a file). */
    @Test
    void exportThenImportIsNoChange() throws Exception {
        for (RosterEntry e : RosterSamples.entries("acme", 40)) {
            store.roster.put(e.agentId(), e);
        }
        store.roster.put("beta/a1", RosterSamples.entry("beta", 1));

        assertThat(run("export", "--tenant", "acme")).isEqualTo(RosterCommand.OK);
        String csv = out();
        assertThat(csv).startsWith(RosterSamples.HEADER).doesNotContain("beta/").contains("acme/a1,");
        assertThat(err()).contains("exported 40 agents of tenant [acme] as csv");
        assertThat(run("import", file("export.csv", csv).toString())).isEqualTo(RosterCommand.OK);
        assertThat(out()).contains("40 unchanged", "no changes");

        Path yaml = dir.resolve("acme.yaml");
        assertThat(run("export", "--tenant", "acme", "--out", yaml.toString())).isEqualTo(RosterCommand.OK);
        assertThat(Files.readString(yaml)).startsWith("agents:");
        assertThat(run("import", yaml.toString(), "--remove-missing")).isEqualTo(RosterCommand.OK);
        assertThat(out()).contains("no changes");
        assertThat(store.written).isEmpty();
    }

    /** Verifies that a command line that cannot run answers 2 with the usage, and help answers 0. */
    @Test
    void badCommandLinesAnswerTwo() throws Exception {
        assertThat(run()).isEqualTo(RosterCommand.USAGE);
        assertThat(run("import")).isEqualTo(RosterCommand.USAGE);
        assertThat(err()).contains("import needs the FILE to read", "usage: ctistream roster import FILE");
        assertThat(run("import", file("roster.txt", "x").toString())).isEqualTo(RosterCommand.USAGE);
        assertThat(err()).contains("give --format csv or --format yaml");
        assertThat(run("import", dir.resolve("missing.csv").toString())).isEqualTo(RosterCommand.USAGE);
        assertThat(err()).contains("no file [");
        assertThat(run("export")).isEqualTo(RosterCommand.USAGE);
        assertThat(err()).contains("export needs --tenant");
        assertThat(run("export", "--tenant", "acme", "--format", "xml")).isEqualTo(RosterCommand.USAGE);
        assertThat(run("import", "a.csv", "--tenant", "acme")).isEqualTo(RosterCommand.USAGE);
        assertThat(run("help")).isEqualTo(RosterCommand.OK);
        assertThat(out()).contains("--remove-missing");
        assertThat(store.opened).isZero();
    }

    /** Verifies that without CTISTREAM_KAFKA_BOOTSTRAP the launcher's command answers 2 and says what to set. */
    @Test
    void missingKafkaSettingsAnswerTwo() throws Exception {
        RosterCommand onKafka = RosterCommand.onKafka(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        int code = onKafka.run(List.of("export", "--tenant", "acme"), ConfigSource.from(Map.of()));

        assertThat(code).isEqualTo(RosterCommand.USAGE);
        assertThat(err()).contains("CTISTREAM_KAFKA_BOOTSTRAP must name", "CTISTREAM_KAFKA_BOOTSTRAP=127.0.0.1:9092");
        assertThat(out()).isEmpty();
    }

    /** Verifies that a failing store answers 1 with its message and leaves an existing export file whole. */
    @Test
    void aKafkaFailureAnswersOne() throws Exception {
        Path old = file("acme.csv", "the previous export\n");
        RosterCommand failing = new RosterCommand(config -> new RosterStore() {
            @Override
            public Map<String, RosterEntry> current() {
                throw new IllegalStateException("Kafka at [k:9092] did not answer within 30 s");
            }

            @Override
            public void write(List<RosterDiff.Write> writes) {
            }
        }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        int code = failing.run(List.of("export", "--tenant", "acme", "--out", old.toString()), ConfigSource.from(Map.of()));

        assertThat(code).isEqualTo(RosterCommand.FAILED);
        assertThat(err()).contains("ctistream roster export failed: Kafka at [k:9092] did not answer within 30 s");
        assertThat(Files.readString(old)).isEqualTo("the previous export\n");
    }
}
