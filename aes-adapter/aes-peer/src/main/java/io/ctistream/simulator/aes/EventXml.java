package io.ctistream.simulator.aes;

import static io.ctistream.simulator.aes.DmccXml.E;
import static io.ctistream.simulator.aes.DmccXml.el;
import static io.ctistream.simulator.aes.DmccXml.esc;
import static io.ctistream.simulator.aes.DmccXml.ns1;
import static io.ctistream.simulator.aes.DmccXml.privateData;

/**
 * Unsolicited events (invoke id 9999) in the shapes of TV7 and TV9–TV11. Each starts with the
 * monitor's cross-ref id, since a client routes by it (§5); one event text per monitor.
 */
final class EventXml {
    private EventXml() {
    }

    private static String open(String name, long xref) {
        return "<" + name + " xmlns=\"" + E + "\">" + el("monitorCrossRefID", xref);
    }

    private static String device(String field, String deviceId) {
        return "<" + field + ">" + el("deviceIdentifier", deviceId) + "</" + field + ">";
    }

    private static String connection(String field, String callId, String deviceId) {
        return "<" + field + ">" + el("callID", callId) + el("deviceID", deviceId) + "</" + field + ">";
    }

    /** TV9; a direct call has no redirection, skill or VDN. */
    static String delivered(long xref, PeerCall call, String station, String switchName) {
        StringBuilder b = new StringBuilder(open("DeliveredEvent", xref));
        b.append(connection("connection", call.callId, station)).append(device("alertingDevice", station))
                .append(device("callingDevice", call.callerDevice))
                .append(device("calledDevice", call.acd() ? call.vdnDevice : station));
        if (call.acd()) {
            b.append(device("lastRedirectionDevice", call.vdnDevice));
        }
        b.append(el("localConnectionInfo", "alerting")).append(el("cause", "newCall"))
                .append("<callLinkageData><globalCallData>").append(el("globalCallSwitchingSubDomainName", switchName))
                .append("<globalCallLinkageID>").append(el("globallyUniqueCallLinkageID", call.ucid))
                .append("</globalCallLinkageID></globalCallData></callLinkageData>");
        if (call.acd()) {
            b.append(privateData("DeliveredEventPrivateData", ns1("acdGroup", call.acdGroupDevice)
                    + "<ns1:distributingVDN><deviceIdentifier xmlns=\"" + E + "\">" + esc(call.vdnDevice) + "</deviceIdentifier></ns1:distributingVDN>"));
        }
        return b.append("</DeliveredEvent>").toString();
    }

    /** TV10. */
    static String established(long xref, PeerCall call, String station) {
        return open("EstablishedEvent", xref) + connection("establishedConnection", call.callId, station) + device("answeringDevice", station)
                + device("callingDevice", call.callerDevice) + el("localConnectionInfo", "connected") + el("cause", "newCall")
                + "</EstablishedEvent>";
    }

    static String held(long xref, PeerCall call, String station) {
        return open("HeldEvent", xref) + connection("heldConnection", call.callId, station) + device("holdingDevice", station)
                + el("localConnectionInfo", "hold") + el("cause", "normal") + "</HeldEvent>";
    }

    static String retrieved(long xref, PeerCall call, String station) {
        return open("RetrievedEvent", xref) + connection("retrievedConnection", call.callId, station) + device("retrievingDevice", station)
                + el("localConnectionInfo", "connected") + el("cause", "normal") + "</RetrievedEvent>";
    }

    /**
     * TV11: {@code dropped} is the leg that clears; {@code local} is the monitored station's
     * connection afterwards ({@code null} when its own leg is the one dropped).
     */
    static String connectionCleared(long xref, String callId, String dropped, String local, String cause) {
        return open("ConnectionClearedEvent", xref) + connection("droppedConnection", callId, dropped) + device("releasingDevice", dropped)
                + el("localConnectionInfo", local) + el("cause", cause) + "</ConnectionClearedEvent>";
    }

    /** The call leaves this station for {@code to}: primary is the transferring station's call (§7). */
    static String transfered(long xref, PeerCall call, String newCallId, String station, String to) {
        return open("TransferedEvent", xref) + connection("primaryOldCall", call.callId, station) + device("transferringDevice", station)
                + device("transferredToDevice", to) + "<transferredConnections><connectionListItem>"
                + connection("newConnection", newCallId, to) + "</connectionListItem></transferredConnections>"
                + el("localConnectionInfo", "null") + el("cause", "transfer") + "</TransferedEvent>";
    }

    /** A party joins the station's call: the call keeps its id, {@code added} is the new party. */
    static String conferenced(long xref, PeerCall call, String station, String added) {
        return open("ConferencedEvent", xref) + connection("primaryOldCall", call.callId, station) + device("conferencingDevice", station)
                + device("addedParty", added) + "<conferenceConnections><connectionListItem>" + connection("newConnection", call.callId, added)
                + "</connectionListItem></conferenceConnections>" + el("localConnectionInfo", "connected") + el("cause", "conference")
                + "</ConferencedEvent>";
    }

    // ---------------------------------------------------------------- agents (§6, TV7)

    /** AgentLoggedOn/LoggedOff/Ready/WorkingAfterCall: the agent's device and id, no private data. */
    static String agent(String event, long xref, String station, String agentId) {
        return open(event, xref) + device("agentDevice", station) + el("agentID", agentId) + "</" + event + ">";
    }

    /** TV7. */
    static String agentNotReady(long xref, String station, String agentId, int reasonCode) {
        return open("AgentNotReadyEvent", xref) + device("agentDevice", station) + el("agentID", agentId)
                + privateData("AgentNotReadyEventPrivateData", ns1("reasonCode", reasonCode)) + "</AgentNotReadyEvent>";
    }
}
