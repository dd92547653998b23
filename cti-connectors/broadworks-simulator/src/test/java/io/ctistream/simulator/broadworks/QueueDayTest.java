package io.ctistream.simulator.broadworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.simulator.broadworks.xsi.XsiEventsServer;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel;
import io.ctistream.simulator.support.AcdPlan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Verifies the simulator's one ACD (issue #17): the AS's calls for a call center queue in the Xsi
 * server's model while nobody is READY (as the AS knows it), ring at the agent over the AS when one
 * is, are talked and wrapped up, and the agent's READY on the AS brings the next call.
 */
class QueueDayTest {
    private static final String CC = "sales@as.example";

    @Test
    void callsQueueWhileNobodyIsReadyAndFlowThroughTheAgentsWhenTheyAre() {
        try (BroadWorksSimulator sim = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0));
             XsiEventsServer xsi = XsiEventsServer.start(XsiEventsServer.Settings.loopback("xsi", "secret")
                     .with(3600, 30, new XsiQueueModel.Plan(100, 0, 60_000, 60_000).withDesk(sim.xsiDesk())))) {
            // GIVEN two agents of one call center, both not ready, and a busy call center
            for (String u : List.of("acd1", "acd2")) {
                sim.addUser(new BroadWorksSimulator.UserSpec(u, false, Map.of(), null));
                sim.setAgentState(u, "notReady", "0012");
            }
            AcdPlan plan = new AcdPlan(Map.of(CC, List.of("acd1", "acd2")), 600, Duration.ZERO, Duration.ZERO, Duration.ofMillis(200),
                    Duration.ofMillis(300), 0, Duration.ofMillis(100), Duration.ofMillis(200), List.of("0012"), 0, Duration.ofSeconds(1),
                    Duration.ofSeconds(1));
            // WHEN the day runs
            sim.startQueueDay(xsi, plan, Duration.ZERO, Duration.ofHours(1), 1, 1, 42);
            // THEN calls wait in the queue, none answered
            await().atMost(Duration.ofSeconds(10)).until(() -> xsi.waiting(CC).size() >= 3);
            assertThat(sim.queueDayStats().answered()).isZero();
            // WHEN the agents go READY on the AS
            sim.setAgentState("acd1", "ready", null);
            sim.setAgentState("acd2", "ready", null);
            // THEN the waiting calls ring at them and are answered; two agents answering six calls came back READY after wrap-up
            await().atMost(Duration.ofSeconds(20)).until(() -> sim.queueDayStats().answered() >= 6);
            sim.stopQueueDay();
            BroadWorksSimulator.QueueDayStats stats = sim.queueDayStats();
            assertThat(stats.arrivals()).isGreaterThanOrEqualTo(stats.answered());
            assertThat(List.of(sim.agentState("acd1"), sim.agentState("acd2"))).allMatch(s -> s.equals("ready") || s.equals("workingAfterCall"));
        }
    }
}
