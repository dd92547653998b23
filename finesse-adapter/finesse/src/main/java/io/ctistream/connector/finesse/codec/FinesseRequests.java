package io.ctistream.connector.finesse.codec;

import io.ctistream.codec.SafeXml;

/**
 * Request bodies for Finesse REST (protocols/finesse.md section 3), sent with
 * {@value #CONTENT_TYPE}: a User state change ({@code PUT /User/{id}}), a dialog action
 * ({@code PUT /Dialog/{dialogId}}) and MAKE_CALL ({@code POST /User/{id}/Dialogs}). Every value is
 * escaped; a blank required value or a character XML 1.0 cannot carry is an
 * {@link IllegalArgumentException} (the caller's mistake, not the platform's).
 */
public final class FinesseRequests {
    public static final String CONTENT_TYPE = "application/xml";

    private FinesseRequests() {
    }

    /** The call actions that take only the agent's own extension ({@code targetMediaAddress}). */
    public enum DialogAction {
        ANSWER, HOLD, RETRIEVE, DROP, TRANSFER, CONFERENCE
    }

    /** Sign in on an extension: {@code <User><state>LOGIN</state><extension>…</extension></User>}. */
    public static String signIn(String extension) {
        return signIn(extension, null);
    }

    /** Sign in on an extension, naming the device on a multiline extension ({@code activeDeviceId}, may be null). */
    public static String signIn(String extension, String activeDeviceId) {
        StringBuilder b = new StringBuilder("<User><state>LOGIN</state>");
        element(b, "extension", required("extension", extension));
        if (present(activeDeviceId)) {
            element(b, "activeDeviceId", activeDeviceId.strip());
        }
        return b.append("</User>").toString();
    }

    public static String ready() {
        return "<User><state>READY</state></User>";
    }

    /** NOT_READY; {@code reasonCodeId} is the Finesse database ID of the reason code, null or blank for none. */
    public static String notReady(String reasonCodeId) {
        return stateWithReason("NOT_READY", reasonCodeId);
    }

    /** LOGOUT; {@code reasonCodeId} is the Finesse database ID of the reason code, null or blank for none. */
    public static String logout(String reasonCodeId) {
        return stateWithReason("LOGOUT", reasonCodeId);
    }

    /** {@code <Dialog><targetMediaAddress>…</targetMediaAddress><requestedAction>…</requestedAction></Dialog>}. */
    public static String dialogAction(DialogAction action, String targetMediaAddress) {
        StringBuilder b = new StringBuilder("<Dialog>");
        element(b, "targetMediaAddress", required("targetMediaAddress", targetMediaAddress));
        element(b, "requestedAction", action.name());
        return b.append("</Dialog>").toString();
    }

    /** CONSULT_CALL on the active (original) dialog: holds it and dials {@code toAddress}. */
    public static String consultCall(String targetMediaAddress, String toAddress) {
        StringBuilder b = new StringBuilder("<Dialog>");
        element(b, "targetMediaAddress", required("targetMediaAddress", targetMediaAddress));
        element(b, "toAddress", required("toAddress", toAddress));
        element(b, "requestedAction", "CONSULT_CALL");
        return b.append("</Dialog>").toString();
    }

    /** TRANSFER_SST (blind transfer) on the active dialog. */
    public static String singleStepTransfer(String targetMediaAddress, String toAddress) {
        StringBuilder b = new StringBuilder("<Dialog>");
        element(b, "requestedAction", "TRANSFER_SST");
        element(b, "toAddress", required("toAddress", toAddress));
        element(b, "targetMediaAddress", required("targetMediaAddress", targetMediaAddress));
        return b.append("</Dialog>").toString();
    }

    /** SEND_DTMF with {@code actionParams} (UCCE: 0-9 * # A-D; UCCX: 0-9 * #; Finesse checks them). */
    public static String sendDtmf(String targetMediaAddress, String digits) {
        StringBuilder b = new StringBuilder("<Dialog>");
        element(b, "requestedAction", "SEND_DTMF");
        element(b, "targetMediaAddress", required("targetMediaAddress", targetMediaAddress));
        b.append("<actionParams><ActionParam>");
        element(b, "name", "dtmfString");
        element(b, "value", required("digits", digits));
        return b.append("</ActionParam></actionParams></Dialog>").toString();
    }

    /** MAKE_CALL from the agent's extension; {@code toAddress} is sent as given (Finesse does not normalise it). */
    public static String makeCall(String fromAddress, String toAddress) {
        StringBuilder b = new StringBuilder("<Dialog>");
        element(b, "requestedAction", "MAKE_CALL");
        element(b, "fromAddress", required("fromAddress", fromAddress));
        element(b, "toAddress", required("toAddress", toAddress));
        return b.append("</Dialog>").toString();
    }

    private static String stateWithReason(String state, String reasonCodeId) {
        StringBuilder b = new StringBuilder("<User>");
        element(b, "state", state);
        if (present(reasonCodeId)) {
            element(b, "reasonCodeId", reasonCodeId.strip());
        }
        return b.append("</User>").toString();
    }

    private static void element(StringBuilder b, String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
                throw new IllegalArgumentException(name + " holds a character XML cannot carry (U+" + Integer.toHexString(c) + ")");
            }
        }
        b.append('<').append(name).append('>').append(SafeXml.escape(value)).append("</").append(name).append('>');
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
