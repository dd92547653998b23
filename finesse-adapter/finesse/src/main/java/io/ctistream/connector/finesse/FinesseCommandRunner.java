package io.ctistream.connector.finesse;

import io.ctistream.connector.core.CommandQueue;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.core.Failure;
import io.ctistream.connector.core.Outcome;
import io.ctistream.connector.finesse.codec.ApiError;
import io.ctistream.connector.finesse.codec.ApiErrors;
import io.ctistream.connector.finesse.codec.FinesseRestCodec;
import io.ctistream.connector.finesse.codec.FinesseUser;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.CommandStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's commands, one at a time (Finesse queues requests per User anyway). A 202 is
 * "accepted", not "done": a command completes on the User notification that shows it done (its
 * requestId when Finesse echoes it — "best effort" — else the state it asked for), is rejected by
 * an asynchronous apiErrors, and after the command timeout a GET reconciles. A 401 is never
 * retried (five bad sign-ins lock the user out). Runs on the connector's context.
 */
final class FinesseCommandRunner {
    private static final Logger LOG = LoggerFactory.getLogger(FinesseCommandRunner.class);

    private final FinesseAgent agent;
    private final ConnectorContext ctx;
    private final FinesseAgent.Site site;
    private final ReasonCodes reasons;
    private final FinesseConfig config;
    private final CommandQueue queue;
    private Pending pending;

    /** The command waiting for its notification. */
    private final class Pending {
        final AgentCommand command;
        final FinesseCommands.Request request;
        final String requestId;
        final Promise<Outcome> outcome;
        long timer = -1;

        Pending(AgentCommand command, FinesseCommands.Request request, String requestId, Promise<Outcome> outcome) {
            this.command = command;
            this.request = request;
            this.requestId = requestId;
            this.outcome = outcome;
        }
    }

    FinesseCommandRunner(FinesseAgent agent, ConnectorContext ctx, FinesseAgent.Site site, ReasonCodes reasons, FinesseConfig config) {
        this.agent = agent;
        this.ctx = ctx;
        this.site = site;
        this.reasons = reasons;
        this.config = config;
        this.queue = new CommandQueue(ctx.events().clock(), this::start, () -> {
            agent.facts.commandInFlight(null); // before the next command names itself
            pending = null;
        });
    }

    Future<Outcome> execute(AgentCommand command) {
        return queue.execute(command);
    }

    private void start(AgentCommand command, Promise<Outcome> outcome) {
        if (agent.phase() == FinesseAgent.Phase.REFUSED) {
            outcome.tryComplete(Outcome.failed("AGENT_REFUSED", "finesse refused this agent: " + agent.refusal()));
            return;
        }
        String category = FinesseCommands.reasonCategory(command);
        loadReasons(category).onComplete(x -> {
            if (queue.released() || outcome.future().isComplete()) {
                outcome.tryComplete(Outcome.failed("OWNERSHIP_MOVED", queue.releasedWhy()));
                return;
            }
            FinesseCommands.Request request;
            try {
                request = FinesseCommands.of(command, agent.profile, reasons);
            } catch (FinesseCommands.Refused r) {
                outcome.tryComplete(r.outcome);
                return;
            }
            send(command, request, outcome);
        });
    }

    /** Reason codes are read once per category, with this agent's credentials, when a command first needs them. */
    private Future<Void> loadReasons(String category) {
        if (reasons.known(category)) {
            return Future.succeededFuture();
        }
        return site.rest().get(site.node(), "/finesse/api/User/" + agent.loginId() + "/ReasonCodes?category=" + category, agent.secret)
                .map(r -> {
                    if (r.status() == 200) {
                        reasons.learn(category, FinesseRestCodec.reasonCodes(r.body()));
                    }
                    return (Void) null;
                })
                .recover(e -> {
                    LOG.info("finesse reason codes not read [category={}]: {}", category, e.toString());
                    return Future.succeededFuture();
                });
    }

    private void send(AgentCommand command, FinesseCommands.Request request, Promise<Outcome> outcome) {
        Pending p = new Pending(command, request, command.getCommandId(), outcome);
        pending = p;
        FinesseUser before = agent.user();
        agent.facts.commandInFlight(command.getCommandId());
        site.rest().put(site.node(), "/finesse/api/User/" + agent.loginId(), request.body(), agent.secret, p.requestId)
                .onSuccess(r -> {
                    if (pending != p) {
                        return;
                    }
                    if (!r.accepted()) {
                        outcome.tryComplete(refusedBy(r));
                        return;
                    }
                    if (before != null && request.confirmedBy().test(before) && request.then() == null) {
                        // asked for what already is: Finesse sends no event for READY -> READY
                        outcome.tryComplete(Outcome.completed());
                        return;
                    }
                    p.timer = ctx.vertx().setTimer(config.commandTimeout().toMillis(), id -> reconcile(p));
                })
                .onFailure(e -> outcome.tryComplete(Outcome.failed("FINESSE_UNREACHABLE", FinesseErrors.network(e).getMessage())));
    }

