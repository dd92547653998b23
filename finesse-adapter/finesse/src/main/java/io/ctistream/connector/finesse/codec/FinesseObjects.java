package io.ctistream.connector.finesse.codec;

import static io.ctistream.connector.finesse.codec.FinesseXml.child;
import static io.ctistream.connector.finesse.codec.FinesseXml.children;
import static io.ctistream.connector.finesse.codec.FinesseXml.text;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import io.ctistream.connector.finesse.codec.FinesseDialog.Participant;
import io.ctistream.connector.finesse.codec.FinesseDialog.ParticipantState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.w3c.dom.Element;

/**
 * Reads the Finesse objects out of elements, the same way whether they came in a notification or a
 * REST body: local names in any case, any order, unknown elements ignored, IDs kept as strings.
 */
final class FinesseObjects {
    /** Finesse's "no reason applies". */
    private static final String NO_REASON = "-1";

    private FinesseObjects() {
    }

    /** A {@code <user>}/{@code <User>}; the loginId comes from {@code <uri>} when missing, and one of the two is required. */
    static FinesseUser user(Element u) {
        String loginId = text(u, "loginId");
        if (loginId == null) {
            loginId = FinesseXml.lastSegment(text(u, "uri"));
        }
        if (loginId == null) {
            throw new MalformedBodyException("a User without loginId or uri");
        }
        FinesseState state = FinesseState.of(text(u, "state"));
        String reasonCodeId = text(u, "reasonCodeId");
        Element rc = child(u, "ReasonCode");
        List<String> roles = new ArrayList<>();
        for (Element r : children(child(u, "roles"), "role")) {
            String role = SafeXml.blankToNull(r.getTextContent());
            if (role != null) {
                roles.add(role);
            }
        }
        return new FinesseUser(loginId, text(u, "loginName"), text(u, "extension"), state == null ? FinesseState.UNKNOWN : state,
                FinesseState.of(text(u, "pendingState")), NO_REASON.equals(reasonCodeId) ? null : reasonCodeId,
                rc == null ? null : reasonCode(rc), text(u, "stateChangeTime"), text(u, "teamId"), text(u, "teamName"), roles);
    }

    /** A {@code <Team>}: id (from {@code <uri>} when missing), name, and its {@code <users>} summaries; a user without loginId or uri is malformed. */
    static FinesseTeam team(Element t) {
        String id = text(t, "id");
        if (id == null) {
            id = FinesseXml.lastSegment(text(t, "uri"));
        }
        if (id == null) {
            throw new MalformedBodyException("a Team without id or uri");
        }
        List<FinesseTeam.Member> users = new ArrayList<>();
        for (Element u : children(child(t, "users"), "User")) {
            String loginId = text(u, "loginId");
            if (loginId == null) {
                loginId = FinesseXml.lastSegment(text(u, "uri"));
            }
            if (loginId == null) {
                throw new MalformedBodyException("a Team user without loginId or uri");
            }
            FinesseState state = FinesseState.of(text(u, "state"));
            users.add(new FinesseTeam.Member(loginId, text(u, "firstName"), text(u, "lastName"), text(u, "extension"),
                    state == null ? FinesseState.UNKNOWN : state));
        }
        return new FinesseTeam(id, text(t, "name"), users);
    }

    /** A {@code <ReasonCode>}; the id comes from {@code <uri>} when missing. */
    static ReasonCode reasonCode(Element rc) {
        String id = text(rc, "id");
        if (id == null) {
            id = FinesseXml.lastSegment(text(rc, "uri"));
        }
        String forAll = text(rc, "forAll");
        Boolean all = "true".equalsIgnoreCase(forAll) ? Boolean.TRUE : "false".equalsIgnoreCase(forAll) ? Boolean.FALSE : null;
        return new ReasonCode(id, text(rc, "code"), text(rc, "label"), FinesseXml.upper(rc, "category"), all);
    }

    static List<ReasonCode> reasonCodes(Element list) {
        List<ReasonCode> out = new ArrayList<>();
        for (Element rc : children(list, "ReasonCode")) {
            out.add(reasonCode(rc));
        }
        return out;
    }

