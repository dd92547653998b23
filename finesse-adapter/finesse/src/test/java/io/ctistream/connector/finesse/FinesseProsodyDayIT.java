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
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.CallState;
import io.ctistream.events.CommandStatus;
import io.ctistream.events.LinkState;
import io.ctistream.events.LogOff;
import io.ctistream.events.LogOn;
import io.ctistream.events.Platform;
import io.ctistream.events.SetState;
import io.ctistream.events.SubscriptionChanged;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.simulator.finesse.FinesseSimulator;
import io.ctistream.simulator.finesse.NotificationBus;
import io.ctistream.simulator.finesse.SmackPubSubBus;
import io.ctistream.simulator.finesse.UserSpec;
import io.ctistream.simulator.finesse.testing.ProsodyServer;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
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
 * An agent's whole day with every part real (issue #15): the Finesse simulator publishes its
 * notifications through Smack into a real Prosody, the connector's own XMPP-over-WebSocket client
 * reads them there under the agent's JID, commands come from cti.agent-commands and the canonical
 * events are read back from a real broker. Mid-day Prosody is stopped and started again (a real
 * process restart, SIGTERM): while it is gone the agent is not shown live (link LOST, so UNKNOWN
 * downstream), what happened meanwhile is learnt from the snapshot when the session is back, and
 * the rest of the day goes through with no call lost or doubled. Skipped where Prosody is absent;
 * {@code .ci/run} fails if it skipped there.
 */
