package io.ctistream.engine;

import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AvailableAgent;
import io.ctistream.events.CategoryCounts;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.events.WallboardCategory;
import io.ctistream.events.internal.AgentProjection;
import io.ctistream.events.internal.TeamMemberDelta;
import io.ctistream.events.internal.TeamEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Team figures as pure functions (ADR 017). The agent projection tells each team what it needs of
 * a member — its category, since when it is available, at which agent version — or that the agent
 * left at a version; the team keeps each member at the newest version it was told, and everything
 * it publishes (counts, members, available agents) is derived from those members, never counted up
 * and down. A delta at or below the version a team holds changes nothing, so a replay or a resend
 * cannot count anyone twice; a move is a leave for the old team and a join for the new one, and a
 * team remembers for a day that an agent left, at which version, so that an older join told again
 * does not bring it back.
 */
final class TeamRules {
    private static final Comparator<AvailableAgent> LONGEST_WAITING_FIRST =
            Comparator.comparing(AvailableAgent::getSince).thenComparing(AvailableAgent::getAgentId);

    private TeamRules() {
    }

    /** What a team needs of this agent now; null when it is in no team (or off the roster). */
    static TeamMemberDelta membership(AgentProjection p) {
        AgentSnapshot s = p.getSnapshot();
        if (p.getRemoved() || s.getTeamId() == null) {
            return null;
        }
        return TeamMemberDelta.newBuilder().setTenant(s.getTenant()).setTeamId(s.getTeamId()).setAgentId(s.getAgentId())
                .setAgentVersion(s.getVersion()).setLeft(false).setCategory(s.getCategory())
                .setAvailableSince(s.getCategory() == WallboardCategory.AVAIL ? s.getStateSince() : null)
                .setUpdatedAt(s.getUpdatedAt()).build();
    }

    /** The agent left {@code teamId} at {@code version}. */
    static TeamMemberDelta left(String tenant, String teamId, String agentId, long version, Instant at) {
        return TeamMemberDelta.newBuilder().setTenant(tenant).setTeamId(teamId).setAgentId(agentId).setAgentVersion(version)
                .setLeft(true).setCategory(WallboardCategory.UNKNOWN).setAvailableSince(null).setUpdatedAt(at).build();
    }

    /**
     * The deltas a change of an agent from {@code before} to {@code after} sends: nothing when the
     * team sees no difference (its category and availability are the same), a leave and a join when
     * the team changed. {@code before} null for an agent seen for the first time.
     */
    static List<TeamMemberDelta> changes(AgentProjection before, AgentProjection after) {
        TeamMemberDelta was = before == null ? null : membership(before);
        TeamMemberDelta now = membership(after);
        List<TeamMemberDelta> out = new ArrayList<>(2);
        if (was != null && (now == null || !was.getTeamId().equals(now.getTeamId()))) {
            AgentSnapshot s = after.getSnapshot();
            out.add(left(was.getTenant(), was.getTeamId(), was.getAgentId(), s.getVersion(), s.getUpdatedAt()));
        }
        if (now != null && (was == null || !was.getTeamId().equals(now.getTeamId()) || was.getCategory() != now.getCategory()
                || !Objects.equals(was.getAvailableSince(), now.getAvailableSince()))) {
            out.add(now);
        }
        return out;
    }

    /**
     * How long a team remembers that an agent left it, so that an older word about the agent — a
     * replay after a crash re-sends what the agent's state said before the move — does not bring it
     * back. Far longer than any replay; moves are few, so this costs a handful of entries.
     */
    static final Duration LEFT_REMEMBERED = Duration.ofDays(1);

    /** A team as the team projector holds it: its own entry (version, stamp) and its members, and lately departed, by agent id. */
    static final class Team {
        final TeamEntry self;
        final NavigableMap<String, TeamEntry> members = new TreeMap<>();
        /**
         * At or below the stamp of every member that left (epoch millis): the members need looking
         * through for ones to forget only when it is older than a day. Unknown at first, then exact
         * after each look.
         */
        long leftNoEarlierThan = Long.MIN_VALUE;

        Team(TeamEntry self) {
            this.self = self;
        }
    }

    /** What one delta did: nothing (told already), a member's entry only, or a change of the published team. */
    enum Change { NONE, MEMBER, PUBLISHED }

    /** @param member the member's new entry; {@code forgotten} the agents that left long enough ago to be dropped */
    record Applied(Change change, TeamEntry member, List<String> forgotten) {
    }

    private static final Applied NOTHING = new Applied(Change.NONE, null, List.of());

