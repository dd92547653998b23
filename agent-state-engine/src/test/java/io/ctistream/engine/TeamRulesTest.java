package io.ctistream.engine;

import static io.ctistream.engine.EngineDriver.agent;
import static io.ctistream.engine.EngineDriver.state;
import static io.ctistream.engine.EngineDriver.team;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.AgentState;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.events.WallboardCategory;
import io.ctistream.events.internal.TeamEntry;
import io.ctistream.events.internal.TeamMemberDelta;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verifies the team member deltas of ADR 017: the agent projector tells a team what it needs of a
 * member at an agent version, the team keeps the newest version of each member and derives its
 * figures from them — so a move counts the agent out of one team and into the other once each, and
 * a delta told again (a replay, a resend after a restart) changes nothing.
 */
class TeamRulesTest {
    private static final String RED = team("red");
    private static final Instant T = EngineDriver.T0;

    /** Verifies on the real topology that a move publishes the old team once (one fewer) and the new one once (one more). */
    @Test
    void aMoveLeavesTheOldTeamOnceAndJoinsTheNewOnce() throws Exception {
        try (EngineDriver engine = new EngineDriver()) {
            String alice = agent("alice");
            engine.profile(alice, RED);
            engine.profile(agent("bob"), RED);
            engine.profile(agent("carol"), team("blue"));
            for (String a : List.of(alice, agent("bob"), agent("carol"))) {
                engine.send(a, ofSeconds(1), state(AgentState.READY));
            }
            engine.teamStats.readRecordsToList();

            // WHEN alice moves to blue
            engine.profile(alice, team("blue"));

            // THEN each team is published once: red one available fewer, blue one more
            Map<String, List<TeamSnapshot>> published = new HashMap<>();
            engine.teamStats.readRecordsToList().forEach(r -> published.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
            assertThat(published.get(RED)).singleElement().satisfies(t -> {
                assertThat(t.getCounts().getAvail()).isEqualTo(1);
                assertThat(t.getMembers()).containsExactly(agent("bob"));
            });
            assertThat(published.get(team("blue"))).singleElement().satisfies(t -> {
                assertThat(t.getCounts().getAvail()).isEqualTo(2);
                assertThat(t.getMembers()).containsExactly(alice, agent("carol"));
            });
        }
    }

    /** Verifies that a delta at or below the version the team holds changes nothing; a newer one does. */
    @Test
    void aDeltaToldAgainChangesNothing() {
        TeamRules.Team team = TeamRules.empty("acme", RED);
        assertThat(TeamRules.apply(team, member("a", 3, WallboardCategory.AVAIL)).change()).isEqualTo(TeamRules.Change.PUBLISHED);
        assertThat(TeamRules.snapshot(team).getCounts().getAvail()).isEqualTo(1);
        long version = team.self.getVersion();

        assertThat(TeamRules.apply(team, member("a", 3, WallboardCategory.AVAIL)).change()).as("told again").isEqualTo(TeamRules.Change.NONE);
        assertThat(TeamRules.apply(team, member("a", 2, WallboardCategory.ACW)).change()).as("an older word").isEqualTo(TeamRules.Change.NONE);
        assertThat(TeamRules.snapshot(team).getCounts().getAvail()).isEqualTo(1);
        assertThat(team.self.getVersion()).isEqualTo(version);

        TeamRules.apply(team, member("a", 4, WallboardCategory.ACD));
        assertThat(TeamRules.snapshot(team).getCounts().getAvail()).isZero();
        assertThat(TeamRules.snapshot(team).getCounts().getAcd()).isEqualTo(1);
        assertThat(team.self.getVersion()).isEqualTo(version + 1);
    }

    /** Verifies that a leave removes the member it was for once, and not one that came back since; nor does an older join bring it back. */
    @Test
    void aLeaveCountsTheMemberOutOnce() {
        TeamRules.Team team = TeamRules.empty("acme", RED);
        TeamRules.apply(team, member("a", 5, WallboardCategory.AUX));
        assertThat(TeamRules.apply(team, TeamRules.left("acme", RED, "a", 4, T)).change()).as("it came back since").isEqualTo(TeamRules.Change.NONE);

        assertThat(TeamRules.apply(team, TeamRules.left("acme", RED, "a", 5, T)).change()).isEqualTo(TeamRules.Change.PUBLISHED);
        assertThat(TeamRules.snapshot(team).getMembers()).isEmpty();
        assertThat(TeamRules.snapshot(team).getCounts().getAux()).isZero();
        assertThat(TeamRules.apply(team, TeamRules.left("acme", RED, "a", 5, T)).change()).as("left again").isEqualTo(TeamRules.Change.NONE);
        assertThat(TeamRules.apply(team, member("a", 5, WallboardCategory.AUX)).change()).as("its word before it left, again")
                .isEqualTo(TeamRules.Change.NONE);
        assertThat(TeamRules.snapshot(team).getMembers()).isEmpty();
    }

    /** Verifies that a newer version the team cannot see (same category, same availability) is kept but not published. */
    @Test
    void aChangeTheTeamCannotSeeIsNotPublished() {
        TeamRules.Team team = TeamRules.empty("acme", RED);
        TeamRules.apply(team, member("a", 1, WallboardCategory.AUX));
        long version = team.self.getVersion();
        assertThat(TeamRules.apply(team, member("a", 2, WallboardCategory.AUX)).change()).isEqualTo(TeamRules.Change.MEMBER);
        assertThat(team.members.get("a").getVersion()).isEqualTo(2);
        assertThat(team.self.getVersion()).isEqualTo(version);
    }

    /** Verifies that an agent that left is forgotten a day later, with the next change of the team. */
    @Test
    void aLeaverIsForgottenADayLater() {
        TeamRules.Team team = TeamRules.empty("acme", RED);
        TeamRules.apply(team, member("a", 1, WallboardCategory.AUX));
        TeamRules.apply(team, TeamRules.left("acme", RED, "a", 2, T));
        assertThat(team.members).containsKey("a");
        TeamRules.Applied later = TeamRules.apply(team, member("b", 1, WallboardCategory.AVAIL, T.plus(TeamRules.LEFT_REMEMBERED).plusSeconds(1)));
        assertThat(later.forgotten()).containsExactly("a");
        assertThat(team.members).containsOnlyKeys("b");
    }

    /**
     * Verifies that leavers are each forgotten a day after they left, with the first change of the team after that, whether
     * the team was built here or read back from its entries (a restart), and not before.
     */
    @Test
    void eachLeaverIsForgottenADayAfterItLeft() {
        TeamRules.Team team = TeamRules.empty("acme", RED);
        TeamRules.apply(team, member("a", 1, WallboardCategory.AUX));
        TeamRules.apply(team, member("b", 1, WallboardCategory.AUX));
        TeamRules.apply(team, TeamRules.left("acme", RED, "a", 2, T));
        TeamRules.apply(team, TeamRules.left("acme", RED, "b", 2, T.plus(Duration.ofHours(12))));

        Instant aDayAfterA = T.plus(TeamRules.LEFT_REMEMBERED).plusSeconds(1);
        assertThat(TeamRules.apply(team, member("c", 1, WallboardCategory.AVAIL, aDayAfterA.minusSeconds(2))).forgotten()).isEmpty();
        assertThat(TeamRules.apply(team, member("c", 2, WallboardCategory.AUX, aDayAfterA)).forgotten()).containsExactly("a");
        assertThat(TeamRules.apply(team, member("c", 3, WallboardCategory.AVAIL, aDayAfterA.plus(Duration.ofHours(11)))).forgotten()).isEmpty();

        // read back from its entries, as after a restart: what it knew of its leavers is found again
        TeamRules.Team restarted = new TeamRules.Team(TeamEntry.newBuilder(team.self).build());
        restarted.members.putAll(team.members);
        Instant aDayAfterB = T.plus(Duration.ofHours(12)).plus(TeamRules.LEFT_REMEMBERED).plusSeconds(1);
        assertThat(TeamRules.apply(restarted, member("c", 4, WallboardCategory.AUX, aDayAfterB)).forgotten()).containsExactly("b");
        assertThat(restarted.members).containsOnlyKeys("c");
        assertThat(TeamRules.apply(team, member("c", 4, WallboardCategory.AUX, aDayAfterB)).forgotten()).containsExactly("b");
    }

    /**
     * Verifies, over random deltas told in order and again out of order (replays, resends), that a
     * team's counts, members and available agents are always those of each agent's newest word.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 2026})
    void figuresAreThoseOfEachMembersNewestWord(long seed) {
        Random random = new Random(seed);
        List<WallboardCategory> categories = List.of(WallboardCategory.values());
        Map<String, Long> version = new HashMap<>();
        Map<String, TeamMemberDelta> newest = new HashMap<>();
        List<TeamMemberDelta> told = new ArrayList<>();
        TeamRules.Team team = TeamRules.empty("acme", RED);
        for (int step = 0; step < 500; step++) {
            String a = "a" + random.nextInt(10);
            long v = version.merge(a, 1L + random.nextInt(2), Long::sum);
            TeamMemberDelta d = random.nextInt(6) == 0 ? TeamRules.left("acme", RED, a, v, T.plusSeconds(step))
                    : member(a, v, categories.get(random.nextInt(categories.size())), T.plusSeconds(step));
            newest.put(a, d);
            told.add(d);
            TeamRules.apply(team, d);
            if (random.nextInt(3) == 0) { // something said before, told again
                TeamRules.apply(team, told.get(random.nextInt(told.size())));
            }
            TeamSnapshot s = TeamRules.snapshot(team);
            EnumMap<WallboardCategory, Integer> tally = new EnumMap<>(WallboardCategory.class);
            TreeSet<String> members = new TreeSet<>();
            newest.values().stream().filter(m -> !m.getLeft()).forEach(m -> {
                tally.merge(m.getCategory(), 1, Integer::sum);
                members.add(m.getAgentId());
            });
            assertThat(s.getMembers()).as("seed %d step %d", seed, step).containsExactlyElementsOf(members);
            assertThat(s.getCounts().getAvail()).isEqualTo(tally.getOrDefault(WallboardCategory.AVAIL, 0));
            assertThat(s.getCounts().getAcd()).isEqualTo(tally.getOrDefault(WallboardCategory.ACD, 0));
            assertThat(s.getCounts().getAux()).isEqualTo(tally.getOrDefault(WallboardCategory.AUX, 0));
            assertThat(s.getCounts().getUnknown()).isEqualTo(tally.getOrDefault(WallboardCategory.UNKNOWN, 0));
            assertThat(s.getAvailableAgents()).hasSize(tally.getOrDefault(WallboardCategory.AVAIL, 0));
        }
    }

    private static TeamMemberDelta member(String agentId, long version, WallboardCategory category) {
        return member(agentId, version, category, T);
    }

    private static TeamMemberDelta member(String agentId, long version, WallboardCategory category, Instant at) {
        return TeamMemberDelta.newBuilder().setTenant("acme").setTeamId(RED).setAgentId(agentId).setAgentVersion(version).setLeft(false)
                .setCategory(category).setAvailableSince(category == WallboardCategory.AVAIL ? at : null).setUpdatedAt(at).build();
    }
}
