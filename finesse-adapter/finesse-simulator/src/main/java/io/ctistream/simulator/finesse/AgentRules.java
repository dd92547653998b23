package io.ctistream.simulator.finesse;

import io.ctistream.codec.SafeXml;
import io.ctistream.simulator.finesse.SimCenter.Refusal;
import java.util.Locale;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * UCCE agent-state rules (§5): what a {@code PUT /User/{id}} may ask for, what is refused at once
 * (400) and what is accepted (202) and then fails or succeeds asynchronously with a notification;
 * pending states during calls, wrap-up after them, the forced logout.
 */
final class AgentRules {
    private static final Set<String> ON_CALL = Set.of("TALKING", "HOLD", "RESERVED");
    private final SimCenter c;

    AgentRules(SimCenter c) {
        this.c = c;
    }

    /** Validates a PUT User body; null means accepted (the change follows after the async delay). */
    Refusal request(SimAgent a, SimAgent actor, Element body, String requestId) {
        String state = upper(SafeXml.text(body, "state"));
        if (state == null) {
            return new Refusal(400, "Parameter Missing", "state is required", "state");
        }
        String extension = SafeXml.text(body, "extension");
        String rc = SafeXml.text(body, "reasonCodeId");
        int reason;
        try {
            reason = rc == null ? -1 : Integer.parseInt(rc);
        } catch (NumberFormatException e) {
            return new Refusal(400, "Invalid Input", "reasonCodeId must be a number", rc);
        }
        boolean bySupervisor = actor != a;
        switch (state) {
            case "LOGIN" -> {
                if (bySupervisor) {
                    return new Refusal(400, "Invalid Input", "a supervisor cannot sign an agent in", state);
                }
                if (extension == null) {
                    return new Refusal(400, "Parameter Missing", "extension is required to sign in", "extension");
                }
            }
            case "READY" -> {
            }
            case "NOT_READY", "LOGOUT" -> {
                if (bySupervisor && rc != null) {
                    return new Refusal(400, "Invalid Input", "a supervisor cannot give a reason code", rc);
                }
                ReasonCode known = c.reason(reason);
                if (reason != -1 && (known == null || !known.category().equals(state))) {
                    return new Refusal(400, "Invalid Input", "unknown reasonCodeId for " + state, rc);
                }
            }
            default -> {
                return new Refusal(400, "Invalid Input", "state " + state + " cannot be requested", state);
            }
        }
        c.loop.later(c.settings.asyncDelay(), () -> apply(a, state, extension, reason, requestId, bySupervisor));
        return null;
    }

    private void apply(SimAgent a, String state, String extension, int reason, String requestId, boolean bySupervisor) {
        switch (state) {
            case "LOGIN" -> login(a, extension, requestId);
            case "READY" -> ready(a, requestId);
            case "NOT_READY" -> notReady(a, bySupervisor ? ReasonCode.SUPERVISOR_NOT_READY : reason, requestId, bySupervisor);
            default -> logout(a, reason, requestId, bySupervisor);
        }
    }

    private void login(SimAgent a, String extension, String requestId) {
        if (a.signedIn()) {
            c.publishUser(a, requestId); // [I] a repeated LOGIN keeps the state (§9) and is answered with it
            return;
        }
        boolean taken = c.agents.values().stream().anyMatch(o -> o != a && o.signedIn() && extension.equals(o.extension));
        boolean own = a.spec.extension() == null ? extension.chars().allMatch(Character::isDigit) : a.spec.extension().equals(extension);
        if (taken || !own) {
            c.publishUserError(a, requestId, Notifications.apiErrorsAsync("Invalid Device", "CF_INVALID_LOGON_DEVICE_SPECIFIED", "260", "10125"));
            return;
        }
        a.extension = extension;
        set(a, "NOT_READY", -1);
        c.publishUser(a, requestId);
    }

    private void ready(SimAgent a, String requestId) {
        if (!a.signedIn()) {
            invalidState(a, requestId);
            return;
        }
        if ("READY".equals(a.state)) {
            return; // READY → READY: no event
        }
        if (ON_CALL.contains(a.state)) {
            pending(a, "READY", -1, requestId); // [I] UCCE keeps a READY asked for during a call as pending
            return;
        }
        set(a, "READY", -1);
        c.publishUser(a, requestId);
    }

    private void notReady(SimAgent a, int reason, String requestId, boolean bySupervisor) {
        if (!a.signedIn() || bySupervisor && !Set.of("READY", "WORK", "WORK_READY").contains(a.state)) {
            invalidState(a, requestId);
            return;
        }
        if (ON_CALL.contains(a.state)) {
            pending(a, "NOT_READY", reason, requestId);
            return;
        }
        if ("NOT_READY".equals(a.state) && a.reasonCodeId == reason) {
            return; // nothing changes: no event, as READY → READY [I]
        }
        set(a, "NOT_READY", reason);
        c.publishUser(a, requestId);
    }

