package io.ctistream.connector.aes.codec;

import static io.ctistream.connector.aes.codec.DmccXml.child;
import static io.ctistream.connector.aes.codec.DmccXml.device;
import static io.ctistream.connector.aes.codec.DmccXml.text;

import io.ctistream.codec.SafeXml;
import io.ctistream.connector.aes.codec.DmccMessage.AgentEvent;
import io.ctistream.connector.aes.codec.DmccMessage.CallEvent;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/**
 * Agent and call events (protocols/aes.md sections 6 and 7), by root local name. Each call event
 * names its own connection element and its subject device; everything else is read the same way
 * for all of them, absent fields being null.
 */
final class DmccEvents {
    /** Where a call event keeps its connection and subject device. */
    private record Shape(CallEvent.Kind kind, String connection, String subject) {
    }

    private DmccEvents() {
    }

    /** The agent event for this root, or null when the root is not one. */
    static AgentEvent agent(Element root) {
        AgentEvent.Kind kind = switch (SafeXml.localName(root)) {
            case "AgentLoggedOnEvent" -> AgentEvent.Kind.LOGGED_ON;
            case "AgentLoggedOffEvent" -> AgentEvent.Kind.LOGGED_OFF;
            case "AgentReadyEvent" -> AgentEvent.Kind.READY;
            case "AgentNotReadyEvent" -> AgentEvent.Kind.NOT_READY;
            case "AgentWorkingAfterCallEvent" -> AgentEvent.Kind.WORKING_AFTER_CALL;
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        // agentPassword (LoggedOn/Off) is deliberately never read
        Element priv = DmccXml.privateData(root);
        return new AgentEvent(kind, text(root, "monitorCrossRefID"), device(root, "agentDevice"), text(root, "agentID"),
                device(root, "acdGroup"), text(priv, "reasonCode"), text(priv, "pendingWorkMode"), text(priv, "pendingReasonCode"),
                text(root, "cause"));
    }

    /** The call event for this root, or null when the root is not one. */
    static CallEvent call(Element root) {
        Shape s = shape(SafeXml.localName(root));
        if (s == null) {
            return null;
        }
        Element priv = DmccXml.privateData(root);
        Element connection = child(root, s.connection);
        String called = device(root, "calledDevice");
        String secondary = null;
        List<String> newCalls = List.of();
        switch (s.kind) {
            case TRANSFERRED -> {
                called = first(device(root, "transferredToDevice"), called);
                secondary = text(child(root, "secondaryOldCall"), "callID");
                newCalls = newCallIds(child(root, "transferredConnections"));
            }
            case CONFERENCED -> {
                called = first(device(root, "addedParty"), called);
                secondary = text(child(root, "secondaryOldCall"), "callID");
                newCalls = newCallIds(child(root, "conferenceConnections"));
            }
            case DIVERTED -> called = first(device(root, "newDestination"), called);
            default -> {
            }
        }
        return new CallEvent(s.kind, text(root, "monitorCrossRefID"), text(connection, "callID"), DmccXml.deviceValue(child(connection, "deviceID")),
                s.subject == null ? null : device(root, s.subject), device(root, "callingDevice"), called, device(root, "lastRedirectionDevice"),
                text(root, "localConnectionInfo"), text(root, "cause"), ucid(root, priv), device(priv, "acdGroup"), device(priv, "distributingVDN"),
                secondary, newCalls);
    }

    private static Shape shape(String root) {
        return switch (root) {
            case "OriginatedEvent" -> new Shape(CallEvent.Kind.ORIGINATED, "originatedConnection", "callingDevice");
            case "DeliveredEvent" -> new Shape(CallEvent.Kind.DELIVERED, "connection", "alertingDevice");
            case "EstablishedEvent" -> new Shape(CallEvent.Kind.ESTABLISHED, "establishedConnection", "answeringDevice");
            case "HeldEvent" -> new Shape(CallEvent.Kind.HELD, "heldConnection", "holdingDevice");
            case "RetrievedEvent" -> new Shape(CallEvent.Kind.RETRIEVED, "retrievedConnection", "retrievingDevice");
            case "ConnectionClearedEvent" -> new Shape(CallEvent.Kind.CONNECTION_CLEARED, "droppedConnection", "releasingDevice");
            case "DivertedEvent" -> new Shape(CallEvent.Kind.DIVERTED, "connection", "divertingDevice");
            // the schema spells it TransferedEvent (section 5); the correct spelling is accepted too
            case "TransferedEvent", "TransferredEvent" -> new Shape(CallEvent.Kind.TRANSFERRED, "primaryOldCall", "transferringDevice");
            case "ConferencedEvent" -> new Shape(CallEvent.Kind.CONFERENCED, "primaryOldCall", "conferencingDevice");
            case "FailedEvent" -> new Shape(CallEvent.Kind.FAILED, "failedConnection", "failingDevice");
            case "QueuedEvent" -> new Shape(CallEvent.Kind.QUEUED, "queuedConnection", "queue");
            case "CallClearedEvent" -> new Shape(CallEvent.Kind.CALL_CLEARED, "clearedCall", null);
            default -> null;
        };
    }

    /** The 20-digit UCID: the standard call linkage data, else Avaya's private {@code ucid}. */
    private static String ucid(Element root, Element priv) {
        String standard = text(SafeXml.path(root, "callLinkageData", "globalCallData", "globalCallLinkageID"), "globallyUniqueCallLinkageID");
        return standard != null ? standard : text(priv, "ucid");
    }

    /** The call ids of {@code connectionListItem/newConnection}, in order, without repeats. */
    private static List<String> newCallIds(Element list) {
        List<String> ids = new ArrayList<>(2);
        if (list == null) {
            return ids;
        }
        for (Element item : SafeXml.children(list, "connectionListItem")) {
            String id = text(child(item, "newConnection"), "callID");
            if (id != null && !ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}
