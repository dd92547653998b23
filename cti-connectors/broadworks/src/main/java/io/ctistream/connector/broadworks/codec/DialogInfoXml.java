package io.ctistream.connector.broadworks.codec;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.w3c.dom.Element;

/**
 * The {@code dialog} event package body ({@code application/dialog-info+xml}, RFC 4235). Gives each
 * dialog's state, direction, identities and whether either side holds the call ({@code +sip.rendering}
 * = {@code no} on a target, RFC 4235 section 4.1.6.2).
 */
public final class DialogInfoXml {
    public static final String CONTENT_SUBTYPE = "dialog-info+xml";
    public static final String CONTENT_TYPE = "application/" + CONTENT_SUBTYPE;
    public static final String EVENT_PACKAGE = "dialog";
    public static final String NAMESPACE = "urn:ietf:params:xml:ns:dialog-info";

    private DialogInfoXml() {
    }

    public enum DialogState { TRYING, PROCEEDING, EARLY, CONFIRMED, TERMINATED }

    public enum Direction { INITIATOR, RECIPIENT, UNKNOWN }

    /** A whole document: {@code full} lists every dialog; {@code partial} only those that changed. */
    public record DialogInfo(long version, boolean full, String entity, List<Dialog> dialogs) {
    }

    /**
     * One dialog. {@code event} and {@code code} are the termination details of the state element
     * (e.g. "rejected", 486); {@code localIdentity} is the address the call was made to for a
     * received call, which is how an ACD call shows its queue.
     */
    public record Dialog(String id, String callId, Direction direction, DialogState state, String event, Integer code,
                         String localIdentity, String remoteIdentity, String remoteDisplay,
                         boolean localHeld, boolean remoteHeld) {
        /** The call's stable id: the SIP Call-ID where given, else the dialog id. */
        public String stableCallId() {
            return callId != null ? callId : id;
        }
    }

    public static DialogInfo decode(byte[] body) {
        Element root = SafeXml.parse(body);
        if (!"dialog-info".equals(SafeXml.localName(root))) {
            throw new MalformedBodyException("expected dialog-info, got " + SafeXml.localName(root));
        }
        long version;
        try {
            version = Long.parseLong(root.getAttribute("version").strip());
        } catch (NumberFormatException e) {
            throw new MalformedBodyException("dialog-info without a numeric version");
        }
        String stateAttr = root.getAttribute("state").strip();
        if (!stateAttr.equals("full") && !stateAttr.equals("partial")) {
            throw new MalformedBodyException("dialog-info state must be full or partial, was '" + stateAttr + "'");
        }
        List<Dialog> dialogs = new ArrayList<>();
        for (Element d : SafeXml.children(root, "dialog")) {
            dialogs.add(dialog(d));
        }
        return new DialogInfo(version, stateAttr.equals("full"), SafeXml.blankToNull(root.getAttribute("entity")), dialogs);
    }

    private static Dialog dialog(Element d) {
        String id = SafeXml.blankToNull(d.getAttribute("id"));
        if (id == null) {
            throw new MalformedBodyException("dialog without an id");
        }
        Element stateEl = SafeXml.child(d, "state");
        if (stateEl == null) {
            throw new MalformedBodyException("dialog " + id + " without a state");
        }
        DialogState state;
        try {
            state = DialogState.valueOf(stateEl.getTextContent().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MalformedBodyException("dialog " + id + " has an unknown state");
        }
        Integer code = null;
        String codeAttr = SafeXml.blankToNull(stateEl.getAttribute("code"));
        if (codeAttr != null) {
            try {
                code = Integer.valueOf(codeAttr);
            } catch (NumberFormatException e) {
                code = null;
            }
        }
        Direction direction = switch (d.getAttribute("direction").strip()) {
            case "initiator" -> Direction.INITIATOR;
            case "recipient" -> Direction.RECIPIENT;
            default -> Direction.UNKNOWN;
        };
        Element local = SafeXml.child(d, "local");
        Element remote = SafeXml.child(d, "remote");
        Element remoteIdentity = SafeXml.child(remote, "identity");
        return new Dialog(id, SafeXml.blankToNull(d.getAttribute("call-id")), direction, state,
                SafeXml.blankToNull(stateEl.getAttribute("event")), code,
                SafeXml.text(local, "identity"),
                remoteIdentity == null ? null : SafeXml.blankToNull(remoteIdentity.getTextContent()),
                remoteIdentity == null ? null : SafeXml.blankToNull(remoteIdentity.getAttribute("display")),
                notRendering(local), notRendering(remote));
    }

    /** True when the participant's target says {@code +sip.rendering=no}: that side holds the call. */
    private static boolean notRendering(Element participant) {
        Element target = SafeXml.child(participant, "target");
        if (target == null) {
            return false;
        }
        for (Element p : SafeXml.children(target, "param")) {
            if ("+sip.rendering".equalsIgnoreCase(p.getAttribute("pname").strip())
                    && "no".equalsIgnoreCase(p.getAttribute("pvalue").strip())) {
                return true;
            }
        }
        return false;
    }
}
