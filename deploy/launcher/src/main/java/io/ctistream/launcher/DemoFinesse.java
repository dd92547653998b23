package io.ctistream.launcher;

import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.connector.core.runtime.RuntimeSettings;
import io.ctistream.connector.finesse.FinesseAdapter;
import io.ctistream.connector.finesse.FinesseConfig;
import io.ctistream.connector.finesse.FinesseCredentials;
import io.ctistream.connector.finesse.FinessePlatform;
import io.ctistream.events.AgentProfile;
import io.ctistream.simulator.finesse.FinesseSimulator;
import io.ctistream.simulator.finesse.QueueSpec;
import io.ctistream.simulator.finesse.UserSpec;
import io.ctistream.simulator.support.AcdPlan;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's Finesse team: a Finesse simulator (its own XMPP-over-WebSocket notification service,
 * so a fresh machine needs no XMPP server) provisioned with the roster's Finesse agents, the real
 * Finesse connector signed in as each of them over REST and XMPP, and the same kind of ACD day as
 * the BroadWorks teams. The wallboard shows both platforms in one canonical model.
 */
final class DemoFinesse implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoFinesse.class);
    static final String PASSWORD = "demo-finesse-secret";
    /** The supervisor whose session follows the Finesse queues' Queue nodes (ADR 023); not one of the roster's agents. */
    static final String SUPERVISOR = "9000";
    private static final String SUPERVISOR_REF = "demo-finesse-supervisor";

    private final FinesseSimulator sim;
    private final ConnectorService connector;

    private DemoFinesse(FinesseSimulator sim, ConnectorService connector) {
        this.sim = sim;
        this.connector = connector;
    }

    /** Null when the roster has no Finesse agent. */
    static DemoFinesse start(Vertx vertx, List<AgentProfile> roster, String bootstrap, String registryUrl, double callsPerMinute, Random random)
            throws Exception {
        List<AgentProfile> agents = roster.stream().filter(DemoRoster::onFinesse).toList();
        if (agents.isEmpty()) {
            return null;
        }
        FinesseSimulator sim = FinesseSimulator.start(FinesseSimulator.Settings.loopback());
        try {
            Map<String, List<String>> queues = new LinkedHashMap<>();
            Map<String, FinesseCredentials.Secret> secrets = new HashMap<>();
            for (AgentProfile p : agents) {
                String team = p.getTeamId().substring(p.getTeamId().indexOf('/') + 1);
                sim.addUser(UserSpec.agent(p.getPlatformUserId(), PASSWORD, p.getAttributes().get(DemoRoster.EXTENSION), team, team));
                secrets.put(p.getCredentialRef(), new FinesseCredentials.Secret(p.getPlatformUserId(), PASSWORD));
                for (String q : p.getQueues()) {
                    queues.computeIfAbsent(q.substring(q.indexOf('/') + 1), k -> new ArrayList<>()).add(p.getPlatformUserId());
                }
            }
            queues.forEach((name, members) -> sim.addQueue(new QueueSpec(name, name, members)));
            // a supervisor of the first agent's team follows every Finesse queue: the wallboard gets Finesse's own figures
            String firstTeam = agents.get(0).getTeamId().substring(agents.get(0).getTeamId().indexOf('/') + 1);
            sim.addUser(UserSpec.agent(SUPERVISOR, PASSWORD, SUPERVISOR, firstTeam, firstTeam).asSupervisor());
            secrets.put(SUPERVISOR_REF, new FinesseCredentials.Secret(SUPERVISOR, PASSWORD));
            Map<String, String> followed = new LinkedHashMap<>();
            queues.keySet().forEach(name -> followed.put(name, DemoRoster.TENANT + "/" + name));
            RuntimeSettings settings = new RuntimeSettings(ConnectorSettings.of("demo-finesse-1"),
                    new KafkaSettings(bootstrap, registryUrl, "ctistream-demo-finesse", Duration.ofSeconds(6), Map.of()),
                    Set.of(DemoRoster.TENANT), "127.0.0.1", 0);
            FinesseConfig config = FinesseConfig.defaults(List.of(URI.create(sim.restUrl()))).withSignInRate(50);
            FinesseCredentials credentials = ref -> Optional.ofNullable(secrets.get(ref));
            // no metrics of its own: the demo's process metrics carry the BroadWorks connector's
            ConnectorService connector = ConnectorService.start(vertx, new FinessePlatform(), settings,
                    FinesseAdapter.overXmpp(config, credentials, agents.size() + 10, SUPERVISOR_REF, followed), null, false);
            DemoFinesse demo = new DemoFinesse(sim, connector);
            if (callsPerMinute > 0) {
                demo.openTheFloor(agents, queues, callsPerMinute, random);
            }
            LOG.info("demo finesse team: simulator on [{}] with [{}] agents, [{}] queues", sim.restUrl(), agents.size(), queues.size());
            return demo;
        } catch (Exception | Error e) {
            sim.close();
            throw e;
        }
    }

    /** Most agents are signed in and READY; the ACD day starts (the reasons are the simulator's NOT_READY codes). */
    private void openTheFloor(List<AgentProfile> agents, Map<String, List<String>> queues, double callsPerMinute, Random random) {
        for (AgentProfile p : agents) {
            if (random.nextDouble() < 0.85) {
                sim.setAgentState(p.getPlatformUserId(), "READY", -1);
            }
        }
        AcdPlan base = AcdPlan.plausible(queues, callsPerMinute);
        // the queues' lines (calls in queue, longest wait) are the simulator's own: the ACD day does not show its line
        sim.queueTraffic(callsPerMinute, base.talkMax().plus(base.wrapUpMax()), random.nextLong());
        sim.startAcd(new AcdPlan(queues, callsPerMinute, base.ringMin(), base.ringMax(), base.talkMin(), base.talkMax(), base.holdChance(),
                base.wrapUpMin(), base.wrapUpMax(), List.of("1", "2", "16"), base.breaksPerAgentHour(), base.breakMin(), base.breakMax()),
                random.nextLong());
    }

    FinesseSimulator simulator() {
        return sim;
    }

    @Override
    public void close() throws Exception {
        try {
            sim.stopAcd();
            connector.close();
        } finally {
            sim.close();
        }
    }
}
