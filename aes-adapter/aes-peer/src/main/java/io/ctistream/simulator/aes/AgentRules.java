package io.ctistream.simulator.aes;

import static io.ctistream.simulator.aes.DmccXml.E;
import static io.ctistream.simulator.aes.DmccXml.el;
import static io.ctistream.simulator.aes.DmccXml.ns1;
import static io.ctistream.simulator.aes.DmccXml.privateData;

import io.ctistream.codec.SafeXml;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * CM's agent-state rules behind SetAgentState and GetAgentState (§6, TV6–TV8): login with the
 * agent's hex password, ready in autoIn or manualIn, AUX with a reason, after-call work, logout;
 * changes during a call are refused unless {@code enablePending}, and then applied when the calls
 * end; an answered ACD call ends in after-call work (manualIn, or any mode with a timed wrap-up).
 */
final class AgentRules {
    private static final Set<String> READY_MODES = Set.of("autoIn", "manualIn");
    private final PeerSwitch sw;

    AgentRules(PeerSwitch sw) {
        this.sw = sw;
    }

    /** The reported form of a requested state or a work mode (agentNull … agentWorkingAfterCall). */
    static String reported(String requestedState, String workMode) {
        if ("loggedOff".equals(requestedState)) {
            return "agentNull";
        }
        String mode = requestedState == null ? workMode : switch (requestedState) {
            case "ready" -> "manualIn";
            case "notReady" -> "auxWork";
            case "workingAfterCall" -> "afterCallWork";
            default -> workMode;
        };
        return switch (String.valueOf(mode)) {
            case "autoIn", "manualIn" -> "agentReady";
            case "afterCallWork" -> "agentWorkingAfterCall";
            default -> "agentNotReady";
        };
    }

    /** The station a SetAgentState is about, counted for {@link AesPeer#commandsReceived}; null if none. */
    Station count(Element req) {
        Station s = sw.stationOf(SafeXml.text(req, "device"));
        if (s != null) {
            s.commands++;
        }
        return s;
    }

    /** SetAgentState from a client: TV6's and TV7's shapes. */
    String setAgentState(Element req) {
        Station s = sw.stationOf(SafeXml.text(req, "device"));
        if (s == null) {
            throw CstaError.operation("invalidDeviceID");
        }
        if (s.ignoreCommands) {
            return "<SetAgentStateResponse xmlns=\"" + E + "\"/>";
        }
        String requested = SafeXml.text(req, "requestedAgentState");
        Element priv = SafeXml.path(req, "extensions", "privateData", "private", "SetAgentStatePrivateData");
        String workMode = SafeXml.text(priv, "workMode");
        int reason = reasonCode(SafeXml.text(priv, "reasonCode"));
        boolean pendingAllowed = "true".equals(SafeXml.text(priv, "enablePending"));
        if ("loggedOn".equals(requested) && !s.loggedOn) {
            checkLogin(s, SafeXml.text(req, "agentID"), SafeXml.text(req, "password"));
        }
        Station.Pending pending = change(s, requested, workMode, reason, pendingAllowed);
        if (pending == null) {
            return "<SetAgentStateResponse xmlns=\"" + E + "\"/>";
        }
        return "<SetAgentStateResponse xmlns=\"" + E + "\">" + el("pendingAgentState", pending.reported())
                + privateData("SetAgentStateResponsePrivateData", ns1("isPending", true)) + "</SetAgentStateResponse>";
    }