    private void logout(SimAgent a, int reason, String requestId, boolean bySupervisor) {
        if (!a.signedIn()) {
            return; // [I] already signed out: nothing to publish
        }
        if (ON_CALL.contains(a.state) && bySupervisor) {
            pending(a, "LOGOUT", reason, requestId);
            return;
        }
        if (!bySupervisor && !"NOT_READY".equals(a.state)) {
            invalidState(a, requestId); // UCCE: LOGOUT only from NOT_READY
            return;
        }
        set(a, "LOGOUT", reason);
        c.publishUser(a, requestId);
    }

    /** The forced logout (reason 255) after the agent's notification sessions are gone (§6). */
    void forcedLogout(SimAgent a) {
        if (a.onCall()) {
            pending(a, "LOGOUT", ReasonCode.FORCED_LOGOUT, null);
            return;
        }
        set(a, "LOGOUT", ReasonCode.FORCED_LOGOUT);
        c.publishUser(a, null);
    }

    /** A state set on the platform (a supervisor desktop, CCE itself): any state to any state. */
    void force(SimAgent a, String state, int reason) {
        if (a.extension.isEmpty() && !"LOGOUT".equals(state) && a.spec.extension() != null) {
            a.extension = a.spec.extension(); // signed in on the platform, on the agent's own device
        }
        a.pendingState = "";
        set(a, state, reason);
        c.publishUser(a, null);
    }

    // ---------------------------------------------------------------- calls

    /** Remembers where the agent was before its first call. */
    void callBegins(SimAgent a) {
        if (a.dialogs.isEmpty()) {
            a.stateBeforeCall = a.state;
            a.reasonBeforeCall = a.reasonCodeId;
            a.talkedSinceIdle = false;
            cancelWrapUp(a);
        }
    }

    /** The agent's state as its calls make it: TALKING, HOLD, or RESERVED while a routed call rings. */
    void followCalls(SimAgent a) {
        boolean talking = a.dialogs.stream().anyMatch(d -> Set.of("ACTIVE", "INITIATED", "INITIATING").contains(d.agentState));
        boolean held = a.dialogs.stream().anyMatch(d -> "HELD".equals(d.agentState));
        String next = talking ? "TALKING" : held ? "HOLD" : "READY".equals(a.stateBeforeCall) ? "RESERVED" : a.state;
        if (!next.equals(a.state)) {
            set(a, next, "RESERVED".equals(next) || "TALKING".equals(next) || "HOLD".equals(next) ? -1 : a.reasonCodeId);
            c.publishUser(a, null);
        }
    }

    /** After the last call: the pending state, else where the agent was; through wrap-up after a talked inbound call. */
    void callsEnded(SimAgent a, boolean inbound) {
        String pending = a.pendingState;
        int pendingReason = a.pendingReasonId;
        a.pendingState = "";
        a.pendingReasonId = -1;
        if ("LOGOUT".equals(pending)) {
            set(a, "LOGOUT", pendingReason);
            c.publishUser(a, null);
            return;
        }
        boolean toReady = pending.isEmpty() ? "READY".equals(a.stateBeforeCall) : "READY".equals(pending);
        int reason = toReady ? -1 : pending.isEmpty() ? a.reasonBeforeCall : pendingReason;
        if (a.talkedSinceIdle && inbound) {
            a.afterWrapUp = toReady ? "READY" : "NOT_READY";
            a.afterWrapUpReason = reason;
            set(a, toReady ? "WORK_READY" : "WORK", -1);
            if (!c.settings.wrapUpTime().isZero()) {
                a.wrapUpTimer = c.loop.later(c.settings.wrapUpTime(), () -> endWrapUp(a));
            }
        } else if (!a.signedIn() || "LOGOUT".equals(a.stateBeforeCall)) {
            return;
        } else {
            set(a, toReady ? "READY" : "NOT_READY", reason);
        }
        c.publishUser(a, null);
    }

    /** The wrap-up timer expired: READY or NOT_READY (§5). */
    void endWrapUp(SimAgent a) {
        a.wrapUpTimer = -1;
        if ("WORK".equals(a.state) || "WORK_READY".equals(a.state)) {
            set(a, a.afterWrapUp, a.afterWrapUpReason);
            c.publishUser(a, null);
        }
    }

    // ---------------------------------------------------------------- helpers

    private void pending(SimAgent a, String state, int reason, String requestId) {
        a.pendingState = state;
        a.pendingReasonId = reason;
        c.publishUser(a, requestId);
    }

    private void invalidState(SimAgent a, String requestId) {
        c.publishUserError(a, requestId, Notifications.apiErrorsAsync("Invalid State", "CF_INVALID_OBJECT_STATE", "22", null));
    }

    void set(SimAgent a, String state, int reason) {
        if (!"WORK".equals(state) && !"WORK_READY".equals(state)) {
            cancelWrapUp(a);
        }
        a.state = state;
        a.reasonCodeId = reason;
        a.stateChangeTime = c.now();
    }

    private void cancelWrapUp(SimAgent a) {
        c.loop.cancel(a.wrapUpTimer);
        a.wrapUpTimer = -1;
    }

    private static String upper(String s) {
        return s == null ? null : s.toUpperCase(Locale.ROOT);
    }
}