    /** What a status other than 200/202 means for the command. */
    private Outcome refusedBy(FinesseRest.Response r) {
        ApiError err = FinesseRestCodec.error(r.status(), r.contentType(), r.body());
        String detail = err == null ? null : err.type() + (err.message() == null ? "" : ": " + err.message());
        Failure f = FinesseErrors.of(r.status(), detail);
        if (r.status() == 401) {
            ctx.metrics().alarm("finesse_unauthorized");
        }
        return r.status() == 400 ? Outcome.rejected(f.code(), f.getMessage()) : Outcome.failed(f.code(), f.getMessage());
    }

    /** A User notification: the command waiting completes when it shows what was asked. */
    void userNotified(String requestId, FinesseUser user) {
        Pending p = pending;
        if (p == null || p.outcome.future().isComplete()) {
            return;
        }
        boolean ours = requestId != null && requestId.equals(p.requestId);
        if (!p.request.confirmedBy().test(user)) {
            return; // a step on the way (LOGIN before NOT_READY), or not ours
        }
        if (!ours && requestId != null && !requestId.isBlank()) {
            return; // another request's notification
        }
        confirmed(p);
    }

    private void confirmed(Pending p) {
        cancel(p);
        if (p.request.then() != null) {
            FinesseCommands.Request then = p.request.then();
            send(p.command, then, p.outcome);
            return;
        }
        p.outcome.tryComplete(Outcome.completed());
    }

    /** An asynchronous apiErrors: the command waiting is rejected when it is ours (requestId) or none is named. */
    void apiErrors(String requestId, String source, ApiErrors errors) {
        Pending p = pending;
        if (p == null || p.outcome.future().isComplete() || (requestId != null && !requestId.isBlank() && !requestId.equals(p.requestId))) {
            return;
        }
        if (source != null && !source.contains("/User/")) {
            return; // a dialog's error: not a User command's
        }
        cancel(p);
        ApiError e = errors.first();
        String code = e == null ? "FINESSE_ERROR" : (e.message() != null ? e.message() : "FINESSE_ERROR");
        String message = e == null ? "finesse refused the request" : e.type() + (e.data() == null ? "" : " (" + e.data() + ")");
        p.outcome.tryComplete(Outcome.rejected(code, message));
    }

    /** No notification within the command timeout: GET the user and judge by what it says. */
    private void reconcile(Pending p) {
        p.timer = -1;
        if (pending != p || p.outcome.future().isComplete()) {
            return;
        }
        site.rest().get(site.node(), "/finesse/api/User/" + agent.loginId(), agent.secret).onComplete(ar -> {
            if (pending != p || p.outcome.future().isComplete()) {
                return; // confirmed meanwhile (and maybe the next step sent): this answer is about the past
            }
            try {
                if (ar.succeeded() && ar.result().status() == 200 && p.request.confirmedBy().test(FinesseRestCodec.user(ar.result().body()))) {
                    confirmed(p);
                    return;
                }
            } catch (RuntimeException e) { // a body that does not parse: the command is not confirmed, the agent's queue goes on
                LOG.info("finesse user not readable while reconciling a command [agentId={}]: {}", agent.profile.getAgentId(), e.toString());
            }
            p.outcome.tryComplete(new Outcome(CommandStatus.TIMED_OUT, "NOT_CONFIRMED",
                    "finesse accepted the request but did not show it done within " + config.commandTimeout().toSeconds() + " s"));
        });
    }

    private void cancel(Pending p) {
        if (p.timer >= 0) {
            ctx.vertx().cancelTimer(p.timer);
            p.timer = -1;
        }
    }

    /**
     * The agent is released or the connector stops: what runs and what waits is answered once,
     * FAILED {@code OWNERSHIP_MOVED}, and nothing more is sent to Finesse for this agent.
     */
    void released(String why) {
        Pending p = pending;
        if (p != null) {
            cancel(p);
        }
        queue.release(why);
    }
}
