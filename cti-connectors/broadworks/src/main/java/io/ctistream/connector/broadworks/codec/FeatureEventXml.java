package io.ctistream.connector.broadworks.codec;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/**
 * The {@code as-feature-event} package body ({@code application/x-as-feature-event+xml}, DFKS):
 * SetAgentState / SetDoNotDisturb / SetForwarding requests out, the agent, DND and forwarding
 * events in. Matches on local names, so both ECMA-323 namespace spellings (and none) read the
 * same; an unknown root is reported as {@link Unknown}, never an error.
 */
public final class FeatureEventXml {
    public static final String CONTENT_SUBTYPE = "x-as-feature-event+xml";
    public static final String CONTENT_TYPE = "application/" + CONTENT_SUBTYPE;
    public static final String EVENT_PACKAGE = "as-feature-event";
    /** The spelling every client sends; BroadWorks examples also use it without the hyphen. */
    public static final String CSTA_NAMESPACE = "http://www.ecma-international.org/standards/ecma-323/csta/ed3";
    public static final String PRIVATE_NAMESPACE = "http://schema.broadsoft.com/CSTAPrivateData";

    private FeatureEventXml() {
    }

    /** {@code requestedAgentState} values and the NOTIFY roots that confirm them. */
    public enum BwAgentState {
        LOGGED_ON("loggedOn", "AgentLoggedOnEvent"),
        READY("ready", "AgentReadyEvent"),
        NOT_READY("notReady", "AgentNotReadyEvent"),
        WORKING_AFTER_CALL("workingAfterCall", "AgentWorkingAfterCallEvent"),
        LOGGED_OFF("loggedOff", "AgentLoggedOffEvent");

        public final String requestValue;
        public final String eventRoot;

        BwAgentState(String requestValue, String eventRoot) {
            this.requestValue = requestValue;
            this.eventRoot = eventRoot;
        }

