package io.ctistream.push;

import io.ctistream.events.AgentState;
import io.ctistream.events.ForwardingKind;
import io.ctistream.events.ForwardingRule;
import io.ctistream.events.LogOff;
import io.ctistream.events.LogOn;
import io.ctistream.events.SetDnd;
import io.ctistream.events.SetForwarding;
import io.ctistream.events.SetState;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** A command frame's {@code command} object to its canonical payload, or a reason it is not one. Pure. */
final class Commands {
    private static final Set<String> SETTABLE = Set.of("READY", "NOT_READY", "WRAP_UP");

    private Commands() {
    }

    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    static Object payload(JsonObject c) throws Invalid {
        if (c == null) {
            throw new Invalid("a command frame needs a command object");
        }
        String type = String.valueOf(c.getString("type"));
        return switch (type) {
            case "LogOn" -> LogOn.newBuilder().setGuestAddress(c.getString("guestAddress"))
                    .setInitialState(state(c.getString("initialState", "NOT_READY"))).setReasonCode(c.getString("reasonCode")).build();
            case "LogOff" -> LogOff.newBuilder().setReason(c.getString("reason")).build();
            case "SetState" -> SetState.newBuilder().setState(state(c.getString("state"))).setReasonCode(c.getString("reasonCode")).build();
            case "SetDnd" -> {
                Boolean on = c.getBoolean("enabled");
                if (on == null) {
                    throw new Invalid("SetDnd needs enabled: true or false");
                }
                yield SetDnd.newBuilder().setEnabled(on).build();
            }
            case "SetForwarding" -> {
                ForwardingKind kind;
                try {
                    kind = ForwardingKind.valueOf(String.valueOf(c.getString("kind")));
                } catch (IllegalArgumentException e) {
                    throw new Invalid("SetForwarding needs kind ALWAYS, BUSY or NO_ANSWER");
                }
                Boolean on = c.getBoolean("enabled");
                if (on == null) {
                    throw new Invalid("SetForwarding needs enabled: true or false");
                }
                yield SetForwarding.newBuilder().setRule(ForwardingRule.newBuilder().setKind(kind).setEnabled(on)
                        .setDestination(c.getString("destination")).setRingCount(c.getInteger("ringCount")).build()).build();
            }
            default -> throw new Invalid("unknown command type '" + type + "': LogOn, LogOff, SetState, SetDnd or SetForwarding");
        };
    }

    private static AgentState state(String s) throws Invalid {
        if (s == null || !SETTABLE.contains(s)) {
            throw new Invalid("the state must be READY, NOT_READY or WRAP_UP");
        }
        return AgentState.valueOf(s);
    }
}
