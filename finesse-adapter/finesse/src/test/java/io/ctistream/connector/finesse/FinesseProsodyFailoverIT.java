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
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import io.ctistream.events.CommandStatus;
import io.ctistream.events.LinkState;
import io.ctistream.events.LogOff;
import io.ctistream.events.LogOn;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueEvent;
import io.ctistream.events.QueueStatistics;
import io.ctistream.events.SetState;
import io.ctistream.events.SubscriptionChanged;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.simulator.finesse.FinesseSimulator;
import io.ctistream.simulator.finesse.FinesseSimulator.Side;
import io.ctistream.simulator.finesse.NotificationBus;
import io.ctistream.simulator.finesse.QueueSpec;
import io.ctistream.simulator.finesse.SmackPubSubBus;
import io.ctistream.simulator.finesse.UserSpec;
import io.ctistream.simulator.finesse.testing.ProsodyServer;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fail-over from side A to side B with every part real (issue #15, protocols/finesse.md §7, ADR
 * 023): each simulator side publishes through its own Smack publisher into its own Prosody (a
 * Finesse node has its own notification service and XMPP domain), the connector's agent session and
 * supervisor session read them there, commands come from cti.agent-commands, and the canonical
 * events are read back from a real broker. Mid-call side A goes OUT_OF_SERVICE and its Prosody
 * stops; while no side answers the agent is not shown live (link LOST: UNKNOWN downstream) and the
 * queue's figures are unknown; when side B is IN_SERVICE the connector moves there, re-reads the
 * agent (what happened meanwhile is learnt from the snapshot), subscribes the Queue node there and
 * reads the queue, and the rest of the day's commands complete on B. Every call is offered once and
 * ended once. Skipped where Prosody is absent; {@code .ci/run} fails if it skipped there.
 */
