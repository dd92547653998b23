package io.ctistream.connector.broadworks.codec;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import io.ctistream.connector.broadworks.codec.XsiMessage.AcdCall;
import io.ctistream.connector.broadworks.codec.XsiMessage.AcdKind;
import io.ctistream.connector.broadworks.codec.XsiMessage.AcdQueueState;
import io.ctistream.connector.broadworks.codec.XsiMessage.ChannelOpened;
import io.ctistream.connector.broadworks.codec.XsiMessage.ChannelTerminated;
import io.ctistream.connector.broadworks.codec.XsiMessage.Header;
import io.ctistream.connector.broadworks.codec.XsiMessage.HeartBeat;
import io.ctistream.connector.broadworks.codec.XsiMessage.Figure;
import io.ctistream.connector.broadworks.codec.XsiMessage.Other;
import io.ctistream.connector.broadworks.codec.XsiMessage.QueueMonitoring;
import io.ctistream.connector.broadworks.codec.XsiMessage.QueueEntry;
import io.ctistream.connector.broadworks.codec.XsiMessage.Refused;
import io.ctistream.connector.broadworks.codec.XsiMessage.Severity;
import io.ctistream.connector.broadworks.codec.XsiMessage.SubscriptionTerminated;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/**
 * Xsi-Events documents (protocols/broadworks.md section 5), pure: one channel document in, one
 * {@link XsiMessage} out, and the request bodies the connector sends ({@code Channel},
 * {@code Subscription}, {@code EventResponse}). Elements are matched by local name in any namespace
 * ({@code xsi:} prefixed in events, default namespace in {@code Channel}).
 *
 * <p>Shapes: the channel, subscription, event envelope, heartbeat, event response and
 * ChannelTerminatedEvent are literal from section 5 [S7]. Inferred, from the Xsi schema as public
 * client libraries bind it (not from a BroadWorks trace): the {@code ACDQueueEntry} children
 * ({@code callId, extTrackingId, remoteParty/{name,address}, addTime, removeTime, acdName,
 * acdNumber, acdPriority, answeringUserId, answeringCallId}, times in epoch milliseconds),
 * {@code position} beside {@code queueEntry} in ACDCallAddedEvent, {@code queueEntries/queueEntry}
 * in ACDSubscriptionEvent and ACDSubscriptionResyncEvent, {@code subscriptionId} and
 * {@code expires} in the subscription answer, and SubscriptionTerminatedEvent arriving either as
 * the envelope's type or as its eventData's.
 *
 * <p>Also inferred: {@code CallCenterMonitoringEvent}'s {@code monitoringStatus} (the Xsi schema's
 * {@code CallCenterMonitoringStatus}: averageHandlingTime, expectedWaitTime, averageSpeedOfAnswer,
 * longestWaitTime and numCallsInQueue as {@code NonNegativeIntWithSeverity}, i.e. {@code value} and
 * {@code severity}, or a bare number as before release 19; numAgentsAssigned, numAgentsStaffed,
 * numStaffedAgentsIdle, numStaffedAgentsUnavailable as numbers), times in seconds, and the
 * severity as 0 (normal), 1 (warning), 2 (critical); section 5 names the figures only.
 */
public final class XsiEventsCodec {
    public static final String NAMESPACE = "http://schema.broadsoft.com/xsi";
    private static final String XSI_INSTANCE = "http://www.w3.org/2001/XMLSchema-instance";

    private XsiEventsCodec() {
    }

    /** Decodes one complete document of the channel body; a refusal is a {@link Refused}, never an exception. */
    public static XsiMessage decode(byte[] document, int maxBytes) {
        Element root;
        try {
            root = SafeXml.parse(document, maxBytes);
        } catch (MalformedBodyException e) {
            return new Refused(e.getMessage(), null);
        }
        String local = SafeXml.localName(root);
        return switch (local) {
            case "Channel" -> channel(root);
            case "ChannelHeartBeat" -> new HeartBeat();
            case "Event" -> event(root);
            default -> new Refused("unknown document <" + local + ">", null);
        };
    }

    private static XsiMessage channel(Element root) {
        String id = SafeXml.text(root, "channelId");
        if (id == null) {
            return new Refused("a Channel without a channelId", null);
        }
        try {
            return new ChannelOpened(id, integer(SafeXml.text(root, "expires")));
        } catch (NumberFormatException e) {
            return new Refused("a Channel with expires that is not a number", null);
        }
    }

