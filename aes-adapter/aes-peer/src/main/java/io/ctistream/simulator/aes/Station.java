package io.ctistream.simulator.aes;

import java.util.ArrayList;
import java.util.List;

/**
 * A CM station and the agent provisioned for it, with the agent's state as CM keeps it: logged on
 * or not, the work mode (autoIn, manualIn, auxWork, afterCallWork), the AUX reason code, a pending
 * change held while on a call, and the station's calls.
 */
final class Station {
    final String extension;
    final String device;
    final String agentId;
    final String agentPassword;
    boolean loggedOn;
    String workMode = "auxWork";
    int reasonCode;
    /** The ready mode the agent returns to after wrap-up (manualIn until the agent picks one). */
    String readyMode = "manualIn";
    /** A change asked for during a call with enablePending (requested state, work mode, reason), or null. */
    Pending pending;
    final List<PeerCall> calls = new ArrayList<>();
    long wrapUpTimer = -1;
    int commands;
    boolean ignoreCommands;

    record Pending(String requestedState, String workMode, int reasonCode) {
        /** The pending state as GetAgentState and SetAgentStateResponse report it. */
        String reported() {
            return AgentRules.reported(requestedState, workMode);
        }
    }

    Station(String extension, String device, String agentId, String agentPassword) {
        this.extension = extension;
        this.device = device;
        this.agentId = agentId;
        this.agentPassword = agentPassword;
    }

    boolean onCall() {
        return calls.stream().anyMatch(PeerCall::onCall);
    }

    boolean hasCalls() {
        return !calls.isEmpty();
    }

    PeerCall call(String callId) {
        return calls.stream().filter(c -> c.callId.equals(callId)).findFirst().orElse(null);
    }

    /** agentNull, agentBusy, agentNotReady, agentReady or agentWorkingAfterCall (§6, TV8). */
    String agentState() {
        if (!loggedOn) {
            return "agentNull";
        }
        if (onCall()) {
            return "agentBusy";
        }
        return AgentRules.reported(null, workMode);
    }
}
