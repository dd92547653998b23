package io.ctistream.simulator.broadworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.simulator.support.AcdPlan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the simulator's ACD mode: calls go to READY agents, through talk and wrap-up, and agents come back READY. */
class AcdModeTest {

    @Test
    void callsFlowThroughReadyAgentsAndWrapUp() {
        try (BroadWorksSimulator sim = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0))) {
            // GIVEN two READY agents serving one queue and a busy, fast call center
            for (String u : List.of("acd1", "acd2")) {
                sim.addUser(new BroadWorksSimulator.UserSpec(u, false, Map.of(), null));
                sim.setAgentState(u, "ready", null);
            }
            AcdPlan plan = new AcdPlan(Map.of("sip:sales@as.example", List.of("acd1", "acd2")), 600,
                    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(200), 0.5,
                    Duration.ofMillis(50), Duration.ofMillis(100), List.of("0012"), 0, Duration.ofSeconds(1), Duration.ofSeconds(1));
            // WHEN the ACD runs
            sim.startAcd(plan, 42);
            // THEN calls are offered, answered and wrapped up, and agents return to READY
            await().atMost(Duration.ofSeconds(20)).until(() -> sim.acdStats().wrapUps() >= 4);
            sim.stopAcd();
            BroadWorksSimulator.AcdStats stats = sim.acdStats();
            assertThat(stats.offered()).isGreaterThanOrEqualTo(stats.answered());
            assertThat(stats.answered()).isGreaterThanOrEqualTo(stats.wrapUps());
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.agentState("acd1").equals("ready") && sim.agentState("acd2").equals("ready"));
        }
    }
}
