package io.ctistream.simulator.finesse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies the presence-driven forced logout (§6, §8.1): reason 255 after the grace, unless a session returns. */
@Timeout(60)
class ForcedLogoutTest {
    private static final String TEAM_NODE = "/finesse/api/Team/5005/Users";
    private static FinesseSimulator.Settings grace(FinesseSimulator.Settings s) {
        return s.withTimings(Duration.ofMillis(10), Duration.ZERO, Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(10));
    }

    private SimFixture f = new SimFixture(ForcedLogoutTest::grace);

    @AfterEach
    void close() {
        f.close();
    }

    /** Verifies that an agent whose only session closes is logged out with 255, which its supervisor sees on the Team node. */
    @Test
    void agentIsLoggedOutAfterItsSessionIsGone() {
        // GIVEN a signed-in agent with a session, and its supervisor subscribed to the team (pinging, so it stays)
        XmppTestClient supervisor = f.xmpp("1236");
        supervisor.send("<iq xmlns=\"jabber:client\" type=\"set\" id=\"s1\" to=\"pubsub.fin-a.example.com\"><pubsub xmlns=\"http://jabber.org/protocol/pubsub\">"
                + "<subscribe node=\"" + TEAM_NODE + "\" jid=\"" + supervisor.jid + "\"/></pubsub></iq>");
        supervisor.next(fr -> fr.contains("id=\"s1\"") && fr.contains("subscribed"));
        XmppTestClient agent = f.xmpp("1234");
        f.putState("1234", "<User><state>LOGIN</state><extension>1001</extension></User>", null);
        agent.nextUpdate(SimFixture.USER_NODE);
        // WHEN the agent's session closes
        agent.close();
        // THEN after the grace the agent is logged out with 255
        XmppTestClient.Update out = supervisor.nextUpdate(TEAM_NODE, u -> "LOGOUT".equals(u.field("state")));
        assertThat(out.field("source")).isEqualTo("/finesse/api/User/1234");
        assertThat(f.sim.reasonCodeId("1234")).isEqualTo(255);
        assertThat(f.sim.agentState("1235")).isEqualTo("LOGOUT");
    }

    /** Verifies that a session that stops sending anything is closed (ping timeout), and then counts as lost. */
    @Test
    void aSilentSessionTimesOutAndTheAgentIsLoggedOut() {
        f.close();
        f = new SimFixture(s -> grace(s).withXmppIdleTimeout(Duration.ofMillis(600)));
        XmppTestClient agent = f.xmpp("1234");
        f.putState("1234", "<User><state>LOGIN</state><extension>1001</extension></User>", null);
        agent.nextUpdate(SimFixture.USER_NODE);
        // WHEN the client sends nothing, not even a ping
        // THEN the server ends the stream, then logs the agent out
        agent.next(fr -> fr.contains("connection-timeout"));
        await().atMost(Duration.ofSeconds(5)).until(() -> f.sim.agentState("1234").equals("LOGOUT"));
        assertThat(f.sim.reasonCodeId("1234")).isEqualTo(255);
    }

    /** Verifies that a session returning within the grace (a reconnect) keeps the agent signed in. */
    @Test
    void aSessionReturningInTimeKeepsTheAgent() {
        XmppTestClient first = f.xmpp("1234");
        f.putState("1234", "<User><state>LOGIN</state><extension>1001</extension></User>", null);
        first.nextUpdate(SimFixture.USER_NODE);
        first.close();
        f.xmpp("1234");
        // the grace passes twice over with the new session alive, and the agent stays signed in
        await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(5)).until(() -> f.sim.agentState("1234").equals("NOT_READY"));
        assertThat(f.sim.xmppSessions(FinesseSimulator.Side.A, "1234")).isEqualTo(1);
    }
}
