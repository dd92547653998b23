package io.ctistream.simulator.aes;

/**
 * Calls at the stations as CM reports them to a station monitor (§7, TV9–TV11): offered (through a
 * VDN and its skill, or direct), answered, held and retrieved, cleared by either end, transferred
 * or conferenced; the end of the last call hands the agent to {@link AgentRules#callsEnded}.
 */
final class CallRules {
    private final PeerSwitch sw;
    private final AgentRules agents;

    CallRules(PeerSwitch sw, AgentRules agents) {
        this.sw = sw;
        this.agents = agents;
    }

    /** TV9: the call rings at the station; {@code vdn} null for a direct call. Returns the call id. */
    String offer(Station s, String vdn, String caller) {
        String skill = vdn == null ? null : sw.vdnSkills.getOrDefault(vdn, vdn);
        PeerCall call = new PeerCall(sw.nextCallId(), sw.nextUcid(), sw.thirdParty(caller), vdn == null ? null : sw.thirdParty(vdn),
                skill == null ? null : sw.thirdParty(skill));
        s.calls.add(call);
        agents.cancelWrapUp(s); // a call during timed ACW ends the timer; the agent leaves ACW when it ends [I]
        sw.emit(s, "delivered", x -> EventXml.delivered(x, call, s.device, sw.settings.switchName()));
        return call.callId;
    }

    /** TV10: the agent answers; the agent is agentBusy while the call lasts. */
    void answer(Station s, PeerCall call) {
        if (!"alerting".equals(call.state)) {
            throw new IllegalStateException("call " + call.callId + " is not ringing but " + call.state);
        }
        call.state = "connected";
        call.answered = true;
        sw.emit(s, "established", x -> EventXml.established(x, call, s.device));
    }

    void hold(Station s, PeerCall call, boolean held) {
        if (held == "hold".equals(call.state) || "alerting".equals(call.state)) {
            return; // nothing to hold, or already as asked
        }
        call.state = held ? "hold" : "connected";
        sw.emit(s, held ? "held" : "retrieved",
                x -> held ? EventXml.held(x, call, s.device) : EventXml.retrieved(x, call, s.device));
    }

    /** TV11: the caller's leg clears (our side still as it was), then our own leg (localConnectionInfo null). */
    void callerHangsUp(Station s, PeerCall call) {
        String local = call.state;
        sw.emit(s, "connectionCleared", x -> EventXml.connectionCleared(x, call.callId, call.callerDevice, local, "normalClearing"));
        ownLegClears(s, call);
    }

    /** The agent hangs up: CM clears the two-party call; the station's monitor sees its own leg go [I]. */
    void agentHangsUp(Station s, PeerCall call) {
        ownLegClears(s, call);
    }

    private void ownLegClears(Station s, PeerCall call) {
        sw.emit(s, "connectionCleared", x -> EventXml.connectionCleared(x, call.callId, s.device, "null", "normalClearing"));
        ended(s, call);
    }

    /**
     * The agent transfers the call to another station [I, simplified]: the transferring station
     * sees TransferedEvent and loses the call; the target sees the call ring and connect under a new
     * call id with the same UCID, as after a completed consultation. Returns the new call id.
     */
    String transfer(Station s, PeerCall call, Station to) {
        PeerCall moved = new PeerCall(sw.nextCallId(), call.ucid, call.callerDevice, call.vdnDevice, call.acdGroupDevice);
        sw.emit(s, "transferred", x -> EventXml.transfered(x, call, moved.callId, s.device, to.device));
        to.calls.add(moved);
        agents.cancelWrapUp(to);
        sw.emit(to, "delivered", x -> EventXml.delivered(x, moved, to.device, sw.settings.switchName()));
        moved.state = "connected";
        moved.answered = true;
        sw.emit(to, "established", x -> EventXml.established(x, moved, to.device));
        ended(s, call);
        return moved.callId;
    }

    /** A party joins the station's call (a supervisor, a recorder's single-step conference): ConferencedEvent. */
    void conference(Station s, PeerCall call, String party) {
        Station other = sw.stations.get(party);
        String added = other != null ? other.device : sw.thirdParty(party);
        sw.emit(s, "conferenced", x -> EventXml.conferenced(x, call, s.device, added));
    }

    private void ended(Station s, PeerCall call) {
        s.calls.remove(call);
        if (!s.hasCalls()) {
            agents.callsEnded(s, call.acd() && call.answered);
        }
    }
}
