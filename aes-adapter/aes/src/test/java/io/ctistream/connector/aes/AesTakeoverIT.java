package io.ctistream.connector.aes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.aes.dmcc.DmccOptions;
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
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.LinkState;
import io.ctistream.events.Platform;
import io.ctistream.events.SubscriptionChanged;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.simulator.aes.AesPeer;
import io.vertx.core.Vertx;
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
 * Two AES connector instances share 12 agents through the consumer group over cti.agents, each
 * with its own application session; one dies abruptly (no StopApplicationSession, no group leave);
 * the survivor takes every agent over — device id, monitor, a GetAgentState read — and reports
 * what CM says now, over its one session.
 */
@ExtendWith(CtiKafkaExtension.class)
class AesTakeoverIT {
    private static final String TENANT = "aes-takeover";
    private static final int AGENTS = 12;

    @Test
    void theSurvivorTakesEveryAgentOverOnItsOwnSession(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        Vertx vertx = Vertx.vertx();
        AesPeer peer = AesPeer.start(AesPeer.Settings.loopback());
        List<AgentProfile> agents = new ArrayList<>();
        Map<String, AesCredentials.Secret> secrets = new HashMap<>();
        try (Roster roster = new Roster(kafka.bootstrapServers(), kafka.registryUrl());
             KafkaTap tap = new KafkaTap(kafka.bootstrapServers(), kafka.registryUrl(), TENANT)) {
            // GIVEN 12 agents logged on at their stations, half of them READY, and on the roster
            for (int i = 0; i < AGENTS; i++) {
                String station = String.valueOf(5100 + i);
                String agentId = String.valueOf(7100 + i);
                peer.addStation(station, agentId, "1234");
                peer.setAgentState(agentId, "loggedOn", "auxWork", 0);
                if (i % 2 == 0) {
                    peer.setAgentState(agentId, "ready", "manualIn", 0);
                }
                secrets.put("ref-" + i, new AesCredentials.Secret(agentId, "1234"));
                AgentProfile p = AgentProfile.newBuilder().setTenant(TENANT).setAgentId(TENANT + "/a" + i).setPlatform(Platform.AES)
                        .setPlatformUserId(station).setCredentialRef("ref-" + i).setTeamId(TENANT + "/team").build();
                roster.put(p);
                agents.add(p);
            }
            // AND two connector instances in one group, each with its own application session
            ConnectorRuntime one = start(vertx, kafka, peer, "aes-one", secrets);
            ConnectorRuntime two = start(vertx, kafka, peer, "aes-two", secrets);
            await().atMost(Duration.ofSeconds(60)).until(() -> one.agentsOwned() + two.agentsOwned() == AGENTS
                    && one.agentsOwned() > 0 && two.agentsOwned() > 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> agents.stream().allMatch(a -> lastLink(tap, a) == LinkState.ACTIVE));
            assertThat(peer.sessions()).as("one application session per instance, not per agent").isEqualTo(2);
            await().atMost(Duration.ofSeconds(20)).until(() -> peer.monitors() == AGENTS);
            Map<String, Integer> marks = new HashMap<>();
            agents.forEach(a -> marks.put(a.getAgentId(), tap.events(a.getAgentId()).size()));

            // WHEN instance one dies abruptly, and meanwhile every agent goes to AUX 42 at the phone
            one.abort();
            for (int i = 0; i < AGENTS; i++) {
                peer.setAgentState(String.valueOf(7100 + i), "notReady", "auxWork", 42);
            }

            // THEN instance two takes all 12 over, each read from CM on two's session
            await().atMost(Duration.ofSeconds(60)).until(() -> two.agentsOwned() == AGENTS);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (AgentProfile a : agents) {
                    assertThat(lastReason(tap, a)).as(a.getAgentId()).isEqualTo("42");
                    assertThat(lastLink(tap, a)).as(a.getAgentId()).isEqualTo(LinkState.ACTIVE);
                }
            });
            for (AgentProfile a : agents) {
                List<AgentEvent> after = tap.events(a.getAgentId()).subList(marks.get(a.getAgentId()), tap.events(a.getAgentId()).size());
                assertThat(after).extracting(e -> e.getHeader().getSource().getConnectorInstance()).containsOnly("aes-two");
            }
            two.stop().await(20, TimeUnit.SECONDS);
            assertThat(peer.monitors()).as("a clean stop ends the survivor's monitors; the dead one's go with its session").isLessThanOrEqualTo(AGENTS);
        } finally {
            peer.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static ConnectorRuntime start(Vertx vertx, TestKafka kafka, AesPeer peer, String instance, Map<String, AesCredentials.Secret> secrets)
            throws Exception {
        DmccOptions options = DmccOptions.defaults(List.of(new DmccOptions.Address("127.0.0.1", peer.port())), "ctiuser", "Secret#1")
                .withTls(false).withReconnect(Duration.ofMillis(50), Duration.ofMillis(500));
        RuntimeSettings settings = new RuntimeSettings(ConnectorSettings.of(instance),
                new KafkaSettings(kafka.bootstrapServers(), kafka.registryUrl(), "aes-takeover", Duration.ofSeconds(6), Map.of()),
                Set.of(TENANT), "127.0.0.1", 0);
        return ConnectorRuntime.start(vertx, new AesPlatform(), settings,
                new AesAdapter(AesConfig.defaults("CM1").withMonitorRate(50), options, AesCredentials.of(secrets))).await(60, TimeUnit.SECONDS);
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

    private static String lastReason(KafkaTap tap, AgentProfile a) {
        String last = null;
        for (AgentEvent e : tap.events(a.getAgentId())) {
            if (e.getPayload() instanceof AgentStateChanged s) {
                last = s.getReasonCode();
            }
        }
        return last;
    }
}
