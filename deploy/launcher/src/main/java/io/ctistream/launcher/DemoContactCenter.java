package io.ctistream.launcher;

import io.ctistream.connector.broadworks.BroadWorksAdapter;
import io.ctistream.connector.broadworks.BroadWorksConfig;
import io.ctistream.connector.broadworks.BroadWorksPlatform;
import io.ctistream.connector.broadworks.Credentials;
import io.ctistream.connector.broadworks.xsi.XsiConfig;
import io.ctistream.connector.broadworks.xsi.XsiQueueSource;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.core.runtime.RuntimeSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.events.AgentProfile;
import io.ctistream.simulator.support.AcdPlan;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import io.ctistream.simulator.broadworks.xsi.XsiEventsServer;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel;
import io.ctistream.settings.ConfigSource;
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
 * hosts for the agents who sign in as guests, plain users for the others), its Xsi-Events server with
 * one call center per demo queue, the real BroadWorks connector subscribed to it over SIP and following
 * the call centers over Xsi-Events ({@code CTISTREAM_BW_XSI_*}), and one ACD day (ADR 025): most agents
 * log on at the start, callers dial each call center, their calls queue in the Xsi server's queue while
 * no agent of it is READY, go to the READY agent idle the longest, ring there over SIP, are talked
 * (some held), wrapped up; in busy periods calls arrive faster than the agents answer them, so they
 * wait tens of seconds to minutes and some callers hang up; idle agents take not-ready breaks with
 * reason codes; now and then an agent logs on or off. The queue figures come from the Xsi path.
 */
