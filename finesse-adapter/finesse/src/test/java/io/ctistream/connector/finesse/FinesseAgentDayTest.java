package io.ctistream.connector.finesse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.ConnectorVerticle;
import io.ctistream.connector.core.Events;
import io.ctistream.connector.core.testkit.ManualCommandSource;
import io.ctistream.connector.core.testkit.RecordingSink;
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentCommand;
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
import io.ctistream.events.Principal;
import io.ctistream.events.Role;
import io.ctistream.events.SetState;
import io.ctistream.events.SubscriptionChanged;
import io.ctistream.simulator.finesse.FinesseSimulator;
import io.ctistream.simulator.finesse.UserSpec;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Verifies the Finesse connector end to end against the Finesse simulator over real sockets (REST
 * and XMPP over WebSocket): an agent's whole day arrives in canonical terms, commands complete on
 * Finesse's notifications, and a fail-over from side A to side B re-reads the agent there with
 * nothing stale shown live in between.
 */
class FinesseAgentDayTest {
    private static final String LOGIN = "1234";
    private static final String PASSWORD = "day-secret";
    private Vertx vertx;
    private FinesseSimulator sim;
    private RecordingSink sink;
    private ManualCommandSource source;
    private String deployment;
    private final AgentProfile agent = AgentProfile.newBuilder().setTenant("acme").setAgentId("acme/a1").setDisplayName("Agent a1")
            .setTeamId("acme/team").setQueues(List.of("acme/sales")).setPlatform(Platform.FINESSE).setPlatformUserId(LOGIN)
            .setCredentialRef("a1").setAttributes(Map.of(FinesseCommands.EXTENSION, "1001")).build();

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void anAgentsDayArrivesInCanonicalTerms() throws Exception {
        start(FinesseSimulator.Settings.loopback(), false);

        // sign in, then ready: each command completes on Finesse's notification
        assertThat(run(LogOn.newBuilder().setInitialState(AgentState.NOT_READY).build())).isEqualTo(CommandStatus.COMPLETED);
        awaitState(AgentState.NOT_READY);
        assertThat(run(SetState.newBuilder().setState(AgentState.READY).build())).isEqualTo(CommandStatus.COMPLETED);
        awaitState(AgentState.READY);

        // a routed call: offered, answered, held, retrieved, ended, then wrap-up
        String dialog = sim.offerCall(LOGIN, "sales", "5551234", Map.of("callVariable1", "ACC-42", "callVariable2", ""));
        awaitCall(dialog, CallState.OFFERED);
        assertThat(lastCall(dialog).getQueueId()).isEqualTo("acme/sales");
        assertThat(lastCall(dialog).getRemoteParty()).isEqualTo("5551234");
        // the screen pop's call data: the DNIS the simulator routes on (the queue) and the call variables that hold something
        assertThat(lastCall(dialog).getDialledNumber()).isEqualTo("sales");
        assertThat(lastCall(dialog).getCallData()).isEqualTo(Map.of("callVariable1", "ACC-42"));
        sim.answerCall(LOGIN, dialog);
        awaitCall(dialog, CallState.CONNECTED);
        awaitState(AgentState.TALKING);
        sim.holdCall(LOGIN, dialog, true);
        awaitCall(dialog, CallState.HELD);
        awaitState(AgentState.HOLD);
        sim.holdCall(LOGIN, dialog, false);
        awaitCall(dialog, CallState.CONNECTED);
        sim.hangUp(LOGIN, dialog);
        awaitCall(dialog, CallState.ENDED);
        awaitState(AgentState.WRAP_UP);
        sim.endWrapUp(LOGIN);

        // not ready with a reason the reports know (code 10, Finesse id 16), then sign out with one
        assertThat(run(SetState.newBuilder().setState(AgentState.NOT_READY).setReasonCode("10").build())).isEqualTo(CommandStatus.COMPLETED);
        await().atMost(Duration.ofSeconds(10)).until(() -> last(AgentStateChanged.class) != null
                && last(AgentStateChanged.class).getState() == AgentState.NOT_READY && "10".equals(last(AgentStateChanged.class).getReasonCode()));
        assertThat(last(AgentStateChanged.class).getReasonLabel()).isEqualTo("Team Meeting");
        assertThat(sim.reasonCodeId(LOGIN)).isEqualTo(16);
        assertThat(run(LogOff.newBuilder().setReason("20").build())).isEqualTo(CommandStatus.COMPLETED);
        awaitState(AgentState.LOGGED_OUT);

        // what Finesse refuses is REJECTED with its reason: READY while signed out (TV3)
        AgentCommand ready = command(SetState.newBuilder().setState(AgentState.READY).build());
        source.command(ready);
        await().atMost(Duration.ofSeconds(10)).until(() -> !sink.results(ready.getCommandId()).isEmpty());
        assertThat(sink.results(ready.getCommandId()).get(0).getStatus()).isEqualTo(CommandStatus.REJECTED);
        assertThat(sink.results(ready.getCommandId()).get(0).getCode()).isEqualTo("CF_INVALID_OBJECT_STATE");
    }

