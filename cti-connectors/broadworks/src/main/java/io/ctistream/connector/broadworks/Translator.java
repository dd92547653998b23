package io.ctistream.connector.broadworks;

import io.ctistream.connector.broadworks.codec.DialogInfoXml.Dialog;
import io.ctistream.connector.broadworks.codec.DialogInfoXml.Direction;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.BwAgentState;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.ForwardingType;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import io.ctistream.events.ForwardingKind;

/**
 * BroadWorks facts to canonical values (DESIGN.md section 4, protocols/broadworks.md section 3.4).
 * Pure functions.
 */
final class Translator {
    private Translator() {
    }

    /** AgentLoggedOnEvent is a sign-in that is not yet available: NOT_READY without a reason. */
    static AgentState state(BwAgentState s) {
        return switch (s) {
            case LOGGED_ON, NOT_READY -> AgentState.NOT_READY;
            case READY -> AgentState.READY;
            case WORKING_AFTER_CALL -> AgentState.WRAP_UP;
            case LOGGED_OFF -> AgentState.LOGGED_OUT;
        };
    }

    /** The SetAgentState value for a canonical state a command asks for, or null when it cannot be asked. */
    static BwAgentState request(AgentState s) {
        return switch (s) {
            case READY -> BwAgentState.READY;
            case NOT_READY -> BwAgentState.NOT_READY;
            case WRAP_UP -> BwAgentState.WORKING_AFTER_CALL;
            default -> null;
        };
    }

    static ForwardingKind kind(ForwardingType t) {
        if (t == null) {
            return ForwardingKind.OTHER;
        }
        return switch (t) {
            case IMMEDIATE -> ForwardingKind.ALWAYS;
            case BUSY -> ForwardingKind.BUSY;
            case NO_ANSWER -> ForwardingKind.NO_ANSWER;
        };
    }

    static ForwardingType type(ForwardingKind k) {
        return switch (k) {
            case ALWAYS -> ForwardingType.IMMEDIATE;
            case BUSY -> ForwardingType.BUSY;
            case NO_ANSWER -> ForwardingType.NO_ANSWER;
            case OTHER -> null;
        };
    }

    /** RFC 4235 dialog state to the agent's call state. */
    static CallState callState(Dialog d) {
        boolean received = d.direction() != Direction.INITIATOR;
        return switch (d.state()) {
            case TRYING, PROCEEDING -> received ? CallState.OFFERED : CallState.DIALING;
            case EARLY -> received ? CallState.OFFERED : CallState.RINGING;
            case CONFIRMED -> d.localHeld() ? CallState.HELD : d.remoteHeld() ? CallState.REMOTE_HELD : CallState.CONNECTED;
            case TERMINATED -> {
                String ev = d.event() == null ? "" : d.event();
                if (ev.equals("replaced")) {
                    yield CallState.REPLACED;
                }
                if (ev.equals("rejected") || ev.equals("error") || (d.code() != null && d.code() >= 300)) {
                    yield CallState.FAILED;
                }
                yield CallState.ENDED;
            }
        };
    }

    static CallDirection direction(Dialog d) {
        return switch (d.direction()) {
            case INITIATOR -> CallDirection.OUTBOUND;
            case RECIPIENT -> CallDirection.INBOUND;
            case UNKNOWN -> CallDirection.UNKNOWN;
        };
    }

    /** The user part of a SIP or tel URI ("sip:+15550123@as" is "+15550123"), else the text as given. */
    static String party(String uri) {
        if (uri == null) {
            return null;
        }
        String u = uri.strip();
        int colon = u.indexOf(':');
        if (colon > 0 && (u.startsWith("sip") || u.startsWith("tel"))) {
            u = u.substring(colon + 1);
        }
        int at = u.indexOf('@');
        if (at > 0) {
            u = u.substring(0, at);
        }
        int semi = u.indexOf(';');
        return semi > 0 ? u.substring(0, semi) : u;
    }
}
