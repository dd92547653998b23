package io.ctistream.simulator.finesse;

import io.ctistream.simulator.support.CallCenterDay;
import java.util.Map;

/**
 * The shared call-center day on this Finesse: its agents are users, its calls dialogs, its
 * activities Finesse states (READY, NOT_READY, WORK/WORK_READY as wrap-up). The plan's queue
 * address is a queue id when it names one. Called on the loop.
 */
final class AcdFloor implements CallCenterDay.Floor<SimAgent, SimDialog> {
    private final SimCenter c;

    AcdFloor(SimCenter c) {
        this.c = c;
    }

    @Override
    public SimAgent agent(String name) {
        return c.agent(name);
    }

    @Override
    public String name(SimAgent agent) {
        return agent.id();
    }

    @Override
    public CallCenterDay.Activity activity(SimAgent agent) {
        return switch (agent.state) {
            case "READY" -> CallCenterDay.Activity.READY;
            case "NOT_READY" -> CallCenterDay.Activity.NOT_READY;
            case "WORK", "WORK_READY" -> CallCenterDay.Activity.WRAP_UP;
            default -> CallCenterDay.Activity.OTHER;
        };
    }

    @Override
    public boolean busy(SimAgent agent) {
        return agent.onCall();
    }

    @Override
    public boolean has(SimAgent agent, SimDialog call) {
        return agent.dialogs.contains(call);
    }

    @Override
    public void set(SimAgent agent, CallCenterDay.Activity activity, String reason) {
        switch (activity) {
            case READY -> c.agentRules.force(agent, "READY", -1);
            case NOT_READY -> c.agentRules.force(agent, "NOT_READY", reasonId(reason));
            case WRAP_UP -> {
                if (!"WORK".equals(agent.state) && !"WORK_READY".equals(agent.state)) {
                    c.agentRules.force(agent, "WORK_READY", -1);
                }
            }
            case OTHER -> {
            }
        }
    }

    /** The plan's break reason as a NOT_READY reason code id: by id, then by CCE code, else the first NOT_READY code. */
    private int reasonId(String reason) {
        ReasonCode first = null;
        for (ReasonCode rc : c.reasonCodes.values()) {
            if (!"NOT_READY".equals(rc.category())) {
                continue;
            }
            first = first == null ? rc : first;
            if (reason != null && (reason.equals(String.valueOf(rc.id())) || stripZeros(reason).equals(String.valueOf(rc.code())))) {
                return rc.id();
            }
        }
        return first == null ? -1 : first.id();
    }

    private static String stripZeros(String s) {
        String t = s.replaceFirst("^0+(?=.)", "");
        return t;
    }

    @Override
    public SimDialog offer(SimAgent agent, String queueAddress, String caller, String callerName) {
        String ani = caller.replaceAll("^sip:\\+?", "").replaceAll("@.*$", "");
        return c.callRules.offer(agent, queueAddress, ani, Map.of("callVariable1", callerName));
    }

    @Override
    public void answer(SimAgent agent, SimDialog call) {
        c.callRules.answer(agent, call, null);
    }

    @Override
    public void hold(SimAgent agent, SimDialog call, boolean held) {
        c.callRules.hold(agent, call, held, null);
    }

    @Override
    public void hangUp(SimAgent agent, SimDialog call) {
        c.callRules.drop(agent, call, null);
    }
}
