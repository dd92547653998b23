package io.ctistream.simulator.finesse;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.simulator.finesse.testing.ProsodyServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verifies the simulator publishing through Smack into a real Prosody: the publisher creates the
 * nodes, subscribes agents to their own nodes as owner (XEP-0060 §8.8.2), and an agent on Prosody's
 * WebSocket receives the escaped {@code <Update>}s; a supervisor subscribes itself to the Team node.
 */
@Timeout(120)
class SmackPubSubBusIT {
    private static ProsodyServer prosody;

    @BeforeAll
    static void startProsody() {
        // skips where prosody is not installed; the publisher account is the server's own (ProsodyServer.PUBLISHER)
        prosody = ProsodyServer.create("localhost").registerMany(Map.of("1234", "secret", "1236", "secret")).start();
    }

    @AfterAll
    static void stopProsody() {
        if (prosody != null) {
            prosody.close();
        }
    }

    /** Verifies that sign-in, READY and an offered call reach the agent over Prosody, and team changes its supervisor. */
    @Test
    void agentGetsItsNotificationsThroughProsody() {
        SmackPubSubBus.Target target = prosody.publisherTarget();
        String wsUrl = prosody.websocketUri().toString();
        Vertx vertx = Vertx.vertx();
        try (FinesseSimulator sim = FinesseSimulator.start(FinesseSimulator.Settings.loopback()
                .withTimings(Duration.ofMillis(10), Duration.ZERO, Duration.ofSeconds(60), Duration.ofMillis(300), Duration.ofSeconds(10))
                .withBus(SmackPubSubBus.factory(target, target)))) {
            // GIVEN the agent and its supervisor provisioned, and both with sessions on Prosody
            sim.addUser(UserSpec.agent("1234", "secret", "1001", "5005", "Sales"));
            sim.addUser(UserSpec.agent("1236", "secret", "1003", "5005", "Sales").asSupervisor());
            assertThat(sim.xmppDomain(FinesseSimulator.Side.A)).isEqualTo("localhost");
            assertThat(sim.wsUrl()).isEqualTo(wsUrl);
            XmppTestClient agent = XmppTestClient.signIn(vertx, wsUrl, "localhost", "1234", "secret", "adapter-1");
            XmppTestClient supervisor = XmppTestClient.signIn(vertx, wsUrl, "localhost", "1236", "secret", "desk");
            Rest rest = new Rest(sim.restUrl());

            // WHEN the agent signs in and goes READY, and a call is offered
            assertThat(rest.put("/finesse/api/User/1234", "1234", "secret", "<User><state>LOGIN</state><extension>1001</extension></User>", "p-1")
                    .statusCode()).isEqualTo(202);
            // THEN the agent's session gets the escaped Update through Prosody
            XmppTestClient.Update in = agent.nextUpdate("/finesse/api/User/1234");
            assertThat(in.field("state")).isEqualTo("NOT_READY");
            assertThat(in.field("requestId")).isEqualTo("p-1");
            // the supervisor subscribes its full JID to the team node, which the publisher has created by now (one ordered queue)
            supervisor.send("<iq xmlns=\"jabber:client\" type=\"set\" id=\"t1\" to=\"pubsub.localhost\"><pubsub xmlns=\"http://jabber.org/protocol/pubsub\">"
                    + "<subscribe node=\"/finesse/api/Team/5005/Users\" jid=\"" + supervisor.jid + "\"/></pubsub></iq>");
            assertThat(supervisor.next(f -> f.contains("t1"))).contains("subscribed");
            rest.put("/finesse/api/User/1234", "1234", "secret", "<User><state>READY</state></User>", null);
            assertThat(agent.nextUpdate("/finesse/api/User/1234").field("state")).isEqualTo("READY");
            String dialogId = sim.offerCall("1234", null, "5551234", Map.of());
            XmppTestClient.Update offered = agent.nextUpdate("/finesse/api/User/1234/Dialogs");
            assertThat(offered.field("event")).isEqualTo("POST");
            assertThat(offered.field("id")).isEqualTo(dialogId);
            // AND the supervisor sees the team's changes
            assertThat(supervisor.nextUpdate("/finesse/api/Team/5005/Users", u -> "READY".equals(u.field("state"))).field("source"))
                    .isEqualTo("/finesse/api/User/1234");
            agent.close();
            supervisor.close();
        } finally {
            vertx.close();
        }
    }
}