    /** Verifies protocols/finesse.md §7: side A stops serving, side B takes over; the agent is re-read there, never stale and live. */
    @Test
    void aFailoverRereadsTheAgentOnTheOtherSide() throws Exception {
        start(FinesseSimulator.Settings.loopback().withTimings(Duration.ofMillis(20), Duration.ZERO, Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofSeconds(10)), true);
        run(LogOn.newBuilder().setInitialState(AgentState.READY).build());
        awaitState(AgentState.READY);
        int mark = sink.events(agent.getAgentId()).size();

        // WHEN side A fails over to side B, and meanwhile the agent is set NOT_READY by a supervisor
        sim.failover();
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.activeSide() == FinesseSimulator.Side.B);
        sim.setAgentState(LOGIN, "NOT_READY", 16);

        // THEN the agent's link went LOST (UNKNOWN downstream) and came back ACTIVE on B, with B's truth before it
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<AgentEvent> after = sink.events(agent.getAgentId()).subList(mark, sink.events(agent.getAgentId()).size());
            assertThat(after).anySatisfy(e -> assertThat(e.getPayload()).isInstanceOfSatisfying(SubscriptionChanged.class,
                    s -> assertThat(s.getLinkState()).isEqualTo(LinkState.LOST)));
            assertThat(after).last().satisfies(e -> assertThat(e.getPayload()).isInstanceOfSatisfying(SubscriptionChanged.class,
                    s -> assertThat(s.getLinkState()).isEqualTo(LinkState.ACTIVE)));
            assertThat(last(AgentStateChanged.class).getState()).isEqualTo(AgentState.NOT_READY);
        });
        assertThat(sim.xmppSessions(FinesseSimulator.Side.B, LOGIN)).isEqualTo(1);
    }

    /** Verifies that a malformed or hostile notification is counted and the session lives on. */
    @Test
    void aHostileNotificationIsCountedAndTheSessionLives() throws Exception {
        ConnectorMetrics metrics = start(FinesseSimulator.Settings.loopback(), false);
        sim.sendRawFrame(LOGIN, "<message><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='/finesse/api/User/1234'>"
                + "<item><notification>&lt;!DOCTYPE x [&lt;!ENTITY e SYSTEM 'file:///etc/passwd'&gt;]&gt;&lt;Update&gt;&amp;e;&lt;/Update&gt;"
                + "</notification></item></items></event></message>");
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.malformedTotal(FinesseAgent.CHANNEL) >= 1);
        sim.setAgentState(LOGIN, "READY", -1);
        awaitState(AgentState.READY);
    }

    /** Verifies that releasing an agent answers its running and queued commands once each, and sends nothing more to Finesse. */
    @Test
    void aReleasedAgentsCommandsAreAnsweredOnceAndNothingMoreIsSent() throws Exception {
        start(FinesseSimulator.Settings.loopback(), false);
        sim.ignoreCommands(LOGIN, true); // Finesse accepts and never confirms: the first command waits, the second queues
        AgentCommand first = command(LogOn.newBuilder().setInitialState(AgentState.NOT_READY).build());
        AgentCommand second = command(SetState.newBuilder().setState(AgentState.READY).build());
        source.command(first);
        source.command(second);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.commandsReceived(LOGIN) == 1);

        source.lose(agent.getAgentId());

        await().atMost(Duration.ofSeconds(10)).until(() -> !sink.results(first.getCommandId()).isEmpty() && !sink.results(second.getCommandId()).isEmpty());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                sink.results(first.getCommandId()).size() == 1 && sink.results(second.getCommandId()).size() == 1);
        assertThat(sink.results(first.getCommandId()).get(0).getCode()).isEqualTo("OWNERSHIP_MOVED");
        assertThat(sink.results(second.getCommandId()).get(0).getCode()).isEqualTo("OWNERSHIP_MOVED");
        assertThat(sim.commandsReceived(LOGIN)).as("nothing sent for the agent after its release").isEqualTo(1);
    }

    /** Verifies that a connector that stops says nobody vouches for its agents, instead of leaving their last state live. */
    @Test
    void aStoppedConnectorLeavesNoAgentLive() throws Exception {
        start(FinesseSimulator.Settings.loopback(), false);
        vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
        assertThat(sink.events(agent.getAgentId())).last().satisfies(e -> assertThat(e.getPayload())
                .isInstanceOfSatisfying(SubscriptionChanged.class, s -> assertThat(s.getLinkState()).isEqualTo(LinkState.LOST)));
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.xmppSessions(FinesseSimulator.Side.A, LOGIN) == 0);
    }

    private ConnectorMetrics start(FinesseSimulator.Settings settings, boolean bothSides) throws Exception {
        sim = FinesseSimulator.start(settings);
        sim.addUser(UserSpec.agent(LOGIN, PASSWORD, "1001", "5005", "Sales"));
        List<URI> nodes = bothSides ? List.of(URI.create(sim.restUrl(FinesseSimulator.Side.A)), URI.create(sim.restUrl(FinesseSimulator.Side.B)))
                : List.of(URI.create(sim.restUrl()));
        FinesseConfig config = FinesseConfig.defaults(nodes).withTimeouts(Duration.ofSeconds(3), Duration.ofMillis(500))
                .withRetry(Duration.ofMillis(100), Duration.ofSeconds(1)).withSignInRate(100);
        vertx = Vertx.vertx();
        sink = new RecordingSink();
        source = new ManualCommandSource();
        Events events = new Events(Platform.FINESSE, "fin-" + UUID.randomUUID().toString().substring(0, 8), Clock.systemUTC());
        ConnectorMetrics metrics = new ConnectorMetrics();
        ConnectorVerticle connector = new ConnectorVerticle(new ConnectorSettings(events.instanceId(), Duration.ofMillis(200), 100),
                FinesseAdapter.overXmpp(config, FinesseCredentials.of(Map.of("a1", new FinesseCredentials.Secret(LOGIN, PASSWORD))), 10),
                source, sink, events, metrics);
        deployment = vertx.deployVerticle(connector).await(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(source::started);
        source.gain(agent);
        await().atMost(Duration.ofSeconds(20)).until(() -> sink.events(agent.getAgentId()).stream()
                .anyMatch(e -> e.getPayload() instanceof SubscriptionChanged s && s.getLinkState() == LinkState.ACTIVE));
        assertThat(last(AgentStateChanged.class).getState()).as("the snapshot before ACTIVE").isEqualTo(AgentState.LOGGED_OUT);
        return metrics;
    }

    private CommandStatus run(Object command) {
        AgentCommand c = command(command);
        source.command(c);
        await().atMost(Duration.ofSeconds(15)).until(() -> !sink.results(c.getCommandId()).isEmpty());
        return sink.results(c.getCommandId()).get(0).getStatus();
    }

    private AgentCommand command(Object command) {
        return AgentCommand.newBuilder().setCommandId(UUID.randomUUID().toString()).setTenant(agent.getTenant()).setAgentId(agent.getAgentId())
                .setPrincipal(Principal.newBuilder().setSubject("a1").setRole(Role.AGENT).build()).setIssuedAt(Instant.now())
                .setDeadline(Instant.now().plusSeconds(15)).setCommand(command).build();
    }

    private void awaitState(AgentState state) {
        await().atMost(Duration.ofSeconds(10)).until(() -> last(AgentStateChanged.class) != null && last(AgentStateChanged.class).getState() == state);
    }

    private void awaitCall(String dialog, CallState state) {
        await().atMost(Duration.ofSeconds(10)).until(() -> lastCall(dialog) != null && lastCall(dialog).getCallState() == state);
    }

    private AgentCallEvent lastCall(String dialog) {
        AgentCallEvent last = null;
        for (AgentEvent e : sink.events(agent.getAgentId())) {
            if (e.getPayload() instanceof AgentCallEvent c && c.getCallId().equals(dialog)) {
                last = c;
            }
        }
        return last;
    }

    private <T> T last(Class<T> type) {
        T last = null;
        for (AgentEvent e : sink.events(agent.getAgentId())) {
            if (type.isInstance(e.getPayload())) {
                last = type.cast(e.getPayload());
            }
        }
        return last;
    }
}
