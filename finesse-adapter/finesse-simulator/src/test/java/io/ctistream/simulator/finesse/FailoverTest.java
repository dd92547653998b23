package io.ctistream.simulator.finesse;

import static io.ctistream.simulator.finesse.SimFixture.DIALOGS_NODE;
import static io.ctistream.simulator.finesse.SimFixture.PASSWORD;
import static io.ctistream.simulator.finesse.SimFixture.USER_NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.simulator.finesse.FinesseSimulator.Side;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies failover between the sides (§7, TV6) and a lost CTI link on one side. */
@Timeout(60)
class FailoverTest {
    private static final String SYSTEM_INFO = "/finesse/api/SystemInfo";
    private final SimFixture f = new SimFixture(s -> s.withTimings(Duration.ofMillis(10), Duration.ZERO, Duration.ofSeconds(60),
            Duration.ofMillis(800), Duration.ofSeconds(10)));

    @AfterEach
    void close() {
        f.close();
    }

    /** Verifies that A goes out of service and drops XMPP, both sides answer 503, then B serves and republishes the last state without calls that lived only in the window. */
    @Test
    void failoverToSideBRepublishesTheLastState() {
        // GIVEN agent 1234 on a call and agent 1235 READY, signed in on side A
        XmppTestClient onA = f.xmpp("1234", Side.A);
        f.putState("1234", "<User><state>LOGIN</state><extension>1001</extension></User>", null);
        f.putState("1235", "<User><state>LOGIN</state><extension>1002</extension></User>", null);
        f.putState("1235", "<User><state>READY</state></User>", null);
        String liveCall = f.sim.offerCall("1234", "10", "5551234", Map.of());
        f.sim.answerCall("1234", liveCall);
        onA.nextUpdate(USER_NODE, u -> "TALKING".equals(u.field("state")));
        await().until(() -> f.sim.agentState("1235").equals("READY"));

        // WHEN side A fails over
        f.sim.failover();
        // THEN A publishes OUT_OF_SERVICE on SystemInfo and drops its sessions
        assertThat(onA.nextUpdate(SYSTEM_INFO).field("status")).isEqualTo("OUT_OF_SERVICE");
        await().until(onA::closed);
        // AND every request but SystemInfo gets 503 on both sides
        var a503 = f.restA.put("/finesse/api/User/1235", "1235", PASSWORD, "<User><state>NOT_READY</state></User>", null);
        assertThat(a503.statusCode()).isEqualTo(503);
        assertThat(a503.body()).contains("<ErrorType>Service Unavailable</ErrorType>");
        assertThat(f.restB.get("/finesse/api/User/1235", "1235", PASSWORD).statusCode()).isEqualTo(503);
        assertThat(f.restA.get("/finesse/api/SystemInfo", null, null).body()).contains("<status>OUT_OF_SERVICE</status>");

        // WHEN the agent reconnects to side B inside the window, and a call begins and ends there
        XmppTestClient onB = f.xmpp("1234", Side.B);
        String ghost = f.sim.offerCall("1235", "10", "5559999", Map.of());
        f.sim.hangUp("1235", ghost);
        // THEN B comes up, and republishes User and Dialog PUTs; the ghost call never appears
        assertThat(onB.nextUpdate(SYSTEM_INFO).field("status")).isEqualTo("IN_SERVICE");
        XmppTestClient.Update user = onB.nextUpdate(USER_NODE);
        assertThat(user.field("state")).isEqualTo("TALKING");
        XmppTestClient.Update dialog = onB.nextUpdate(DIALOGS_NODE);
        assertThat(dialog.field("event")).isEqualTo("PUT");
        assertThat(dialog.field("source")).isEqualTo("/finesse/api/Dialog/" + liveCall);
        assertThat(onB.updates()).noneMatch(u -> u.xml().contains(ghost));
        assertThat(f.sim.activeSide()).isEqualTo(Side.B);
        assertThat(f.restB.get("/finesse/api/User/1234/Dialogs", "1234", PASSWORD).body()).contains("<id>" + liveCall + "</id>");
        assertThat(f.restA.get("/finesse/api/User/1234", "1234", PASSWORD).statusCode()).isEqualTo(503);
        assertThat(f.restB.get("/finesse/api/SystemInfo", null, null).body()).contains("<xmppDomain>fin-b.example.com</xmppDomain>");
    }

    /** Verifies that a lost CTI link keeps XMPP open, publishes nothing while down, and republishes on IN_SERVICE. */
    @Test
    void ctiDownKeepsTheSessionAndRepublishesWhenUp() {
        // GIVEN a signed-in agent
        XmppTestClient x = f.xmpp("1234");
        f.putState("1234", "<User><state>LOGIN</state><extension>1001</extension></User>", null);
        x.nextUpdate(USER_NODE);
        // WHEN the CTI link is lost and the platform changes the agent meanwhile
        f.sim.ctiDown();
        assertThat(x.nextUpdate(SYSTEM_INFO).field("status")).isEqualTo("OUT_OF_SERVICE");
        assertThat(f.restA.get("/finesse/api/User/1234", "1234", PASSWORD).statusCode()).isEqualTo(503);
        f.sim.setAgentState("1234", "READY", -1);
        assertThat(f.sim.notificationsSuppressed()).isPositive();
        // THEN the session stays, and IN_SERVICE brings the state as it is now
        f.sim.ctiUp();
        assertThat(x.nextUpdate(SYSTEM_INFO).field("status")).isEqualTo("IN_SERVICE");
        assertThat(x.nextUpdate(USER_NODE).field("state")).isEqualTo("READY");
        assertThat(x.closed()).isFalse();
    }
}