    private static XsiMessage event(Element root) {
        String type = xsiType(root);
        if ("ChannelTerminatedEvent".equals(type)) {
            return new ChannelTerminated(SafeXml.text(root, "channelId"), SafeXml.text(root, "reason"));
        }
        Header header;
        try {
            header = new Header(SafeXml.text(root, "eventID"), longOrNull(SafeXml.text(root, "sequenceNumber")), SafeXml.text(root, "userId"),
                    SafeXml.text(root, "externalApplicationId"), SafeXml.text(root, "subscriptionId"), SafeXml.text(root, "channelId"),
                    SafeXml.text(root, "targetId"));
        } catch (NumberFormatException e) {
            return new Refused("an event whose sequenceNumber is not a number", SafeXml.text(root, "eventID"));
        }
        if (header.eventId() == null) {
            return new Refused("an event without an eventID (" + type + ")", null);
        }
        if ("SubscriptionTerminatedEvent".equals(type)) {
            return new SubscriptionTerminated(header);
        }
        Element data = SafeXml.child(root, "eventData");
        String dataType = data == null ? null : xsiType(data);
        if (dataType == null) {
            return new Refused("an event without eventData (" + type + ")", header.eventId());
        }
        try {
            if (dataType.equals("SubscriptionTerminatedEvent")) {
                return new SubscriptionTerminated(header);
            }
            if (dataType.equals("ACDSubscriptionEvent") || dataType.equals("ACDSubscriptionResyncEvent")) {
                List<QueueEntry> entries = new ArrayList<>();
                Element list = SafeXml.child(data, "queueEntries");
                if (list != null) {
                    for (Element e : SafeXml.children(list, "queueEntry")) {
                        entries.add(entry(e));
                    }
                }
                return new AcdQueueState(header, dataType.equals("ACDSubscriptionResyncEvent"), entries);
            }
            if (dataType.equals("CallCenterMonitoringEvent")) {
                return monitoring(header, data);
            }
            AcdKind kind = AcdKind.ofType(dataType);
            if (kind == null) {
                return new Other(header, dataType);
            }
            Element entry = SafeXml.child(data, "queueEntry");
            if (entry == null) {
                return new Refused(dataType + " without a queueEntry", header.eventId());
            }
            return new AcdCall(header, kind, entry(entry), integer(SafeXml.text(data, "position")));
        } catch (MalformedBodyException e) {
            return new Refused(dataType + ": " + e.getMessage(), header.eventId());
        } catch (NumberFormatException e) {
            return new Refused(dataType + " with a number that is not one: " + e.getMessage(), header.eventId());
        }
    }

    private static QueueMonitoring monitoring(Header header, Element data) {
        Element status = SafeXml.child(data, "monitoringStatus");
        if (status == null) {
            throw new MalformedBodyException("a CallCenterMonitoringEvent without a monitoringStatus");
        }
        return new QueueMonitoring(header, figure(status, "averageHandlingTime"), figure(status, "expectedWaitTime"),
                figure(status, "averageSpeedOfAnswer"), figure(status, "longestWaitTime"), figure(status, "numCallsInQueue"),
                count(status, "numAgentsAssigned"), count(status, "numAgentsStaffed"), count(status, "numStaffedAgentsIdle"),
                count(status, "numStaffedAgentsUnavailable"));
    }

    /** A {@code NonNegativeIntWithSeverity} ({@code value}, {@code severity}), or a bare number; null when absent. */
    private static Figure figure(Element status, String name) {
        Element f = SafeXml.child(status, name);
        if (f == null) {
            return null;
        }
        Element value = SafeXml.child(f, "value");
        String text = value == null ? f.getTextContent() : value.getTextContent();
        long v = Long.parseLong(text.strip());
        if (v < 0) {
            throw new MalformedBodyException(name + " is negative");
        }
        return new Figure(v, severity(SafeXml.text(f, "severity")));
    }

