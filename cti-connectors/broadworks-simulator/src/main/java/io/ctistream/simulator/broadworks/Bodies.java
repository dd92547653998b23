package io.ctistream.simulator.broadworks;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** NOTIFY bodies as a BroadWorks AS writes them (protocols/broadworks.md sections 2, 3.3, 9; RFC 4235). */
final class Bodies {
    static final String CSTA = "http://www.ecma-international.org/standards/ecma-323/csta/ed3";
    static final String PRI = "http://schema.broadsoft.com/CSTAPrivateData";
    static final String FEATURE_TYPE = "application/x-as-feature-event+xml";
    static final String HOTELING_TYPE = "application/x-broadworks-hoteling+xml";
    static final String DIALOG_TYPE = "application/dialog-info+xml";
    static final String BOUNDARY = "bwsim-boundary";

    private Bodies() {
    }

    static String hoteling(String guest, String nonce) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append("<HotelingEvent xmlns=\"http://schema.broadsoft.com/hoteling\">\n");
        b.append(guest == null ? "<guestAddress/>\n" : "<guestAddress>" + esc(guest) + "</guestAddress>\n");
        if (guest != null) {
            b.append("<expires>43200</expires>\n");
        }
        if (nonce != null) {
            b.append("<authenticationData><nonce>").append(nonce).append("</nonce></authenticationData>\n");
        }
        return b.append("</HotelingEvent>\n").toString();
    }

    static String agentState(SimUser u) {
        String root = switch (u.agentState) {
            case LOGGED_ON -> "AgentLoggedOnEvent";
            case READY -> "AgentReadyEvent";
            case NOT_READY -> "AgentNotReadyEvent";
            case WRAP_UP -> "AgentWorkingAfterCallEvent";
            case LOGGED_OFF -> "AgentLoggedOffEvent";
        };
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n");
        b.append('<').append(root).append(" xmlns=\"").append(CSTA).append("\"><agentDevice>").append(esc(u.user)).append("</agentDevice>");
        if (u.agentState == SimUser.AcdState.NOT_READY && u.reason != null) {
            b.append("<extensions><privateData><private xmlns:pri=\"").append(PRI).append("\"><pri:AgentNotReadyReasonValue>")
                    .append(esc(u.reason)).append("</pri:AgentNotReadyReasonValue></private></privateData></extensions>");
        }
        return b.append("</").append(root).append(">\n").toString();
    }

    static String dnd(SimUser u) {
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<DoNotDisturbEvent xmlns=\"" + CSTA + "\"><device>" + esc(u.user)
                + "</device><doNotDisturbOn>" + u.dnd + "</doNotDisturbOn></DoNotDisturbEvent>\n";
    }

    static String forwarding(SimUser u, String type) {
        SimUser.Forward f = u.forwarding.get(type);
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<ForwardingEvent xmlns=\"")
                .append(CSTA).append("\"><device>").append(esc(u.user)).append("</device><forwardingType>").append(type)
                .append("</forwardingType><forwardStatus>").append(f != null && f.on()).append("</forwardStatus><forwardTo>")
                .append(f == null || f.to() == null ? "" : esc(f.to())).append("</forwardTo>");
        if ("forwardNoAns".equals(type)) {
            b.append("<ringCount>").append(f == null || f.rings() == null ? 3 : f.rings()).append("</ringCount>");
        }
        return b.append("</ForwardingEvent>\n").toString();
    }

    /** The full state of every synchronised feature: multipart/mixed, one document per feature. */
    static byte[] featureFullState(SimUser u) {
        List<String> docs = List.of(dnd(u), forwarding(u, "forwardImmediate"), forwarding(u, "forwardBusy"),
                forwarding(u, "forwardNoAns"), agentState(u));
        StringBuilder b = new StringBuilder();
        for (String doc : docs) {
            b.append("--").append(BOUNDARY).append("\r\nContent-Type: ").append(FEATURE_TYPE).append("\r\n\r\n").append(doc);
            if (!doc.endsWith("\r\n")) {
                b.setLength(b.length() - 1);
                b.append("\r\n");
            }
        }
        b.append("--").append(BOUNDARY).append("--\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static String dialogInfo(SimUser u, long version, List<SimCall> calls) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?>\n<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"")
                .append(version).append("\" state=\"full\" entity=\"").append(esc(u.aor)).append("\">\n");
        for (SimCall c : calls) {
            b.append("  <dialog id=\"").append(c.id).append("\" call-id=\"").append(c.callId).append("\" direction=\"")
                    .append(c.inbound ? "recipient" : "initiator").append("\">\n");
            b.append("    <state");
            if (c.state == SimCall.State.TERMINATED && c.endEvent != null) {
                b.append(" event=\"").append(c.endEvent).append('"');
            }
            b.append('>').append(c.state.name().toLowerCase()).append("</state>\n");
            b.append("    <local><identity>").append(esc(c.localIdentity)).append("</identity>");
            if (c.held) {
                b.append("<target uri=\"").append(esc(u.aor)).append("\"><param pname=\"+sip.rendering\" pvalue=\"no\"/></target>");
            }
            b.append("</local>\n");
            b.append("    <remote><identity");
            if (c.remoteName != null) {
                b.append(" display=\"").append(esc(c.remoteName)).append('"');
            }
            b.append('>').append(esc(c.remote)).append("</identity></remote>\n");
            b.append("  </dialog>\n");
        }
        return b.append("</dialog-info>\n").toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
