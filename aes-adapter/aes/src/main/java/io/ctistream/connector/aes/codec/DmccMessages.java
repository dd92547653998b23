package io.ctistream.connector.aes.codec;

import static io.ctistream.connector.aes.codec.DmccXml.child;
import static io.ctistream.connector.aes.codec.DmccXml.text;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import io.ctistream.connector.aes.codec.DmccMessage.Ack;
import io.ctistream.connector.aes.codec.DmccMessage.AgentStateRead;
import io.ctistream.connector.aes.codec.DmccMessage.AgentStateSet;
import io.ctistream.connector.aes.codec.DmccMessage.CstaError;
import io.ctistream.connector.aes.codec.DmccMessage.DeviceId;
import io.ctistream.connector.aes.codec.DmccMessage.MonitorStarted;
import io.ctistream.connector.aes.codec.DmccMessage.NegResponse;
import io.ctistream.connector.aes.codec.DmccMessage.ServiceLinkStatus;
import io.ctistream.connector.aes.codec.DmccMessage.SessionStarted;
import io.ctistream.connector.aes.codec.DmccMessage.SessionTerminated;
import io.ctistream.connector.aes.codec.DmccMessage.SystemRegistered;
import io.ctistream.connector.aes.codec.DmccMessage.SystemStatus;
import io.ctistream.connector.aes.codec.DmccMessage.TimerReset;
import io.ctistream.connector.aes.codec.DmccMessage.Unknown;
import org.w3c.dom.Element;

/**
 * Reads one DMCC XML body (the bytes after the frame header) into a {@link DmccMessage}, by the
 * root's local name. Refused as malformed ({@link MalformedBodyException}, never anything else):
 * what {@link SafeXml} refuses (not XML, a DTD, entities, too large, too deep), a root in a
 * namespace that is not ECMA's or Avaya's (an HTML or SOAP page on the wrong port), a
 * {@code CSTAErrorCode} without exactly one child, and a response without the one value it exists
 * for (a session id, a device, a cross-reference id, a number that is not one).
 */
public final class DmccMessages {
    /** The largest body a frame can carry. */
    public static final int MAX_BODY = DmccFraming.MAX_FRAME - DmccFraming.HEADER;

    private DmccMessages() {
    }

    public static DmccMessage parse(byte[] body) throws MalformedBodyException {
        Element root = SafeXml.parse(body, MAX_BODY);
        checkNamespace(root);
        String name = SafeXml.localName(root);
        switch (name) {
            case "StartApplicationSessionPosResponse":
                return new SessionStarted(DmccXml.required(root, "sessionID"), text(root, "actualProtocolVersion"),
                        DmccXml.integer(root, "actualSessionDuration", 0));
            case "ResetApplicationSessionTimerPosResponse":
                return new TimerReset(DmccXml.integer(root, "actualSessionDuration", 0));
            case "ApplicationSessionTerminated":
                return new SessionTerminated(text(root, "sessionID"), firstText(child(root, "sessionTermReason")));
            case "GetDeviceIdResponse", "GetThirdPartyDeviceIdResponse":
                return new DeviceId(required(DmccXml.device(root, "device"), root, "device"));
            case "MonitorStartResponse":
                return new MonitorStarted(DmccXml.required(root, "monitorCrossRefID"));
            case "SetAgentStateResponse":
                return new AgentStateSet(text(root, "pendingAgentState") != null || DmccXml.bool(text(DmccXml.privateData(root), "isPending")));
            case "GetAgentStateResponse":
                return agentState(root);
            case "SystemRegisterResponse":
                return new SystemRegistered(DmccXml.required(root, "sysStatRegisterID"));
            case "SystemStatus", "SystemStatusEvent", "RequestSystemStatusResponse":
                return new SystemStatus(text(root, "systemStatus"));
            case "ServiceLinkStatusEvent":
                return new ServiceLinkStatus(DmccXml.device(root, "device"), DmccXml.bool(text(root, "serviceLinkUp")));
            case "CSTAErrorCode":
                return cstaError(root);
            case "CSTAException":
                return cstaException(root);
            default:
                return other(root, name);
        }
    }

