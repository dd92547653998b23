package io.ctistream.simulator.broadworks;

import io.ctistream.simulator.broadworks.xsi.XsiEventsServer;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel;
import io.ctistream.simulator.support.AcdPlan;
import io.ctistream.simulator.support.CallCenterDay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform acting on its own: agent states set on the AS (a supervisor, the ACD, a
 * SetAgentState command), calls offered, answered, held and ended, and the ACD mode that drives
 * them through the shared call-center day. Everything runs on the simulator's executor.
 */
final class SimControl {
    private static final Logger LOG = LoggerFactory.getLogger(SimControl.class);

    private final SimAs as;
    private final SimNotifier notifier;
    private long callSeq;
    private CallCenterDay<SimUser, SimCall> acd;
    private SimQueueDay queueDay;
    /** The Xsi queue model's desk: hands each call to the queue day running now (none: the call is not rung). */
    final XsiQueueModel.Desk desk = new XsiQueueModel.Desk() {
        @Override
        public void ring(XsiQueueModel.Call call, String agent) {
            SimQueueDay d = liveQueueDay;
            if (d != null) {
                d.ring(call, agent);
            }
        }

        @Override
        public void answered(XsiQueueModel.Call call, String agent) {
            SimQueueDay d = liveQueueDay;
            if (d != null) {
                d.answered(call, agent);
            }
        }

        @Override
        public void stoppedRinging(XsiQueueModel.Call call, String agent) {
            SimQueueDay d = liveQueueDay;
            if (d != null) {
                d.stoppedRinging(call, agent);
            }
        }
    };
    /** {@link #queueDay} as the Xsi server's loop reads it. */
    private volatile SimQueueDay liveQueueDay;

    SimControl(SimAs as, SimNotifier notifier) {
        this.as = as;
        this.notifier = notifier;
    }

    /** The ACD state's name as the AS writes it: loggedOn, ready, notReady, workingAfterCall, loggedOff. */
    static String stateName(SimUser.AcdState state) {
        return switch (state) {
            case LOGGED_ON -> "loggedOn";
            case READY -> "ready";
            case NOT_READY -> "notReady";
            case WRAP_UP -> "workingAfterCall";
            case LOGGED_OFF -> "loggedOff";
        };
    }

    /** Changes the user's ACD state (an unknown name changes nothing) and NOTIFYs every as-feature-event subscriber. */
    void setState(SimUser u, String state, String reason) {
        SimUser.AcdState before = u.agentState;
        applyAgentState(u, state, reason);
        notifier.notifyFeature(u, Bodies.agentState(u));
        if (queueDay != null) {
            queueDay.stateChanged(u, before);
        }
    }

    private static void applyAgentState(SimUser u, String requested, String reason) {
        switch (requested == null ? "" : requested) {
            case "loggedOn" -> u.agentState = SimUser.AcdState.LOGGED_ON;
            case "ready" -> u.agentState = SimUser.AcdState.READY;
            case "notReady" -> u.agentState = SimUser.AcdState.NOT_READY;
            case "workingAfterCall" -> u.agentState = SimUser.AcdState.WRAP_UP;
            case "loggedOff" -> u.agentState = SimUser.AcdState.LOGGED_OFF;
            default -> {
                LOG.info("simulator ignores an unknown requestedAgentState [{}]", requested);
                return;
            }
        }
        u.reason = u.agentState == SimUser.AcdState.NOT_READY ? SimAs.blankToNull(reason) : null;
    }

    /** A call ringing at the user; {@code calledAddress} is the queue's address for an ACD call, null for a direct one. */
    SimCall offer(SimUser u, String calledAddress, String caller, String callerName) {
        long n = ++callSeq;
        SimCall c = new SimCall("d" + n, "sim-call-" + n + "-" + SimAs.hex(4), true,
                calledAddress == null ? u.aor : calledAddress, caller, callerName, SimCall.State.EARLY);
        u.calls.add(c);
        notifier.notifyDialogs(u);
        return c;
    }

    void answer(SimUser u, SimCall c) {
        c.state = SimCall.State.CONFIRMED;
        notifier.notifyDialogs(u);
    }

