package io.ctistream.connector.broadworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.core.testkit.KafkaTap;
import io.ctistream.connector.core.testkit.Roster;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.kafka.KafkaSettings;
import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.CommandResult;
import io.ctistream.events.CommandStatus;
import io.ctistream.events.ForwardingKind;
import io.ctistream.events.ForwardingRule;
import io.ctistream.events.LogOff;
import io.ctistream.events.LogOn;
import io.ctistream.events.SetDnd;
import io.ctistream.events.SetForwarding;
import io.ctistream.events.SetState;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The BroadWorks connector against the simulator over real SIP sockets (UDP and TCP) and the real
 * broker: commands in on cti.agent-commands, canonical events out on cti.agent-events, results on
 * cti.command-results. Each test uses its own tenant and users.
 */
@ExtendWith(CtiKafkaExtension.class)
class BroadWorksConnectorIT {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static Vertx vertx;
    private static BroadWorksSimulator sim;
    private static BroadWorksSimulator shortSim;
    private static Roster roster;
    private static TestKafka kafka;
    private final List<AutoCloseable> closers = new ArrayList<>();

    @BeforeAll
    static void setUp(TestKafka testKafka) throws Exception {
        kafka = testKafka;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        vertx = Vertx.vertx();
        sim = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0));
        // grants 8 s at most, so refreshes happen within a test (and a stall of a second on a loaded box lapses nothing)
        shortSim = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0).withExpires(8, 2));
        roster = new Roster(kafka.bootstrapServers(), kafka.registryUrl());
    }

    @AfterAll
    static void tearDown() throws Exception {
        roster.close();
        sim.close();
        shortSim.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** One test's world: a tenant, a connector on a transport, a tap on its events. */
    private final class World implements AutoCloseable {
        final String tenant = "bw" + SEQ.incrementAndGet();
        final BroadWorksSimulator as;
        final KafkaTap tap;
        BroadWorksConnector connector;

        World(BroadWorksSimulator as) {
            this.as = as;
            this.tap = new KafkaTap(kafka.bootstrapServers(), kafka.registryUrl(), tenant);
        }

        /** A user on the AS (hoteling host with guest g-id when hoteling) and its roster entry. */
        AgentProfile agent(String id, boolean hoteling) throws Exception {
            return agent(id, hoteling, "4321");
        }

        /** As above, with the guest password the AS expects (the connector always answers 4321). */
        AgentProfile agent(String id, boolean hoteling, String asGuestPassword) throws Exception {
            String user = tenant + "-" + id;
            String guest = hoteling ? "g-" + user : null;
            as.addUser(new BroadWorksSimulator.UserSpec(user, hoteling, hoteling ? Map.of(guest, asGuestPassword) : Map.of(), "sip-secret"));
            AgentProfile p = Roster.agent(tenant, id, user, as.domain(), guest);
            roster.put(p);
            return p;
        }

        World start(String transport, Duration commandTimeout) throws Exception {
            return start(transport, commandTimeout, 3600);
        }

        World start(String transport, Duration commandTimeout, int expires) throws Exception {
            return start(transport, commandTimeout, expires, Duration.ofSeconds(5));
        }

        World start(String transport, Duration commandTimeout, int expires, Duration probeInterval) throws Exception {
            BroadWorksConfig config = BroadWorksConfig.defaults("127.0.0.1", "127.0.0.1:" + as.port())
                    .withTransport(transport)
                    .withTimings(expires, commandTimeout, Duration.ofMillis(200), Duration.ofSeconds(2))
                    .withQueues(Map.of("sip:sales@" + as.domain(), "sales"), "0099")
                    .toBuilder().probeInterval(probeInterval).build();
            Credentials creds = ref -> java.util.Optional.of(new Credentials.Secret(null, "sip-secret", "4321"));
            connector = BroadWorksConnector.start(vertx, ConnectorSettings.of(tenant + "-" + transport),
                    new KafkaSettings(kafka.bootstrapServers(), kafka.registryUrl(), "bw-" + tenant, Duration.ofSeconds(6), Map.of()),
                    Set.of(tenant), config, creds).await(60, TimeUnit.SECONDS);
            return this;
        }

        /** Waits until the agent's events include {@code line} and the link is up; returns how many events there are then. */
        int settled(AgentProfile a, String line) {
            // the first "link ACTIVE" may come before or after the first full state: wait for both
            await().atMost(Duration.ofSeconds(30)).until(() -> tap.lines(a.getAgentId()).contains(line)
                    && tap.lines(a.getAgentId()).contains("link ACTIVE"));
            return tap.lines(a.getAgentId()).size();
        }

        @Override
        public void close() throws Exception {
            if (connector != null) {
                connector.stop().await(20, TimeUnit.SECONDS);
            }
            tap.close();
        }
    }

    private World world(BroadWorksSimulator as) {
        World w = new World(as);
        closers.add(w);
        return w;
    }

    @org.junit.jupiter.api.AfterEach
    void closeWorlds() throws Exception {
        for (AutoCloseable c : closers) {
            c.close();
        }
        closers.clear();
    }

    private static CommandResult awaitResult(KafkaTap tap, String commandId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> tap.result(commandId), r -> r != null);
    }

    /**
     * Verifies the whole working day of a hoteling agent over one transport: the nonce challenge
     * answered on log-on, READY, NOT_READY with reason "0012" kept as a string, WRAP_UP, DND,
     * forwarding and log-off, each with the right canonical events in order and one COMPLETED result.
     */
    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"udp", "tcp"})
    void hotelingAgentDay(String transport) throws Exception {
        // GIVEN a hoteling agent on the roster and a connector over this transport
        World w = world(sim);
        AgentProfile a = w.agent("a1", true);
        w.start(transport, Duration.ofSeconds(5));
        String id = a.getAgentId();
        // THEN the initial full state arrives: signed out, links up
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(w.tap.lines(id))
                .contains("link ACTIVE", "guest -", "state LOGGED_OUT", "dnd false", "fwd ALWAYS false"));
        int start = w.tap.lines(id).size();

        // WHEN the agent logs on (the AS challenges the guest with a nonce), then works through its states
        List<String> ids = new ArrayList<>();
        ids.add(roster.command(a, LogOn.newBuilder().setInitialState(AgentState.NOT_READY).build()));
        awaitResult(w.tap, ids.get(0));
        ids.add(roster.command(a, SetState.newBuilder().setState(AgentState.READY).build()));
        ids.add(roster.command(a, SetState.newBuilder().setState(AgentState.NOT_READY).setReasonCode("0012").build()));
        ids.add(roster.command(a, SetState.newBuilder().setState(AgentState.WRAP_UP).build()));
        ids.add(roster.command(a, SetDnd.newBuilder().setEnabled(true).build()));
        ids.add(roster.command(a, SetForwarding.newBuilder().setRule(ForwardingRule.newBuilder().setKind(ForwardingKind.ALWAYS)
                .setEnabled(true).setDestination("700").build()).build()));
        ids.add(roster.command(a, LogOff.newBuilder().build()));

        // THEN every command completed, once
        for (String c : ids) {
            CommandResult r = awaitResult(w.tap, c);
            assertThat(r.getStatus()).as("result of %s: %s %s", c, r.getCode(), r.getMessage()).isEqualTo(CommandStatus.COMPLETED);
        }
        // AND the events, in order, say exactly what happened
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(w.tap.lines(id).subList(start, w.tap.lines(id).size()))
                .containsExactly("guest g-" + w.tenant + "-a1", "state NOT_READY 0099", "state READY", "state NOT_READY 0012",
                        "state WRAP_UP", "dnd true", "fwd ALWAYS true 700", "state LOGGED_OUT", "guest -"));
        assertThat(sim.agentState(w.tenant + "-a1")).isEqualTo("loggedOff");
        assertThat(sim.guest(w.tenant + "-a1")).isNull();
        assertThat(ids).allSatisfy(c -> assertThat(w.tap.resultCount(c)).isEqualTo(1));
        // AND the state events a command caused carry its id as their correlation id
        assertThat(w.tap.events(id)).filteredOn(e -> KafkaTap.render(e.getPayload()).equals("state READY"))
                .extracting(e -> e.getHeader().getCorrelationId()).containsExactly(ids.get(1));
        // AND the instance published its status on cti.connector-status: running, owning the agent, three links up
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(w.tap.statuses()).anySatisfy(st -> {
            assertThat(st.getInstanceId()).isEqualTo(w.tenant + "-" + transport);
            assertThat(st.getState()).isEqualTo(io.ctistream.events.ConnectorState.RUNNING);
            assertThat(st.getAgentsOwned()).isEqualTo(1);
            assertThat(st.getLinksActive()).isEqualTo(3);
            assertThat(st.getKafkaUp()).isTrue();
        }));
        assertThat(w.connector.ready()).isTrue();
    }

    /** The agent's event lines after the first occurrence of {@code marker} at or after {@code from}. */
    private static List<String> after(List<String> lines, int from) {
        return lines.subList(Math.min(from, lines.size()), lines.size());
    }

    private static String user(World w, String id) {
        return w.tenant + "-" + id;
    }

    /** Verifies that subscriptions are refreshed before the (short) granted expiry and never lapse. */
    @Test
    void refreshesBeforeExpiry() throws Exception {
        // GIVEN an AS that grants 8 s at most
        World w = world(shortSim);
        AgentProfile a = w.agent("r1", false);
        w.start("udp", Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(30)).until(() -> w.tap.lines(a.getAgentId()).contains("link ACTIVE"));
        long before = shortSim.subscribesReceived(user(w, "r1"));
        // WHEN three grant periods pass
        // THEN each of the two subscriptions was refreshed at least twice and never lost
        await().atMost(Duration.ofSeconds(40)).until(() -> shortSim.subscribesReceived(user(w, "r1")) >= before + 4);
        assertThat(w.tap.lines(a.getAgentId())).noneMatch(l -> l.startsWith("link LOST") || l.startsWith("link TERMINATED"));
        assertThat(shortSim.activeSubscriptions(user(w, "r1"), BroadWorksSimulator.FEATURE)).isEqualTo(1);
        assertThat(shortSim.activeSubscriptions(user(w, "r1"), BroadWorksSimulator.DIALOG)).isEqualTo(1);
    }

    /**
     * Verifies that subscriptions are refreshed before the granted expiry while NOTIFYs keep arriving,
     * each with the expires left (issue #20: a NOTIFY keeps the refresh timer set, no longer sets it again).
     */
    @Test
    void refreshesBeforeExpiryWhileNotifiesArrive() throws Exception {
        // GIVEN an AS that grants 8 s at most and an agent whose link is ACTIVE
        World w = world(shortSim);
        AgentProfile a = w.agent("n1", false);
        w.start("udp", Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(30)).until(() -> w.tap.lines(a.getAgentId()).contains("link ACTIVE"));
        long before = shortSim.subscribesReceived(user(w, "n1"));
        // WHEN the agent changes state every 100 ms (a NOTIFY each, carrying the expires left) for three grant periods
        AtomicInteger flips = new AtomicInteger();
        long flipper = vertx.setPeriodic(100, id -> {
            boolean ready = flips.incrementAndGet() % 2 == 0;
            shortSim.setAgentStateLater(user(w, "n1"), ready ? "ready" : "notReady", ready ? null : "0003");
        });
        closers.add(() -> vertx.cancelTimer(flipper));
        // THEN each of the two subscriptions was refreshed at least twice, never lost, and the changes kept arriving
        await().atMost(Duration.ofSeconds(40)).until(() -> shortSim.subscribesReceived(user(w, "n1")) >= before + 4);
        vertx.cancelTimer(flipper);
        assertThat(flips.get()).isGreaterThan(100);
        assertThat(w.tap.lines(a.getAgentId())).noneMatch(l -> l.startsWith("link LOST") || l.startsWith("link TERMINATED"));
        assertThat(shortSim.activeSubscriptions(user(w, "n1"), BroadWorksSimulator.FEATURE)).isEqualTo(1);
        assertThat(shortSim.activeSubscriptions(user(w, "n1"), BroadWorksSimulator.DIALOG)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> w.tap.lines(a.getAgentId()).stream().filter(l -> l.startsWith("state ")).count() > 100);
    }

    /** Verifies that a 481 on refresh makes the agent's link LOST, then re-subscribes out of dialog and re-syncs the state. */
    @Test
    void resubscribesAfter481OnRefresh() throws Exception {
        World w = world(shortSim);
        AgentProfile a = w.agent("f1", false);
        shortSim.setAgentState(user(w, "f1"), "ready", null);
        w.start("udp", Duration.ofSeconds(5));
        String id = a.getAgentId();
        int mark = w.settled(a, "state READY");
        // WHEN the AS answers the next refresh with 481
        shortSim.fail481OnNextRefresh(user(w, "f1"));
        // THEN the link is lost, comes back, and the full state is published again
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(after(w.tap.lines(id), mark))
                .containsSubsequence("link LOST SIP_481", "link ACTIVE").contains("state READY"));
        assertThat(shortSim.activeSubscriptions(user(w, "f1"), BroadWorksSimulator.FEATURE)).isEqualTo(1);
    }

    /**
     * Verifies an AS that stops answering is noticed within a few probe intervals — the agent's link
     * LOST (UNKNOWN on a wallboard), not its last state shown live until the next refresh an hour
     * away — and that when it answers again, having restarted without its subscriptions, the agent
     * is subscribed anew and shows the state it took meanwhile.
     */
    @Test
    void anAsThatStopsAnsweringIsNoticedAndTheTruthComesBack() throws Exception {
        try (BroadWorksSimulator dark = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0))) {
            World w = world(dark);
            AgentProfile a = w.agent("u1", false);
            dark.setAgentState(user(w, "u1"), "ready", null);
            w.start("udp", Duration.ofSeconds(5), 3600, Duration.ofSeconds(1));
            String id = a.getAgentId();
            int mark = w.settled(a, "state READY");
            await().atMost(Duration.ofSeconds(10)).until(() -> dark.optionsReceived() >= 2); // the probe is armed
            // WHEN the AS goes dark, and the agent changes state meanwhile
            dark.outage(true);
            dark.setAgentState(user(w, "u1"), "notReady", "0042");
            // THEN the link is lost within a few probe intervals, and the connector names the platform as what fails
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(after(w.tap.lines(id), mark))
                    .contains("link LOST PLATFORM_UNREACHABLE"));
            assertThat(w.connector.failedDependency()).isEqualTo("platform");
            // AND an agent that joins the roster meanwhile is lost too, not subscribed into the void
            AgentProfile late = w.agent("u2", false);
            dark.setAgentState(user(w, "u2"), "ready", null);
            await().atMost(Duration.ofSeconds(30)).until(() -> w.tap.lines(late.getAgentId()).contains("link LOST PLATFORM_UNREACHABLE"));
            // WHEN it comes back having forgotten every subscription
            dark.restart();
            dark.outage(false);
            // THEN both agents are subscribed anew and show the state they have now
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(after(w.tap.lines(id), mark))
                    .containsSubsequence("link LOST PLATFORM_UNREACHABLE", "link ACTIVE").contains("state NOT_READY 0042"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(w.tap.lines(late.getAgentId()))
                    .containsSubsequence("link LOST PLATFORM_UNREACHABLE", "link ACTIVE").contains("state READY"));
            assertThat(dark.activeSubscriptions(user(w, "u1"), BroadWorksSimulator.FEATURE)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> w.connector.failedDependency() == null);
        }
    }

    /** Verifies an AS that never answers OPTIONS (some SBCs do not) is not judged down: the probe stays off. */
    @Test
    void anAsThatNeverAnswersOptionsIsNotJudgedDown() throws Exception {
        try (BroadWorksSimulator quiet = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0))) {
            quiet.ignoreOptions(true);
            World w = world(quiet);
            AgentProfile a = w.agent("q1", false);
            quiet.setAgentState(user(w, "q1"), "ready", null);
            w.start("udp", Duration.ofSeconds(5), 3600, Duration.ofSeconds(1));
            int mark = w.settled(a, "state READY");
            await().atMost(Duration.ofSeconds(10)).until(() -> quiet.optionsReceived() >= 3);
            // armed, two unanswered probes would take 2 s; the unanswered OPTIONS time out in the SIP stack after 32 s:
            // watched past that, nothing is lost and the connector stays ready
            await().during(Duration.ofSeconds(40)).atMost(Duration.ofSeconds(45)).until(() -> w.connector.failedDependency() == null
                    && after(w.tap.lines(a.getAgentId()), mark).stream().noneMatch(l -> l.startsWith("link LOST")));
        }
    }

    /** Verifies that terminated;reason=rejected stops the subscription for good: TERMINATED, LOGGED_OUT, an alarm, no retry. */
    @Test
    void rejectedTerminationIsAnAlarmAndLoggedOut() throws Exception {
        World w = world(sim);
        AgentProfile a = w.agent("x1", false);
        sim.setAgentState(user(w, "x1"), "ready", null);
        w.start("udp", Duration.ofSeconds(5));
        String id = a.getAgentId();
        int mark = w.settled(a, "state READY");
        // WHEN the AS terminates the feature subscription as rejected
        sim.terminate(user(w, "x1"), BroadWorksSimulator.FEATURE, "rejected", null);
        // THEN the link is TERMINATED and the agent LOGGED_OUT, with an alarm
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(after(w.tap.lines(id), mark))
                .containsExactly("link TERMINATED TERMINATED_REJECTED", "state LOGGED_OUT"));
        assertThat(w.connector.metrics().alarmsTotal("subscription_refused")).isEqualTo(1);
        // AND nothing is retried (watched past the longest retry backoff, 2 s)
        long subscribes = sim.subscribesReceived(user(w, "x1"));
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6))
                .until(() -> sim.subscribesReceived(user(w, "x1")) == subscribes);
        assertThat(sim.activeSubscriptions(user(w, "x1"), BroadWorksSimulator.FEATURE)).isZero();
    }

    /** Verifies that after an AS restart that forgot every subscription the agent goes LOST (UNKNOWN), then is re-subscribed and correct. */
    @Test
    void simulatorRestartThenResync() throws Exception {
        World w = world(shortSim);
        AgentProfile a = w.agent("s1", false);
        shortSim.setAgentState(user(w, "s1"), "notReady", "0007");
        w.start("tcp", Duration.ofSeconds(5));
        String id = a.getAgentId();
        int mark = w.settled(a, "state NOT_READY 0007");
        // WHEN the AS restarts and loses all subscriptions (the agent's state survives on the AS)
        shortSim.restart();
        // THEN the connector notices at its next refresh, reports the link lost, and re-syncs
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(after(w.tap.lines(id), mark))
                .containsSubsequence("link LOST SIP_481", "link ACTIVE").contains("state NOT_READY 0007"));
        await().atMost(Duration.ofSeconds(10)).until(() -> shortSim.activeSubscriptions(user(w, "s1"), BroadWorksSimulator.FEATURE) == 1);
    }

    /**
     * Verifies a call gone from the AS's full dialog state (an AS restart forgot it) is ended naming
     * the call as it was known — its queue and party — so a CRM can close the right record.
     */
    @Test
    void aCallGoneFromTheFullDialogStateEndsNamingTheCall() throws Exception {
        World w = world(shortSim);
        AgentProfile a = w.agent("g1", false);
        shortSim.setAgentState(user(w, "g1"), "ready", null);
        w.start("udp", Duration.ofSeconds(5));
        String id = a.getAgentId();
        int mark = w.settled(a, "state READY");
        String q = w.tenant + "/sales";
        String call = shortSim.offerCall(user(w, "g1"), "sip:sales@" + shortSim.domain(), "sip:+15550777@" + shortSim.domain(), null);
        shortSim.answerCall(user(w, "g1"), call);
        await().atMost(Duration.ofSeconds(10)).until(() -> after(w.tap.lines(id), mark).contains("call CONNECTED " + q + " +15550777"));
        // WHEN the AS restarts and forgets the call along with the subscriptions
        shortSim.restart();
        // THEN after the re-subscription its full dialog state lacks the call, which ends, still named
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(after(w.tap.lines(id), mark))
                .containsSubsequence("link LOST SIP_481", "call ENDED " + q + " +15550777"));
    }

    /** Verifies that a command the AS accepts but never confirms ends TIMED_OUT and changes nothing. */
    @Test
    void ignoredCommandTimesOut() throws Exception {
        World w = world(sim);
        AgentProfile a = w.agent("t1", false);
        sim.setAgentState(user(w, "t1"), "notReady", "0001");
        w.start("udp", Duration.ofSeconds(2));
        String id = a.getAgentId();
        w.settled(a, "link ACTIVE");
        w.settled(a, "state NOT_READY 0001");
        sim.ignoreCommands(user(w, "t1"), true);
        int mark = w.tap.lines(id).size();
        String c = roster.command(a, SetState.newBuilder().setState(AgentState.READY).build());
        CommandResult r = awaitResult(w.tap, c);
        assertThat(r.getStatus()).isEqualTo(CommandStatus.TIMED_OUT);
        assertThat(r.getCode()).isEqualTo("PLATFORM_SILENT");
        assertThat(after(w.tap.lines(id), mark)).isEmpty();
        assertThat(sim.agentState(user(w, "t1"))).isEqualTo("notReady");
    }

    /** Verifies a queue call through the dialog package: OFFERED on the queue, CONNECTED, HELD, ENDED, then wrap-up. */
    @Test
    void acdCallThroughTheDialogPackage() throws Exception {
        World w = world(sim);
        AgentProfile a = w.agent("c1", false);
        sim.setAgentState(user(w, "c1"), "ready", null);
        w.start("udp", Duration.ofSeconds(5));
        String id = a.getAgentId();
        // the link event may come before or after the first full state: wait for both
        w.settled(a, "link ACTIVE");
        int mark = w.settled(a, "state READY");
        // a person's pace: each step once the previous one is seen
        String call = sim.offerCall(user(w, "c1"), "sip:sales@" + sim.domain(), "sip:+15550123@" + sim.domain(), "Pat Doe");
        await().atMost(Duration.ofSeconds(10)).until(() -> w.tap.lines(id).size() == mark + 1);
        sim.answerCall(user(w, "c1"), call);
        await().atMost(Duration.ofSeconds(10)).until(() -> w.tap.lines(id).size() == mark + 2);
        sim.holdCall(user(w, "c1"), call, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> w.tap.lines(id).size() == mark + 3);
        sim.holdCall(user(w, "c1"), call, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> w.tap.lines(id).size() == mark + 4);
        sim.hangUp(user(w, "c1"), call, true);
        String q = w.tenant + "/sales";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<String> lines = after(w.tap.lines(id), mark);
            assertThat(lines).hasSize(6);
            assertThat(lines.subList(0, 4)).containsExactly("call OFFERED " + q + " +15550123", "call CONNECTED " + q + " +15550123",
                    "call HELD " + q + " +15550123", "call CONNECTED " + q + " +15550123");
            // a hang-up into wrap-up is two NOTIFYs on two subscriptions (dialog, feature): either may arrive first
            assertThat(lines.subList(4, 6)).containsExactlyInAnyOrder("call ENDED " + q + " +15550123", "state WRAP_UP");
        });
    }

    /** Verifies that a malformed NOTIFY is answered 200 (the subscription stands), counted, and changes nothing. */
    @Test
    void malformedNotifyChangesNothing() throws Exception {
        World w = world(sim);
        AgentProfile a = w.agent("m1", false);
        w.start("udp", Duration.ofSeconds(5));
        String id = a.getAgentId();
        w.settled(a, "link ACTIVE");
        int mark = w.settled(a, "state LOGGED_OUT");
        sim.sendRaw(user(w, "m1"), BroadWorksSimulator.FEATURE, "application/x-as-feature-event+xml",
                "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><AgentReadyEvent>&e;</AgentReadyEvent>"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // one at a time: of two NOTIFYs that overtake each other, the older is dropped unread (by CSeq)
        await().atMost(Duration.ofSeconds(10)).until(() -> w.connector.metrics().malformedTotal(BroadWorksSimulator.FEATURE) == 1);
        sim.sendRaw(user(w, "m1"), BroadWorksSimulator.FEATURE, "multipart/mixed;boundary=x", "--x\r\n\r\n<AgentReadyEvent/>".getBytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> w.connector.metrics().malformedTotal(BroadWorksSimulator.FEATURE) == 2);
        // the same subscription still carries the next real change
        sim.setAgentState(user(w, "m1"), "ready", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> w.tap.lines(id).size() > mark);
        assertThat(after(w.tap.lines(id), mark)).containsExactly("state READY");
        assertThat(sim.activeSubscriptions(user(w, "m1"), BroadWorksSimulator.FEATURE)).isEqualTo(1);
    }

    /** Verifies that 423 Interval Too Brief is retried with the AS's Min-Expires and 503s are retried with backoff. */
    @Test
    void intervalTooBriefAndServiceUnavailableAreRetried() throws Exception {
        World w = world(sim);
        AgentProfile a = w.agent("i1", false);
        sim.reject503(2);
        w.start("udp", Duration.ofSeconds(5), 30); // below the AS's Min-Expires of 60
        await().atMost(Duration.ofSeconds(30)).until(() -> w.tap.lines(a.getAgentId()).contains("link ACTIVE"));
        assertThat(sim.activeSubscriptions(user(w, "i1"), BroadWorksSimulator.FEATURE)).isEqualTo(1);
    }

    /** Verifies that a repeated command id runs once and that a command past its deadline never reaches the AS. */
    @Test
    void duplicateAndExpiredCommands() throws Exception {
        World w = world(sim);
        AgentProfile a = w.agent("d1", false);
        w.start("udp", Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(30)).until(() -> w.tap.lines(a.getAgentId()).contains("link ACTIVE"));
        String id = java.util.UUID.randomUUID().toString();
        roster.command(a, id, SetState.newBuilder().setState(AgentState.READY).build(), Duration.ofSeconds(30));
        roster.command(a, id, SetState.newBuilder().setState(AgentState.READY).build(), Duration.ofSeconds(30));
        assertThat(awaitResult(w.tap, id).getStatus()).isEqualTo(CommandStatus.COMPLETED);
        long subscribes = sim.subscribesReceived(user(w, "d1"));
        String late = roster.command(a, SetState.newBuilder().setState(AgentState.NOT_READY).build(), Duration.ofMillis(-1));
        CommandResult r = awaitResult(w.tap, late);
        assertThat(r.getStatus()).isEqualTo(CommandStatus.TIMED_OUT);
        assertThat(r.getCode()).isEqualTo("DEADLINE_PASSED");
        // a duplicate run again would answer by the 5 s command timeout at the latest
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> w.tap.resultCount(id) == 1);
        assertThat(sim.subscribesReceived(user(w, "d1"))).isEqualTo(subscribes);
        assertThat(sim.agentState(user(w, "d1"))).isEqualTo("ready");
    }

    /** Verifies the platform's refusals of a hoteling sign-in: an unknown guest, and a wrong guest password (the same nonce twice). */
    @Test
    void hotelingRefusalsAreRejectedWithTheirReason() throws Exception {
        World w = world(sim);
        AgentProfile a = w.agent("h1", true, "9999");
        w.start("udp", Duration.ofSeconds(5));
        w.settled(a, "link ACTIVE");
        String unknown = roster.command(a, LogOn.newBuilder().setGuestAddress("nobody").setInitialState(AgentState.READY).build());
        CommandResult r1 = awaitResult(w.tap, unknown);
        assertThat(r1.getStatus()).isEqualTo(CommandStatus.REJECTED);
        assertThat(r1.getCode()).isEqualTo("GUEST_REFUSED");
        String wrongPassword = roster.command(a, LogOn.newBuilder().setInitialState(AgentState.READY).build());
        CommandResult r2 = awaitResult(w.tap, wrongPassword);
        assertThat(r2.getStatus()).isEqualTo(CommandStatus.REJECTED);
        assertThat(r2.getCode()).isEqualTo("GUEST_AUTH_FAILED");
        assertThat(r2.getMessage()).doesNotContain("4321").doesNotContain("9999");
        assertThat(sim.guest(user(w, "h1"))).isNull();
        assertThat(w.tap.lines(a.getAgentId())).doesNotContain("state READY");
    }

    /**
     * Verifies RFC 6665 terminations that call for a new subscription: deactivated at once, probation after
     * retry-after; the new subscription's full state comes before its link says ACTIVE (ADR 009).
     */
    @Test
    void deactivatedAndProbationAreResubscribed() throws Exception {
        World w = world(sim);
        AgentProfile a = w.agent("p1", false);
        sim.setAgentState(user(w, "p1"), "ready", null);
        w.start("udp", Duration.ofSeconds(5));
        int mark = w.settled(a, "state READY");
        sim.terminate(user(w, "p1"), BroadWorksSimulator.FEATURE, "deactivated", null);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(after(w.tap.lines(a.getAgentId()), mark))
                .containsSubsequence("link LOST TERMINATED_DEACTIVATED", "state READY", "link ACTIVE"));
        int mark2 = w.tap.lines(a.getAgentId()).size();
        sim.terminate(user(w, "p1"), BroadWorksSimulator.FEATURE, "probation", 1);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(after(w.tap.lines(a.getAgentId()), mark2))
                .containsSubsequence("link LOST TERMINATED_PROBATION", "state READY", "link ACTIVE"));
        assertThat(sim.activeSubscriptions(user(w, "p1"), BroadWorksSimulator.FEATURE)).isEqualTo(1);
    }

    /**
     * Verifies that NOTIFYs overtaken by newer ones (UDP, the stack's thread pool) are dropped by
     * CSeq: a burst of call changes never brings an ended call back.
     */
    @Test
    void aBurstOfNotifiesNeverResurrectsAnEndedCall() throws Exception {
        World w = world(sim);
        AgentProfile a = w.agent("b1", false);
        sim.setAgentState(user(w, "b1"), "ready", null);
        w.start("udp", Duration.ofSeconds(5));
        String id = a.getAgentId();
        int mark = w.settled(a, "state READY");
        for (int i = 0; i < 5; i++) {
            String call = sim.offerCall(user(w, "b1"), "sip:sales@" + sim.domain(), "sip:+1555000" + i + "@" + sim.domain(), null);
            sim.answerCall(user(w, "b1"), call);
            sim.holdCall(user(w, "b1"), call, true);
            sim.holdCall(user(w, "b1"), call, false);
            sim.hangUp(user(w, "b1"), call, false);
        }
        // every call that shows ends ENDED and nothing follows its end (a call whose NOTIFYs were all overtaken by its
        // final one never shows at all: the connector does not report the end of a call it never saw)
        await().atMost(Duration.ofSeconds(10)).during(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<String> calls = after(w.tap.lines(id), mark).stream().filter(l -> l.startsWith("call ")).toList();
            java.util.Map<String, String> lastByParty = new java.util.HashMap<>();
            calls.forEach(l -> lastByParty.put(l.substring(l.lastIndexOf(' ') + 1), l));
            assertThat(calls).anyMatch(l -> l.startsWith("call ENDED"));
            assertThat(lastByParty.values()).as("the last line of each call among %s", calls).allMatch(l -> l.startsWith("call ENDED"));
        });
    }
}
