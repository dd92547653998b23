package io.ctistream.connector.core.testkit;

import io.ctistream.connector.core.AgentFacts;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.core.Outcome;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.LinkState;
import io.ctistream.events.SetState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The smallest platform adapter that keeps the SPI's promises, over an in-memory "platform": an
 * agent taken is reported in full (its state, then its link ACTIVE), a SetState changes the
 * platform and is confirmed by the state it reports, a resync reports every agent in full again.
 * It is both the contract test's second subject and the example of what an adapter does.
 */
public final class FakePlatformAdapter implements PlatformAdapter {
    private static final String CHANNEL = "fake";
    /** What the in-memory platform holds: agent id → state. Tests change it as "the platform acting on its own". */
    public final Map<String, AgentState> platform = new ConcurrentHashMap<>();
    public final List<AgentCommand> executed = new CopyOnWriteArrayList<>();
    public final List<String> released = new CopyOnWriteArrayList<>();
    public final AtomicInteger resyncs = new AtomicInteger();
    public final AtomicInteger queueAssignments = new AtomicInteger();
    public final AtomicInteger aborts = new AtomicInteger();
    private final Map<String, AgentProfile> taken = new ConcurrentHashMap<>();
    /** Core's agent facts do the publishing: this adapter only says what its platform says. */
    private final Map<String, AgentFacts> facts = new ConcurrentHashMap<>();
    private volatile boolean ignoreCommands;
    private ConnectorContext ctx;

    private final Map<String, String> refused = new ConcurrentHashMap<>();

    /** The platform refuses the agent's link for good (a rejected subscription, a licence refused). */
    public void refuse(String agentId, String reason) {
        refused.put(agentId, reason);
        ctx.vertx().runOnContext(v -> {
            AgentFacts f = facts.get(agentId);
            if (f != null) {
                f.link(CHANNEL, LinkState.TERMINATED, reason);
            }
        });
    }

    @Override
    public Map<String, Integer> refusedLinks() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        refused.forEach((agent, reason) -> {
            if (taken.containsKey(agent)) {
                out.merge(reason, 1, Integer::sum);
            }
        });
        return out;
    }

    /** While set, commands reach the platform but it never answers them (the connector's deadline must). */
    public void ignoreCommands(boolean ignore) {
        this.ignoreCommands = ignore;
    }

    /** The platform changes an agent's state on its own (a supervisor, the ACD): reported like a NOTIFY would be. */
    public void platformSets(String agentId, AgentState state) {
        platform.put(agentId, state);
        ctx.vertx().runOnContext(v -> {
            AgentFacts f = facts.get(agentId);
            if (f != null) {
                f.state(state, null, null);
            }
        });
    }

    @Override
    public Future<Void> start(ConnectorContext context) {
        this.ctx = context;
        return Future.succeededFuture();
    }

    @Override
    public void take(AgentProfile profile) {
        taken.put(profile.getAgentId(), profile);
        AgentFacts f = new AgentFacts(ctx, profile, List.of(CHANNEL));
        facts.put(profile.getAgentId(), f);
        // snapshot, then stream: the full state first, then the link ACTIVE that says it is in (ADR 009)
        f.state(platform.getOrDefault(profile.getAgentId(), AgentState.LOGGED_OUT), null, null);
        f.link(CHANNEL, LinkState.ACTIVE, null);
    }

    @Override
    public void queuesChanged() {
        queueAssignments.incrementAndGet();
    }

    /** The platform says a call entered a queue: published only when this instance owns the queue. */
    public void queueCallEntered(String queueId, String callId) {
        ctx.vertx().runOnContext(v -> {
            if (ctx.queues().owns(queueId)) {
                ctx.sink().publish(ctx.events().queueEvent(queueId.substring(0, queueId.indexOf('/')), queueId, callId,
                        io.ctistream.events.QueueCallEntered.newBuilder().build(), null, null));
            }
        });
    }

    @Override
    public void release(String agentId) {
        if (taken.remove(agentId) != null) {
            facts.remove(agentId);
            released.add(agentId);
        }
    }

    @Override
    public Future<Outcome> execute(AgentCommand command, AgentProfile profile) {
        executed.add(command);
        if (ignoreCommands) {
            return Promise.<Outcome>promise().future();
        }
        if (command.getCommand() instanceof SetState s) {
            platform.put(profile.getAgentId(), s.getState());
            AgentFacts f = facts.get(profile.getAgentId());
            f.commandInFlight(command.getCommandId());
            f.state(s.getState(), s.getReasonCode(), null);
            f.commandInFlight(null);
            return Future.succeededFuture(Outcome.completed());
        }
        return Future.succeededFuture(Outcome.rejected("NOT_SUPPORTED", "the fake platform knows only SetState"));
    }

    @Override
    public void resync() {
        resyncs.incrementAndGet();
        facts.forEach((agentId, f) -> {
            f.link(CHANNEL, LinkState.LOST, "RESYNC");
            f.state(platform.getOrDefault(agentId, AgentState.LOGGED_OUT), null, null);
            f.link(CHANNEL, LinkState.ACTIVE, null);
        });
    }

    @Override
    public Future<Void> stop() {
        taken.keySet().forEach(released::add);
        taken.clear();
        facts.clear();
        return Future.succeededFuture();
    }

    @Override
    public void abort() {
        aborts.incrementAndGet();
        taken.clear();
        facts.clear();
    }

    @Override
    public boolean platformUp() {
        return true;
    }

    @Override
    public int linksActive() {
        return taken.size();
    }

}
