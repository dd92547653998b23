package io.ctistream.connector.aes;

import io.ctistream.connector.aes.codec.DmccRequests;
import io.ctistream.connector.core.Outcome;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentState;
import io.ctistream.events.LogOff;
import io.ctistream.events.LogOn;
import io.ctistream.events.SetState;
import java.util.function.Predicate;

/**
 * Canonical commands as DMCC SetAgentState requests (protocols/aes.md section 6): the request, and
 * what the agent's state must show to confirm it. Work modes on the wire are autoIn, manualIn,
 * afterCallWork and auxWork (never the JTAPI names); AUX reason codes are CM's numbers 1–99;
 * {@code enablePending} is always set, so a change asked during a call is applied at its end.
 * Pure.
 */
final class AesCommands {
    /** One request and the state that confirms it; {@code then} follows once it is confirmed (log on, then READY). */
    record Request(DmccRequests.AgentRequest request, Predicate<AesStates.Told> confirmedBy, Request then) {
    }

    /** A command AES cannot be asked for: answered at once, AES untouched. */
    static final class Refused extends Exception {
        final transient Outcome outcome;

        Refused(Outcome outcome) {
            super(outcome.message(), null, false, false);
            this.outcome = outcome;
        }
    }

    private AesCommands() {
    }

    static Request of(AgentCommand command, AesCredentials.Secret login, String readyMode) throws Refused {
        Object c = command.getCommand();
        if (c instanceof LogOn on) {
            if (login == null) {
                throw new Refused(Outcome.rejected("NO_CREDENTIALS", "an AES agent logs on with its ACD agent id and password: none is configured "
                        + "for this agent's credential reference"));
            }
            Request then = switch (on.getInitialState()) {
                case READY -> ready(readyMode);
                case NOT_READY -> on.getReasonCode() == null ? null : notReady(reason(on.getReasonCode()));
                default -> throw new Refused(Outcome.rejected("NOT_SETTABLE", "AES logs an agent on in AUX (then READY on request), not "
                        + on.getInitialState()));
            };
            var request = new DmccRequests.AgentRequest("loggedOn", login.agentId(), login.password(), "auxWork", null, true);
            return new Request(request, t -> t.state() != AgentState.LOGGED_OUT, then);
        }
        if (c instanceof LogOff off) {
            return logOff(off.getReason() == null ? null : reason(off.getReason()), login);
        }
        if (c instanceof SetState s) {
            return switch (s.getState()) {
                case READY -> ready(readyMode);
                case NOT_READY -> notReady(s.getReasonCode() == null ? null : reason(s.getReasonCode()));
                case WRAP_UP -> new Request(new DmccRequests.AgentRequest("workingAfterCall", null, null, "afterCallWork", null, true),
                        t -> t.state() == AgentState.WRAP_UP, null);
                case LOGGED_OUT -> logOff(s.getReasonCode() == null ? null : reason(s.getReasonCode()), login);
                default -> throw new Refused(Outcome.rejected("NOT_SETTABLE", "AES lets a client set READY, NOT_READY, WRAP_UP or LOGGED_OUT, not "
                        + s.getState() + " (calls drive the rest)"));
            };
        }
        throw new Refused(Outcome.rejected("NOT_SUPPORTED", "AES has no " + c.getClass().getSimpleName() + " for an agent here"));
    }

    private static Request ready(String readyMode) {
        return new Request(new DmccRequests.AgentRequest("ready", null, null, readyMode, null, true), t -> t.state() == AgentState.READY, null);
    }

    private static Request notReady(Integer reason) {
        String code = reason == null ? null : reason.toString();
        return new Request(new DmccRequests.AgentRequest("notReady", null, null, "auxWork", reason, true),
                t -> t.state() == AgentState.NOT_READY && (code == null || code.equals(t.reasonCode())), null);
    }

    private static Request logOff(Integer reason, AesCredentials.Secret login) {
        return new Request(new DmccRequests.AgentRequest("loggedOff", login == null ? null : login.agentId(), null, null, reason, true),
                t -> t.state() == AgentState.LOGGED_OUT, null);
    }

    /** CM's AUX reason codes are numbers 1–99 (0 is "no reason"). */
    static Integer reason(String code) throws Refused {
        try {
            int n = Integer.parseInt(code.strip());
            if (n >= 0 && n <= 99) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw new Refused(Outcome.rejected("BAD_REASON", "Communication Manager's reason codes are numbers 0-99, not [" + code + "]"));
    }
}