        static BwAgentState ofRoot(String root) {
            for (BwAgentState s : values()) {
                if (s.eventRoot.equals(root)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** {@code forwardingType} values. */
    public enum ForwardingType {
        IMMEDIATE("forwardImmediate"), BUSY("forwardBusy"), NO_ANSWER("forwardNoAns");

        public final String xml;

        ForwardingType(String xml) {
            this.xml = xml;
        }

        public static ForwardingType ofXml(String s) {
            for (ForwardingType t : values()) {
                if (t.xml.equals(s)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** One document of an as-feature-event NOTIFY. */
    public sealed interface FeatureEvent permits AgentStateEvent, DndEvent, ForwardingEvent, Unknown {
    }

    /** The ACD agent state; {@code reason} is the opaque AgentNotReadyReasonValue, leading zeros kept. */
    public record AgentStateEvent(BwAgentState state, String reason) implements FeatureEvent {
    }

    public record DndEvent(boolean on) implements FeatureEvent {
    }

    /** {@code type} is null for a forwardingType this connector does not know. */
    public record ForwardingEvent(ForwardingType type, String rawType, boolean on, String forwardTo, Integer ringCount)
            implements FeatureEvent {
    }

    /** A root this connector does not act on (call recording mode, executive, ...). */
    public record Unknown(String root) implements FeatureEvent {
    }

    // ---- requests ----

    /** SetAgentState in the element order clients send: device, requestedAgentState, [extensions], agentID, password. */
    public static byte[] setAgentState(BwAgentState requested, String notReadyReason) {
        StringBuilder b = new StringBuilder(512);
        b.append("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n");
        b.append("<SetAgentState xmlns=\"").append(CSTA_NAMESPACE).append("\">\n");
        b.append("<device></device>\n");
        b.append("<requestedAgentState>").append(requested.requestValue).append("</requestedAgentState>\n");
        if (requested == BwAgentState.NOT_READY && notReadyReason != null && !notReadyReason.isBlank()) {
            b.append("<extensions>\n<privateData>\n");
            b.append("<private xmlns:pri=\"").append(PRIVATE_NAMESPACE).append("\">\n");
            b.append("<pri:AgentNotReadyReasonValue>").append(SafeXml.escape(notReadyReason))
                    .append("</pri:AgentNotReadyReasonValue>\n");
            b.append("</private>\n</privateData>\n</extensions>\n");
        }
        b.append("<agentID></agentID>\n");
        b.append("<password></password>\n");
        b.append("</SetAgentState>\n");
        return Latin1.encode(b);
    }

    public static byte[] setDoNotDisturb(String device, boolean on) {
        String b = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
                + "<SetDoNotDisturb xmlns=\"" + CSTA_NAMESPACE + "\">\n"
                + "<device>" + SafeXml.escape(nullToEmpty(device)) + "</device>\n"
                + "<doNotDisturbOn>" + on + "</doNotDisturbOn>\n"
                + "</SetDoNotDisturb>\n";
        return Latin1.encode(b);
    }

    public static byte[] setForwarding(String device, ForwardingType type, boolean on, String forwardDn, Integer ringCount) {
        String b = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
                + "<SetForwarding xmlns=\"" + CSTA_NAMESPACE + "\">\n"
                + "<device>" + SafeXml.escape(nullToEmpty(device)) + "</device>\n"
                + "<activateForward>" + on + "</activateForward>\n"
                + "<forwardingType>" + type.xml + "</forwardingType>\n"
                + "<forwardDN>" + SafeXml.escape(nullToEmpty(forwardDn)) + "</forwardDN>\n"
                + "<ringCount>" + (ringCount == null ? "" : ringCount.toString()) + "</ringCount>\n"
                + "</SetForwarding>\n";
        return Latin1.encode(b);
    }

    // ---- notifications ----

    /**
     * Reads a NOTIFY body of this package: a single document, or {@code multipart/mixed} with one
     * document per part (the full-state NOTIFY after a SUBSCRIBE).
     *
     * @param contentType the Content-Type header value
     * @throws MalformedBodyException when the body or any part is malformed: nothing of it applies
     */
    public static List<FeatureEvent> decode(String contentType, byte[] body) {
        if (Multipart.isMultipart(contentType)) {
            List<FeatureEvent> out = new ArrayList<>();
            for (Multipart.Part part : Multipart.parse(contentType, body)) {
                out.add(decodeDocument(part.body()));
            }
            return out;
        }
        return List.of(decodeDocument(body));
    }

    /** Reads one document. */
    public static FeatureEvent decodeDocument(byte[] body) {
        Element root = SafeXml.parse(body);
        String name = SafeXml.localName(root);
        BwAgentState agentState = BwAgentState.ofRoot(name);
        if (agentState != null) {
            String reason = null;
            if (agentState == BwAgentState.NOT_READY) {
                Element value = SafeXml.path(root, "extensions", "privateData", "private", "AgentNotReadyReasonValue");
                reason = value == null ? null : SafeXml.blankToNull(value.getTextContent());
            }
            return new AgentStateEvent(agentState, reason);
        }
        return switch (name) {
            case "DoNotDisturbEvent" -> new DndEvent(bool(root, "doNotDisturbOn"));
            case "ForwardingEvent" -> {
                String rawType = SafeXml.text(root, "forwardingType");
                String rings = SafeXml.text(root, "ringCount");
                Integer ringCount = null;
                if (rings != null) {
                    try {
                        ringCount = Integer.valueOf(rings);
                    } catch (NumberFormatException e) {
                        throw new MalformedBodyException("ringCount is not a number: " + rings);
                    }
                }
                yield new ForwardingEvent(ForwardingType.ofXml(rawType), rawType, bool(root, "forwardStatus"),
                        SafeXml.text(root, "forwardTo"), ringCount);
            }
            default -> new Unknown(name);
        };
    }

    private static boolean bool(Element root, String child) {
        String v = SafeXml.text(root, child);
        if ("true".equalsIgnoreCase(v) || "1".equals(v)) {
            return true;
        }
        if ("false".equalsIgnoreCase(v) || "0".equals(v)) {
            return false;
        }
        throw new MalformedBodyException(SafeXml.localName(root) + "/" + child + " is not a boolean: " + v);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
