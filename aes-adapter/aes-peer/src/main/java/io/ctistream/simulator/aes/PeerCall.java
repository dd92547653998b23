package io.ctistream.simulator.aes;

/**
 * A call at one station as the station's monitor sees it: the far end, how it got here (a VDN and
 * its skill for an ACD call), the UCID, and the station's connection state (§9: alerting,
 * connected, hold).
 */
final class PeerCall {
    final String callId;
    final String ucid;
    final String callerDevice;
    /** The VDN's device id, or null for a direct call. */
    final String vdnDevice;
    /** The skill (hunt group) device id, or null for a direct call. */
    final String acdGroupDevice;
    String state = "alerting";
    boolean answered;

    PeerCall(String callId, String ucid, String callerDevice, String vdnDevice, String acdGroupDevice) {
        this.callId = callId;
        this.ucid = ucid;
        this.callerDevice = callerDevice;
        this.vdnDevice = vdnDevice;
        this.acdGroupDevice = acdGroupDevice;
    }

    boolean acd() {
        return vdnDevice != null;
    }

    /** Talking or held: what makes the agent agentBusy and talkState onCall. */
    boolean onCall() {
        return "connected".equals(state) || "hold".equals(state);
    }
}