    private static void checkLogin(Station s, String agentId, String hexPassword) {
        if (!s.agentId.equals(agentId)) {
            throw CstaError.operation("invalidAgentIdentifier");
        }
        String password;
        try {
            password = hexPassword == null ? null : new String(HexFormat.of().parseHex(hexPassword), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            password = null; // xsd:hexBinary or nothing [I]: plain digits of odd length are not hex
        }
        if (!s.agentPassword.equals(password)) {
            throw CstaError.operation("invalidAgentPassword");
        }
    }

    /**
     * Applies a requested state now, or keeps it as pending while the station has calls and
     * {@code pendingAllowed}; returns the pending change, or null when applied. Used by the client's
     * SetAgentState and by the platform's buttons.
     */
    Station.Pending change(Station s, String requested, String workMode, int reason, boolean pendingAllowed) {
        if (requested == null || !Set.of("loggedOn", "loggedOff", "ready", "notReady", "workingAfterCall").contains(requested)) {
            throw CstaError.operation("valueOutOfRange");
        }
        if (reason < 0 || reason > 99) {
            throw CstaError.operation("valueOutOfRange"); // CM's reason codes are 0-99 [I]
        }
        if (workMode != null && !Set.of("autoIn", "manualIn", "auxWork", "afterCallWork").contains(workMode)) {
            throw CstaError.operation("valueOutOfRange"); // TSAPI names such as AUTO_IN are not wire values (§6)
        }
        if ("loggedOn".equals(requested)) {
            apply(s, requested, workMode, reason); // [I] a second login of the logged-on agent changes nothing
            return null;
        }
        if (!s.loggedOn) {
            throw CstaError.operation("invalidAgentState"); // ready, AUX, ACW or logout of an agent not logged on
        }
        if (s.hasCalls()) {
            if (!pendingAllowed) {
                throw CstaError.operation("invalidAgentState"); // f-me: changing a busy agent fails (§6)
            }
            s.pending = new Station.Pending(requested, workMode, reason);
            return s.pending;
        }
        apply(s, requested, workMode, reason);
        return null;
    }

    /** Sets the state and raises the agent event, unless nothing changes. */
    void apply(Station s, String requested, String workMode, int reason) {
        switch (requested) {
            case "loggedOn" -> {
                if (s.loggedOn) {
                    return;
                }
                s.loggedOn = true;
                s.workMode = workMode == null ? "auxWork" : workMode;
                s.reasonCode = "auxWork".equals(s.workMode) ? reason : 0;
                remember(s);
                sw.emitAgent(s, "agentLoggedOn", x -> EventXml.agent("AgentLoggedOnEvent", x, s.device, s.agentId));
                stateEvent(s);
            }
            case "loggedOff" -> {
                cancelWrapUp(s);
                s.loggedOn = false;
                s.reasonCode = reason;
                s.pending = null;
                sw.emitAgent(s, "agentLoggedOff", x -> EventXml.agent("AgentLoggedOffEvent", x, s.device, s.agentId));
            }
            case "ready" -> {
                String mode = isReadyMode(workMode) ? workMode : s.readyMode;
                if (mode.equals(s.workMode)) {
                    return; // READY → READY: no event [I]
                }
                set(s, mode, 0);
            }
            case "notReady" -> {
                if ("auxWork".equals(s.workMode) && s.reasonCode == reason) {
                    return;
                }
                set(s, "auxWork", reason);
            }
            default -> {
                if (!"afterCallWork".equals(s.workMode)) {
                    set(s, "afterCallWork", 0);
                }
            }
        }
    }

    /** Null-safe: {@code Set.of(...).contains(null)} throws, and a request may name no work mode. */
    private static boolean isReadyMode(String workMode) {
        return workMode != null && READY_MODES.contains(workMode);
    }

    private void set(Station s, String mode, int reason) {
        cancelWrapUp(s);
        s.workMode = mode;
        s.reasonCode = reason;
        remember(s);
        stateEvent(s);
    }

    private static void remember(Station s) {
        if (isReadyMode(s.workMode)) {
            s.readyMode = s.workMode;
        }
    }

    private void stateEvent(Station s) {
        switch (s.workMode) {
            case "autoIn", "manualIn" -> sw.emitAgent(s, "agentReady", x -> EventXml.agent("AgentReadyEvent", x, s.device, s.agentId));
            case "afterCallWork" -> sw.emitAgent(s, "agentWorkingAfterCall",
                    x -> EventXml.agent("AgentWorkingAfterCallEvent", x, s.device, s.agentId));
            default -> {
                int reason = s.reasonCode;
                sw.emitAgent(s, "agentNotReady", x -> EventXml.agentNotReady(x, s.device, s.agentId, reason));
            }
        }
    }

    /** After the station's last call: the pending change, else after-call work for an answered ACD call (CM's rules). */
    void callsEnded(Station s, boolean talkedAcd) {
        if (!s.loggedOn) {
            return;
        }
        if (s.pending != null) {
            Station.Pending p = s.pending;
            s.pending = null;
            apply(s, p.requestedState(), p.workMode(), p.reasonCode());
            return;
        }
        if (!talkedAcd || !isReadyMode(s.workMode)) {
            return;
        }
        long wrapUp = sw.settings.wrapUp().toMillis();
        if (wrapUp > 0) {
            set(s, "afterCallWork", 0); // timed ACW (a hunt group's setting): any ready mode, then back
            s.wrapUpTimer = sw.loop.later(wrapUp, () -> endWrapUp(s));
        } else if ("manualIn".equals(s.workMode)) {
            set(s, "afterCallWork", 0); // manual-in: ACW until the agent leaves it; auto-in is available at once
        }
    }

    private void endWrapUp(Station s) {
        s.wrapUpTimer = -1;
        if (s.loggedOn && "afterCallWork".equals(s.workMode) && !s.hasCalls()) {
            set(s, s.readyMode, 0);
        }
    }

    void cancelWrapUp(Station s) {
        sw.loop.cancel(s.wrapUpTimer);
        s.wrapUpTimer = -1;
    }

    /** TV8, plus pendingAgentState and the pending private fields when a change waits. */
    String getAgentState(Element req) {
        Station s = sw.stationOf(SafeXml.text(req, "device"));
        if (s == null) {
            throw CstaError.operation("invalidDeviceID");
        }
        StringBuilder b = new StringBuilder("<GetAgentStateResponse xmlns=\"" + E + "\"><agentStateList><agentStateEntry>");
        if (s.loggedOn) {
            b.append(el("agentID", s.agentId));
        }
        b.append(el("loggedOnState", s.loggedOn)).append("<agentInfo><agentInfoItem>").append(el("agentState", s.agentState()));
        if (s.pending != null) {
            b.append(el("pendingAgentState", s.pending.reported()));
        }
        b.append("</agentInfoItem></agentInfo></agentStateEntry></agentStateList>");
        StringBuilder p = new StringBuilder();
        if (s.loggedOn) {
            p.append(ns1("workMode", s.workMode));
        }
        p.append(ns1("talkState", s.onCall() ? "onCall" : "idle")).append(ns1("reasonCode", s.reasonCode));
        if (s.pending != null) {
            if (s.pending.workMode() != null) {
                p.append(ns1("pendingWorkMode", s.pending.workMode()));
            }
            p.append(ns1("pendingReasonCode", s.pending.reasonCode()));
        }
        return b.append(privateData("GetAgentStateResponsePrivateData", p.toString())).append("</GetAgentStateResponse>").toString();
    }

    private static int reasonCode(String text) {
        try {
            return text == null ? 0 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw CstaError.operation("valueOutOfRange");
        }
    }
}