    /** A team nobody has been told about yet. */
    static Team empty(String tenant, String teamId) {
        return new Team(TeamEntry.newBuilder().setTenant(tenant).setTeamId(teamId).setAgentId(null).setVersion(0).setUpdatedAtMillis(0).build());
    }

    /** Applies one delta to the team (in place) unless the team holds the member at that version or a newer one. */
    static Applied apply(Team team, TeamMemberDelta d) {
        TeamEntry held = team.members.get(d.getAgentId());
        if (held != null && (d.getAgentVersion() < held.getVersion()
                || d.getAgentVersion() == held.getVersion() && (held.getLeft() || !d.getLeft()))) {
            return NOTHING; // told already, or older than what the team holds
        }
        long at = d.getUpdatedAt().toEpochMilli();
        TeamEntry m = TeamEntry.newBuilder().setTenant(d.getTenant()).setTeamId(d.getTeamId()).setAgentId(d.getAgentId())
                .setVersion(d.getAgentVersion()).setLeft(d.getLeft()).setCategory(d.getLeft() ? WallboardCategory.UNKNOWN : d.getCategory())
                .setAvailableSinceMillis(d.getLeft() || d.getAvailableSince() == null ? null : d.getAvailableSince().toEpochMilli())
                .setUpdatedAtMillis(at).build();
        boolean visible = held == null || held.getLeft() ? !m.getLeft()
                : m.getLeft() || held.getCategory() != m.getCategory() || !Objects.equals(held.getAvailableSinceMillis(), m.getAvailableSinceMillis());
        team.members.put(d.getAgentId(), m);
        if (m.getLeft()) {
            team.leftNoEarlierThan = Math.min(team.leftNoEarlierThan, at);
        }
        if (!visible) {
            return new Applied(Change.MEMBER, m, List.of());
        }
        team.self.setVersion(team.self.getVersion() + 1);
        team.self.setUpdatedAtMillis(Math.max(team.self.getUpdatedAtMillis(), at));
        long forgetBefore = at - LEFT_REMEMBERED.toMillis();
        if (team.leftNoEarlierThan >= forgetBefore) {
            return new Applied(Change.PUBLISHED, m, List.of()); // nobody left that long ago: the members are not looked through
        }
        List<String> forgotten = new ArrayList<>(0);
        long oldestKept = Long.MAX_VALUE;
        for (TeamEntry x : team.members.values()) {
            if (!x.getLeft()) {
                continue;
            }
            if (x.getUpdatedAtMillis() < forgetBefore) {
                forgotten.add(x.getAgentId());
            } else {
                oldestKept = Math.min(oldestKept, x.getUpdatedAtMillis());
            }
        }
        forgotten.forEach(team.members::remove);
        team.leftNoEarlierThan = oldestKept;
        return new Applied(Change.PUBLISHED, m, forgotten);
    }

    /** The published team: counts, members and available agents, all from the members. */
    static TeamSnapshot snapshot(Team team) {
        CategoryCounts.Builder counts = CategoryCounts.newBuilder();
        List<String> ids = new ArrayList<>(team.members.size());
        List<AvailableAgent> available = new ArrayList<>();
        for (TeamEntry m : team.members.values()) {
            if (m.getLeft()) {
                continue;
            }
            ids.add(m.getAgentId());
            count(counts, m.getCategory());
            if (m.getCategory() == WallboardCategory.AVAIL && m.getAvailableSinceMillis() != null) {
                available.add(new AvailableAgent(m.getAgentId(), Instant.ofEpochMilli(m.getAvailableSinceMillis())));
            }
        }
        available.sort(LONGEST_WAITING_FIRST);
        return TeamSnapshot.newBuilder().setTenant(team.self.getTenant()).setTeamId(team.self.getTeamId()).setCounts(counts.build())
                .setMembers(ids).setAvailableAgents(available).setLongestAvailable(available.isEmpty() ? null : available.get(0))
                .setVersion(team.self.getVersion()).setUpdatedAt(Instant.ofEpochMilli(team.self.getUpdatedAtMillis())).build();
    }

    private static void count(CategoryCounts.Builder c, WallboardCategory category) {
        switch (category) {
            case AVAIL -> c.setAvail(c.getAvail() + 1);
            case RING -> c.setRing(c.getRing() + 1);
            case ACD -> c.setAcd(c.getAcd() + 1);
            case AUX -> c.setAux(c.getAux() + 1);
            case ACW -> c.setAcw(c.getAcw() + 1);
            case OFF -> c.setOff(c.getOff() + 1);
            case UNKNOWN -> c.setUnknown(c.getUnknown() + 1);
        }
    }
}
