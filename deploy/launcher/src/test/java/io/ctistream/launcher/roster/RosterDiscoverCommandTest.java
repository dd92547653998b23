package io.ctistream.launcher.roster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.admin.roster.RosterEntry;
import io.ctistream.events.Platform;
import io.ctistream.settings.ConfigSource;
import io.ctistream.simulator.finesse.FinesseSimulator;
import io.ctistream.simulator.finesse.UserSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ctistream roster discover finesse} whole: the platform found through ServiceLoader, its
 * settings from the environment, the Finesse simulator asked over real HTTP, the diff printed,
 * nothing written; then the saved proposal imported shows the same diff and applies it.
 */
class RosterDiscoverCommandTest {
    @TempDir
    Path dir;
    private final MemoryRosterStore store = new MemoryRosterStore();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private FinesseSimulator sim;

    @BeforeEach
    void start() {
        sim = FinesseSimulator.start(FinesseSimulator.Settings.loopback());
        sim.addUser(UserSpec.agent("5100", "pw", "3100", "5005", "Sales East"));
        sim.addUser(UserSpec.agent("5101", "pw", "3101", "5005", "Sales East"));
        sim.addUser(UserSpec.agent("5900", "sup-pw", "3900", "5005", "Sales East").asSupervisor());
        sim.setAgentState("5101", "READY", -1); // signed in on its own device: Finesse shows its extension
        await().atMost(Duration.ofSeconds(10)).until(() -> "READY".equals(sim.agentState("5101")));
        store.roster.put("t1/alice", new RosterEntry("t1", "t1/alice", "Alice", "t1/support", List.of(), Platform.FINESSE, "5100", null,
                "vault/alice", null, null, Map.of("extension", "3100")));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private int run(Map<String, String> settings, String... args) {
        out.reset();
        err.reset();
        RosterCommand command = new RosterCommand(config -> store, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return command.run(List.of(args), ConfigSource.from(settings));
    }

    private Map<String, String> finesse(String password) throws Exception {
        Path secrets = Files.writeString(dir.resolve("finesse.properties"), "sup.loginId=5900\nsup.password=" + password + "\n");
        return Map.of("CTISTREAM_FINESSE_NODES", sim.restUrl(), "CTISTREAM_FINESSE_CREDENTIALS_FILE", secrets.toString(),
                "CTISTREAM_FINESSE_DISCOVERY_TEAMS", "5005", "CTISTREAM_FINESSE_DISCOVERY_CREDENTIAL", "sup");
    }

    @Test
    void discoverPrintsTheDiffWritesNothingAndItsFileImportsToTheSameDiff() throws Exception {
        Path proposal = dir.resolve("proposal.csv");
        Map<String, RosterEntry> before = store.current();

        int code = run(finesse("sup-pw"), "discover", "finesse", "--tenant", "t1", "--team-map", "5005=sales", "--out", proposal.toString());

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(RosterCommand.OK);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("3 agents listed", "+ t1/finesse-5101", "+ t1/finesse-5900", "~ t1/alice", "nothing written to cti.agents");
        assertThat(store.written).as("discovery never writes").isEmpty();
        assertThat(store.current()).isEqualTo(before);
        List<String> diffLines = printed.lines().filter(l -> l.startsWith("  + ") || l.startsWith("  ~ ") || l.startsWith("    ")).toList();

        // the person applies what they reviewed: the dry run of the saved file shows the same changes
        assertThat(run(Map.of(), "import", proposal.toString(), "--dry-run")).isEqualTo(RosterCommand.OK);
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList()).containsAll(diffLines);
        assertThat(run(Map.of(), "import", proposal.toString())).isEqualTo(RosterCommand.OK);
        assertThat(store.current().get("t1/alice").teamId()).isEqualTo("t1/sales");
        assertThat(store.current().get("t1/finesse-5101").attributes()).containsEntry("extension", "3101");

        // asked again, the platform and the roster agree
        assertThat(run(finesse("sup-pw"), "discover", "finesse", "--tenant", "t1", "--team-map", "5005=sales")).isEqualTo(RosterCommand.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("no changes");
    }

    @Test
    void aRefusedSignInFailsClearlyWithoutThePasswordAndWritesNothing() throws Exception {
        int code = run(finesse("wrong-pw"), "discover", "finesse", "--tenant", "t1");

        assertThat(code).isEqualTo(RosterCommand.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("[sup]", "401").doesNotContain("wrong-pw");
        assertThat(store.written).isEmpty();
    }

    @Test
    void aMissingSettingIsNamed() {
        assertThat(run(Map.of("CTISTREAM_FINESSE_NODES", sim.restUrl()), "discover", "finesse", "--tenant", "t1"))
                .isEqualTo(RosterCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("CTISTREAM_FINESSE_DISCOVERY_TEAMS");
    }
}
