package io.ctistream.connector.broadworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.core.testkit.KafkaTap;
import io.ctistream.connector.core.testkit.Roster;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.LinkState;
import io.ctistream.events.SubscriptionChanged;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two connector instances share 20 agents through the consumer group over cti.agents; one is
 * killed (no unsubscribe, no group leave); after the group's session timeout the other serves all
 * 20, re-synced from the AS, and at steady state no agent has two live subscriptions. The queues are
 * split and taken over with the agents (one owner each).
 */
@ExtendWith(CtiKafkaExtension.class)
class ConnectorFailoverIT {
    private static final String TENANT = "failover";
    private static final int AGENTS = 20;

    @Test
    void survivorTakesOverEveryAgent(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        Vertx vertx = Vertx.vertx();
        // short grants: a dead instance's subscriptions lapse at the AS within 10 s
        BroadWorksSimulator sim = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0).withExpires(10, 2));
        List<AgentProfile> agents = new ArrayList<>();
        try (Roster roster = new Roster(kafka.bootstrapServers(), kafka.registryUrl());
             KafkaTap tap = new KafkaTap(kafka.bootstrapServers(), kafka.registryUrl(), TENANT)) {
            // GIVEN 20 agents on the AS and the roster, half of them READY
            for (int i = 0; i < AGENTS; i++) {
                String user = "fo-" + i;
                sim.addUser(new BroadWorksSimulator.UserSpec(user, false, Map.of(), null));
                sim.setAgentState(user, i % 2 == 0 ? "ready" : "notReady", i % 2 == 0 ? null : "0003");
                AgentProfile p = Roster.agent(TENANT, "a" + i, user, sim.domain(), null);
                roster.put(p);
                agents.add(p);
            }
            // AND two connector instances in one group
            BroadWorksConnector one = start(vertx, kafka, sim, "fo-one");
            BroadWorksConnector two = start(vertx, kafka, sim, "fo-two");
            await().atMost(Duration.ofSeconds(60)).until(() -> one.agentsOwned() + two.agentsOwned() == AGENTS
                    && one.agentsOwned() > 0 && two.agentsOwned() > 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> agents.stream().allMatch(a -> lastLink(tap, a) == LinkState.ACTIVE));
            int ownedByOne = one.agentsOwned();
            // AND the queues are split like the agents: each one has exactly one owner
            List<String> queues = java.util.stream.IntStream.range(0, 20).mapToObj(i -> TENANT + "/queue-" + i).toList();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(queues)
                    .allSatisfy(q -> assertThat(one.runtime().ownsQueue(q) ^ two.runtime().ownsQueue(q)).as(q).isTrue())
                    .anySatisfy(q -> assertThat(one.runtime().ownsQueue(q)).isTrue())
                    .anySatisfy(q -> assertThat(two.runtime().ownsQueue(q)).isTrue()));
            // the agents that moved to two at its join are vouched for by two before the kill
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    agents.stream().filter(a -> lastLinkInstance(tap, a).equals("fo-one")).count() == ownedByOne);
            Map<String, Integer> marks = new java.util.HashMap<>();
            agents.forEach(a -> marks.put(a.getAgentId(), tap.events(a.getAgentId()).size()));

            // WHEN instance one dies abruptly, and meanwhile every agent changes state on the AS
            one.abort();
            for (int i = 0; i < AGENTS; i++) {
                sim.setAgentState("fo-" + i, "notReady", "0042");
            }

            // THEN instance two takes over all 20 after the session timeout, re-synced from the AS
            await().atMost(Duration.ofSeconds(60)).until(() -> two.agentsOwned() == AGENTS);
            assertThat(queues).as("the survivor speaks for every queue").allMatch(q -> two.runtime().ownsQueue(q));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (AgentProfile a : agents) {
                    AgentEvent last = lastState(tap, a).orElseThrow();
                    assertThat(((AgentStateChanged) last.getPayload()).getReasonCode()).as(a.getAgentId()).isEqualTo("0042");
                    assertThat(lastLink(tap, a)).as(a.getAgentId()).isEqualTo(LinkState.ACTIVE);
                }
            });
            // every event after the kill comes from instance two
            for (AgentProfile a : agents) {
                List<AgentEvent> after = tap.events(a.getAgentId()).subList(marks.get(a.getAgentId()), tap.events(a.getAgentId()).size());
                assertThat(after).extracting(e -> e.getHeader().getSource().getConnectorInstance()).containsOnly("fo-two");
            }

            // AND at steady state every agent has exactly one live subscription per package
            await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
                for (int i = 0; i < AGENTS; i++) {
                    assertThat(sim.activeSubscriptions("fo-" + i, BroadWorksSimulator.FEATURE)).as("fo-" + i).isEqualTo(1);
                    assertThat(sim.activeSubscriptions("fo-" + i, BroadWorksSimulator.DIALOG)).as("fo-" + i).isEqualTo(1);
                }
            });
            two.stop().await(20, TimeUnit.SECONDS);
        } finally {
            sim.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static BroadWorksConnector start(Vertx vertx, TestKafka kafka, BroadWorksSimulator sim, String instance) throws Exception {
        BroadWorksConfig config = BroadWorksConfig.defaults("127.0.0.1", "127.0.0.1:" + sim.port())
                .withTimings(3600, Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(2));
        return BroadWorksConnector.start(vertx, ConnectorSettings.of(instance),
                new KafkaSettings(kafka.bootstrapServers(), kafka.registryUrl(), "bw-failover", Duration.ofSeconds(6), Map.of()),
                Set.of(TENANT), config, ref -> Optional.empty()).await(60, TimeUnit.SECONDS);
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

    private static String lastLinkInstance(KafkaTap tap, AgentProfile a) {
        String last = "";
        for (AgentEvent e : tap.events(a.getAgentId())) {
            if (e.getPayload() instanceof SubscriptionChanged) {
                last = e.getHeader().getSource().getConnectorInstance();
            }
        }
        return last;
    }

    private static Optional<AgentEvent> lastState(KafkaTap tap, AgentProfile a) {
        AgentEvent last = null;
        for (AgentEvent e : tap.events(a.getAgentId())) {
            if (e.getPayload() instanceof AgentStateChanged) {
                last = e;
            }
        }
        return Optional.ofNullable(last);
    }
}