public final class DemoContactCenter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoContactCenter.class);
    static final String SIP_SECRET = "demo-sip-secret";
    static final String GUEST_PASSWORD = "4321";
    /** The Xsi user the connector signs in with (HTTP Basic), its credential reference and password. */
    static final String XSI_USER = "demo-xsi";
    static final String XSI_SECRET = "demo-xsi-secret";
    /** A day's rhythm at pace 1: quiet stretches at half the configured rate, busy ones at three times it. */
    static final Duration QUIET = Duration.ofSeconds(150);
    static final Duration BUSY = Duration.ofSeconds(75);
    static final double QUIET_FACTOR = 0.5;
    static final double BUSY_FACTOR = 3;
    /** Callers' patience at pace 1 (drawn per caller), the ring, and the wait after which a call overflows. */
    static final Duration PATIENCE_MIN = Duration.ofSeconds(20);
    static final Duration PATIENCE_MAX = Duration.ofSeconds(150);
    static final Duration RING = Duration.ofSeconds(3);
    static final Duration MAX_WAIT = Duration.ofMinutes(3);

    private final BroadWorksSimulator sim;
    private final XsiEventsServer xsi;
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

    private DemoContactCenter(BroadWorksSimulator sim, XsiEventsServer xsi, RuntimeSettings connectorSettings, Supplier<PlatformAdapter> adapters,
                              List<String> plainUsers, long seed) {
        this.adapters = adapters;
        this.sim = sim;
        this.xsi = xsi;
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
     * @param callsPerMinute arrivals per queue per minute (the day's average is about this); 0 runs no ACD at all (tests drive calls themselves)
     * @param pace how much faster than real time the BroadWorks day runs (1: real time; tests run it faster)
     */
    static DemoContactCenter start(Vertx vertx, List<AgentProfile> roster, String bootstrap, String registryUrl, ProcessMetrics metrics,
                                   double callsPerMinute, long seed, int pace) throws Exception {
        BroadWorksSimulator sim = BroadWorksSimulator.start(new BroadWorksSimulator.Settings("127.0.0.1", 0, DemoRoster.DOMAIN, 3600, 60,
                "BroadWorks", null));
        XsiEventsServer xsi = null;
        try {
            xsi = XsiEventsServer.start(new XsiEventsServer.Settings("127.0.0.1", 0, XSI_USER, XSI_SECRET, 3600, 30, seed,
                    new XsiQueueModel.Plan(RING.toMillis() / pace, 0, PATIENCE_MIN.toMillis() / pace, PATIENCE_MAX.toMillis() / pace,
                            MAX_WAIT.toMillis() / pace, sim.xsiDesk())));
            Map<String, List<String>> callCenters = new LinkedHashMap<>();
            Map<String, String> queueAddresses = new LinkedHashMap<>();
            List<String> xsiCallCenters = new ArrayList<>();
            List<String> xsiAgents = new ArrayList<>();
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
                xsiAgents.add(p.getPlatformUserId() + "=" + p.getAgentId());
                for (String q : p.getQueues()) {
                    String address = queueAddress(q);
                    if (queueAddresses.put(address, q) == null) {
                        xsiCallCenters.add(callCenter(q) + "=" + q);
                    }
                    callCenters.computeIfAbsent(callCenter(q), k -> new ArrayList<>()).add(user);
                }
            }
            callCenters.keySet().forEach(xsi::addCallCenter); // subscribable from the start, with or without an ACD day
            BroadWorksConfig sip = BroadWorksConfig.defaults("127.0.0.1", "127.0.0.1:" + sim.port()).withQueues(queueAddresses, "0000");
            // the queue source from the same settings an operator writes (docs/config/connector-broadworks.md)
            XsiConfig queues = BroadWorksPlatform.xsi(ConfigSource.from(Map.of(
                    BroadWorksPlatform.XSI_URL, xsi.baseUrl(),
                    BroadWorksPlatform.XSI_CREDENTIAL, XSI_USER,
                    BroadWorksPlatform.XSI_TENANT, DemoRoster.TENANT,
                    BroadWorksPlatform.XSI_CALL_CENTERS, String.join(",", xsiCallCenters),
                    BroadWorksPlatform.XSI_AGENTS, String.join(",", xsiAgents))));
            Credentials credentials = ref -> java.util.Optional.of(XSI_USER.equals(ref) ? new Credentials.Secret(XSI_USER, XSI_SECRET, null)
                    : new Credentials.Secret(null, SIP_SECRET, GUEST_PASSWORD));
            RuntimeSettings settings = new RuntimeSettings(ConnectorSettings.of("demo-broadworks-1"),
                    new KafkaSettings(bootstrap, registryUrl, "ctistream-demo-broadworks", Duration.ofSeconds(6), Map.of()),
                    Set.of(DemoRoster.TENANT), "127.0.0.1", 0);
            Supplier<PlatformAdapter> adapters = () -> new BroadWorksAdapter(sip, credentials, new XsiQueueSource(queues, credentials));
            DemoContactCenter center = new DemoContactCenter(sim, xsi, settings, adapters, plain, seed);
            center.connector = ConnectorService.start(vertx, PLATFORM, settings, adapters.get(), metrics, false);
            if (callsPerMinute > 0) {
                center.openTheFloor(callCenters, callsPerMinute, pace);
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
            LOG.info("demo contact center: AS simulator on [udp 127.0.0.1:{}], Xsi-Events on [{}], with [{}] users ([{}] hoteling hosts), [{}] call centers, "
                            + "[{}] calls/min per queue, pace [{}]",
                    sim.port(), xsi.baseUrl(), roster.size(), roster.size() - plain.size(), callCenters.size(), callsPerMinute, pace);
            return center;
        } catch (Exception | Error e) {
            if (xsi != null) {
                xsi.close();
            }
            sim.close();
            throw e;
        }
    }

    /**
     * Most plain agents log on at once (the hoteling guests sign in from the agent panel); the ACD day
     * starts: quiet and busy stretches, at {@code pace} times real time.
     */
    private void openTheFloor(Map<String, List<String>> callCenters, double callsPerMinute, int pace) {
        List<String> onShift = new ArrayList<>();
        for (String user : plainUsers) {
            if (random.nextDouble() < 0.85) {
                onShift.add(user);
            }
        }
        sim.setAgentStates(onShift, "ready", null);
        AcdPlan base = AcdPlan.plausible(callCenters, callsPerMinute);
        sim.startQueueDay(xsi, new AcdPlan(callCenters, callsPerMinute * pace, base.ringMin().dividedBy(pace), base.ringMax().dividedBy(pace),
                        base.talkMin().dividedBy(pace), base.talkMax().dividedBy(pace), base.holdChance(), base.wrapUpMin().dividedBy(pace),
                        base.wrapUpMax().dividedBy(pace), List.of("0010", "0011", "0012", "0013"), base.breaksPerAgentHour() * pace,
                        base.breakMin().dividedBy(pace), base.breakMax().dividedBy(pace)),
                QUIET.dividedBy(pace), BUSY.dividedBy(pace), QUIET_FACTOR, BUSY_FACTOR, random.nextLong());
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
        return "sip:" + callCenter(queueId);
    }

    /** The queue's BroadWorks call center (its user id, the Xsi subscription's target): {@code demo/sales} is {@code sales@<domain>}. */
    public static String callCenter(String queueId) {
        return queueId.substring(queueId.indexOf('/') + 1) + "@" + DemoRoster.DOMAIN;
    }

    public BroadWorksSimulator simulator() {
        return sim;
    }

    /** The AS's Xsi-Events server. */
    public XsiEventsServer xsiServer() {
        return xsi;
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
                sim.stopQueueDay();
                if (connector != null) {
                    connector.close();
                }
            } finally {
                try {
                    xsi.close();
                } finally {
                    sim.close();
                }
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
