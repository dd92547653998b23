package io.ctistream.simulator.finesse;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Writes the simulator's XML: the Finesse objects (User, Dialog, Team summary, Queue, SystemInfo,
 * ApiErrors) and the {@code <Update>} envelope of a notification, spelled per the current
 * {@link NotificationStyle}. Field names follow the Finesse developer guide; where the protocol
 * notes mark a shape as inferred, the choice is named in the method's comment.
 */
final class Notifications {
    static final String API = "/finesse/api/";
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** Queue statistics as the Queue object names them (Cisco's Queue API page). */
    record QueueStats(int callsInQueue, Instant oldestCall, int agentsReady, int agentsNotReady, int agentsBusyOther,
                      int agentsLoggedOn, int agentsTalkingInbound, int agentsTalkingOutbound, int agentsTalkingInternal,
                      int agentsWrapUpNotReady, int agentsWrapUpReady) {
    }

    /** The fields of SystemInfo that change per side and over time. */
    record SystemInfo(String status, String primaryHost, String secondaryHost, String xmppDomain, String pubSubDomain,
                      Instant now) {
    }

    private NotificationStyle style = NotificationStyle.CAPTURE;
    private Random random = new Random(0);

    void style(NotificationStyle style) {
        this.style = style;
        this.random = new Random(style.seed());
    }

    NotificationStyle style() {
        return style;
    }

    static String time(Instant t) {
        return t == null ? "" : MILLIS.format(t);
    }

    // ---------------------------------------------------------------- objects

    /** The full User object; {@code name} is {@code User} in REST bodies and per style in notifications. */
    static XmlEl user(SimAgent a, IntFunction<ReasonCode> reasons, String name) {
        UserSpec s = a.spec;
        XmlEl u = XmlEl.el(name)
                .add("dialogs", API + "User/" + s.loginId() + "/Dialogs")
                .add("extension", a.extension)
                .add("firstName", "Agent")
                .add("lastName", s.loginId())
                .add("loginId", s.loginId())
                .add("loginName", s.loginName())
                .add("mediaType", 1)
                .add("pendingState", a.pendingState)
                .add("reasonCodeId", a.reasonCodeId);
        ReasonCode rc = a.reasonCodeId < 0 ? null : reasons.apply(a.reasonCodeId);
        if (rc != null) {
            u.add(reasonCode(rc, "ReasonCode"));
        }
        XmlEl roles = XmlEl.el("roles").add("role", "Agent");
        if (s.supervisor()) {
            roles.add("role", "Supervisor");
        }
        return u.add(roles)
                .add(XmlEl.el("settings").add("wrapUpOnIncoming", "OPTIONAL").add("wrapUpOnOutgoing", "NOT_ALLOWED"))
                .add("state", a.state)
                .add("stateChangeTime", time(a.stateChangeTime))
                .add("teamId", s.teamId())
                .add("teamName", s.teamName())
                .add("uri", API + "User/" + s.loginId());
    }

    /** The summary a Team object and the Team/Users node carry (Cisco's Team page: uri, loginId, names, state, ReasonCode). */
    static XmlEl teamUser(SimAgent a, IntFunction<ReasonCode> reasons, String name) {
        XmlEl u = XmlEl.el(name)
                .add("dialogs", API + "User/" + a.id() + "/Dialogs")
                .add("extension", a.extension)
                .add("firstName", "Agent")
                .add("lastName", a.id())
                .add("loginId", a.id())
                .add("pendingState", a.pendingState)
                .add("state", a.state)
                .add("stateChangeTime", time(a.stateChangeTime));
        ReasonCode rc = a.reasonCodeId < 0 ? null : reasons.apply(a.reasonCodeId);
        if (rc != null) {
            u.add(reasonCode(rc, "ReasonCode"));
        }
        return u.add("uri", API + "User/" + a.id());
    }

    static XmlEl reasonCode(ReasonCode rc, String name) {
        return XmlEl.el(name).add("category", rc.category()).add("code", rc.code()).add("forAll", "true")
                .add("id", rc.id()).add("label", rc.label()).add("systemCode", "false")
                .add("uri", API + "ReasonCode/" + rc.id());
    }

    static XmlEl dialog(SimDialog d, String agentExtension, String name) {
        XmlEl props = XmlEl.el("mediaProperties")
                .add("DNIS", d.inbound() ? d.toAddress : "")
                .add("callType", d.callType)
                .add("dialedNumber", d.toAddress)
                .add("mediaId", 1);
        if (d.queueId != null) {
            props.add("queueName", d.queueName).add("queueNumber", d.queueId);
        }
        XmlEl vars = XmlEl.el("callvariables");
        for (Map.Entry<String, String> v : d.callVariables.entrySet()) {
            vars.add(XmlEl.el("CallVariable").add("name", v.getKey()).add("value", v.getValue()));
        }
        props.add(vars);
        XmlEl actions = XmlEl.el("actions");
        d.actions().forEach(act -> actions.add("action", act));
        String other = d.inbound() ? d.fromAddress : d.toAddress;
        XmlEl agent = XmlEl.el("Participant").add(actions).add("mediaAddress", agentExtension)
                .add("mediaAddressType", "AGENT_DEVICE").add("startTime", time(d.startTime)).add("state", d.agentState)
                .add("stateCause", "").add("stateChangeTime", time(d.agentStateChangeTime));
        XmlEl far = XmlEl.el("Participant").add(XmlEl.el("actions")).add("mediaAddress", other).add("mediaAddressType", "")
                .add("startTime", time(d.startTime)).add("state", d.otherState).add("stateCause", "")
                .add("stateChangeTime", time(d.startTime));
        return XmlEl.el(name)
                .add("associatedDialogUri", "")
                .add("fromAddress", d.fromAddress)
                .add("id", d.id)
                .add(props)
                .add("mediaType", "Voice")
                .add(XmlEl.el("participants").add(agent).add(far))
                .add("state", d.state)
                .add("toAddress", d.toAddress)
                .add("uri", API + "Dialog/" + d.id);
    }

    static XmlEl queue(String id, String name, QueueStats q) {
        return XmlEl.el("Queue")
                .add("uri", API + "Queue/" + id)
                .add("name", name)
                .add(XmlEl.el("statistics")
                        .add("callsInQueue", q.callsInQueue())
                        .add("startTimeOfLongestCallInQueue", q.oldestCall() == null ? "" : SECONDS.format(q.oldestCall()))
                        .add("agentsReady", q.agentsReady())
                        .add("agentsNotReady", q.agentsNotReady())
                        .add("agentsBusyOther", q.agentsBusyOther())
                        .add("agentsLoggedOn", q.agentsLoggedOn())
                        .add("agentsTalkingInbound", q.agentsTalkingInbound())
                        .add("agentsTalkingOutbound", q.agentsTalkingOutbound())
                        .add("agentsTalkingInternal", q.agentsTalkingInternal())
                        .add("agentsWrapUpNotReady", q.agentsWrapUpNotReady())
                        .add("agentsWrapUpReady", q.agentsWrapUpReady()));
    }

    static XmlEl systemInfo(SystemInfo s) {
        return XmlEl.el("SystemInfo")
                .add("currentTimestamp", time(s.now()))
                .add("deploymentType", "UCCE")
                .add(XmlEl.el("primaryNode").add("host", s.primaryHost()))
                .add(XmlEl.el("secondaryNode").add("host", s.secondaryHost()))
                .add("status", s.status())
                .add("systemAuthMode", "NON_SSO")
                .add("timezoneOffset", 0)
                .add("uri", API + "SystemInfo")
                .add("xmppDomain", s.xmppDomain())
                .add("xmppPubSubDomain", s.pubSubDomain());
    }

    /** A synchronous error body: UpperCamel, as REST answers it (§4, TV5). */
    static String apiErrorsSync(String type, String message, String data) {
        return XmlEl.el("ApiErrors").add(XmlEl.el("ApiError").add("ErrorData", data).add("ErrorMessage", message)
                .add("ErrorType", type)).xml();
    }

    /** An asynchronous error: lowerCamel, as the notification carries it (TV3, TV4, TV10). */
    static XmlEl apiErrorsAsync(String type, String message, String data, String peripheralErrorCode) {
        XmlEl e = XmlEl.el("apiError");
        if (peripheralErrorCode != null) {
            e.add("peripheralErrorCode", peripheralErrorCode);
        }
        return XmlEl.el("apiErrors").add(e.add("errorType", type).add("errorMessage", message).add("errorData", data));
    }

    // ---------------------------------------------------------------- the envelope

    /** The element name for a User or dialog under {@code data}, per style. */
    String objectName(String lowerName) {
        return style.capitalObjects() ? Character.toUpperCase(lowerName.charAt(0)) + lowerName.substring(1) : lowerName;
    }

    /**
     * An {@code <Update>} in the current style. Default order is the 12.5 capture's (data, event,
     * requestId, source); a null requestId is written empty, as for unsolicited events.
     */
    String update(String event, String requestId, String source, XmlEl object) {
        XmlEl data = XmlEl.el("data");
        if (object != null) {
            data.add(object);
        }
        XmlEl u = XmlEl.el("Update").add(data)
                .add("event", style.lowerCaseEvent() ? event.toLowerCase(Locale.ROOT) : event.toUpperCase(Locale.ROOT));
        if (!style.omitRequestId()) {
            u.add("requestId", requestId == null ? "" : requestId);
        }
        u.add("source", source);
        if (style.shuffled()) {
            u.shuffle(random);
            if (object != null) {
                object.shuffle(random);
            }
        }
        return u.xml();
    }
}
