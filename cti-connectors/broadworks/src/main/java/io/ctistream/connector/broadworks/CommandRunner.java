package io.ctistream.connector.broadworks;

import io.ctistream.connector.broadworks.codec.FeatureEventXml;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.AgentStateEvent;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.BwAgentState;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.DndEvent;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.ForwardingEvent;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.ForwardingType;
import io.ctistream.connector.broadworks.codec.HotelingXml;
import io.ctistream.connector.broadworks.codec.HotelingXml.HotelingEvent;
import io.ctistream.connector.core.Failure;
import io.ctistream.connector.core.Outcome;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentState;
import io.ctistream.events.LogOff;
import io.ctistream.events.LogOn;
import io.ctistream.events.SetDnd;
import io.ctistream.events.SetForwarding;
import io.ctistream.events.SetState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs one agent's commands one at a time. Each step sends a command document in the right
 * subscription and waits for the NOTIFY that confirms it, or the command timeout (5 s by default):
 * LogOn with hoteling is SetHoteling(guest), one nonce answer, then SetAgentState(initial); without
 * hoteling it is SetAgentState(loggedOn) then the initial state. LogOff is SetAgentState(loggedOff)
 * then SetHoteling(empty guest). The SIP 200 to a command only means "accepted".
 */
final class CommandRunner {
    /** A step's answer: a document that confirms it ({@code Step.done}), refuses it, or is not about it (null). */
    private record Step(Outcome outcome, boolean done) {
    }

    private final AgentSession session;
    private final Vertx vertx;
    private final BroadWorksConfig config;
    private final Deque<Runnable> queue = new ArrayDeque<>();
    private final Deque<Promise<Outcome>> waiting = new ArrayDeque<>();
    private boolean busy;

    CommandRunner(AgentSession session, Vertx vertx, BroadWorksConfig config) {
        this.session = session;
        this.vertx = vertx;
        this.config = config;
    }

    Future<Outcome> submit(AgentCommand command) {
        Promise<Outcome> result = Promise.promise();
        waiting.add(result);
        queue.add(() -> {
            session.facts.commandInFlight(command.getCommandId());
            run(command).onComplete(ar -> {
                session.facts.commandInFlight(null);
                waiting.remove(result);
                if (ar.succeeded()) {
                    result.tryComplete(ar.result());
                } else if (ar.cause() instanceof Failure f) {
                    result.tryComplete(f.retriable() ? Outcome.failed(f.code(), f.getMessage()) : Outcome.rejected(f.code(), f.getMessage()));
                } else {
                    result.tryFail(ar.cause());
                }
                busy = false;
                next();
            });
        });
        next();
        return result.future();
    }

    void cancelAll(String code, String message) {
        queue.clear();
        for (Promise<Outcome> p : waiting) {
            p.tryComplete(Outcome.failed(code, message));
        }
        waiting.clear();
    }

    private void next() {
        if (busy || queue.isEmpty()) {
            return;
        }
        busy = true;
        queue.poll().run();
    }

    private Future<Outcome> run(AgentCommand command) {
        Object c = command.getCommand();
        if (c instanceof LogOn on) {
            return logOn(on);
        } else if (c instanceof LogOff) {
            return logOff();
        } else if (c instanceof SetState s) {
            return setState(s.getState(), s.getReasonCode());
        } else if (c instanceof SetDnd d) {
            boolean on = d.getEnabled();
            return step(session.feature, FeatureEventXml.setDoNotDisturb(device(), on), FeatureEventXml.CONTENT_TYPE,
                    doc -> doc instanceof DndEvent e && e.on() == on ? new Step(Outcome.completed(), true) : null);
        } else if (c instanceof SetForwarding f) {
            ForwardingType type = Translator.type(f.getRule().getKind());
            if (type == null) {
                return Future.succeededFuture(Outcome.rejected("UNSUPPORTED_FORWARDING", "BroadWorks forwards always, on busy or on no answer only"));
            }
            boolean on = f.getRule().getEnabled();
            return step(session.feature, FeatureEventXml.setForwarding(device(), type, on, f.getRule().getDestination(),
                    f.getRule().getRingCount()), FeatureEventXml.CONTENT_TYPE,
                    doc -> doc instanceof ForwardingEvent e && e.type() == type && e.on() == on ? new Step(Outcome.completed(), true) : null);
        }
        return Future.succeededFuture(Outcome.rejected("UNKNOWN_COMMAND", "this connector does not know the command"));
    }

    private Future<Outcome> logOn(LogOn on) {
        AgentState initial = on.getInitialState() == null ? AgentState.NOT_READY : on.getInitialState();
        if (Translator.request(initial) == null) {
            return Future.succeededFuture(Outcome.rejected("INVALID_STATE", "an agent logs on into READY, NOT_READY or WRAP_UP, not " + initial));
        }
        String reason = on.getReasonCode() != null ? on.getReasonCode()
                : session.profile.getDefaultNotReadyReason() != null ? session.profile.getDefaultNotReadyReason()
                : config.defaultNotReadyReason();
        Future<Outcome> first;
        if (session.usesHoteling()) {
            String guest = on.getGuestAddress() != null ? on.getGuestAddress() : session.profile.getHotelingGuestAddress();
            first = hotelingSignIn(guest);
        } else {
            first = step(session.feature, FeatureEventXml.setAgentState(BwAgentState.LOGGED_ON, null), FeatureEventXml.CONTENT_TYPE,
                    doc -> doc instanceof AgentStateEvent e && e.state() != BwAgentState.LOGGED_OFF ? new Step(Outcome.completed(), true) : null);
        }
        return then(first, () -> setState(initial, reason));
    }