@ExtendWith(CtiKafkaExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FinesseProsodyDayIT {
    private static final String TENANT = "fin-prosody";
    private static final String LOGIN = "1234";
    private static final String PASSWORD = "prosody-day-7Kq";
    private static final Duration STEP = Duration.ofSeconds(15);

    private ProsodyServer prosody;
    private FinesseSimulator sim;
    private Vertx vertx;
    private final List<SmackPubSubBus> buses = new CopyOnWriteArrayList<>();
    private final AgentProfile agent = AgentProfile.newBuilder().setTenant(TENANT).setAgentId(TENANT + "/a1").setDisplayName("Agent a1")
            .setTeamId(TENANT + "/team").setQueues(List.of(TENANT + "/sales")).setPlatform(Platform.FINESSE).setPlatformUserId(LOGIN)
            .setCredentialRef("a1").setAttributes(Map.of(FinesseCommands.EXTENSION, "1001")).build();

    @BeforeEach
    void startPlatform() {
        // Finesse's XMPP domain is Prosody's; the agent's account there has the agent's Finesse password
        prosody = ProsodyServer.create("fin-a.example.com").register(LOGIN, PASSWORD).start();
        SmackPubSubBus.Target target = prosody.publisherTarget();
        NotificationBus.Factory intoProsody = (side, directory, presence) -> {
            SmackPubSubBus bus = (SmackPubSubBus) SmackPubSubBus.factory(target, target).create(side, directory, presence);
            buses.add(bus);
            return bus;
        };
        sim = FinesseSimulator.start(FinesseSimulator.Settings.loopback().withBus(intoProsody));
        sim.addUser(UserSpec.agent(LOGIN, PASSWORD, "1001", "5005", "Sales"));
    }

    @AfterEach
    void stopAll() throws Exception {
        if (vertx != null) {
            vertx.close().await(20, TimeUnit.SECONDS);
        }
        if (sim != null) {
            sim.close();
        }
        if (prosody != null) {
            prosody.close();
        }
    }

    /** Verifies that the whole agent day arrives in canonical terms over Prosody, through a restart of Prosody mid-call. */
    @Test
    void theWholeDayGoesThroughProsodyAndSurvivesItsRestart(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        try (Roster roster = new Roster(kafka.bootstrapServers(), kafka.registryUrl());
             KafkaTap tap = new KafkaTap(kafka.bootstrapServers(), kafka.registryUrl(), TENANT)) {
            // GIVEN the agent on the roster, signed out, and the connector reading Finesse's notifications from Prosody
            roster.put(agent);
            ConnectorRuntime connector = start(kafka);
            await("the agent's session on prosody and its snapshot").atMost(Duration.ofSeconds(60))
                    .until(() -> tap.lastLink(agent.getAgentId()) == LinkState.ACTIVE);
            assertThat(tap.lastState(agent.getAgentId())).as("the snapshot before ACTIVE").isEqualTo(AgentState.LOGGED_OUT);

            // WHEN the agent signs in and goes READY: each command completes on the notification that came through Prosody
            assertThat(run(roster, tap, LogOn.newBuilder().setInitialState(AgentState.NOT_READY).build())).isEqualTo(CommandStatus.COMPLETED);
            awaitState(tap, AgentState.NOT_READY);
            assertThat(run(roster, tap, SetState.newBuilder().setState(AgentState.READY).build())).isEqualTo(CommandStatus.COMPLETED);
            awaitState(tap, AgentState.READY);

            // AND a routed call is offered and answered
            String first = sim.offerCall(LOGIN, "sales", "5551234", Map.of());
            awaitCall(tap, first, CallState.OFFERED);
            assertThat(tap.lastCall(agent.getAgentId(), first).getQueueId()).isEqualTo(TENANT + "/sales");
            assertThat(tap.lastCall(agent.getAgentId(), first).getRemoteParty()).isEqualTo("5551234");
            sim.answerCall(LOGIN, first);
            awaitCall(tap, first, CallState.CONNECTED);
            awaitState(tap, AgentState.TALKING);

            // WHEN Prosody stops mid-call (SIGTERM, as an operator's restart does)
            int beforeStop = tap.events(agent.getAgentId()).size();
            prosody.stop();

            // THEN nobody vouches for the agent any more: the link is LOST (UNKNOWN downstream), not a stale TALKING shown live
            await("the link LOST once prosody is gone").atMost(STEP).untilAsserted(() -> {
                assertThat(tap.lastLink(agent.getAgentId())).isEqualTo(LinkState.LOST);
                assertThat(connector.linksActive()).isZero();
            });
            // AND while it is gone the call is put on hold (Finesse's publish is lost: no one hears it), and nothing claims to be live
            sim.holdCall(LOGIN, first, true);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
                assertThat(tap.lastLink(agent.getAgentId())).isEqualTo(LinkState.LOST);
                assertThat(connector.linksActive()).isZero();
            });
            assertThat(tap.lastCall(agent.getAgentId(), first).getCallState()).as("no notification got through").isEqualTo(CallState.CONNECTED);

            // WHEN Prosody starts again (a new process, same data and ports)
            prosody.start();

            // THEN the connector signs the agent's session in again, re-reads the agent (snapshot, then stream) and is ACTIVE,
            // with what happened meanwhile: the call HELD, the agent on HOLD
            await("the session back on the restarted prosody, the agent re-read").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                List<AgentEvent> since = since(tap, beforeStop);
                assertThat(since).anySatisfy(e -> assertThat(e.getPayload()).isInstanceOfSatisfying(SubscriptionChanged.class,
                        s -> assertThat(s.getLinkState()).isEqualTo(LinkState.ACTIVE)));
                assertThat(tap.lastLink(agent.getAgentId())).isEqualTo(LinkState.ACTIVE);
                assertThat(tap.lastCall(agent.getAgentId(), first).getCallState()).isEqualTo(CallState.HELD);
                assertThat(tap.lastState(agent.getAgentId())).isEqualTo(AgentState.HOLD);
            });

            // AND the rest of the day goes through Prosody again: retrieve, the caller hangs up, wrap-up, its end
            sim.holdCall(LOGIN, first, false);
            awaitCall(tap, first, CallState.CONNECTED);
            awaitState(tap, AgentState.TALKING);
            sim.hangUp(LOGIN, first);
            awaitCall(tap, first, CallState.ENDED);
            awaitState(tap, AgentState.WRAP_UP);
            sim.endWrapUp(LOGIN);
            awaitState(tap, AgentState.READY);

            // a second call after the restart: offered, answered, held, retrieved, ended, wrap-up
            String second = sim.offerCall(LOGIN, "sales", "5559876", Map.of());
            awaitCall(tap, second, CallState.OFFERED);
            sim.answerCall(LOGIN, second);
            awaitCall(tap, second, CallState.CONNECTED);
            sim.holdCall(LOGIN, second, true);
            awaitCall(tap, second, CallState.HELD);
            awaitState(tap, AgentState.HOLD);
            sim.holdCall(LOGIN, second, false);
            awaitCall(tap, second, CallState.CONNECTED);
            sim.hangUp(LOGIN, second);
            awaitCall(tap, second, CallState.ENDED);
            awaitState(tap, AgentState.WRAP_UP);
            sim.endWrapUp(LOGIN);
            awaitState(tap, AgentState.READY);

            // not ready with a reason the reports know (code 10, "Team Meeting"), then sign out with one
            assertThat(run(roster, tap, SetState.newBuilder().setState(AgentState.NOT_READY).setReasonCode("10").build()))
                    .isEqualTo(CommandStatus.COMPLETED);
            await().atMost(STEP).untilAsserted(() -> {
                AgentStateChanged s = tap.last(agent.getAgentId(), AgentStateChanged.class);
                assertThat(s.getState()).isEqualTo(AgentState.NOT_READY);
                assertThat(s.getReasonCode()).isEqualTo("10");
                assertThat(s.getReasonLabel()).isEqualTo("Team Meeting");
            });
            assertThat(run(roster, tap, LogOff.newBuilder().setReason("20").build())).isEqualTo(CommandStatus.COMPLETED);
            awaitState(tap, AgentState.LOGGED_OUT);
            assertThat(tap.lastLink(agent.getAgentId())).isEqualTo(LinkState.ACTIVE);

            // THEN no call was lost or doubled: each was offered once and ended once, and no other call appeared
            for (String dialog : List.of(first, second)) {
                assertThat(tap.callEvents(agent.getAgentId(), dialog, CallState.OFFERED)).as("OFFERED of " + dialog).isEqualTo(1);
                assertThat(tap.callEvents(agent.getAgentId(), dialog, CallState.ENDED)).as("ENDED of " + dialog).isEqualTo(1);
            }
            assertThat(tap.events(agent.getAgentId())).filteredOn(e -> e.getPayload() instanceof AgentCallEvent)
                    .extracting(e -> ((AgentCallEvent) e.getPayload()).getCallId()).containsOnly(first, second);
            assertThat(sim.dialogs(LOGIN)).isEmpty();
            // AND Finesse's notifications really went through Prosody (side A serves; B stands by), and the outage's were lost there
            assertThat(buses.stream().mapToLong(SmackPubSubBus::published).sum()).isPositive();
            assertThat(buses.stream().mapToLong(SmackPubSubBus::failures).sum()).as("the hold published while prosody was gone").isPositive();
            connector.stop().await(20, TimeUnit.SECONDS);
        }
    }

    private ConnectorRuntime start(TestKafka kafka) throws Exception {
        vertx = Vertx.vertx();
        FinesseConfig config = FinesseConfig.defaults(List.of(URI.create(sim.restUrl())))
                .withNotificationUrls(List.of(prosody.websocketUri()))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(2))
                .withRetry(Duration.ofMillis(200), Duration.ofSeconds(1))
                .withSignInRate(50);
        RuntimeSettings settings = new RuntimeSettings(ConnectorSettings.of("fin-prosody-day"),
                new KafkaSettings(kafka.bootstrapServers(), kafka.registryUrl(), "fin-prosody-day", Duration.ofSeconds(6), Map.of()),
                Set.of(TENANT), "127.0.0.1", 0);
        return ConnectorRuntime.start(vertx, new FinessePlatform(), settings,
                FinesseAdapter.overXmpp(config, FinesseCredentials.of(Map.of("a1", new FinesseCredentials.Secret(LOGIN, PASSWORD))), 10))
                .await(60, TimeUnit.SECONDS);
    }

    private CommandStatus run(Roster roster, KafkaTap tap, Object command) throws Exception {
        String id = roster.command(agent, command);
        await("the result of " + command.getClass().getSimpleName()).atMost(STEP).until(() -> tap.result(id) != null);
        assertThat(tap.resultCount(id)).as("one result per command").isEqualTo(1);
        return tap.result(id).getStatus();
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
