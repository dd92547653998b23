package io.ctistream.connector.aes;

import io.ctistream.connector.aes.codec.DmccMessage;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;

/**
 * AES agent and call states in canonical terms (DESIGN.md section 4, protocols/aes.md sections 6,
 * 7 and 9). Pure.
 */
final class AesStates {
    private AesStates() {
    }

    /** A canonical state with the AES reason code that goes with it (null where none). */
    record Told(AgentState state, String reasonCode) {
    }

    /**
     * What GetAgentState says. {@code agentBusy} is on a call: the call events tell TALKING, and the
     * ACD state under it is the work mode's (auxWork NOT_READY, afterCallWork WRAP_UP, else READY).
     */
    static Told of(DmccMessage.AgentStateRead r) {
        if (!r.loggedOn() || "agentNull".equals(r.agentState())) {
            return new Told(AgentState.LOGGED_OUT, null);
        }
        String state = r.agentState() == null ? "" : r.agentState();
        return switch (state) {
            case "agentReady" -> new Told(AgentState.READY, null);
            case "agentNotReady" -> new Told(AgentState.NOT_READY, blankToNull(r.reasonCode()));
            case "agentWorkingAfterCall" -> new Told(AgentState.WRAP_UP, null);
            case "agentBusy" -> byWorkMode(r.workMode(), r.reasonCode());
            default -> byWorkMode(r.workMode(), r.reasonCode());
        };
    }

    private static Told byWorkMode(String workMode, String reasonCode) {
        if ("auxWork".equals(workMode)) {
            return new Told(AgentState.NOT_READY, blankToNull(reasonCode));
        }
        if ("afterCallWork".equals(workMode)) {
            return new Told(AgentState.WRAP_UP, null);
        }
        return new Told(AgentState.READY, null);
    }

    /** What an agent event says (LoggedOn: CM puts the agent in AUX until asked otherwise). */
    static Told of(DmccMessage.AgentEvent e) {
        return switch (e.kind()) {
            case LOGGED_ON -> "autoIn".equals(e.pendingWorkMode()) || "manualIn".equals(e.pendingWorkMode()) ? new Told(AgentState.READY, null)
                    : new Told(AgentState.NOT_READY, blankToNull(e.reasonCode()));
            case LOGGED_OFF -> new Told(AgentState.LOGGED_OUT, null);
            case READY -> new Told(AgentState.READY, null);
            case NOT_READY -> new Told(AgentState.NOT_READY, blankToNull(e.reasonCode()));
            case WORKING_AFTER_CALL -> new Told(AgentState.WRAP_UP, null);
        };
    }

    /** The extension of a DMCC device id ({@code 5001:CM1:10.10.10.5:0} and {@code 5001:CM1::0} are both 5001), or null. */
    static String extension(String device) {
        if (device == null || device.isBlank()) {
            return null;
        }
        int colon = device.indexOf(':');
        return colon < 0 ? device.strip() : device.substring(0, colon).strip();
    }

    static boolean same(String device, String extension) {
        return extension != null && extension.equals(extension(device));
    }

    /**
     * The agent's call state after a call event on its station monitor, or null when the event says
     * nothing about the agent's own leg (another party's leg cleared, a queue step).
     */
    static CallState callState(DmccMessage.CallEvent e, String station) {
        boolean ours = same(e.connectionDevice(), station) || same(e.subjectDevice(), station);
        return switch (e.kind()) {
            case ORIGINATED -> CallState.DIALING;
            case DELIVERED -> same(e.connectionDevice(), station) && !same(e.callingDevice(), station) ? CallState.OFFERED : CallState.RINGING;
            case ESTABLISHED, RETRIEVED -> CallState.CONNECTED;
            case HELD -> same(e.subjectDevice(), station) ? CallState.HELD : CallState.REMOTE_HELD;
            // ConnectionCleared fires for every leg (and on hold on some releases): the call ends only with our own leg
            case CONNECTION_CLEARED -> same(e.subjectDevice(), station) ? CallState.ENDED : null;
            case CALL_CLEARED -> CallState.ENDED;
            case FAILED -> ours ? CallState.FAILED : null;
            case DIVERTED -> CallState.REDIRECTED;
            case TRANSFERRED -> same(e.subjectDevice(), station) ? CallState.TRANSFERRED : CallState.REPLACED;
            case CONFERENCED -> CallState.REPLACED;
            case QUEUED -> null;
        };
    }

    /** Inbound when someone else called the station, outbound when the station called. */
    static CallDirection direction(DmccMessage.CallEvent e, String station) {
        if (same(e.callingDevice(), station)) {
            return CallDirection.OUTBOUND;
        }
        return e.callingDevice() == null ? CallDirection.UNKNOWN : CallDirection.INBOUND;
    }

    /** The other party: the caller on an inbound call, the called number on an outbound one. */
    static String remoteParty(DmccMessage.CallEvent e, String station) {
        String other = same(e.callingDevice(), station) ? e.calledDevice() : e.callingDevice();
        return extension(other);
    }

    /** What the caller dialled, on a call the agent received: the VDN it came through, else the called device; null otherwise. */
    static String dialledNumber(DmccMessage.CallEvent e, String station) {
        if (direction(e, station) != CallDirection.INBOUND) {
            return null;
        }
        return e.distributingVdn() != null ? extension(e.distributingVdn()) : extension(e.calledDevice());
    }

    /** Call data for a screen pop: the UCID, the call's id across Communication Manager and the recording and IVR systems. */
    static java.util.Map<String, String> callData(DmccMessage.CallEvent e) {
        String ucid = blankToNull(e.ucid());
        return ucid == null ? java.util.Map.of() : java.util.Map.of("ucid", ucid);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() || "0".equals(s.strip()) ? null : s.strip();
    }
}