    /** SetHoteling(guest); answers one nonce challenge with md5(nonce:password); the same nonce twice is a refusal. */
    private Future<Outcome> hotelingSignIn(String guest) {
        String[] answered = new String[1];
        return stepWithFollowUp(session.hoteling, HotelingXml.setHoteling(guest), HotelingXml.CONTENT_TYPE, doc -> {
            if (!(doc instanceof HotelingEvent e)) {
                return null;
            }
            if (e.challenged()) {
                if (e.nonce().equals(answered[0])) {
                    return new Step(Outcome.rejected("GUEST_AUTH_FAILED", "the AS refused the guest's password for " + guest), true);
                }
                if (session.secret == null || session.secret.guestPassword() == null) {
                    return new Step(Outcome.rejected("GUEST_PASSWORD_MISSING", "the AS asks for the guest's password and none is configured for this agent"), true);
                }
                answered[0] = e.nonce();
                session.hoteling.command(HotelingXml.setHoteling(guest, e.nonce(), session.secret.guestPassword()), HotelingXml.CONTENT_TYPE)
                        .onFailure(x -> { });
                return new Step(null, false);
            }
            if (guest.equals(e.guestAddress())) {
                return new Step(Outcome.completed(), true);
            }
            return new Step(Outcome.rejected("GUEST_REFUSED", "the AS did not sign in guest " + guest + " on this host"), true);
        });
    }

    private Future<Outcome> logOff() {
        Future<Outcome> off = step(session.feature, FeatureEventXml.setAgentState(BwAgentState.LOGGED_OFF, null), FeatureEventXml.CONTENT_TYPE,
                doc -> doc instanceof AgentStateEvent e && e.state() == BwAgentState.LOGGED_OFF ? new Step(Outcome.completed(), true) : null);
        if (!session.usesHoteling()) {
            return off;
        }
        return then(off, () -> step(session.hoteling, HotelingXml.setHoteling(null), HotelingXml.CONTENT_TYPE,
                doc -> doc instanceof HotelingEvent e && !e.challenged() && !e.guestPresent() ? new Step(Outcome.completed(), true) : null));
    }

    private Future<Outcome> setState(AgentState state, String reason) {
        BwAgentState requested = Translator.request(state);
        if (requested == null) {
            return Future.succeededFuture(Outcome.rejected("INVALID_STATE", "an agent can be set READY, NOT_READY or WRAP_UP, not " + state));
        }
        return step(session.feature, FeatureEventXml.setAgentState(requested, reason), FeatureEventXml.CONTENT_TYPE,
                doc -> doc instanceof AgentStateEvent e && e.state() == requested ? new Step(Outcome.completed(), true) : null);
    }

    private Future<Outcome> then(Future<Outcome> first, Supplier<Future<Outcome>> next) {
        return first.compose(o -> o.status() == io.ctistream.events.CommandStatus.COMPLETED ? next.get() : Future.succeededFuture(o));
    }

    private Future<Outcome> step(Subscription s, byte[] body, String contentType, Function<Object, Step> confirm) {
        return stepWithFollowUp(s, body, contentType, confirm);
    }

    /**
     * Sends {@code body} in {@code s} and waits for a document that {@code confirm} says ends the
     * step. The listener is in place before the SUBSCRIBE leaves, since the NOTIFY may beat the 200.
     */
    private Future<Outcome> stepWithFollowUp(Subscription s, byte[] body, String contentType, Function<Object, Step> confirm) {
        if (s == null || !s.active()) {
            String pkg = s == null ? "required" : s.pkg;
            return Future.succeededFuture(Outcome.failed("LINK_DOWN", "the " + pkg + " subscription for this agent is not active; try again shortly"));
        }
        Promise<Outcome> done = Promise.promise();
        long[] timer = {-1};
        Consumer<Object>[] holder = new Consumer[1];
        Runnable restartTimer = () -> {
            if (timer[0] != -1) {
                vertx.cancelTimer(timer[0]);
            }
            timer[0] = vertx.setTimer(config.commandTimeout().toMillis(), id -> {
                session.removeDocumentListener(holder[0]);
                done.tryComplete(Outcome.timedOut("PLATFORM_SILENT", "the AS accepted the request but did not confirm it within "
                        + config.commandTimeout().toSeconds() + " s"));
            });
        };
        holder[0] = doc -> {
            Step step = confirm.apply(doc);
            if (step == null) {
                return;
            }
            if (!step.done()) {
                restartTimer.run(); // a follow-up request is on its way: give it its own time
                return;
            }
            vertx.cancelTimer(timer[0]);
            session.removeDocumentListener(holder[0]);
            done.tryComplete(step.outcome());
        };
        session.onDocument(holder[0]);
        restartTimer.run();
        s.command(body, contentType).onFailure(e -> {
            vertx.cancelTimer(timer[0]);
            session.removeDocumentListener(holder[0]);
            if (e instanceof Failure f) {
                done.tryComplete(f.retriable() ? Outcome.failed(f.code(), "the AS did not take the request: " + f.getMessage())
                        : Outcome.rejected(f.code(), "the AS refused the request: " + f.getMessage()));
            } else {
                done.tryFail(e);
            }
        });
        return done.future();
    }

    private String device() {
        String user = session.profile.getPlatformUserId();
        String s = user.startsWith("sip:") ? user.substring(4) : user;
        int at = s.indexOf('@');
        return at > 0 ? s.substring(0, at) : s;
    }
}
