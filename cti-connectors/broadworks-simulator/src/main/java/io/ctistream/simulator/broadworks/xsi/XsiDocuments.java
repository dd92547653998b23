package io.ctistream.simulator.broadworks.xsi;

import io.ctistream.codec.SafeXml;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel.Call;

/**
 * The documents the Xsi-Events simulator writes (protocols/broadworks.md section 5 shapes; the
 * queue entry as the Xsi schema has it), written here and not shared with the connector.
 */
final class XsiDocuments {
    static final String NS = "http://schema.broadsoft.com/xsi";
    private static final String ENVELOPE = "<xsi:Event xmlns:xsi=\"" + NS + "\" xmlns:xsi1=\"http://www.w3.org/2001/XMLSchema-instance\" ";

    private XsiDocuments() {
    }

    static String channel(String id, String channelSet, int expires) {
        return "<Channel xmlns=\"" + NS + "\"><channelId>" + id + "</channelId><channelSetId>" + SafeXml.escape(String.valueOf(channelSet))
                + "</channelSetId><priority>1</priority><weight>50</weight><expires>" + expires + "</expires></Channel>";
    }

    static String heartBeat() {
        return "<ChannelHeartBeat xmlns=\"" + NS + "\"/>";
    }

    static String subscription(String id, int expires) {
        return doc("<Subscription xmlns=\"" + NS + "\"><subscriptionId>" + id + "</subscriptionId><expires>" + expires + "</expires></Subscription>");
    }

    /** An xsi:SubscriptionEvent with its header and eventData of the given type. */
    static String event(String eventId, int sequence, String userId, String applicationId, String subscriptionId, String channelId,
                        String target, String type, String data) {
        return ENVELOPE + "xsi1:type=\"xsi:SubscriptionEvent\"><xsi:eventID>" + eventId + "</xsi:eventID><xsi:sequenceNumber>" + sequence
                + "</xsi:sequenceNumber><xsi:userId>" + SafeXml.escape(userId) + "</xsi:userId><xsi:externalApplicationId>"
                + SafeXml.escape(String.valueOf(applicationId)) + "</xsi:externalApplicationId><xsi:subscriptionId>" + subscriptionId
                + "</xsi:subscriptionId><xsi:channelId>" + channelId + "</xsi:channelId><xsi:targetId>" + SafeXml.escape(target)
                + "</xsi:targetId><xsi:eventData xsi1:type=\"xsi:" + type + "\">" + data + "</xsi:eventData></xsi:Event>";
    }

    static String channelTerminated(String channelId, String reason) {
        return ENVELOPE + "xsi1:type=\"xsi:ChannelTerminatedEvent\"><xsi:channelId>" + channelId + "</xsi:channelId><xsi:reason>"
                + SafeXml.escape(reason) + "</xsi:reason></xsi:Event>";
    }

    static String entry(Call c) {
        return "<xsi:queueEntry><xsi:callId>" + c.callId() + "</xsi:callId><xsi:extTrackingId>" + c.extTrackingId() + "</xsi:extTrackingId>"
                + "<xsi:remoteParty><xsi:address countryCode=\"1\">tel:" + SafeXml.escape(c.caller()) + "</xsi:address><xsi:callType>Network</xsi:callType>"
                + "</xsi:remoteParty><xsi:addTime>" + c.addTime() + "</xsi:addTime>"
                + (c.removeTime() == null ? "" : "<xsi:removeTime>" + c.removeTime() + "</xsi:removeTime>")
                + "<xsi:acdName>" + SafeXml.escape(c.callCenter()) + "</xsi:acdName><xsi:acdNumber>" + SafeXml.escape(c.callCenter()) + "</xsi:acdNumber>"
                + (c.answeringUser() == null ? "" : "<xsi:answeringUserId>" + SafeXml.escape(c.answeringUser()) + "</xsi:answeringUserId>")
                + "</xsi:queueEntry>";
    }

    /** A CallCenterMonitoringEvent's data: five figures with a severity (0, 1, 2), four agent counts (the shape x15 infers). */
    static String monitoringStatus(long aht, int ahtSeverity, long ewt, int ewtSeverity, long asa, int asaSeverity, long longest,
                                   int longestSeverity, int calls, int callsSeverity, int assigned, int staffed, int idle, int unavailable) {
        return "<xsi:monitoringStatus>" + figure("averageHandlingTime", aht, ahtSeverity) + figure("expectedWaitTime", ewt, ewtSeverity)
                + figure("averageSpeedOfAnswer", asa, asaSeverity) + figure("longestWaitTime", longest, longestSeverity)
                + figure("numCallsInQueue", calls, callsSeverity) + "<xsi:numAgentsAssigned>" + assigned + "</xsi:numAgentsAssigned>"
                + "<xsi:numAgentsStaffed>" + staffed + "</xsi:numAgentsStaffed><xsi:numStaffedAgentsIdle>" + idle + "</xsi:numStaffedAgentsIdle>"
                + "<xsi:numStaffedAgentsUnavailable>" + unavailable + "</xsi:numStaffedAgentsUnavailable></xsi:monitoringStatus>";
    }

    private static String figure(String name, long value, int severity) {
        return "<xsi:" + name + "><xsi:value>" + value + "</xsi:value><xsi:severity>" + severity + "</xsi:severity></xsi:" + name + ">";
    }

    static String doc(String xml) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml;
    }

    static String error(String summary) {
        return doc("<ErrorInfo xmlns=\"" + NS + "\"><summary>" + SafeXml.escape(summary) + "</summary></ErrorInfo>");
    }}
