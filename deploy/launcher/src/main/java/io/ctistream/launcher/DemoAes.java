package io.ctistream.launcher;

import io.ctistream.connector.aes.AesAdapter;
import io.ctistream.connector.aes.AesConfig;
import io.ctistream.connector.aes.AesCredentials;
import io.ctistream.connector.aes.AesPlatform;
import io.ctistream.connector.aes.dmcc.DmccOptions;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.connector.core.runtime.RuntimeSettings;
import io.ctistream.events.AgentProfile;
import io.ctistream.simulator.aes.AesPeer;
import io.ctistream.simulator.support.AcdPlan;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's AES team: the DMCC peer (an AES stand-in over real sockets, plain TCP on loopback)
 * provisioned with the roster's AES agents at their stations, the real AES connector on one
 * application session for all of them, and the same kind of ACD day as the other teams — each
 * queue a VDN routing to a skill (hunt group) that the connector names back to the roster's queue.
 */
final class DemoAes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoAes.class);
    static final String CTI_USER = "demo-cti";
    static final String CTI_PASSWORD = "demo-aes-secret";
    static final String AGENT_PASSWORD = "1234";

    private final AesPeer peer;
    private final ConnectorService connector;

    private DemoAes(AesPeer peer, ConnectorService connector) {
        this.peer = peer;
        this.connector = connector;
    }

    /** Null when the roster has no AES agent. */
    static DemoAes start(Vertx vertx, List<AgentProfile> roster, String bootstrap, String registryUrl, double callsPerMinute, Random random)
            throws Exception {
        List<AgentProfile> agents = roster.stream().filter(DemoRoster::onAes).toList();
        if (agents.isEmpty()) {
            return null;
        }
        AesPeer peer = AesPeer.start(AesPeer.Settings.loopback().withCtiUser(CTI_USER, CTI_PASSWORD));
        try {
            Map<String, List<String>> byVdn = new LinkedHashMap<>();
            Map<String, String> skillToQueue = new LinkedHashMap<>();
            Map<String, AesCredentials.Secret> secrets = new HashMap<>();
            for (AgentProfile p : agents) {
                String agentId = p.getAttributes().get(DemoRoster.ACD_AGENT_ID);
                peer.addStation(p.getPlatformUserId(), agentId, AGENT_PASSWORD);
                secrets.put(p.getCredentialRef(), new AesCredentials.Secret(agentId, AGENT_PASSWORD));
                for (String q : p.getQueues()) {
                    String name = q.substring(q.indexOf('/') + 1);
                    String skill = skillOf(name, skillToQueue);
                    String vdn = "3" + skill.substring(1); // 4001 -> VDN 3001
                    if (!byVdn.containsKey(vdn)) {
                        peer.addVdn(vdn, skill);
                    }
                    byVdn.computeIfAbsent(vdn, k -> new ArrayList<>()).add(agentId); // the day finds CM's agents by their ACD login
                }
            }
            RuntimeSettings settings = new RuntimeSettings(ConnectorSettings.of("demo-aes-1"),
                    new KafkaSettings(bootstrap, registryUrl, "ctistream-demo-aes", Duration.ofSeconds(6), Map.of()),
                    Set.of(DemoRoster.TENANT), "127.0.0.1", 0);
            DmccOptions options = DmccOptions.defaults(List.of(new DmccOptions.Address("127.0.0.1", peer.port())), CTI_USER, CTI_PASSWORD)
                    .withTls(false).withApplicationId("ctistream-demo");
            AesConfig config = AesConfig.defaults("CM1").withMonitorRate(50).withQueues(skillToQueue)
                    .withReasonLabels(Map.of("1", "Lunch", "2", "Break", "3", "Training"));
            // no metrics of its own: the demo's process metrics carry the BroadWorks connector's
            ConnectorService connector = ConnectorService.start(vertx, new AesPlatform(), settings,
                    new AesAdapter(config, options, AesCredentials.of(secrets)), null, false);
            DemoAes demo = new DemoAes(peer, connector);
            if (callsPerMinute > 0) {
                demo.openTheFloor(agents, byVdn, callsPerMinute, random);
            }
            LOG.info("demo aes team: DMCC peer on [tcp 127.0.0.1:{}] with [{}] stations, [{}] VDNs", peer.port(), agents.size(), byVdn.size());
            return demo;
        } catch (Exception | Error e) {
            peer.close();
            throw e;
        }
    }

    /** Skills are numbered 4001, 4002, … in the order the queues are first seen. */
    private static String skillOf(String queue, Map<String, String> skillToQueue) {
        for (var e : skillToQueue.entrySet()) {
            if (e.getValue().equals(queue)) {
                return e.getKey();
            }
        }
        String skill = String.valueOf(4001 + skillToQueue.size());
        skillToQueue.put(skill, queue);
        return skill;
    }

    /** Most agents log on at their stations and are ready; the ACD day starts (AUX reasons 1–3). */
    private void openTheFloor(List<AgentProfile> agents, Map<String, List<String>> byVdn, double callsPerMinute, Random random) {
        for (AgentProfile p : agents) {
            String agentId = p.getAttributes().get(DemoRoster.ACD_AGENT_ID);
            if (random.nextDouble() < 0.85) {
                peer.setAgentState(agentId, "loggedOn", "manualIn", 0);
                peer.setAgentState(agentId, "ready", "manualIn", 0);
            }
        }
        AcdPlan base = AcdPlan.plausible(byVdn, callsPerMinute);
        peer.startAcd(new AcdPlan(byVdn, callsPerMinute, base.ringMin(), base.ringMax(), base.talkMin(), base.talkMax(), base.holdChance(),
                base.wrapUpMin(), base.wrapUpMax(), List.of("1", "2", "3"), base.breaksPerAgentHour(), base.breakMin(), base.breakMax()),
                random.nextLong());
    }

    AesPeer peer() {
        return peer;
    }

    @Override
    public void close() throws Exception {
        try {
            peer.stopAcd();
            connector.close();
        } finally {
            peer.close();
        }
    }
}
