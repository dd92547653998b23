package io.ctistream.connector.aes.codec;

import static io.ctistream.connector.aes.codec.DmccNamespaces.APPL_SESSION;
import static io.ctistream.connector.aes.codec.DmccNamespaces.AVAYA;
import static io.ctistream.connector.aes.codec.DmccNamespaces.CSTA;

import io.ctistream.codec.SafeXml;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * The DMCC requests the connector sends, as complete single-line XML documents with the prolog and
 * the namespaces of protocols/aes.md section 2 written out in full; frame them with
 * {@link DmccFraming#encode}. Every value is escaped; a blank required value or a character XML
 * 1.0 cannot carry is an {@link IllegalArgumentException} (the caller's mistake). Optional values
 * that are null are left out.
 */
public final class DmccRequests {
    static final String PROLOG = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    private static final String PRIVATE_OPEN = "<extensions><privateData><private>";
    private static final String PRIVATE_CLOSE = "</private></privateData></extensions>";

    private DmccRequests() {
    }

    /**
     * What a SetAgentState asks for (protocols/aes.md section 6). {@code password} is the plain
     * agent password; it is sent as xsd:hexBinary of its UTF-8 bytes ("1234" is {@code 31323334}).
     * {@code agentId}, {@code password}, {@code workMode} and {@code reasonCode} may be null.
     */
    public record AgentRequest(String requestedAgentState, String agentId, String password, String workMode, Integer reasonCode,
                               boolean enablePending) {
        @Override
        public String toString() {
            return "AgentRequest[requestedAgentState=" + requestedAgentState + ", agentId=" + agentId + ", password="
                    + (password == null ? "null" : "***") + ", workMode=" + workMode + ", reasonCode=" + reasonCode
                    + ", enablePending=" + enablePending + "]";
        }
    }

    /** StartApplicationSession (TV1); {@code oldSessionId} (nullable) asks AES to re-attach that session. */
    public static String startApplicationSession(String applicationId, String user, String password, int cleanupDelaySeconds,
                                                 String oldSessionId, List<String> protocolVersions, int durationSeconds) {
        if (protocolVersions == null || protocolVersions.isEmpty()) {
            throw new IllegalArgumentException("at least one protocol version is required");
        }
        StringBuilder b = open("StartApplicationSession", APPL_SESSION).append("<applicationInfo>");
        element(b, "applicationID", required("applicationId", applicationId));
        b.append("<applicationSpecificInfo><ns1:SessionLoginInfo xmlns:ns1=\"").append(AVAYA).append("\" xmlns:xsi=\"")
                .append(DmccNamespaces.XSI).append("\" xsi:type=\"ns1:SessionLoginInfo\">");
        element(b, "ns1:userName", required("user", user));
        // the password is sent as given (not stripped): a space may be part of it
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("password is required");
        }
        element(b, "ns1:password", password);
        element(b, "ns1:sessionCleanupDelay", Integer.toString(cleanupDelaySeconds));
        if (present(oldSessionId)) {
            element(b, "ns1:sessionID", oldSessionId.strip());
        }
        b.append("</ns1:SessionLoginInfo></applicationSpecificInfo></applicationInfo><requestedProtocolVersions>");
        for (String v : protocolVersions) {
            element(b, "protocolVersion", required("protocolVersion", v));
        }
        b.append("</requestedProtocolVersions>");
        element(b, "requestedSessionDuration", Integer.toString(durationSeconds));
        return close(b, "StartApplicationSession");
    }

    /** The keep-alive (TV3). */
    public static String resetApplicationSessionTimer(String sessionId, int durationSeconds) {
        StringBuilder b = open("ResetApplicationSessionTimer", APPL_SESSION);
        element(b, "sessionID", required("sessionId", sessionId));
        element(b, "requestedSessionDuration", Integer.toString(durationSeconds));
        return close(b, "ResetApplicationSessionTimer");
    }

    /** Ends the session normally. */
    public static String stopApplicationSession(String sessionId) {
        StringBuilder b = open("StopApplicationSession", APPL_SESSION);
        element(b, "sessionID", required("sessionId", sessionId));
        b.append("<sessionEndReason><definedEndReason>normal</definedEndReason></sessionEndReason>");
        return close(b, "StopApplicationSession");
    }

    /**
     * Moves the monitors of a session AES would not re-attach to the new one (section 3, recovery
     * step 2). Written in V [I]: Avaya's own Java binding has {@code TransferMonitorObjects} among
     * its extension types, while f-me sends it in its negotiated protocol namespace and works; AES
     * tolerates the variation (section 2). Answered by {@code TransferMonitorObjectsResponse}.
     */
    public static String transferMonitorObjects(String fromSessionId, String toSessionId) {
        StringBuilder b = open("TransferMonitorObjects", AVAYA);
        element(b, "fromSessionID", required("fromSessionId", fromSessionId));
        element(b, "toSessionID", required("toSessionId", toSessionId));
        return close(b, "TransferMonitorObjects");
    }

    /**
     * CSTA SystemRegister for the AES-CM link status of one switch connection (section 5).
     * Confirmed from a client generated from Avaya's XSDs (Ratcow {@code DmccV63ClientProtocol}, read
     * for shape only): root {@code SystemRegister} in E; {@code requestTypes/systemStatus=true};
     * {@code requestedStatusFilter} with {@code normal} and {@code disabled} true; and
     * {@code extensions/privateData/private/SystemRegisterPrivateData} (V) carrying
     * {@code switchName} and {@code invertFilter=true}. The reply {@code SystemRegisterResponse}
     * with {@code sysStatRegisterID} is a captured AES answer (quoted in Ratcow's {@code Servlet.cs}).
     * Inferred [I]: the element order inside the private data (switchName first, as the class lists
     * it) and that, with {@code invertFilter}, a true filter flag means "send" as for MonitorStart.
     */
    public static String systemRegister(String switchName) {
        StringBuilder b = open("SystemRegister", CSTA);
        b.append("<requestTypes><systemStatus>true</systemStatus></requestTypes>");
        b.append("<requestedStatusFilter><normal>true</normal><disabled>true</disabled></requestedStatusFilter>");
        b.append(PRIVATE_OPEN).append("<SystemRegisterPrivateData xmlns=\"").append(AVAYA).append("\">");
        element(b, "switchName", required("switchName", switchName));
        b.append("<invertFilter>true</invertFilter></SystemRegisterPrivateData>").append(PRIVATE_CLOSE);
        return close(b, "SystemRegister");
    }

    /** The answer to a SystemStatus request AES sends us (psco-tech answers it empty, as here). */
    public static String systemStatusResponse() {
        return PROLOG + "<SystemStatusResponse xmlns=\"" + CSTA + "\"/>";
    }

    /** GetDeviceId for a station (TV4), controllable by other sessions as f-me asks. */
    public static String getDeviceId(String switchName, String extension) {
        StringBuilder b = open("GetDeviceId", AVAYA);
        element(b, "switchName", required("switchName", switchName));
        element(b, "extension", required("extension", extension));
        element(b, "controllableByOtherSessions", "true");
        return close(b, "GetDeviceId");
    }

    public static String releaseDeviceId(String device) {
        StringBuilder b = open("ReleaseDeviceId", AVAYA);
        element(b, "device", required("device", device));
        return close(b, "ReleaseDeviceId");
    }

    /** MonitorStart on a station (section 5): call control and agent events, invertFilter so "true" means "send". */
    public static String monitorStart(String device) {
        StringBuilder b = open("MonitorStart", CSTA).append("<monitorObject><deviceObject typeOfNumber=\"other\" mediaClass=\"notKnown\">");
        b.append(text("device", required("device", device))).append("</deviceObject></monitorObject>");
        b.append("<requestedMonitorFilter><callcontrol>");
        for (String f : List.of("connectionCleared", "conferenced", "delivered", "diverted", "established", "failed", "held", "originated",
                "retrieved", "transferred")) {
            element(b, f, "true");
        }
        b.append("</callcontrol><logicalDeviceFeature>");
        for (String f : List.of("agentLoggedOn", "agentLoggedOff", "agentReady", "agentNotReady", "agentWorkingAfterCall")) {
            element(b, f, "true");
        }
        b.append("</logicalDeviceFeature></requestedMonitorFilter>");
        b.append(PRIVATE_OPEN).append("<AvayaEvents xmlns=\"").append(AVAYA).append("\"><invertFilter>true</invertFilter></AvayaEvents>")
                .append(PRIVATE_CLOSE);
        return close(b, "MonitorStart");
    }

    /** MonitorStop, in E (the notes leave the namespace open, section 13 question 4; AES tolerates either). */
    public static String monitorStop(String crossRefId) {
        StringBuilder b = open("MonitorStop", CSTA);
        element(b, "monitorCrossRefID", required("crossRefId", crossRefId));
        return close(b, "MonitorStop");
    }

    /** GetAgentState (TV8). */
    public static String getAgentState(String device) {
        StringBuilder b = open("GetAgentState", CSTA);
        element(b, "device", required("device", device));
        return close(b, "GetAgentState");
    }

    /** SetAgentState (TV6, TV7); private data only when a work mode, reason code or enablePending is given. */
    public static String setAgentState(String device, AgentRequest request) {
        StringBuilder b = open("SetAgentState", CSTA);
        element(b, "device", required("device", device));
        element(b, "requestedAgentState", required("requestedAgentState", request.requestedAgentState()));
        if (present(request.agentId())) {
            element(b, "agentID", request.agentId().strip());
        }
        if (request.password() != null && !request.password().isEmpty()) {
            element(b, "password", HexFormat.of().formatHex(request.password().getBytes(StandardCharsets.UTF_8)));
        }
        boolean privateData = present(request.workMode()) || request.reasonCode() != null || request.enablePending();
        if (privateData) {
            b.append(PRIVATE_OPEN).append("<SetAgentStatePrivateData xmlns=\"").append(AVAYA).append("\">");
            if (present(request.workMode())) {
                element(b, "workMode", request.workMode().strip());
            }
            if (request.reasonCode() != null) {
                element(b, "reasonCode", request.reasonCode().toString());
            }
            if (request.enablePending()) {
                element(b, "enablePending", "true");
            }
            b.append("</SetAgentStatePrivateData>").append(PRIVATE_CLOSE);
        }
        return close(b, "SetAgentState");
    }

    // ------------------------------------------------------------------ writing

    private static StringBuilder open(String root, String ns) {
        return new StringBuilder(512).append(PROLOG).append('<').append(root).append(" xmlns=\"").append(ns).append("\">");
    }

    private static String close(StringBuilder b, String root) {
        return b.append("</").append(root).append('>').toString();
    }

    private static void element(StringBuilder b, String name, String value) {
        b.append('<').append(name).append('>').append(text(name, value)).append("</").append(name).append('>');
    }

    /** Escaped text; refuses characters XML 1.0 cannot carry (the name says which value, never the value). */
    private static String text(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
                throw new IllegalArgumentException(name + " holds a character XML cannot carry (U+" + Integer.toHexString(c) + ")");
            }
        }
        return SafeXml.escape(value);
    }

    private static String required(String name, String value) {
        if (!present(value)) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value.strip();
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
