package io.ctistream.connector.finesse;

import io.ctistream.connector.core.Outcome;
import io.ctistream.connector.finesse.codec.FinesseRequests;
import io.ctistream.connector.finesse.codec.FinesseState;
import io.ctistream.connector.finesse.codec.FinesseUser;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.LogOff;
import io.ctistream.events.LogOn;
import io.ctistream.events.SetState;
import java.util.function.Predicate;

/**
 * Canonical commands as Finesse User requests (protocols/finesse.md sections 3 and 5): which PUT,
 * and which User notification confirms it. A client may set only LOGIN, READY, NOT_READY and
 * LOGOUT; everything else is refused here, before Finesse is asked. Pure.
 */
final class FinesseCommands {
    /** The profile attribute that names the agent's extension (where {@code LogOn} gives none). */
    static final String EXTENSION = "extension";

    /**
     * One User state request: the body to PUT, what a User notification must show to confirm it,
     * and a follow-up (LogOn READY: sign in, then READY) or null.
     */
    record Request(String body, FinesseState asked, Predicate<FinesseUser> confirmedBy, Request then) {
    }

    /** A command Finesse cannot be asked for: answered at once. */
    static final class Refused extends Exception {
        final transient Outcome outcome;

        Refused(Outcome outcome) {
            super(outcome.message(), null, false, false);
            this.outcome = outcome;
        }
    }

    private FinesseCommands() {
    }

    /**
     * @param reasons reason codes as the platform knows them: a canonical reason (the code reports
     *                show) to the Finesse database ID a request names
     */
    static Request of(AgentCommand command, AgentProfile profile, ReasonCodes reasons) throws Refused {
        Object c = command.getCommand();
        if (c instanceof LogOn on) {
            String extension = on.getGuestAddress() != null ? on.getGuestAddress() : profile.getAttributes().get(EXTENSION);
            if (extension == null || extension.isBlank()) {
                throw new Refused(Outcome.rejected("NO_EXTENSION", "Finesse signs an agent in on an extension: the profile has no '"
                        + EXTENSION + "' attribute and the command names none"));
            }
            Request then = switch (on.getInitialState()) {
                case READY -> ready();
                case NOT_READY -> on.getReasonCode() == null ? null : notReady(reasons.id("NOT_READY", on.getReasonCode()));
                default -> throw new Refused(Outcome.rejected("NOT_SETTABLE", "Finesse signs an agent in NOT_READY (then READY on request), not "
                        + on.getInitialState()));
            };
            return new Request(FinesseRequests.signIn(extension.strip()), FinesseState.LOGIN,
                    u -> u.state() != FinesseState.LOGOUT && u.state() != FinesseState.UNKNOWN, then);
        }
        if (c instanceof LogOff off) {
            return logout(off.getReason() == null ? null : reasons.id("LOGOUT", off.getReason()));
        }
        if (c instanceof SetState s) {
            return switch (s.getState()) {
                case READY -> ready();
                case NOT_READY -> notReady(s.getReasonCode() == null ? null : reasons.id("NOT_READY", s.getReasonCode()));
                case LOGGED_OUT -> logout(s.getReasonCode() == null ? null : reasons.id("LOGOUT", s.getReasonCode()));
                default -> throw new Refused(Outcome.rejected("NOT_SETTABLE", "Finesse lets a client set READY, NOT_READY or LOGOUT, not "
                        + s.getState() + " (calls drive the rest)"));
            };
        }
        throw new Refused(Outcome.rejected("NOT_SUPPORTED", "Finesse has no " + c.getClass().getSimpleName() + " for an agent"));
    }

    /** The reason-code category a command's reason belongs to: LOGOUT for a sign-out, NOT_READY otherwise. */
    static String reasonCategory(AgentCommand command) {
        Object c = command.getCommand();
        boolean signOut = c instanceof LogOff || (c instanceof SetState s && s.getState() == AgentState.LOGGED_OUT);
        return signOut ? "LOGOUT" : "NOT_READY";
    }

    private static Request ready() {
        return new Request(FinesseRequests.ready(), FinesseState.READY, u -> u.state() == FinesseState.READY, null);
    }

    /** NOT_READY is confirmed by the state, or by the pending state Finesse sets during a call (applied at its end). */
    private static Request notReady(String reasonId) {
        return new Request(FinesseRequests.notReady(reasonId), FinesseState.NOT_READY,
                u -> (u.state() == FinesseState.NOT_READY && (reasonId == null || reasonId.equals(u.reasonCodeId())
                        || (u.reasonCode() != null && reasonId.equals(u.reasonCode().id()))))
                        || u.pendingState() == FinesseState.NOT_READY, null);
    }

    private static Request logout(String reasonId) {
        return new Request(FinesseRequests.logout(reasonId), FinesseState.LOGOUT,
                u -> u.state() == FinesseState.LOGOUT || u.pendingState() == FinesseState.LOGOUT, null);
    }

    /** The canonical state a confirmed request leaves the agent in, for a log line. */
    static AgentState canonical(FinesseState s) {
        return io.ctistream.connector.finesse.codec.FinesseStates.agentState(s);
    }
}
