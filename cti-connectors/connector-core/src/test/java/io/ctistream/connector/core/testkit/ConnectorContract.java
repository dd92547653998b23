package io.ctistream.connector.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.ConnectorVerticle;
import io.ctistream.connector.core.Events;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.CommandResult;
import io.ctistream.events.CommandStatus;
import io.ctistream.events.ConnectorState;
import io.ctistream.events.LinkState;
import io.ctistream.events.Platform;
import io.ctistream.events.Principal;
import io.ctistream.events.Role;
import io.ctistream.events.SetState;
import io.ctistream.events.SubscriptionChanged;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The promises every platform connector keeps, whatever its platform (DESIGN.md §4, ADR 009), run
 * against core's connector with a {@link RecordingSink} and a {@link ManualCommandSource}: exactly
 * one {@code CommandResult} per command, deadlines, a repeated command id run once, a released
 * agent's commands left to its new owner, an abort that says nothing, and a Kafka loss that begins a
 * new run and re-reads the platform. A platform's test extends this class and supplies its adapter
 * over its simulator; core runs it against {@link FakePlatformAdapter}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class ConnectorContract {
    protected Vertx vertx;
    protected RecordingSink sink;
    protected ManualCommandSource source;
    protected ConnectorVerticle connector;
    protected Events events;

    /** A new adapter for one test, its platform ready to serve {@link #agent()}. */
    protected abstract PlatformAdapter newAdapter() throws Exception;

    /** The agent the tests take; its platform user exists and is logged on. */
    protected abstract AgentProfile agent();

    /** How many commands reached the platform so far. */
    protected abstract int commandsAtThePlatform();

    /** While set, the platform takes commands but never confirms them. */
    protected abstract void platformIgnoresCommands(boolean ignore);

    /** The platform puts the agent in {@code state} on its own (a supervisor, the ACD). */
    protected abstract void platformSets(AgentState state);

    /** How the platform reports the agent's state as a canonical state (e.g. BroadWorks has no READY without log-on). */
    protected AgentState canonical(AgentState state) {
        return state;
    }

    /** The platform refuses the agent's link for good (BroadWorks: the AS terminates a subscription with reason=rejected). */
    protected abstract void platformRefusesTheLink();

    protected abstract void tearDownPlatform() throws Exception;

    @BeforeEach
    void startConnector() throws Exception {
        vertx = Vertx.vertx();
        sink = new RecordingSink();
        source = new ManualCommandSource();
        events = new Events(Platform.BROADWORKS, "contract-" + UUID.randomUUID().toString().substring(0, 8), Clock.systemUTC());
        connector = new ConnectorVerticle(new ConnectorSettings(events.instanceId(), Duration.ofMillis(200), 100), newAdapter(), source, sink,
                events, new ConnectorMetrics());
        vertx.deployVerticle(connector).await(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(source::started);
    }

    @AfterEach
    void stopConnector() throws Exception {
        try {
            vertx.close().await(30, TimeUnit.SECONDS);
        } finally {
            tearDownPlatform();
        }
    }

    /** Verifies that a command on an owned agent ends in exactly one result, COMPLETED, and the platform's state follows. */
    @Test
    void everyCommandEndsInExactlyOneResult() {
        takeAgent();
        AgentCommand ready = command(AgentState.READY, Instant.now().plusSeconds(10));
        source.command(ready);
        await().atMost(Duration.ofSeconds(15)).until(() -> !sink.results(ready.getCommandId()).isEmpty());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> sink.results(ready.getCommandId()).size() == 1);
        assertThat(sink.results(ready.getCommandId()).get(0).getStatus()).isEqualTo(CommandStatus.COMPLETED);
        await().atMost(Duration.ofSeconds(10)).until(() -> lastState() == canonical(AgentState.READY));
    }

    /** Verifies that a command whose deadline has passed is TIMED_OUT without touching the platform. */
    @Test
    void aCommandPastItsDeadlineNeverReachesThePlatform() {
        takeAgent();
        int before = commandsAtThePlatform();
        AgentCommand late = command(AgentState.READY, Instant.now().minusSeconds(1));
        source.command(late);
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.results(late.getCommandId()).size() == 1);
        CommandResult r = sink.results(late.getCommandId()).get(0);
        assertThat(r.getStatus()).isEqualTo(CommandStatus.TIMED_OUT);
        assertThat(r.getCode()).isEqualTo("DEADLINE_PASSED");
        assertThat(commandsAtThePlatform()).isEqualTo(before);
    }

    /** Verifies that a command id seen twice runs once and is answered once (retries upstream must never act twice). */
    @Test
    void aRepeatedCommandIdRunsOnce() {
        takeAgent();
        int before = commandsAtThePlatform();
        AgentCommand ready = command(AgentState.READY, Instant.now().plusSeconds(10));
        source.command(ready);
        source.command(ready);
        await().atMost(Duration.ofSeconds(15)).until(() -> !sink.results(ready.getCommandId()).isEmpty());
        // fence: a later command's result means the repeat was handled by then
        AgentCommand fence = command(AgentState.NOT_READY, Instant.now().plusSeconds(10));
        source.command(fence);
        await().atMost(Duration.ofSeconds(15)).until(() -> !sink.results(fence.getCommandId()).isEmpty());
        assertThat(sink.results(ready.getCommandId())).hasSize(1);
        assertThat(commandsAtThePlatform()).isEqualTo(before + 2);
    }

    /** Verifies that a command the platform never confirms is answered TIMED_OUT at its deadline, once. */
    @Test
    void aCommandThePlatformNeverConfirmsTimesOutOnce() {
        takeAgent();
        platformIgnoresCommands(true);
        AgentCommand ready = command(AgentState.READY, Instant.now().plusSeconds(2));
        source.command(ready);
        await().atMost(Duration.ofSeconds(10)).until(() -> !sink.results(ready.getCommandId()).isEmpty());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> sink.results(ready.getCommandId()).size() == 1);
        assertThat(sink.results(ready.getCommandId()).get(0).getStatus()).isEqualTo(CommandStatus.TIMED_OUT);
    }

    /** Verifies that an agent released on a rebalance is let go, and its commands are left to its new owner. */
    @Test
    void aReleasedAgentsCommandsAreLeftToItsNewOwner() {
        takeAgent();
        source.lose(agent().getAgentId());
        int before = commandsAtThePlatform();
        AgentCommand ready = command(AgentState.READY, Instant.now().plusSeconds(10));
        source.command(ready);
        // fence: the agent taken again and a later command answered means the first was passed over by then
        takeAgent();
        AgentCommand fence = command(AgentState.NOT_READY, Instant.now().plusSeconds(10));
        source.command(fence);
        await().atMost(Duration.ofSeconds(15)).until(() -> !sink.results(fence.getCommandId()).isEmpty());
        assertThat(sink.results(ready.getCommandId())).isEmpty();
        assertThat(commandsAtThePlatform()).isEqualTo(before + 1);
    }

    /** Verifies that an abort is a crash: no last status, no goodbye events. */
    @Test
    void anAbortSaysNothing() {
        takeAgent();
        int events = sink.events.size();
        int statuses = sink.statuses.size();
        connector.abort();
        assertThat(source.aborted()).isTrue();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> sink.events.size() == events);
        assertThat(sink.statuses.subList(statuses, sink.statuses.size())).noneMatch(s -> s.getState() == ConnectorState.STOPPED);
    }

    /**
     * Verifies issue #13 (1): events Kafka did not take make a new run at once (the status says so
     * as soon as Kafka is back) and the platform's full state is read again and reported in full.
     */
    @Test
    void aKafkaLossBeginsANewRunAndRereadsThePlatform() {
        takeAgent();
        String firstRun = events.run();
        Instant firstStart = events.startedAt();

        // WHEN Kafka is unreachable and the platform changes meanwhile
        sink.down(true);
        platformSets(AgentState.NOT_READY);
        await().atMost(Duration.ofSeconds(10)).until(() -> !events.run().equals(firstRun));
        assertThat(connector.failedDependency()).isEqualTo("kafka");

        // AND Kafka comes back
        int from = sink.events(agent().getAgentId()).size();
        sink.down(false);

        // THEN the status names the new run, and the agent is reported in full under it: its true state, then link ACTIVE
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(sink.statuses).last().satisfies(s -> assertThat(s.getStartedAt()).isAfter(firstStart));
            List<AgentEvent> after = sink.events(agent().getAgentId()).subList(from, sink.events(agent().getAgentId()).size());
            assertThat(after).allSatisfy(e -> assertThat(e.getHeader().getSource().getConnectorRun()).isNotEqualTo(firstRun));
            assertThat(after).anySatisfy(e -> assertThat(e.getPayload()).isInstanceOfSatisfying(AgentStateChanged.class,
                    s -> assertThat(s.getState()).isEqualTo(canonical(AgentState.NOT_READY))));
            assertThat(after).last().satisfies(e -> assertThat(e.getPayload()).isInstanceOfSatisfying(SubscriptionChanged.class,
                    s -> assertThat(s.getLinkState()).isEqualTo(LinkState.ACTIVE)));
        });
        assertThat(connector.failedDependency()).isNull();
    }

    /**
     * Verifies issue #19 (9): a link the platform refused for good is told in the status (DEGRADED,
     * how many and why) and in health, without failing readiness.
     */
    @Test
    void aRefusedLinkIsToldWithoutFailingReadiness() {
        takeAgent();
        platformRefusesTheLink();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(connector.refusedLinks()).hasSize(1).containsValue(1);
            assertThat(sink.statuses).last().satisfies(s -> {
                assertThat(s.getState()).isEqualTo(ConnectorState.DEGRADED);
                assertThat(s.getDetail()).startsWith("1 agent link refused by the platform (").contains(connector.refusedLinks().keySet().iterator().next());
            });
        });
        assertThat(connector.failedDependency()).as("one refused agent is not a broken connector").isNull();
    }

    /** Takes {@link #agent()} and waits until it is reported in full (link ACTIVE). */
    protected void takeAgent() {
        int from = sink.events(agent().getAgentId()).size();
        source.gain(agent());
        await().atMost(Duration.ofSeconds(20)).until(() -> sink.events(agent().getAgentId()).stream().skip(from)
                .anyMatch(e -> e.getPayload() instanceof SubscriptionChanged s && s.getLinkState() == LinkState.ACTIVE));
    }

    protected AgentState lastState() {
        AgentState last = null;
        for (AgentEvent e : sink.events(agent().getAgentId())) {
            if (e.getPayload() instanceof AgentStateChanged s) {
                last = s.getState();
            }
        }
        return last;
    }

    protected AgentCommand command(AgentState state, Instant deadline) {
        AgentProfile a = agent();
        return AgentCommand.newBuilder().setCommandId(UUID.randomUUID().toString()).setTenant(a.getTenant()).setAgentId(a.getAgentId())
                .setPrincipal(Principal.newBuilder().setSubject("contract").setRole(Role.AGENT).build())
                .setIssuedAt(Instant.now()).setDeadline(deadline)
                .setCommand(SetState.newBuilder().setState(state).setReasonCode(state == AgentState.NOT_READY ? "0001" : null).build()).build();
    }
}
