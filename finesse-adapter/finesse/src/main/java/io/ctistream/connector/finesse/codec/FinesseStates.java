package io.ctistream.connector.finesse.codec;

import io.ctistream.connector.finesse.codec.FinesseDialog.Participant;
import io.ctistream.connector.finesse.codec.FinesseDialog.ParticipantState;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import java.util.Optional;

/**
 * Finesse facts to canonical values (protocols/finesse.md section 5; the BroadWorks equivalent is its
 * {@code Translator}). Pure functions.
 */
public final class FinesseStates {
    private FinesseStates() {
    }

    /** The reason of an agent state as the canonical event carries it: the CCE/CCX code and its label (either may be null). */
    public record Reason(String code, String label) {
    }

    /** LOGIN is a sign-in not yet available (NOT_READY); every RESERVED* is RESERVED; WORK and WORK_READY are wrap-up. */
    public static AgentState agentState(FinesseState s) {
        if (s == null) {
            return AgentState.UNKNOWN;
        }
        return switch (s) {
            case LOGOUT -> AgentState.LOGGED_OUT;
            case LOGIN, NOT_READY -> AgentState.NOT_READY;
            case READY -> AgentState.READY;
            case RESERVED, RESERVED_OUTBOUND, RESERVED_OUTBOUND_PREVIEW -> AgentState.RESERVED;
            case TALKING -> AgentState.TALKING;
            case HOLD -> AgentState.HOLD;
            case WORK, WORK_READY -> AgentState.WRAP_UP;
            case UNKNOWN -> AgentState.UNKNOWN;
        };
    }

    /** A participant's state as the agent's call state: a participant in wrap-up has left the call. */
    public static CallState callState(ParticipantState s) {
        if (s == null) {
            return CallState.UNKNOWN;
        }
        return switch (s) {
            case ALERTING -> CallState.OFFERED;
            case INITIATING, INITIATED -> CallState.DIALING;
            case ACTIVE, ACCEPTED -> CallState.CONNECTED;
            case HELD -> CallState.HELD;
            case FAILED -> CallState.FAILED;
            case DROPPED, WRAP_UP -> CallState.ENDED;
            case UNKNOWN -> CallState.UNKNOWN;
        };
    }

    /** A dialog's own state, for a dialog that does not list the agent as a participant. */
    public static CallState callState(FinesseDialog.State s) {
        if (s == null) {
            return CallState.UNKNOWN;
        }
        return switch (s) {
            case ALERTING -> CallState.OFFERED;
            case INITIATING, INITIATED -> CallState.DIALING;
            case ACTIVE, ACCEPTED -> CallState.CONNECTED;
            case FAILED -> CallState.FAILED;
            case DROPPED -> CallState.ENDED;
            case UNKNOWN -> CallState.UNKNOWN;
        };
    }

    /**
     * The call state the agent on {@code extension} sees: its own participant's (matched by
     * mediaAddress), else the dialog's.
     */
    public static CallState agentCallState(FinesseDialog d, String extension) {
        Optional<Participant> own = d.participant(extension);
        return own.isPresent() ? callState(own.get().state()) : callState(d.state());
    }

    /**
     * OUTBOUND when the agent's extension placed the call ({@code fromAddress}), INBOUND otherwise;
     * INTERNAL for an agent-to-agent call ({@code callType} AGENT_INSIDE); UNKNOWN without an extension.
     */
    public static CallDirection direction(FinesseDialog d, String extension) {
        if ("AGENT_INSIDE".equalsIgnoreCase(d.callType())) {
            return CallDirection.INTERNAL;
        }
        if (extension == null) {
            return CallDirection.UNKNOWN;
        }
        return extension.equals(d.fromAddress()) ? CallDirection.OUTBOUND : CallDirection.INBOUND;
    }

    /** The other party as the agent on {@code extension} sees it: the called address of its own call, else the caller. */
    public static String remoteParty(FinesseDialog d, String extension) {
        return extension != null && extension.equals(d.fromAddress()) ? d.toAddress() : d.fromAddress();
    }

    /**
     * The reason of the user's state: the embedded ReasonCode's code and label (a system code's
     * label named by {@link SystemReason} when Finesse gives none); without an embedded ReasonCode,
     * the reasonCodeId as the code (the Finesse database ID unless Finesse put a system code there;
     * resolve it through the ReasonCodes list); null when neither is present.
     */
    public static Reason reason(FinesseUser u, String deploymentType) {
        ReasonCode rc = u.reasonCode();
        if (rc != null && (rc.code() != null || rc.label() != null)) {
            return new Reason(rc.code(), rc.label() != null ? rc.label() : systemLabel(rc.code(), deploymentType));
        }
        if (u.reasonCodeId() != null) {
            return new Reason(u.reasonCodeId(), systemLabel(u.reasonCodeId(), deploymentType));
        }
        return null;
    }

    /** The label of a system reason code, or null when the code is not one. */
    public static String systemLabel(String code, String deploymentType) {
        SystemReason r = SystemReason.of(code, deploymentType);
        return r == null ? null : r.label;
    }
}
