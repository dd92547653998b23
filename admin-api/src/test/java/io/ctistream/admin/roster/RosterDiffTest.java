package io.ctistream.admin.roster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.AgentProfile;
import io.ctistream.events.Platform;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the diff of a file against the roster on the topic: what is added, changed (by field), removed or kept. */
class RosterDiffTest {
    private static final RosterEntry ALICE = new RosterEntry("acme", "acme/alice", "Alice Adams", "acme/sales", List.of("acme/sales"),
            Platform.BROADWORKS, "alice@as.example.com", null, "bw/alice", "0", "Europe/Berlin", Map.of());
    private static final RosterEntry BOB = new RosterEntry("acme", "acme/bob", "Bob Brown", "acme/support", List.of("acme/support"),
            Platform.FINESSE, "1002", null, null, null, null, Map.of("extension", "7002"));
    private static final RosterEntry CARA = new RosterEntry("acme", "acme/cara", null, null, List.of(), Platform.AES, "5003", null, null,
            null, null, Map.of());
    private static final RosterEntry OTHER = new RosterEntry("beta", "beta/zed", null, null, List.of(), Platform.AES, "5003", null, null,
            null, null, Map.of());

    private static Map<String, RosterEntry> topic(RosterEntry... entries) {
        Map<String, RosterEntry> map = new HashMap<>();
        for (RosterEntry e : entries) {
            map.put(e.agentId(), e);
        }
        return map;
    }

    /** Verifies added, changed with each differing field, unchanged, and agents of the file's tenant not in it kept and listed. */
    @Test
    void addedChangedAndKept() {
        // GIVEN alice, bob and cara of acme, and zed of beta, on the topic
        RosterEntry bobMoved = new RosterEntry("acme", "acme/bob", "Bob Brown", "acme/sales", List.of("acme/sales", "acme/support"),
                Platform.FINESSE, "1002", null, null, null, null, Map.of("extension", "7012"));
        RosterEntry dan = new RosterEntry("acme", "acme/dan", "Dan, \"D\"", null, List.of(), Platform.AES, "5004", null, null, null, null,
                Map.of());

        // WHEN a file with alice unchanged, bob moved and dan new is compared
        RosterDiff diff = RosterDiff.between(topic(ALICE, BOB, CARA, OTHER), List.of(ALICE, bobMoved, dan), false);

        // THEN
        assertThat(diff.added()).containsExactly(dan);
        assertThat(diff.changed()).singleElement().satisfies(c -> assertThat(c.fields()).extracting(f -> f.field().key())
                .containsExactly("teamId", "queues", "attributes"));
        assertThat(diff.removed()).isEmpty();
        assertThat(diff.kept()).containsExactly(CARA);
        assertThat(diff.unchanged()).isEqualTo(1);
        assertThat(diff.writes()).extracting(RosterDiff.Write::agentId).containsExactly("acme/dan", "acme/bob");
        assertThat(diff.lines()).containsExactly(
                "+ acme/dan  \"Dan, \"D\"\", AES 5004",
                "~ acme/bob  teamId: \"acme/support\" -> \"acme/sales\"; queues: [acme/support] -> [acme/sales, acme/support]; "
                        + "attributes: {extension=7002} -> {extension=7012}",
                "= acme/cara  not in file, kept (--remove-missing removes it)",
                "1 added, 1 changed, 0 removed, 1 not in file (kept), 1 unchanged");
    }

    /** Verifies that with --remove-missing the agents of the file's tenants not in it become tombstones, other tenants untouched. */
    @Test
    void removeMissingRemovesOnlyTheFilesTenants() {
        RosterDiff diff = RosterDiff.between(topic(ALICE, BOB, CARA, OTHER), List.of(ALICE), true);

        assertThat(diff.removed()).containsExactly(BOB, CARA);
        assertThat(diff.kept()).isEmpty();
        assertThat(diff.writes()).containsExactly(new RosterDiff.Write("acme/bob", null), new RosterDiff.Write("acme/cara", null));
        assertThat(diff.lines()).contains("- acme/bob  removed (not in file, --remove-missing)");
    }

    /** Verifies that the same roster is no change, even where the topic holds an empty text the file cannot tell from none. */
    @Test
    void theSameRosterIsNoChange() {
        AgentProfile withBlanks = ALICE.toProfile();
        withBlanks.setHotelingGuestAddress("");
        RosterDiff diff = RosterDiff.between(Map.of(ALICE.agentId(), RosterEntry.of(withBlanks)), List.of(ALICE), true);

        assertThat(diff.noChanges()).isTrue();
        assertThat(diff.writes()).isEmpty();
        assertThat(diff.lines()).containsExactly("0 added, 0 changed, 0 removed, 0 not in file (kept), 1 unchanged");
    }

    /** Verifies that an entry survives the trip to an AgentProfile and back. */
    @Test
    void entryAndProfileRoundTrip() {
        for (RosterEntry e : RosterSamples.entries("acme", 12)) {
            assertThat(RosterEntry.of(e.toProfile())).isEqualTo(e);
        }
    }
}
