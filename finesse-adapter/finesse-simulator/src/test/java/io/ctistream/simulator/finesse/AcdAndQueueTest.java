package io.ctistream.simulator.finesse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.simulator.support.AcdPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies the ACD mode (the shared call-center day on this Finesse) and the Queue node's periodic statistics. */
@Timeout(60)
class AcdAndQueueTest {
    private final SimFixture f = new SimFixture();

    @AfterEach
    void close() {
        f.close();
    }

    /** Verifies that calls flow through READY agents, wrap-up and breaks, with the notifications an agent's session sees. */
    @Test
    void callsFlowThroughReadyAgentsAndWrapUp() {
        // GIVEN two READY agents serving queue 10, one watching its notifications
        XmppTestClient x = f.xmpp("1234");
        f.sim.setAgentState("1234", "READY", -1);
        f.sim.setAgentState("1235", "READY", -1);
        AcdPlan plan = new AcdPlan(Map.of("10", List.of("1234", "1235")), 600, Duration.ofMillis(50), Duration.ofMillis(100),
                Duration.ofMillis(100), Duration.ofMillis(200), 0.5, Duration.ofMillis(50), Duration.ofMillis(100), List.of("0012"), 0,
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        // WHEN the ACD runs
        f.sim.startAcd(plan, 42);
        // THEN calls are offered, answered and wrapped up, the agent's session sees its dialogs, and agents return READY
        await().atMost(Duration.ofSeconds(20)).until(() -> f.sim.acdStats().wrapUps() >= 4);
        f.sim.stopAcd();
        FinesseSimulator.AcdStats stats = f.sim.acdStats();
        assertThat(stats.offered()).isGreaterThanOrEqualTo(stats.answered());
        assertThat(stats.answered()).isGreaterThanOrEqualTo(stats.wrapUps());
        await().atMost(Duration.ofSeconds(5)).until(() -> f.sim.agentState("1234").equals("READY") && f.sim.agentState("1235").equals("READY"));
        assertThat(x.updates()).anyMatch(u -> "POST".equals(u.field("event")) && "10".equals(u.field("queueNumber")));
        assertThat(x.updates()).anyMatch(u -> "WORK_READY".equals(u.field("state")));
    }

    /** Verifies that a subscribed session gets Queue statistics when they change, every period, and nothing when they do not. */
    @Test
    void queueStatisticsArePublishedWhenChanged() {
        // GIVEN a supervisor subscribed to queue 10
        XmppTestClient s = f.xmpp("1236");
        s.send("<iq xmlns=\"jabber:client\" type=\"set\" id=\"q1\" to=\"pubsub.fin-a.example.com\"><pubsub xmlns=\"http://jabber.org/protocol/pubsub\">"
                + "<subscribe node=\"/finesse/api/Queue/10\" jid=\"" + s.jid + "\"/></pubsub></iq>");
        s.next(fr -> fr.contains("id=\"q1\"") && fr.contains("subscribed"));
        // WHEN an agent goes READY and calls wait
        f.sim.setAgentState("1234", "READY", -1);
        f.sim.queueCalls("10", 3, Instant.parse("2024-03-01T17:50:00Z"));
        // THEN the next statistics show them
        XmppTestClient.Update q = s.nextUpdate("/finesse/api/Queue/10", u -> "3".equals(u.field("callsInQueue")));
        assertThat(q.field("source")).isEqualTo("/finesse/api/Queue/10");
        assertThat(q.field("agentsReady")).isEqualTo("1");
        assertThat(q.field("startTimeOfLongestCallInQueue")).isEqualTo("2024-03-01T17:50:00Z");
        // AND an unchanged queue is not published again, a changed one is
        f.sim.queueCalls("10", 0, null);
        XmppTestClient.Update next = s.nextUpdate("/finesse/api/Queue/10");
        assertThat(next.field("callsInQueue")).isEqualTo("0");
    }

    /** Verifies that with the simulator's own traffic calls wait (oldest first) while no member is READY, and are answered once one is. */
    @Test
    void theSimulatorsOwnLineGrowsWithoutReadyAgentsAndDrainsWithThem() {
        // GIVEN a supervisor subscribed to queue 10, both members signed out, and 300 calls a minute arriving (one per period)
        XmppTestClient s = f.xmpp("1236");
        s.send("<iq xmlns=\"jabber:client\" type=\"set\" id=\"q2\" to=\"pubsub.fin-a.example.com\"><pubsub xmlns=\"http://jabber.org/protocol/pubsub\">"
                + "<subscribe node=\"/finesse/api/Queue/10\" jid=\"" + s.jid + "\"/></pubsub></iq>");
        s.next(fr -> fr.contains("id=\"q2\"") && fr.contains("subscribed"));
        f.sim.queueTraffic(300, Duration.ofMillis(100), 3);
        // THEN calls wait, the longest since the simulator's clock
        XmppTestClient.Update waiting = s.nextUpdate("/finesse/api/Queue/10", u -> Integer.parseInt(u.field("callsInQueue")) >= 3);
        assertThat(waiting.field("startTimeOfLongestCallInQueue")).isEqualTo("2024-03-01T17:58:21Z");
        assertThat(waiting.field("agentsReady")).isEqualTo("0");
        // WHEN an agent goes READY, answering far faster than calls arrive
        f.sim.setAgentState("1234", "READY", -1);
        // THEN the line drains
        XmppTestClient.Update drained = s.nextUpdate("/finesse/api/Queue/10", u -> "0".equals(u.field("callsInQueue")));
        assertThat(drained.field("agentsReady")).isEqualTo("1");
        assertThat(drained.field("startTimeOfLongestCallInQueue")).isEmpty();
    }
}