@ExtendWith(CtiKafkaExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FinesseProsodyFailoverIT {
    private static final String TENANT = "fin-failover";
    private static final String QUEUE = TENANT + "/sales";
    private static final String LOGIN = "1234";
    private static final String SUPERVISOR = "1236";
    private static final String PASSWORD = "failover-day-9Xw";
    /** When the oldest queued call arrived: from the clock, as records written to a real broker must be (CONTRIBUTING.md). */
    private final Instant OLDEST = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(90);
    private static final Duration STEP = Duration.ofSeconds(15);

    private ProsodyServer prosodyA;
    private ProsodyServer prosodyB;
    private FinesseSimulator sim;
    private Vertx vertx;
    private final List<SmackPubSubBus> buses = new CopyOnWriteArrayList<>();
    private final AgentProfile agent = AgentProfile.newBuilder().setTenant(TENANT).setAgentId(TENANT + "/a1").setDisplayName("Agent a1")
            .setTeamId(TENANT + "/team").setQueues(List.of(QUEUE)).setPlatform(Platform.FINESSE).setPlatformUserId(LOGIN)
            .setCredentialRef("a1").setAttributes(Map.of(FinesseCommands.EXTENSION, "1001")).build();

    @BeforeEach
    void startPlatform() {
        // two nodes, two notification services: each side's XMPP domain is its own Prosody's, with the users' accounts in both
        prosodyA = ProsodyServer.create("fin-a.example.com").register(LOGIN, PASSWORD).register(SUPERVISOR, PASSWORD).start();
        prosodyB = ProsodyServer.create("fin-b.example.com").register(LOGIN, PASSWORD).register(SUPERVISOR, PASSWORD).start();
        SmackPubSubBus.Target a = prosodyA.publisherTarget();
        SmackPubSubBus.Target b = prosodyB.publisherTarget();
        NotificationBus.Factory intoProsody = (side, directory, presence) -> {
            SmackPubSubBus bus = (SmackPubSubBus) SmackPubSubBus.factory(a, b).create(side, directory, presence);
            buses.add(bus);
            return bus;
        };
        // a 4 s window with no side in service; Queue statistics every 300 ms when changed
        sim = FinesseSimulator.start(FinesseSimulator.Settings.loopback().withBus(intoProsody)
                .withTimings(Duration.ofMillis(20), Duration.ZERO, Duration.ofSeconds(60), Duration.ofSeconds(4), Duration.ofMillis(300)));
        sim.addUser(UserSpec.agent(LOGIN, PASSWORD, "1001", "5005", "Sales"));
        sim.addUser(UserSpec.agent(SUPERVISOR, PASSWORD, "1003", "5005", "Sales").asSupervisor());
        sim.addQueue(new QueueSpec("10", "Sales", List.of(LOGIN)));
    }

    @AfterEach
    void stopAll() throws Exception {
        if (vertx != null) {
            vertx.close().await(20, TimeUnit.SECONDS);
        }
        if (sim != null) {
            sim.close();
        }
        for (ProsodyServer p : new ProsodyServer[] {prosodyA, prosodyB}) {
            if (p != null) {
                p.close();
            }
        }
    }

    /** Verifies that a fail-over A to B mid-call shows nothing stale as live, re-reads agent and queue on B, and commands work there. */
    @Test
    void sideAFailsOverToSideBWithNothingStaleAndNothingDoubled(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        try (Roster roster = new Roster(kafka.bootstrapServers(), kafka.registryUrl());
             KafkaTap tap = new KafkaTap(kafka.bootstrapServers(), kafka.registryUrl(), TENANT)) {
            // GIVEN the agent on the roster, the connector on side A reading its notifications from A's Prosody
            roster.put(agent);
            ConnectorRuntime connector = start(kafka);
            await("the agent's session on prosody A and its snapshot").atMost(Duration.ofSeconds(60))
                    .until(() -> tap.lastLink(agent.getAgentId()) == LinkState.ACTIVE);
            // AND the queue followed by the supervisor session on A: read, then its node's statistics
            sim.queueCalls("10", 2, OLDEST);
            await("the queue's figures from side A").atMost(Duration.ofSeconds(30)).until(() -> calls(tap) != null && calls(tap) == 2);

            // AND the agent signed in, READY, on a routed call
            assertThat(run(roster, tap, LogOn.newBuilder().setInitialState(AgentState.READY).build())).isEqualTo(CommandStatus.COMPLETED);
            awaitState(tap, AgentState.READY);
            String first = sim.offerCall(LOGIN, "sales", "5551234", Map.of());
            awaitCall(tap, first, CallState.OFFERED);
            sim.answerCall(LOGIN, first);
            awaitCall(tap, first, CallState.CONNECTED);
            awaitState(tap, AgentState.TALKING);
            int agentMark = tap.events(agent.getAgentId()).size();
            int queueMark = queueEvents(tap).size();

            // WHEN side A goes OUT_OF_SERVICE and its notification service goes down with it
            sim.failover();
            prosodyA.stop();

            // THEN while no side answers nobody vouches for the agent (link LOST, UNKNOWN downstream) nor for the queue's figures
            await("the agent LOST and the figures unknown while no side serves").atMost(STEP).untilAsserted(() -> {
                assertThat(tap.lastLink(agent.getAgentId())).isEqualTo(LinkState.LOST);
                assertThat(connector.linksActive()).isZero();
                assertThat(queueEvents(tap).subList(queueMark, queueEvents(tap).size()))
                        .anySatisfy(e -> assertThat(((QueueStatistics) e.getPayload()).getCallsInQueue()).isNull());
            });
            assertThat(sim.status(Side.B)).as("still inside the window: no side in service").isEqualTo("OUT_OF_SERVICE");
            // AND what happens meanwhile is not published by Finesse: the call is put on hold, more calls wait
            sim.holdCall(LOGIN, first, true);
            sim.queueCalls("10", 4, OLDEST);
            assertThat(tap.lastCall(agent.getAgentId(), first).getCallState()).as("nothing got through").isEqualTo(CallState.CONNECTED);

            // WHEN side B comes IN_SERVICE (and republishes the last state)
            await("side B in service").atMost(STEP).until(() -> "IN_SERVICE".equals(sim.status(Side.B)));

            // THEN the connector moves there: the agent is re-read on B (the call HELD, the agent on HOLD) and ACTIVE again,
            // the queue is read on B and its node subscribed there
            await("the agent re-read on side B").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(since(tap, agentMark)).anySatisfy(e -> assertThat(e.getPayload()).isInstanceOfSatisfying(SubscriptionChanged.class,
                        s -> assertThat(s.getLinkState()).isEqualTo(LinkState.ACTIVE)));
                assertThat(tap.lastLink(agent.getAgentId())).isEqualTo(LinkState.ACTIVE);
                assertThat(tap.lastCall(agent.getAgentId(), first).getCallState()).isEqualTo(CallState.HELD);
                assertThat(tap.lastState(agent.getAgentId())).isEqualTo(AgentState.HOLD);
                assertThat(calls(tap)).isEqualTo(4);
            });
            assertThat(sim.activeSide()).isEqualTo(Side.B);

            // AND the rest of the day goes through side B: retrieve, the caller hangs up, wrap-up, its end
            sim.holdCall(LOGIN, first, false);
            awaitCall(tap, first, CallState.CONNECTED);
            sim.hangUp(LOGIN, first);
            awaitCall(tap, first, CallState.ENDED);
            awaitState(tap, AgentState.WRAP_UP);
            sim.endWrapUp(LOGIN);
            awaitState(tap, AgentState.READY);
            // a second call, on B from the start
            String second = sim.offerCall(LOGIN, "sales", "5559876", Map.of());
            awaitCall(tap, second, CallState.OFFERED);
            sim.answerCall(LOGIN, second);
            awaitCall(tap, second, CallState.CONNECTED);
            sim.hangUp(LOGIN, second);
            awaitCall(tap, second, CallState.ENDED);
            sim.endWrapUp(LOGIN);
            awaitState(tap, AgentState.READY);
            // AND the Queue node on B: its statistics arrive through B's Prosody
            sim.queueCalls("10", 1, OLDEST);
            await("the queue's statistics from side B").atMost(STEP).until(() -> calls(tap) != null && calls(tap) == 1);

            // AND commands complete on side B (A answers 503 now): not ready with a reason, then sign out
            assertThat(run(roster, tap, SetState.newBuilder().setState(AgentState.NOT_READY).setReasonCode("10").build()))
                    .isEqualTo(CommandStatus.COMPLETED);
            awaitState(tap, AgentState.NOT_READY);
            assertThat(run(roster, tap, LogOff.newBuilder().setReason("20").build())).isEqualTo(CommandStatus.COMPLETED);
            awaitState(tap, AgentState.LOGGED_OUT);

            // THEN no call was offered or ended twice, and no other call appeared
            for (String dialog : List.of(first, second)) {
                assertThat(tap.callEvents(agent.getAgentId(), dialog, CallState.OFFERED)).as("OFFERED of " + dialog).isEqualTo(1);
                assertThat(tap.callEvents(agent.getAgentId(), dialog, CallState.ENDED)).as("ENDED of " + dialog).isEqualTo(1);
            }
            assertThat(tap.events(agent.getAgentId())).filteredOn(e -> e.getPayload() instanceof AgentCallEvent)
                    .extracting(e -> ((AgentCallEvent) e.getPayload()).getCallId()).containsOnly(first, second);
            // AND both sides' notifications really went through their own Prosody
            assertThat(buses).hasSize(2);
            assertThat(buses).allSatisfy(bus -> assertThat(bus.published()).isPositive());
            connector.stop().await(20, TimeUnit.SECONDS);
        }
    }

    private ConnectorRuntime start(TestKafka kafka) throws Exception {
        vertx = Vertx.vertx();
        FinesseConfig config = FinesseConfig.defaults(List.of(URI.create(sim.restUrl(Side.A)), URI.create(sim.restUrl(Side.B))))
                .withNotificationUrls(List.of(prosodyA.websocketUri(), prosodyB.websocketUri()))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1))
                .withRetry(Duration.ofMillis(200), Duration.ofSeconds(1))
                .withSignInRate(50);
        RuntimeSettings settings = new RuntimeSettings(ConnectorSettings.of("fin-failover"),
                new KafkaSettings(kafka.bootstrapServers(), kafka.registryUrl(), "fin-failover", Duration.ofSeconds(6), Map.of()),
                Set.of(TENANT), "127.0.0.1", 0);
        FinesseCredentials credentials = FinesseCredentials.of(Map.of("a1", new FinesseCredentials.Secret(LOGIN, PASSWORD),
                "sup", new FinesseCredentials.Secret(SUPERVISOR, PASSWORD)));
        return ConnectorRuntime.start(vertx, new FinessePlatform(), settings,
                FinesseAdapter.overXmpp(config, credentials, 10, "sup", Map.of("10", QUEUE))).await(60, TimeUnit.SECONDS);
    }

    private CommandStatus run(Roster roster, KafkaTap tap, Object command) throws Exception {
        String id = roster.command(agent, command);
        await("the result of " + command.getClass().getSimpleName()).atMost(STEP).until(() -> tap.result(id) != null);
        assertThat(tap.resultCount(id)).as("one result per command").isEqualTo(1);
        return tap.result(id).getStatus();
    }

    private List<QueueEvent> queueEvents(KafkaTap tap) {
        return tap.queueEvents().stream().filter(e -> e.getQueueId().equals(QUEUE)).toList();
    }

    /** The calls in queue of the last figures published, or null when unknown (or none yet). */
    private Integer calls(KafkaTap tap) {
        List<QueueEvent> all = queueEvents(tap);
        return all.isEmpty() ? null : ((QueueStatistics) all.get(all.size() - 1).getPayload()).getCallsInQueue();
    }

    private void awaitState(KafkaTap tap, AgentState state) {
        await("state " + state).atMost(STEP).untilAsserted(() -> assertThat(tap.lastState(agent.getAgentId())).as(tap.lines(agent.getAgentId()).toString())
                .isEqualTo(state));
    }

    private void awaitCall(KafkaTap tap, String dialog, CallState state) {
        await("call " + dialog + " " + state).atMost(STEP).untilAsserted(() -> {
            AgentCallEvent c = tap.lastCall(agent.getAgentId(), dialog);
            assertThat(c).as(tap.lines(agent.getAgentId()).toString()).isNotNull();
            assertThat(c.getCallState()).as(tap.lines(agent.getAgentId()).toString()).isEqualTo(state);
        });
    }

    private List<AgentEvent> since(KafkaTap tap, int mark) {
        List<AgentEvent> all = tap.events(agent.getAgentId());
        return all.subList(Math.min(mark, all.size()), all.size());
    }
}