    void hold(SimUser u, SimCall c, boolean held) {
        c.held = held;
        notifier.notifyDialogs(u);
    }

    /** A ringing call that stops ringing unanswered (the caller hung up, the ACD took it back). */
    void cancel(SimUser u, SimCall c) {
        c.state = SimCall.State.TERMINATED;
        c.endEvent = "cancelled";
        notifier.notifyDialogs(u);
        u.calls.remove(c);
    }

    void hangUp(SimUser u, SimCall c) {
        c.state = SimCall.State.TERMINATED;
        c.endEvent = "bye";
        notifier.notifyDialogs(u);
        u.calls.remove(c);
    }

    /** Runs the call center of {@code plan} (stopping one already running) until {@link #stopAcd()}. */
    void startAcd(AcdPlan plan, long seed) {
        if (acd != null) {
            acd.stop();
        }
        acd = new CallCenterDay<>(plan, floor, as.exec, seed);
        acd.start();
    }

    /** Runs one ACD through the Xsi server's queues (stopping a queue day already running) until {@link #stopQueueDay()}. */
    void startQueueDay(XsiEventsServer xsi, AcdPlan plan, SimQueueDay.BusyPeriods periods, long seed) {
        stopQueueDay();
        queueDay = new SimQueueDay(as, this, xsi, plan, periods, seed);
        liveQueueDay = queueDay;
        queueDay.start();
    }

    void stopQueueDay() {
        if (queueDay != null) {
            queueDay.stop();
            queueDay = null;
            liveQueueDay = null;
        }
    }

    BroadWorksSimulator.QueueDayStats queueDayStats() {
        return queueDay == null ? new BroadWorksSimulator.QueueDayStats(0, 0, 0, 0) : queueDay.stats();
    }

    void stopAcd() {
        if (acd != null) {
            acd.stop();
        }
    }

    BroadWorksSimulator.AcdStats acdStats() {
        return acd == null ? new BroadWorksSimulator.AcdStats(0, 0, 0, 0)
                : new BroadWorksSimulator.AcdStats(acd.offered(), acd.answered(), acd.wrapUps(), acd.breaks());
    }

    /** The shared call-center day on this AS: its agents are users, its calls dialogs, its activities ACD states. */
    private final CallCenterDay.Floor<SimUser, SimCall> floor = new CallCenterDay.Floor<>() {
        @Override
        public SimUser agent(String name) {
            return as.user(name);
        }

        @Override
        public String name(SimUser agent) {
            return agent.user;
        }

        @Override
        public CallCenterDay.Activity activity(SimUser agent) {
            return switch (agent.agentState) {
                case READY -> CallCenterDay.Activity.READY;
                case NOT_READY -> CallCenterDay.Activity.NOT_READY;
                case WRAP_UP -> CallCenterDay.Activity.WRAP_UP;
                default -> CallCenterDay.Activity.OTHER;
            };
        }

        @Override
        public boolean busy(SimUser agent) {
            return !agent.calls.isEmpty();
        }

        @Override
        public boolean has(SimUser agent, SimCall call) {
            return agent.calls.contains(call);
        }

        @Override
        public void set(SimUser agent, CallCenterDay.Activity activity, String reason) {
            setState(agent, switch (activity) {
                case READY -> "ready";
                case NOT_READY -> "notReady";
                case WRAP_UP -> "workingAfterCall";
                case OTHER -> "loggedOn";
            }, reason);
        }

        @Override
        public SimCall offer(SimUser agent, String queueAddress, String caller, String callerName) {
            return SimControl.this.offer(agent, queueAddress, caller, callerName);
        }

        @Override
        public void answer(SimUser agent, SimCall call) {
            SimControl.this.answer(agent, call);
        }

        @Override
        public void hold(SimUser agent, SimCall call, boolean held) {
            SimControl.this.hold(agent, call, held);
        }

        @Override
        public void hangUp(SimUser agent, SimCall call) {
            SimControl.this.hangUp(agent, call);
        }
    };
}
