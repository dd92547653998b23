package io.ctistream.launcher.roster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.admin.roster.RosterEntry;
import io.ctistream.events.Platform;
import io.ctistream.settings.ConfigSource;
import io.ctistream.simulator.broadworks.xsi.actions.XsiActionsServer;
import io.ctistream.simulator.broadworks.xsi.actions.XsiActionsServer.SimAgent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ctistream roster discover broadworks} whole (issue #18, ADR 020): the platform found
 * through ServiceLoader, its settings from the environment, the Xsi-Actions simulator asked over
 * real HTTP for its call centers' agents, the diff printed, nothing written; the saved proposal's
 * dry run shows the same lines, importing it applies them, and a second discovery shows no changes.
 */
class RosterDiscoverBroadWorksCommandTest {
    @TempDir
    Path dir;
    private final MemoryRosterStore store = new MemoryRosterStore();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private XsiActionsServer xsi;

    @BeforeEach
    void start() {
        xsi = XsiActionsServer.start(XsiActionsServer.Settings.loopback("sup@as.example", "sup-pw"));
        xsi.addAgent("sales-cc@as.example", new SimAgent("alice@as.example", "Alice", "Adams", null, "3211"));
        xsi.addAgent("sales-cc@as.example", new SimAgent("bob@as.example", "Bob", "Brown", "+1-2401003212", "3212"));
        xsi.addAgent("support-cc@as.example", new SimAgent("cara@as.example", "Cara", "Chen", null, null));
        store.roster.put("t1/alice", new RosterEntry("t1", "t1/alice", "Alice", "t1/support", List.of("t1/sales"), Platform.BROADWORKS,
                "alice@as.example", "acd-alice@as.example", "vault/alice", null, null, Map.of()));
        store.roster.put("t1/dave", new RosterEntry("t1", "t1/dave", "Dave", "t1/support", List.of(), Platform.BROADWORKS,
                "dave@as.example", null, "vault/dave", null, null, Map.of()));
    }

    @AfterEach
    void stop() {
        xsi.close();
    }

    private int run(Map<String, String> settings, String... args) {
        out.reset();
        err.reset();
        RosterCommand command = new RosterCommand(config -> store, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return command.run(List.of(args), ConfigSource.from(settings));
    }

    private Map<String, String> broadworks(String password) throws Exception {
        Path secrets = Files.writeString(dir.resolve("bw.properties"), "sup.sipUser=sup@as.example\nsup.sipPassword=" + password + "\n");
        return Map.of("CTISTREAM_BW_XSI_ACTIONS_URL", xsi.baseUrl(), "CTISTREAM_BW_CREDENTIALS_FILE", secrets.toString(),
                "CTISTREAM_BW_DISCOVERY_CALL_CENTERS", "sales-cc@as.example,support-cc@as.example", "CTISTREAM_BW_DISCOVERY_CREDENTIAL", "sup");
    }

    @Test
    void discoverPrintsTheDiffWritesNothingAndItsFileImportsToTheSameDiff() throws Exception {
        Path proposal = dir.resolve("proposal.yaml");
        Map<String, RosterEntry> before = store.current();
        String[] discover = {"discover", "broadworks", "--tenant", "t1", "--team-map", "sales-cc@as.example=sales,support-cc@as.example=support"};

        int code = run(broadworks("sup-pw"), concat(discover, "--out", proposal.toString()));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(RosterCommand.OK);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("3 agents listed", "+ t1/broadworks-bob-as.example", "+ t1/broadworks-cara-as.example", "~ t1/alice",
                "? t1/dave (broadworks user dave@as.example): not listed by broadworks, kept", "nothing written to cti.agents");
        assertThat(store.written).as("discovery never writes").isEmpty();
        assertThat(store.current()).isEqualTo(before);
        List<String> diffLines = printed.lines().filter(l -> l.startsWith("  + ") || l.startsWith("  ~ ") || l.startsWith("    ")).toList();
        assertThat(diffLines).hasSizeGreaterThanOrEqualTo(3);

        // the person applies what they reviewed: the dry run of the saved file shows the same changes
        assertThat(run(Map.of(), "import", proposal.toString(), "--dry-run")).isEqualTo(RosterCommand.OK);
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList()).containsAll(diffLines);
        assertThat(store.written).isEmpty();
        assertThat(run(Map.of(), "import", proposal.toString())).isEqualTo(RosterCommand.OK);
        RosterEntry alice = store.current().get("t1/alice");
        assertThat(alice.teamId()).isEqualTo("t1/sales");
        assertThat(alice.displayName()).isEqualTo("Alice Adams");
        assertThat(alice.credentialRef()).as("what the operator owns is kept").isEqualTo("vault/alice");
        assertThat(alice.hotelingGuestAddress()).isEqualTo("acd-alice@as.example");
        assertThat(alice.queues()).containsExactly("t1/sales");
        RosterEntry bob = store.current().get("t1/broadworks-bob-as.example");
        assertThat(bob.platformUserId()).isEqualTo("bob@as.example");
        assertThat(bob.credentialRef()).isEqualTo("bw/bob@as.example");
        assertThat(bob.attributes()).containsEntry("extension", "3212").containsEntry("number", "+1-2401003212");
        assertThat(store.current().get("t1/broadworks-cara-as.example").teamId()).isEqualTo("t1/support");
        assertThat(store.current()).containsKey("t1/dave");

        // asked again, the platform and the roster agree
        assertThat(run(broadworks("sup-pw"), discover)).isEqualTo(RosterCommand.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("no changes");
    }

    @Test
    void aRefusedSignInFailsClearlyWithoutThePasswordAndWritesNothing() throws Exception {
        int code = run(broadworks("wrong-pw"), "discover", "broadworks", "--tenant", "t1");

        assertThat(code).isEqualTo(RosterCommand.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("[sup]", "401").doesNotContain("wrong-pw");
        assertThat(xsi.requests()).as("a refused sign-in is never retried").hasSize(1);
        assertThat(store.written).isEmpty();
    }

    @Test
    void aMissingSettingIsNamed() {
        assertThat(run(Map.of("CTISTREAM_BW_XSI_ACTIONS_URL", xsi.baseUrl()), "discover", "broadworks", "--tenant", "t1"))
                .isEqualTo(RosterCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("CTISTREAM_BW_DISCOVERY_CALL_CENTERS");
        assertThat(xsi.requests()).isEmpty();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