    private static DmccMessage other(Element root, String name) {
        if (name.endsWith("NegResponse")) {
            return new NegResponse(name, negError(root));
        }
        DmccMessage event = DmccEvents.call(root);
        if (event == null) {
            event = DmccEvents.agent(root);
        }
        if (event != null) {
            return event;
        }
        return name.endsWith("Response") ? new Ack(name) : new Unknown(name);
    }

    /** GetAgentStateResponse: the first entry (section 6); {@code loggedOn} from loggedOnState, else from an agentState other than agentNull. */
    private static AgentStateRead agentState(Element root) {
        Element entry = SafeXml.path(root, "agentStateList", "agentStateEntry");
        Element item = SafeXml.path(entry, "agentInfo", "agentInfoItem");
        // an older shape carries agentState directly in the response
        Element stateHolder = item != null ? item : entry != null ? entry : root;
        String state = text(stateHolder, "agentState");
        String loggedOnText = text(entry != null ? entry : root, "loggedOnState");
        boolean loggedOn = loggedOnText != null ? DmccXml.bool(loggedOnText) : state != null && !state.equals("agentNull");
        Element priv = DmccXml.privateData(root);
        return new AgentStateRead(text(entry != null ? entry : root, "agentID"), loggedOn, state, text(stateHolder, "pendingAgentState"),
                text(priv, "workMode"), text(priv, "talkState"), text(priv, "reasonCode"), text(priv, "pendingReasonCode"));
    }

    /** CSTAErrorCode holds exactly one child: its name is the category, its text the value (section 8). */
    private static CstaError cstaError(Element root) {
        if (DmccXml.elementCount(root) != 1) {
            throw new MalformedBodyException("<CSTAErrorCode> must hold exactly one child, it holds " + DmccXml.elementCount(root));
        }
        Element only = DmccXml.firstElement(root);
        // systemResourceAvailibility keeps the schema's spelling: the name is taken as it is
        return new CstaError(SafeXml.localName(only), SafeXml.blankToNull(only.getTextContent()));
    }

    /** Avaya's CSTAException: its nested error code if any, else the exception class. Message and stack trace are never copied. */
    private static CstaError cstaException(Element root) {
        Element nested = child(root, "CSTAErrorCode");
        if (nested != null) {
            return cstaError(nested);
        }
        return new CstaError("exception", text(root, "exceptionClass"));
    }

    /** errorCode/{definedError|applError|…}; for other shapes the first child's text. */
    private static String negError(Element root) {
        Element code = child(root, "errorCode");
        return code != null ? firstText(code) : firstText(root);
    }

    /** The text of the first child element, or the element's own text when it has no child element. */
    private static String firstText(Element e) {
        if (e == null) {
            return null;
        }
        Element first = DmccXml.firstElement(e);
        return SafeXml.blankToNull((first != null ? first : e).getTextContent());
    }

    private static String required(String value, Element root, String what) {
        if (value == null) {
            throw new MalformedBodyException("<" + SafeXml.localName(root) + "> without " + what);
        }
        return value;
    }

    /**
     * The root must be unqualified or in an ECMA or Avaya namespace: AES itself varies the URI
     * ({@code …/ed3}, {@code …/ed3/priv6}, {@code …/appl_session}, {@code avaya.com/csta}), so only
     * the host part is checked.
     */
    private static void checkNamespace(Element root) {
        String ns = root.getNamespaceURI();
        if (ns != null && !ns.startsWith("http://www.ecma-international.org/") && !ns.startsWith("http://www.avaya.com/")) {
            throw new MalformedBodyException("not a DMCC message: <" + SafeXml.localName(root) + "> in namespace " + ns);
        }
    }
}
