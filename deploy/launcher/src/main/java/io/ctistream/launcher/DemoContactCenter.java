package io.ctistream.launcher;

import io.ctistream.connector.broadworks.BroadWorksAdapter;
import io.ctistream.connector.broadworks.BroadWorksConfig;
import io.ctistream.connector.broadworks.BroadWorksPlatform;
import io.ctistream.connector.broadworks.Credentials;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.core.runtime.RuntimeSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.events.AgentProfile;
import io.ctistream.simulator.support.AcdPlan;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's contact center: a BroadWorks AS simulator provisioned with the demo roster's BroadWorks
 * agents (the last team is on Finesse: {@link DemoFinesse}; the one before it on AES: {@link DemoAes}) (hoteling
 * hosts for the agents who sign in as guests, plain users for the others), the real BroadWorks
 * connector subscribed to it over SIP, and a continuous, plausible ACD day: most agents log on at
 * the start, calls arrive at each queue and go to the READY agent idle the longest, ring, are
 * talked (some held), wrapped up; idle agents take not-ready breaks with reason codes; now and
 * then an agent logs on or off. Queue figures come from what agent call events carry; calls
 * waiting in a queue need a queue-side source, which the demo does not invent.
 */
public final class DemoContactCenter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoContactCenter.class);
    static final String SIP_SECRET = "demo-sip-secret";
    static final String GUEST_PASSWORD = "4321";

    private final BroadWorksSimulator sim;
    private static final BroadWorksPlatform PLATFORM = new BroadWorksPlatform();
    private final RuntimeSettings connectorSettings;
    private final Supplier<PlatformAdapter> adapters;
    private final List<String> plainUsers;
    private final Random random;
    private final java.util.concurrent.ScheduledExecutorService shifts;
    private volatile ConnectorService connector;
    /** The team on Finesse, beside the BroadWorks ones; null without one. */
    private DemoFinesse finesse;
    /** The team on AES, beside the others; null without one. */
    private DemoAes aes;

    private DemoContactCenter(BroadWorksSimulator sim, RuntimeSettings connectorSettings, Supplier<PlatformAdapter> adapters, List<String> plainUsers,
                              long seed) {
        this.adapters = adapters;
        this.sim = sim;
        this.connectorSettings = connectorSettings;
        this.plainUsers = plainUsers;
        this.random = new Random(seed);
        this.shifts = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-shifts");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param callsPerMinute arrivals per queue per minute; 0 runs no ACD at all (tests drive calls themselves)
     */
    static DemoContactCenter start(Vertx vertx, List<AgentProfile> roster, String bootstrap, String registryUrl, ProcessMetrics metrics,
                                   double callsPerMinute, long seed) throws Exception {
        BroadWorksSimulator sim = BroadWorksSimulator.start(new BroadWorksSimulator.Settings("127.0.0.1", 0, DemoRoster.DOMAIN, 3600, 60,
                "BroadWorks", null));
        try {
            Map<String, List<String>> queues = new LinkedHashMap<>();
            Map<String, String> queueAddresses = new LinkedHashMap<>();
            List<String> plain = new ArrayList<>();
            for (AgentProfile p : roster) {
                if (DemoRoster.onFinesse(p) || DemoRoster.onAes(p)) {
                    continue; // the Finesse and AES teams have their own platforms (DemoFinesse, DemoAes)
                }
                String user = user(p);
                String guest = p.getHotelingGuestAddress();
                sim.addUser(new BroadWorksSimulator.UserSpec(user, guest != null, guest == null ? Map.of() : Map.of(guest, GUEST_PASSWORD), SIP_SECRET));
                if (guest == null) {
                    plain.add(user);
                }
                for (String q : p.getQueues()) {
                    String address = queueAddress(q);
                    queueAddresses.put(address, q);
                    queues.computeIfAbsent(address, k -> new ArrayList<>()).add(user);
                }
            }
            BroadWorksConfig sip = BroadWorksConfig.defaults("127.0.0.1", "127.0.0.1:" + sim.port()).withQueues(queueAddresses, "0000");
            RuntimeSettings settings = new RuntimeSettings(ConnectorSettings.of("demo-broadworks-1"),
                    new KafkaSettings(bootstrap, registryUrl, "ctistream-demo-broadworks", Duration.ofSeconds(6), Map.of()),
                    Set.of(DemoRoster.TENANT), "127.0.0.1", 0);
            Supplier<PlatformAdapter> adapters = () -> new BroadWorksAdapter(sip,
                    ref -> java.util.Optional.of(new Credentials.Secret(null, SIP_SECRET, GUEST_PASSWORD)));
            DemoContactCenter center = new DemoContactCenter(sim, settings, adapters, plain, seed);
            center.connector = ConnectorService.start(vertx, PLATFORM, settings, adapters.get(), metrics, false);
            if (callsPerMinute > 0) {
                center.openTheFloor(queues, callsPerMinute);
            }
            try {
                center.finesse = DemoFinesse.start(vertx, roster, bootstrap, registryUrl, callsPerMinute, center.random);
                center.aes = DemoAes.start(vertx, roster, bootstrap, registryUrl, callsPerMinute, center.random);
            } catch (Exception | Error e) {
                if (center.finesse != null) {
                    center.finesse.close();
                }
                center.connector.close();
                throw e;
            }
            LOG.info("demo contact center: AS simulator on [udp 127.0.0.1:{}] with [{}] users ([{}] hoteling hosts), [{}] queues, [{}] calls/min per queue",
                    sim.port(), roster.size(), roster.size() - plain.size(), queues.size(), callsPerMinute);
            return center;
        } catch (Exception | Error e) {
            sim.close();
            throw e;
        }
    }

    /** Most plain agents log on at once (the hoteling guests sign in from the agent panel); the ACD day starts. */
    private void openTheFloor(Map<String, List<String>> queues, double callsPerMinute) {
        List<String> onShift = new ArrayList<>();
        for (String user : plainUsers) {
            if (random.nextDouble() < 0.85) {
                onShift.add(user);
            }
        }
        sim.setAgentStates(onShift, "ready", null);
        AcdPlan base = AcdPlan.plausible(queues, callsPerMinute);
        sim.startAcd(new AcdPlan(queues, callsPerMinute, base.ringMin(), base.ringMax(), base.talkMin(), base.talkMax(), base.holdChance(),
                base.wrapUpMin(), base.wrapUpMax(), List.of("0010", "0011", "0012", "0013"), base.breaksPerAgentHour(), base.breakMin(),
                base.breakMax()), random.nextLong());
        // shift changes: every 20 s or so one agent logs on or off
        shifts.scheduleWithFixedDelay(this::shiftChange, 20, 20, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void shiftChange() {
        try {
            String user = plainUsers.get(random.nextInt(plainUsers.size()));
            String state = sim.agentState(user);
            if ("loggedOff".equals(state)) {
                sim.setAgentState(user, "ready", null);
            } else if ("ready".equals(state) && random.nextDouble() < 0.3) {
                sim.setAgentState(user, "loggedOff", null);
            }
        } catch (RuntimeException e) {
            LOG.debug("shift change skipped: {}", e.toString());
        }
    }

    public static String user(AgentProfile p) {
        String aor = p.getPlatformUserId();
        return aor.substring(0, aor.indexOf('@'));
    }

    public static String queueAddress(String queueId) {
        return "sip:" + queueId.substring(queueId.indexOf('/') + 1) + "@" + DemoRoster.DOMAIN;
    }

    public BroadWorksSimulator simulator() {
        return sim;
    }

    ConnectorService connector() {
        return connector;
    }

    /** Kills the connector as a crash would (nothing unsubscribed, no group leave, no last status). */
    void killConnector() {
        connector.kill();
    }

    /** Starts the connector again, as an orchestrator restarts a crashed process (same instance id). */
    void restartConnector(Vertx vertx) throws Exception {
        connector = ConnectorService.start(vertx, PLATFORM, connectorSettings, adapters.get(), null, false);
    }

    @Override
    public void close() throws Exception {
        shifts.shutdownNow();
        try {
            try {
                if (aes != null) {
                    aes.close();
                }
            } finally {
                if (finesse != null) {
                    finesse.close();
                }
            }
        } finally {
            try {
                sim.stopAcd();
                if (connector != null) {
                    connector.close();
                }
            } finally {
                sim.close();
            }
        }
    }

    /** The AES team's DMCC peer, or null. */
    public io.ctistream.simulator.aes.AesPeer aesPeer() {
        return aes == null ? null : aes.peer();
    }

    /** The Finesse team's simulator, or null. */
    public io.ctistream.simulator.finesse.FinesseSimulator finesseSimulator() {
        return finesse == null ? null : finesse.simulator();
    }
}
