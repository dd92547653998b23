package io.ctistream.simulator.finesse;

import io.ctistream.codec.SafeXml;
import io.ctistream.simulator.finesse.SimCenter.Refusal;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * Voice calls at an agent: offered (Dialogs POST), answered, held, retrieved (Dialog PUT), dropped
 * (Dialogs DELETE), made (MAKE_CALL); each change also moves the agent's state (TV7, TV8). The
 * REST actions are checked against the participant's {@code <actions>}, as Finesse does.
 */
final class CallRules {
    private static final Set<String> ACTIONS = Set.of("ANSWER", "HOLD", "RETRIEVE", "DROP", "UPDATE_CALL_DATA");
    private final SimCenter c;

    CallRules(SimCenter c) {
        this.c = c;
    }

    /** A routed (ACD_IN) call rings at the agent; {@code queueId} may be null for a direct call. */
    SimDialog offer(SimAgent a, String queueId, String caller, Map<String, String> callVariables) {
        QueueSpec q = queueId == null ? null : c.queues.get(queueId);
        String to = queueId != null ? queueId : a.extension;
        SimDialog d = new SimDialog(c.nextDialogId(), a.id(), caller, to, "ACD_IN", q == null ? queueId : q.id(),
                q == null ? null : q.name(), c.now());
        d.callVariables.putAll(callVariables);
        d.state = "ALERTING";
        d.agentState = "ALERTING";
        d.otherState = "ACTIVE";
        add(a, d, null);
        return d;
    }

    void answer(SimAgent a, SimDialog d, String requestId) {
        d.state = "ACTIVE";
        participant(d, "ACTIVE");
        a.talkedSinceIdle = true;
        c.publishDialogChanged(a, d, requestId);
        c.agentRules.followCalls(a);
    }

    void hold(SimAgent a, SimDialog d, boolean held, String requestId) {
        participant(d, held ? "HELD" : "ACTIVE");
        c.publishDialogChanged(a, d, requestId);
        c.agentRules.followCalls(a);
    }

    void drop(SimAgent a, SimDialog d, String requestId) {
        d.state = "DROPPED";
        participant(d, "DROPPED");
        d.otherState = "DROPPED";
        a.dialogs.remove(d);
        c.dialogs.remove(d.id);
        c.publishDialogs(a, "DELETE", d, requestId);
        if (a.dialogs.isEmpty()) {
            c.agentRules.callsEnded(a, d.inbound());
        } else {
            c.agentRules.followCalls(a);
        }
    }

    // ---------------------------------------------------------------- REST

    /** PUT /Dialog/{id}: validated now, carried out after the async delay (or failed with an apiErrors event). */
    Refusal request(SimAgent a, SimDialog d, Element body, String requestId) {
        String action = upper(SafeXml.text(body, "requestedAction"));
        String target = SafeXml.text(body, "targetMediaAddress");
        if (action == null) {
            return new Refusal(400, "Parameter Missing", "requestedAction is required", "requestedAction");
        }
        if (!ACTIONS.contains(action)) {
            return new Refusal(400, "Invalid Input", "the simulator does not offer " + action, action); // [I] not simulated
        }
        if (target == null && !"UPDATE_CALL_DATA".equals(action)) {
            return new Refusal(400, "Parameter Missing", "targetMediaAddress is required", "targetMediaAddress");
        }
        if (target != null && !target.equals(a.extension)) {
            return new Refusal(400, "Invalid Input", "targetMediaAddress is not the agent's device", target);
        }
        Element props = SafeXml.child(body, "mediaProperties");
        c.loop.later(c.settings.asyncDelay(), () -> act(a, d, action, props, requestId));
        return null;
    }

    private void act(SimAgent a, SimDialog d, String action, Element props, String requestId) {
        if (!a.dialogs.contains(d) || !d.actions().contains(action)) {
            // [I] the action's failure as Finesse reports call failures (TV10's shape)
            c.publishDialogError(a, d.id, requestId, Notifications.apiErrorsAsync("Call Operation Failure", "CF_INVALID_OBJECT_STATE", "22", null));
            return;
        }
        switch (action) {
            case "ANSWER" -> answer(a, d, requestId);
            case "HOLD" -> hold(a, d, true, requestId);
            case "RETRIEVE" -> hold(a, d, false, requestId);
            case "DROP" -> drop(a, d, requestId);
            default -> {
                Element vars = SafeXml.child(props, "callvariables");
                if (vars != null) {
                    for (Element v : SafeXml.children(vars, "CallVariable")) {
                        String name = SafeXml.text(v, "name");
                        if (name != null) {
                            String value = SafeXml.text(v, "value");
                            d.callVariables.put(name, value == null ? "" : value);
                        }
                    }
                }
                c.publishDialogChanged(a, d, requestId);
            }
        }
    }

    /** POST /User/{id}/Dialogs with MAKE_CALL. */
    Refusal makeCall(SimAgent a, Element body, String requestId) {
        String action = upper(SafeXml.text(body, "requestedAction"));
        String from = SafeXml.text(body, "fromAddress");
        String to = SafeXml.text(body, "toAddress");
        if (action == null || to == null || from == null) {
            return new Refusal(400, "Parameter Missing", "requestedAction, fromAddress and toAddress are required", "");
        }
        if (!"MAKE_CALL".equals(action)) {
            return new Refusal(400, "Invalid Input", "only MAKE_CALL creates a dialog", action);
        }
        if (!a.signedIn()) {
            return new Refusal(400, "Invalid State", "the agent is not signed in", a.state);
        }
        if (!from.equals(a.extension)) {
            return new Refusal(400, "Invalid Input", "fromAddress is not the agent's device", from);
        }
        if (from.equals(to)) {
            return new Refusal(400, "Invalid Destination", "fromAddress and toAddress are the same", to);
        }
        c.loop.later(c.settings.asyncDelay(), () -> dial(a, to, requestId));
        return null;
    }

    private void dial(SimAgent a, String to, String requestId) {
        if ("READY".equals(a.state)) {
            c.agentRules.set(a, "NOT_READY", ReasonCode.MAKE_CALL_FROM_READY); // UCCE 12.5: CCE sets NOT_READY 50006
            c.publishUser(a, null);
        }
        SimDialog d = new SimDialog(c.nextDialogId(), a.id(), a.extension, to, "OUT", null, null, c.now());
        d.state = "INITIATED";
        d.agentState = "INITIATED";
        d.otherState = "ALERTING";
        add(a, d, requestId);
        c.loop.later(c.settings.outboundAnswerDelay(), () -> {
            if (a.dialogs.contains(d) && "INITIATED".equals(d.agentState)) {
                d.state = "ACTIVE";
                participant(d, "ACTIVE");
                d.otherState = "ACTIVE";
                c.publishDialogChanged(a, d, null);
                c.agentRules.followCalls(a);
            }
        });
    }

    private void add(SimAgent a, SimDialog d, String requestId) {
        c.agentRules.callBegins(a);
        a.dialogs.add(d);
        c.dialogs.put(d.id, d);
        c.publishDialogs(a, "POST", d, requestId);
        c.agentRules.followCalls(a);
    }

    private void participant(SimDialog d, String state) {
        d.agentState = state;
        d.agentStateChangeTime = c.now();
    }

    private static String upper(String s) {
        return s == null ? null : s.toUpperCase(Locale.ROOT);
    }
}
