package io.ctistream.simulator.aes;

import io.ctistream.codec.SafeXml;

/**
 * The peer's answers, in the exact shapes of the notes' test vectors (§12) with the §2 namespaces
 * expanded. Plain text templates rather than a DOM writer, because the byte-exact shape (attribute
 * order, prefixes, no whitespace) is what a client's parser meets on real AES.
 */
final class DmccXml {
    static final String A = "http://www.ecma-international.org/standards/ecma-354/appl_session";
    static final String E = "http://www.ecma-international.org/standards/ecma-323/csta/ed3";
    static final String V = "http://www.avaya.com/csta";

    private DmccXml() {
    }

    static String esc(String s) {
        return SafeXml.escape(s);
    }

    /** {@code <name>text</name>}, escaped. */
    static String el(String name, Object text) {
        return "<" + name + ">" + esc(String.valueOf(text)) + "</" + name + ">";
    }

    /** {@code <ns1:name>text</ns1:name>} for Avaya private data. */
    static String ns1(String name, Object text) {
        return "<ns1:" + name + ">" + esc(String.valueOf(text)) + "</ns1:" + name + ">";
    }

    /** Avaya private data of a CSTA message: {@code <extensions>…<ns1:Type xmlns:ns1="V">inner</ns1:Type>…}. */
    static String privateData(String type, String inner) {
        return "<extensions><privateData><private><ns1:" + type + " xmlns:ns1=\"" + V + "\">" + inner + "</ns1:" + type
                + "></private></privateData></extensions>";
    }

    // ---------------------------------------------------------------- session services (A)

    static String startPos(String sessionId, String protocolVersion, int duration) {
        return "<StartApplicationSessionPosResponse xmlns=\"" + A + "\">" + el("sessionID", sessionId)
                + el("actualProtocolVersion", protocolVersion) + el("actualSessionDuration", duration) + "</StartApplicationSessionPosResponse>";
    }

    static String startNeg(String definedError) {
        return "<StartApplicationSessionNegResponse xmlns=\"" + A + "\"><errorCode>" + el("definedError", definedError)
                + "</errorCode></StartApplicationSessionNegResponse>";
    }

    /** A Neg response with free text, for what ECMA-354 has no defined error (a re-attach refused). */
    static String startNegText(String applError) {
        return "<StartApplicationSessionNegResponse xmlns=\"" + A + "\"><errorCode>" + el("applError", applError)
                + "</errorCode></StartApplicationSessionNegResponse>";
    }

    static String resetPos(int duration) {
        return "<ResetApplicationSessionTimerPosResponse xmlns=\"" + A + "\">" + el("actualSessionDuration", duration)
                + "</ResetApplicationSessionTimerPosResponse>";
    }

    static String resetNeg(String definedError) {
        return "<ResetApplicationSessionTimerNegResponse xmlns=\"" + A + "\"><errorCode>" + el("definedError", definedError)
                + "</errorCode></ResetApplicationSessionTimerNegResponse>";
    }

    static String stopPos() {
        return "<StopApplicationSessionPosResponse xmlns=\"" + A + "\"/>";
    }

    static String stopNeg(String definedError) {
        return "<StopApplicationSessionNegResponse xmlns=\"" + A + "\"><errorCode>" + el("definedError", definedError)
                + "</errorCode></StopApplicationSessionNegResponse>";
    }

    /** TV12: sent with invoke id 9999 when the session ends on its own. */
    static String terminated(String sessionId, String reason) {
        return "<ApplicationSessionTerminated xmlns=\"" + A + "\">" + el("sessionID", sessionId) + "<sessionTermReason>"
                + el("definedTermReason", reason) + "</sessionTermReason></ApplicationSessionTerminated>";
    }

    /** [I] the Avaya session service's namespace; clients parse by local name. */
    static String transferMonitorObjectsResponse() {
        return "<TransferMonitorObjectsResponse xmlns=\"" + V + "\"/>";
    }

    // ---------------------------------------------------------------- devices, monitors, system (V, E)

    /** TV4. */
    static String deviceId(String device) {
        return "<GetDeviceIdResponse xmlns=\"" + V + "\"><device typeOfNumber=\"other\" mediaClass=\"voice\" bitRate=\"constant\">"
                + esc(device) + "</device></GetDeviceIdResponse>";
    }

    static String thirdPartyDeviceId(String device) {
        return "<GetThirdPartyDeviceIdResponse xmlns=\"" + V + "\"><device typeOfNumber=\"explicitPublic:unknown\" mediaClass=\"notKnown\">"
                + esc(device) + "</device></GetThirdPartyDeviceIdResponse>";
    }

    static String releaseDeviceIdResponse() {
        return "<ReleaseDeviceIdResponse xmlns=\"" + V + "\"/>";
    }

    /** TV5. */
    static String monitorStartResponse(long crossRefId) {
        return "<MonitorStartResponse xmlns=\"" + E + "\">" + el("monitorCrossRefID", crossRefId) + "</MonitorStartResponse>";
    }

    static String monitorStopResponse() {
        return "<MonitorStopResponse xmlns=\"" + E + "\"/>";
    }

    static String systemRegisterResponse(long registerId) {
        return "<SystemRegisterResponse xmlns=\"" + E + "\">" + el("sysStatRegisterID", registerId) + "</SystemRegisterResponse>";
    }

    /** Server-initiated: the AES↔CM link state, {@code normal} or {@code disabled}; the client answers SystemStatusResponse. */
    static String systemStatus(long registerId, String status) {
        return "<SystemStatus xmlns=\"" + E + "\">" + el("sysStatRegisterID", registerId) + el("systemStatus", status) + "</SystemStatus>";
    }

    // ---------------------------------------------------------------- errors (§8)

    /** {@code <CSTAErrorCode xmlns="E"><category>value</category></CSTAErrorCode>}, e.g. TV6's failure and TV12. */
    static String error(String category, String value) {
        return "<CSTAErrorCode xmlns=\"" + E + "\">" + el(category, value) + "</CSTAErrorCode>";
    }

    static String error(CstaError e) {
        return error(e.category(), e.value());
    }
}
