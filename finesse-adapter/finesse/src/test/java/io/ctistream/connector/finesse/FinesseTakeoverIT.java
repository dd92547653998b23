package io.ctistream.connector.finesse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.connector.core.runtime.ConnectorRuntime;
import io.ctistream.connector.core.runtime.RuntimeSettings;
import io.ctistream.connector.core.testkit.KafkaTap;
import io.ctistream.connector.core.testkit.Roster;
import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.LinkState;
import io.ctistream.events.Platform;
import io.ctistream.events.SubscriptionChanged;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.simulator.finesse.FinesseSimulator;
import io.ctistream.simulator.finesse.UserSpec;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Finesse connector instances share 12 agents through the consumer group over cti.agents; one
 * dies abruptly (its XMPP sessions dropped without a goodbye, no group leave); the survivor takes
 * every agent over — its own session under the agent's JID, a snapshot — and reports what Finesse
 * says now. At steady state each agent has exactly one notification session.
 */
@ExtendWith(CtiKafkaExtension.class)
class FinesseTakeoverIT {
    private static final String TENANT = "fin-takeover";
    private static final int AGENTS = 12;
    private static final String PASSWORD = "takeover-secret";

    @Test
    void theSurvivorTakesEveryAgentOver(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        Vertx vertx = Vertx.vertx();
        FinesseSimulator sim = FinesseSimulator.start(FinesseSimulator.Settings.loopback());
        List<AgentProfile> agents = new ArrayList<>();
        Map<String, FinesseCredentials.Secret> secrets = new HashMap<>();
        try (Roster roster = new Roster(kafka.bootstrapServers(), kafka.registryUrl());
             KafkaTap tap = new KafkaTap(kafka.bootstrapServers(), kafka.registryUrl(), TENANT)) {
            // GIVEN 12 agents signed in on Finesse, half of them READY, and on the roster
            for (int i = 0; i < AGENTS; i++) {
                String login = String.valueOf(2100 + i);
                sim.addUser(UserSpec.agent(login, PASSWORD, String.valueOf(3100 + i), "team", "Team"));
                sim.setAgentState(login, i % 2 == 0 ? "READY" : "NOT_READY", i % 2 == 0 ? -1 : 1);
                secrets.put("ref-" + i, new FinesseCredentials.Secret(login, PASSWORD));
                AgentProfile p = AgentProfile.newBuilder().setTenant(TENANT).setAgentId(TENANT + "/a" + i).setPlatform(Platform.FINESSE)
                        .setPlatformUserId(login).setCredentialRef("ref-" + i).setTeamId(TENANT + "/team")
                        .setAttributes(Map.of(FinesseCommands.EXTENSION, String.valueOf(3100 + i))).build();
                roster.put(p);
                agents.add(p);
            }
            ConnectorRuntime one = start(vertx, kafka, sim, "fin-one", secrets);
            ConnectorRuntime two = start(vertx, kafka, sim, "fin-two", secrets);
            await().atMost(Duration.ofSeconds(60)).until(() -> one.agentsOwned() + two.agentsOwned() == AGENTS
                    && one.agentsOwned() > 0 && two.agentsOwned() > 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> agents.stream().allMatch(a -> lastLink(tap, a) == LinkState.ACTIVE));
            Map<String, Integer> marks = new HashMap<>();
            agents.forEach(a -> marks.put(a.getAgentId(), tap.events(a.getAgentId()).size()));

            // WHEN instance one dies abruptly, and meanwhile every agent goes NOT_READY at its desktop
            one.abort();
            for (int i = 0; i < AGENTS; i++) {
                sim.setAgentState(String.valueOf(2100 + i), "NOT_READY", 16);
            }

            // THEN instance two takes all 12 over and reports Finesse's state now
            await().atMost(Duration.ofSeconds(60)).until(() -> two.agentsOwned() == AGENTS);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (AgentProfile a : agents) {
                    assertThat(lastState(tap, a)).as(a.getAgentId()).isEqualTo(AgentState.NOT_READY);
                    assertThat(lastLink(tap, a)).as(a.getAgentId()).isEqualTo(LinkState.ACTIVE);
                }
            });
            for (AgentProfile a : agents) {
                List<AgentEvent> after = tap.events(a.getAgentId()).subList(marks.get(a.getAgentId()), tap.events(a.getAgentId()).size());
                assertThat(after).extracting(e -> e.getHeader().getSource().getConnectorInstance()).containsOnly("fin-two");
            }
            // AND each agent has exactly one notification session: the dead instance's are gone
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (int i = 0; i < AGENTS; i++) {
                    assertThat(sim.xmppSessions(FinesseSimulator.Side.A, String.valueOf(2100 + i))).as("sessions of " + (2100 + i)).isEqualTo(1);
                }
            });
            two.stop().await(20, TimeUnit.SECONDS);
        } finally {
            sim.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static ConnectorRuntime start(Vertx vertx, TestKafka kafka, FinesseSimulator sim, String instance,
                                          Map<String, FinesseCredentials.Secret> secrets) throws Exception {
        FinesseConfig config = FinesseConfig.defaults(List.of(URI.create(sim.restUrl()))).withRetry(Duration.ofMillis(100), Duration.ofSeconds(1))
                .withSignInRate(100);
        RuntimeSettings settings = new RuntimeSettings(ConnectorSettings.of(instance),
                new KafkaSettings(kafka.bootstrapServers(), kafka.registryUrl(), "fin-takeover", Duration.ofSeconds(6), Map.of()),
                Set.of(TENANT), "127.0.0.1", 0);
        return ConnectorRuntime.start(vertx, new FinessePlatform(), settings,
                FinesseAdapter.overXmpp(config, FinesseCredentials.of(secrets), 100)).await(60, TimeUnit.SECONDS);
    }

    private static LinkState lastLink(KafkaTap tap, AgentProfile a) {
        LinkState last = null;
        for (AgentEvent e : tap.events(a.getAgentId())) {
            if (e.getPayload() instanceof SubscriptionChanged s) {
                last = s.getLinkState();
            }
        }
        return last;
    }

    private static AgentState lastState(KafkaTap tap, AgentProfile a) {
        AgentState last = null;
        for (AgentEvent e : tap.events(a.getAgentId())) {
            if (e.getPayload() instanceof AgentStateChanged s) {
                last = s.getState();
            }
        }
        return last;
    }
}