    /** A {@code <Dialog>}/{@code <dialog>}; the id comes from {@code <uri>} when missing, and one of the two is required. */
    static FinesseDialog dialog(Element d) {
        String id = text(d, "id");
        if (id == null) {
            id = FinesseXml.lastSegment(text(d, "uri"));
        }
        if (id == null) {
            throw new MalformedBodyException("a Dialog without id or uri");
        }
        Element media = child(d, "mediaProperties");
        Map<String, String> vars = new LinkedHashMap<>();
        for (Element v : children(child(media, "callvariables"), "CallVariable")) {
            String name = text(v, "name");
            if (name != null) {
                String value = text(v, "value");
                vars.put(name, value == null ? "" : value);
            }
        }
        List<Participant> participants = new ArrayList<>();
        for (Element p : children(child(d, "participants"), "Participant")) {
            participants.add(participant(p));
        }
        return new FinesseDialog(id, text(d, "mediaType"), text(d, "fromAddress"), text(d, "toAddress"),
                FinesseDialog.State.of(text(d, "state")), text(media, "callType"), text(media, "DNIS"), text(media, "queueNumber"),
                text(media, "queueName"), text(d, "associatedDialogUri"), text(d, "secondaryId"), vars, participants);
    }

    static List<FinesseDialog> dialogs(Element list) {
        List<FinesseDialog> out = new ArrayList<>();
        for (Element d : children(list, "Dialog")) {
            out.add(dialog(d));
        }
        return out;
    }

    private static Participant participant(Element p) {
        List<String> actions = new ArrayList<>();
        for (Element a : children(child(p, "actions"), "action")) {
            String action = SafeXml.blankToNull(a.getTextContent());
            if (action != null) {
                actions.add(action.toUpperCase(Locale.ROOT));
            }
        }
        return new Participant(text(p, "mediaAddress"), text(p, "mediaAddressType"), ParticipantState.of(text(p, "state")),
                text(p, "stateCause"), actions);
    }

    /** The {@code apiError}/{@code ApiError} children of an {@code apiErrors}/{@code ApiErrors} element. */
    static List<ApiError> apiErrors(Element list) {
        List<ApiError> out = new ArrayList<>();
        for (Element e : children(list, "apiError")) {
            out.add(new ApiError(text(e, "errorType"), text(e, "errorMessage"), text(e, "errorData"), text(e, "peripheralErrorCode")));
        }
        return out;
    }

    /**
     * A {@code <Queue>}: the id from {@code <id>} or the last segment of {@code <uri>} (one is
     * required), its name, and the figures of {@code <statistics>}; a figure that is -1, blank or
     * not a number is null (unknown), never 0.
     */
    static FinesseQueue queue(Element q) {
        String id = text(q, "id");
        if (id == null) {
            id = FinesseXml.lastSegment(text(q, "uri"));
        }
        if (id == null) {
            throw new MalformedBodyException("a Queue without id or uri");
        }
        Element st = child(q, "statistics");
        return new FinesseQueue(id, text(q, "name"), figure(st, "callsInQueue"), instant(text(st, "startTimeOfLongestCallInQueue")),
                figure(st, "agentsReady"), figure(st, "agentsNotReady"), figure(st, "agentsBusyOther"), figure(st, "agentsLoggedOn"),
                figure(st, "agentsTalkingInbound"), figure(st, "agentsTalkingOutbound"), figure(st, "agentsTalkingInternal"),
                figure(st, "agentsWrapUpNotReady"), figure(st, "agentsWrapUpReady"));
    }

    /** A count of the Queue statistics: null when absent, negative (-1: unassigned queue) or not a number. */
    private static Integer figure(Element parent, String name) {
        String t = parent == null ? null : text(parent, name);
        if (t == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(t.strip());
            return n < 0 ? null : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Finesse's times: {@code 2024-03-01T17:50:00Z}, with milliseconds or an offset; null when empty or unreadable. */
    private static java.time.Instant instant(String t) {
        if (t == null || t.isBlank()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(t.strip()).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    static SystemInfo systemInfo(Element s) {
        return new SystemInfo(SystemInfo.Status.of(text(s, "status")), text(s, "deploymentType"), FinesseXml.host(s, "primaryNode"),
                FinesseXml.host(s, "secondaryNode"), text(s, "xmppDomain"), text(s, "xmppPubSubDomain"), text(s, "systemAuthMode"));
    }
}