    /** 0, 1, 2 (or the words); anything else is no verdict rather than a refused event. */
    private static Severity severity(String s) {
        if (s == null) {
            return null;
        }
        return switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "0", "normal" -> Severity.NORMAL;
            case "1", "warning" -> Severity.WARNING;
            case "2", "critical" -> Severity.CRITICAL;
            default -> null;
        };
    }

    private static Integer count(Element status, String name) {
        Integer n = integer(SafeXml.text(status, name));
        if (n != null && n < 0) {
            throw new MalformedBodyException(name + " is negative");
        }
        return n;
    }

    private static QueueEntry entry(Element e) {
        String callId = SafeXml.text(e, "callId");
        if (callId == null) {
            throw new MalformedBodyException("a queueEntry without a callId");
        }
        Element party = SafeXml.child(e, "remoteParty");
        return new QueueEntry(callId, SafeXml.text(e, "extTrackingId"), SafeXml.text(party, "name"), SafeXml.text(party, "address"),
                longOrNull(SafeXml.text(e, "addTime")), longOrNull(SafeXml.text(e, "removeTime")), SafeXml.text(e, "acdName"),
                SafeXml.text(e, "acdNumber"), SafeXml.text(e, "acdPriority"), SafeXml.text(e, "answeringUserId"),
                SafeXml.text(e, "answeringCallId"));
    }

    /** The local part of an {@code xsi1:type="xsi:Name"} attribute (XML Schema instance namespace), or null. */
    private static String xsiType(Element e) {
        String t = e.getAttributeNS(XSI_INSTANCE, "type");
        if (t == null || t.isEmpty()) {
            return null;
        }
        return t.substring(t.indexOf(':') + 1).strip();
    }

    private static Integer integer(String s) {
        return s == null ? null : Integer.valueOf(s);
    }

    private static Long longOrNull(String s) {
        return s == null ? null : Long.valueOf(s);
    }

    /** The answer to a subscription request: its id and granted expiry (seconds), or a {@link MalformedBodyException}. */
    public record SubscriptionAnswer(String subscriptionId, Integer expires) {
    }

    public static SubscriptionAnswer subscriptionAnswer(byte[] body) {
        Element root = SafeXml.parse(body);
        if (!"Subscription".equals(SafeXml.localName(root))) {
            throw new MalformedBodyException("expected <Subscription>, got <" + SafeXml.localName(root) + ">");
        }
        String id = SafeXml.text(root, "subscriptionId");
        if (id == null) {
            throw new MalformedBodyException("a Subscription answer without a subscriptionId");
        }
        try {
            return new SubscriptionAnswer(id, integer(SafeXml.text(root, "expires")));
        } catch (NumberFormatException e) {
            throw new MalformedBodyException("a Subscription answer whose expires is not a number", e);
        }
    }

    /** {@code POST .../channel}: asks for a streaming channel in a channel set. */
    public static byte[] channel(String channelSetId, int priority, int weight, int expires) {
        return utf8("<Channel xmlns=\"" + NAMESPACE + "\"><channelSetId>" + SafeXml.escape(channelSetId) + "</channelSetId><priority>"
                + priority + "</priority><weight>" + weight + "</weight><expires>" + expires + "</expires></Channel>");
    }

    /** {@code PUT .../channel/<id>}: refreshes the channel's expiry. */
    public static byte[] channelRefresh(int expires) {
        return utf8("<Channel xmlns=\"" + NAMESPACE + "\"><expires>" + expires + "</expires></Channel>");
    }

    /** {@code POST .../user/<callCenterId>}: subscribes the channel set to an event package of one target. */
    public static byte[] subscription(String eventPackage, int expires, String channelSetId, String applicationId) {
        return utf8("<Subscription xmlns=\"" + NAMESPACE + "\"><targetIdType>User</targetIdType><event>" + SafeXml.escape(eventPackage)
                + "</event><expires>" + expires + "</expires><channelSetId>" + SafeXml.escape(channelSetId) + "</channelSetId><applicationId>"
                + SafeXml.escape(applicationId) + "</applicationId></Subscription>");
    }

    /** {@code PUT .../subscription/<id>}: refreshes a subscription's expiry. */
    public static byte[] subscriptionRefresh(int expires) {
        return utf8("<Subscription xmlns=\"" + NAMESPACE + "\"><expires>" + expires + "</expires></Subscription>");
    }

    /** {@code POST .../channel/eventresponse}: tells the server an event arrived. */
    public static byte[] eventResponse(String eventId) {
        return utf8("<EventResponse xmlns=\"" + NAMESPACE + "\"><eventID>" + SafeXml.escape(eventId)
                + "</eventID><statusCode>200</statusCode><reason>OK</reason></EventResponse>");
    }

    private static byte[] utf8(String s) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + s).getBytes(StandardCharsets.UTF_8);
    }
}
