package io.ctistream.simulator.aes;

import io.ctistream.simulator.support.CallCenterDay;

/**
 * The shared call-center day on this CM: its agents are the stations' agents (named by agent id),
 * its queues VDNs, its calls ACD calls delivered through them; breaks are AUX with the plan's
 * reason as a number, wrap-up is after-call work. Called on the loop.
 */
final class AcdFloor implements CallCenterDay.Floor<Station, PeerCall> {
    private final PeerSwitch sw;
    private final AgentRules agents;
    private final CallRules calls;

    AcdFloor(PeerSwitch sw, AgentRules agents, CallRules calls) {
        this.sw = sw;
        this.agents = agents;
        this.calls = calls;
    }

    @Override
    public Station agent(String name) {
        return sw.agent(name);
    }

    @Override
    public String name(Station agent) {
        return agent.agentId;
    }

    @Override
    public CallCenterDay.Activity activity(Station s) {
        if (!s.loggedOn) {
            return CallCenterDay.Activity.OTHER;
        }
        return switch (s.workMode) {
            case "autoIn", "manualIn" -> CallCenterDay.Activity.READY;
            case "afterCallWork" -> CallCenterDay.Activity.WRAP_UP;
            default -> CallCenterDay.Activity.NOT_READY;
        };
    }

    @Override
    public boolean busy(Station s) {
        return s.hasCalls();
    }

    @Override
    public boolean has(Station s, PeerCall call) {
        return s.calls.contains(call);
    }

    @Override
    public void set(Station s, CallCenterDay.Activity activity, String reason) {
        if (!s.loggedOn || s.hasCalls()) {
            return;
        }
        switch (activity) {
            case READY -> agents.apply(s, "ready", null, 0);
            case NOT_READY -> agents.apply(s, "notReady", "auxWork", reasonCode(reason));
            case WRAP_UP -> agents.apply(s, "workingAfterCall", "afterCallWork", 0);
            case OTHER -> {
            }
        }
    }

    /** The plan's reason ("0012") as CM's AUX reason code (12); anything else is reason 0. */
    private static int reasonCode(String reason) {
        try {
            int code = reason == null ? 0 : Integer.parseInt(reason.strip());
            return code >= 0 && code <= 99 ? code : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public PeerCall offer(Station s, String queueAddress, String caller, String callerName) {
        String number = caller.replaceAll("^sip:\\+?", "").replaceAll("@.*$", "");
        return s.call(calls.offer(s, queueAddress, number));
    }

    @Override
    public void answer(Station s, PeerCall call) {
        calls.answer(s, call);
    }

    @Override
    public void hold(Station s, PeerCall call, boolean held) {
        calls.hold(s, call, held);
    }

    @Override
    public void hangUp(Station s, PeerCall call) {
        calls.callerHangsUp(s, call);
    }
}
