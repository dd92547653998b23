package io.ctistream.connector.aes;

import io.ctistream.connector.aes.codec.DmccMessage;
import io.ctistream.connector.aes.codec.DmccRequests;
import io.ctistream.connector.aes.dmcc.DmccRequestException;
import io.ctistream.connector.core.CommandQueue;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.core.Failure;
import io.ctistream.connector.core.Outcome;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.CommandStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One agent's commands, one at a time. SetAgentStateResponse means "accepted": a command completes
 * when the agent's state shows it (an agent event, or a GetAgentState read — at once where AES
 * reports no agent events, else after the command timeout), or when AES says the change is pending
 * until the call ends. A CSTAErrorCode rejects it with a reason a person can act on. Runs on the
 * connector's context.
 */
final class AesCommandRunner {
    private final AesAgent agent;
    private final ConnectorContext ctx;
    private final AesAgent.Site site;
    private final CommandQueue queue;
    private Pending pending;

    /** The command waiting for the state that confirms it. */
    private static final class Pending {
        final AesCommands.Request request;
        final Promise<Outcome> outcome;
        long timer = -1;

        Pending(AesCommands.Request request, Promise<Outcome> outcome) {
            this.request = request;
            this.outcome = outcome;
        }
    }

    AesCommandRunner(AesAgent agent, ConnectorContext ctx, AesAgent.Site site) {
        this.agent = agent;
        this.ctx = ctx;
        this.site = site;
        this.queue = new CommandQueue(ctx.events().clock(), this::start, () -> {
            agent.facts.commandInFlight(null);
            pending = null;
        });
    }

    Future<Outcome> execute(AgentCommand command) {
        return queue.execute(command);
    }

    private void start(AgentCommand command, Promise<Outcome> outcome) {
        if (agent.phase() == AesAgent.Phase.REFUSED) {
            outcome.tryComplete(Outcome.failed("AGENT_REFUSED", "AES refused this agent's station: " + agent.refusal()));
            return;
        }
        if (agent.device() == null || agent.phase() != AesAgent.Phase.LIVE) {
            outcome.tryComplete(Outcome.failed("AES_NOT_MONITORED", "the agent's station is not monitored now (AES or its link is away): "
                    + "nothing was sent"));
            return;
        }
        AesCommands.Request request;
        try {
            request = AesCommands.of(command, agent.secret, site.config().readyMode());
        } catch (AesCommands.Refused r) {
            outcome.tryComplete(r.outcome);
            return;
        }
        agent.facts.commandInFlight(command.getCommandId());
        send(request, outcome);
    }

    private void send(AesCommands.Request request, Promise<Outcome> outcome) {
        Pending p = new Pending(request, outcome);
        pending = p;
        site.request(DmccRequests.setAgentState(agent.device(), request.request())).onComplete(ar -> {
            if (pending != p || outcome.future().isComplete()) {
                return;
            }
            if (ar.failed()) {
                outcome.tryComplete(refusedBy(ar.cause()));
                return;
            }
            if (ar.result() instanceof DmccMessage.AgentStateSet set && set.pending()) {
                confirmed(p); // CM applies it when the call ends (enablePending): accepted for good
                return;
            }
            AesStates.Told now = agent.told();
            if (now != null && request.confirmedBy().test(now)) {
                // asked for what already is: CM sends no event for READY -> READY
                confirmed(p);
                return;
            }
            if (!site.config().agentEvents()) {
                reconcile(p); // no event will come: read now
                return;
            }
            p.timer = ctx.vertx().setTimer(site.config().commandTimeout().toMillis(), id -> reconcile(p));
        });
    }

    /** The agent's state as told (an event or a read): the command waiting completes when it shows what was asked. */
    void told(AesStates.Told t) {
        Pending p = pending;
        if (p != null && !p.outcome.future().isComplete() && p.request.confirmedBy().test(t)) {
            confirmed(p);
        }
    }

    private void confirmed(Pending p) {
        cancel(p);
        if (p.request.then() != null) {
            send(p.request.then(), p.outcome);
            return;
        }
        p.outcome.tryComplete(Outcome.completed());
    }

    /** No confirming event in time (or none to come): read the state and judge by it. */
    private void reconcile(Pending p) {
        p.timer = -1;
        if (pending != p || p.outcome.future().isComplete()) {
            return;
        }
        agent.read().onComplete(ar -> {
            if (pending != p || p.outcome.future().isComplete()) {
                return; // read() told the state: confirmed meanwhile
            }
            p.outcome.tryComplete(new Outcome(CommandStatus.TIMED_OUT, "NOT_CONFIRMED", ar.succeeded()
                    ? "AES accepted the request but the agent's state did not show it within " + site.config().commandTimeout().toSeconds() + " s"
                    : "AES accepted the request; the agent's state could not be read to confirm it: " + ar.cause().getMessage()));
        });
    }

    /** How a failed SetAgentState ends the command: CM's refusals are REJECTED, AES away or busy FAILED. */
    static Outcome refusedBy(Throwable e) {
        if (e instanceof DmccRequestException d && d.cstaError() != null) {
            DmccMessage.CstaError err = d.cstaError();
            String code = switch (err.value()) {
                case "invalidAgentPassword", "invalidAgentIdentifier" -> "BAD_CREDENTIALS";
                case "invalidAgentState", "invalidDeviceState", "invalidObjectState", "invalidAgentGroup" -> "INVALID_STATE";
                case "invalidDeviceID" -> "UNKNOWN_STATION";
                default -> err.category().equals("security") || err.value().startsWith("privilegeViolation") ? "NOT_PERMITTED" : "AES_ERROR";
            };
            String message = d.getMessage() + " (" + err.code() + ")";
            return d.retriable() ? Outcome.failed("AES_BUSY", message) : Outcome.rejected(code, message);
        }
        if (e instanceof Failure f) {
            return Outcome.failed("AES_UNREACHABLE", f.getMessage());
        }
        return Outcome.failed("AES_ERROR", String.valueOf(e.getMessage()));
    }

    private void cancel(Pending p) {
        if (p.timer >= 0) {
            ctx.vertx().cancelTimer(p.timer);
            p.timer = -1;
        }
    }

    /** The agent is released or the connector stops: what runs and waits is answered once, FAILED OWNERSHIP_MOVED. */
    void released(String why) {
        Pending p = pending;
        if (p != null) {
            cancel(p);
        }
        queue.release(why);
    }
}
