package io.ctistream.engine;

import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AvailableAgent;
import io.ctistream.events.CategoryCounts;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.events.WallboardCategory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Team figures as the adder and subtractor of a grouped-table aggregation: Kafka Streams
 * subtracts an agent's old snapshot from its old team and adds the new one to its new team, so
 * an agent moving between teams moves between counts and is never counted twice.
 */
final class TeamAggregator {
    private TeamAggregator() {
    }

    static TeamSnapshot empty() {
        return TeamSnapshot.newBuilder().setTenant("").setTeamId("")
                .setCounts(CategoryCounts.newBuilder().build()).setVersion(0).setUpdatedAt(Instant.EPOCH).build();
    }

    static TeamSnapshot add(String teamId, AgentSnapshot agent, TeamSnapshot team) {
        TeamSnapshot.Builder b = TeamSnapshot.newBuilder(team).setTenant(agent.getTenant()).setTeamId(teamId);
        b.setCounts(count(team.getCounts(), agent.getCategory(), +1));
        List<String> members = new ArrayList<>(team.getMembers());
        members.remove(agent.getAgentId());
        members.add(agent.getAgentId());
        members.sort(Comparator.naturalOrder());
        b.setMembers(members);
        List<AvailableAgent> available = without(team.getAvailableAgents(), agent.getAgentId());
        if (agent.getCategory() == WallboardCategory.AVAIL) {
            available.add(new AvailableAgent(agent.getAgentId(), agent.getStateSince()));
            available.sort(Comparator.comparing(AvailableAgent::getSince).thenComparing(AvailableAgent::getAgentId));
        }
        return finish(b, available, agent.getUpdatedAt());
    }

    static TeamSnapshot subtract(String teamId, AgentSnapshot agent, TeamSnapshot team) {
        TeamSnapshot.Builder b = TeamSnapshot.newBuilder(team).setTeamId(teamId);
        b.setCounts(count(team.getCounts(), agent.getCategory(), -1));
        List<String> members = new ArrayList<>(team.getMembers());
        members.remove(agent.getAgentId());
        b.setMembers(members);
        return finish(b, without(team.getAvailableAgents(), agent.getAgentId()), agent.getUpdatedAt());
    }

    private static TeamSnapshot finish(TeamSnapshot.Builder b, List<AvailableAgent> available, Instant at) {
        b.setAvailableAgents(available).setLongestAvailable(available.isEmpty() ? null : available.get(0));
        b.setVersion(b.getVersion() + 1);
        b.setUpdatedAt(at.isAfter(b.getUpdatedAt()) ? at : b.getUpdatedAt());
        return b.build();
    }

    private static List<AvailableAgent> without(List<AvailableAgent> available, String agentId) {
        List<AvailableAgent> next = new ArrayList<>(available);
        next.removeIf(a -> a.getAgentId().equals(agentId));
        return next;
    }

    static CategoryCounts count(CategoryCounts counts, WallboardCategory category, int delta) {
        CategoryCounts.Builder c = CategoryCounts.newBuilder(counts);
        switch (category) {
            case AVAIL -> c.setAvail(counts.getAvail() + delta);
            case RING -> c.setRing(counts.getRing() + delta);
            case ACD -> c.setAcd(counts.getAcd() + delta);
            case AUX -> c.setAux(counts.getAux() + delta);
            case ACW -> c.setAcw(counts.getAcw() + delta);
            case OFF -> c.setOff(counts.getOff() + delta);
            case UNKNOWN -> c.setUnknown(counts.getUnknown() + delta);
        }
        return c.build();
    }
}
