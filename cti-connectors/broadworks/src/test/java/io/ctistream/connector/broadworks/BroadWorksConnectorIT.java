package io.ctistream.connector.broadworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
        // grants 4 s at most, so refreshes happen within a test
        shortSim = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0).withExpires(4, 2));
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
            String user = tenant + "-" + id;
            String guest = hoteling ? "g-" + user : null;
            as.addUser(new BroadWorksSimulator.UserSpec(user, hoteling, hoteling ? Map.of(guest, "4321") : Map.of(), "sip-secret"));
            AgentProfile p = Roster.agent(tenant, id, user, as.domain(), guest);
            roster.put(p);
            return p;
        }

        World start(String transport, Duration commandTimeout) throws Exception {
            BroadWorksConfig config = BroadWorksConfig.defaults("127.0.0.1", "127.0.0.1:" + as.port())
                    .withTransport(transport)
                    .withTimings(3600, commandTimeout, Duration.ofMillis(200), Duration.ofSeconds(2))
                    .withQueues(Map.of("sip:sales@" + as.domain(), "sales"), "0099");
            Credentials creds = ref -> java.util.Optional.of(new Credentials.Secret(null, "sip-secret", "4321"));
            connector = BroadWorksConnector.start(vertx, ConnectorSettings.of(tenant + "-" + transport),
                    new KafkaSettings(kafka.bootstrapServers(), kafka.registryUrl(), "bw-" + tenant, Duration.ofSeconds(6), Map.of()),
                    Set.of(tenant), config, creds).await(60, TimeUnit.SECONDS);
            return this;
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
        await().atMost(Duration.ofSeconds(30)).until(() -> w.tap.lines(id).contains("link ACTIVE"));
        assertThat(w.tap.lines(id)).contains("guest -", "state LOGGED_OUT", "dnd false", "fwd ALWAYS false");
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
    }
}
