package io.ctistream.connector.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.LinkState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkCensusTest {
    private record Agent(LinkState link, String refusal) {
    }

    private final List<Agent> agents = List.of(new Agent(LinkState.ACTIVE, null), new Agent(LinkState.ACTIVE, null),
            new Agent(LinkState.LOST, null), new Agent(LinkState.TERMINATED, "REJECTED: station 5001 unknown"),
            new Agent(LinkState.TERMINATED, "REJECTED: station 5002 unknown"), new Agent(LinkState.TERMINATED, "NO_LICENSE"));

    @Test
    void countsActiveLinks() {
        assertThat(LinkCensus.active(agents, Agent::link)).isEqualTo(2);
    }

    @Test
    void everyStateOfTheChannelIsPresentZerosIncluded() {
        Map<String, Integer> byState = LinkCensus.byState("dmcc-monitor", agents, Agent::link).get("dmcc-monitor");
        assertThat(byState).containsOnlyKeys(java.util.Arrays.stream(LinkState.values()).map(Enum::name).toArray(String[]::new));
        assertThat(byState).containsEntry("ACTIVE", 2).containsEntry("LOST", 1).containsEntry("TERMINATED", 3);
        assertThat(byState.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(agents.size());
    }

    @Test
    void refusalsAreCountedByTheReasonBeforeTheColon() {
        assertThat(LinkCensus.refused(agents, Agent::refusal)).containsExactly(Map.entry("NO_LICENSE", 1), Map.entry("REJECTED", 2));
    }
}
