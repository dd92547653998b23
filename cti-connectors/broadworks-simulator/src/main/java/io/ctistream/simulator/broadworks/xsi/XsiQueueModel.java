package io.ctistream.simulator.broadworks.xsi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A small ACD queue per call center, as BroadWorks' Call Center Queue package reports it: a call is
 * added and waits while no agent of its call center is READY; the oldest waiting call is offered to
 * the READY agent idle the longest, rings, and is answered (it leaves the queue) or, if the caller's
 * patience runs out first, abandoned; a call that has waited the plan's maximum wait overflows. An
 * agent's ACD state is one across the call centers they serve (a call ringing at them in one queue
 * makes them unavailable to the others). Without a {@link Desk} an agent who answered is busy for
 * the talk time and READY again after it; with one, the desk rings the agent's phone (the AS's SIP
 * dialog) and the agent stays busy until the AS reports their state again.
 * Patience is drawn per caller from a seeded {@link Random}, so a run is the same under the same seed
 * and the same timers. Single-threaded: the simulator's loop calls it and owns its timers.
 */
public final class XsiQueueModel {
    /** What happened to a call, in the package's event names. */
    public enum Change { ADDED, OFFERED_TO_AGENT, ANSWERED_BY_AGENT, ABANDONED, OVERFLOWED }

    /** A call in a queue; {@code removeTime} and {@code answeringUser} are set when it leaves. */
    public record Call(String callCenter, String callId, String extTrackingId, String caller, long addTime, Long removeTime,
                       String answeringUser) {
    }

    /** Receives every change with the call as it is after it, and the call's position for ADDED. */
    @FunctionalInterface
    public interface Listener {
        void changed(Change change, Call call, int position);
    }

    /** The loop's clock and timers (a test may give virtual ones). */
    public interface Timers {
        long now();

        long later(long millis, Runnable r);

        void cancel(long timer);
    }

    /**
     * The agents' phones, as the simulated AS rings them over SIP. Called on the model's loop: an
     * implementation hands the work to its own thread and never waits for the loop.
     */
    public interface Desk {
        /** The call starts ringing at the agent. */
        void ring(Call call, String agent);

        /** The agent picked the call up: it is talked, and the agent is busy until the AS reports their state again. */
        void answered(Call call, String agent);

        /** The call stops ringing at the agent unanswered: the caller hung up, or the agent was no longer READY. */
        void stoppedRinging(Call call, String agent);
    }

    /**
     * @param talkMillis how long an answered call is talked without a desk (with one, the AS decides)
     * @param patienceMinMillis shortest patience drawn for a caller
     * @param patienceMaxMillis longest patience drawn for a caller
     * @param maxWaitMillis a call still waiting (not ringing) this long overflows; 0: never
     * @param desk where offered calls ring; null: the model plays the agents itself
     */
    public record Plan(long ringMillis, long talkMillis, long patienceMinMillis, long patienceMaxMillis, long maxWaitMillis, Desk desk) {
        public Plan(long ringMillis, long talkMillis, long patienceMinMillis, long patienceMaxMillis) {
            this(ringMillis, talkMillis, patienceMinMillis, patienceMaxMillis, 0, null);
        }

        public static Plan fast() {
            return new Plan(200, 1_000, 3_000, 6_000);
        }

        public Plan withMaxWait(long millis) {
            return new Plan(ringMillis, talkMillis, patienceMinMillis, patienceMaxMillis, millis, desk);
        }

        public Plan withDesk(Desk d) {
            return new Plan(ringMillis, talkMillis, patienceMinMillis, patienceMaxMillis, maxWaitMillis, d);
        }
    }

    private enum AgentState { READY, RINGING, BUSY, NOT_READY }

    private static final class Agent {
        AgentState state = AgentState.NOT_READY;
        long idleSince;
    }

    private static final class Waiting {
        Call call;
        long abandonTimer = -1;
        long overflowTimer = -1;
        String ringingAt;
    }

    private final Timers timers;
    private final Plan plan;
    private final Random random;
    private final Listener listener;
    private final Map<String, Map<String, Waiting>> queues = new LinkedHashMap<>();
    /** Call center to the agents serving it, by name (an agent of two call centers is one {@link Agent} in both). */
    private final Map<String, Map<String, Agent>> agents = new LinkedHashMap<>();
    /** Every agent's one ACD state, by name. */
    private final Map<String, Agent> byName = new LinkedHashMap<>();
    private int nextCall = 1;

    public XsiQueueModel(Timers timers, Plan plan, long seed, Listener listener) {
        this.timers = timers;
        this.plan = plan;
        this.random = new Random(seed);
        this.listener = listener;
    }

    public void addCallCenter(String callCenter) {
        queues.putIfAbsent(callCenter, new LinkedHashMap<>());
        agents.putIfAbsent(callCenter, new LinkedHashMap<>());
    }

    public boolean knows(String callCenter) {
        return queues.containsKey(callCenter);
    }

    /** The calls waiting in a call center's queue now, oldest first. */
    public List<Call> waiting(String callCenter) {
        return queue(callCenter).values().stream().map(w -> w.call).toList();
    }

    /**
     * The agent serves this call center and is READY from now (idle since now, unless already READY);
     * calls waiting are offered at once. An agent a call is ringing at stays so.
     */
    public void agentReady(String callCenter, String agent) {
        Agent a = member(callCenter, agent);
        if (a.state == AgentState.NOT_READY || a.state == AgentState.BUSY) {
            a.state = AgentState.READY;
            a.idleSince = timers.now();
        }
        distribute();
    }

    /** The agent stops taking calls, in every call center (a call already ringing at them goes back to waiting). */
    public void agentNotReady(String callCenter, String agent) {
        member(callCenter, agent).state = AgentState.NOT_READY;
    }

    /** A caller dials the call center: the call is added to the queue and offered if an agent is READY. Returns its call id. */
    public String callArrives(String callCenter, String caller) {
        long patience = plan.patienceMinMillis() + (long) (random.nextDouble() * (plan.patienceMaxMillis() - plan.patienceMinMillis()));
        return callArrives(callCenter, caller, patience);
    }

    /** As {@link #callArrives(String, String)} with this caller's patience. */
    public String callArrives(String callCenter, String caller, long patienceMillis) {
        Map<String, Waiting> q = queue(callCenter);
        int n = nextCall++;
        Waiting w = new Waiting();
        w.call = new Call(callCenter, "callhalf-" + n + ":0", n + ":1", caller, timers.now(), null, null);
        q.put(w.call.callId(), w);
        w.abandonTimer = timers.later(patienceMillis, () -> leave(w, Change.ABANDONED));
        if (plan.maxWaitMillis() > 0 && plan.maxWaitMillis() < patienceMillis) {
            w.overflowTimer = timers.later(plan.maxWaitMillis(), () -> {
                if (w.ringingAt == null) {
                    leave(w, Change.OVERFLOWED); // a call ringing at an agent is left to ring
                }
            });
        }
        listener.changed(Change.ADDED, w.call, q.size());
        distribute();
        return w.call.callId();
    }

    /** Offers the waiting calls, oldest first across the call centers, each to the longest-idle READY agent of its call center. */
    private void distribute() {
        List<Waiting> all = new ArrayList<>();
        queues.values().forEach(q -> all.addAll(q.values()));
        all.sort(Comparator.comparingLong((Waiting w) -> w.call.addTime()).thenComparing(w -> w.call.callId()));
        for (Waiting w : all) {
            if (w.ringingAt != null) {
                continue;
            }
            String callCenter = w.call.callCenter();
            Optional<Map.Entry<String, Agent>> idle = agents(callCenter).entrySet().stream()
                    .filter(e -> e.getValue().state == AgentState.READY)
                    .min(Comparator.comparingLong((Map.Entry<String, Agent> e) -> e.getValue().idleSince).thenComparing(Map.Entry::getKey));
            if (idle.isEmpty()) {
                continue;
            }
            String agent = idle.get().getKey();
            idle.get().getValue().state = AgentState.RINGING;
            w.ringingAt = agent;
            listener.changed(Change.OFFERED_TO_AGENT, w.call, 0);
            if (plan.desk() != null) {
                plan.desk().ring(w.call, agent);
            }
            timers.later(plan.ringMillis(), () -> answer(w, agent));
        }
    }

    private void answer(Waiting w, String agent) {
        String callCenter = w.call.callCenter();
        Agent a = byName.get(agent);
        if (!queue(callCenter).containsKey(w.call.callId()) || !agent.equals(w.ringingAt)) {
            return; // abandoned while ringing
        }
        if (a.state != AgentState.RINGING) {
            w.ringingAt = null; // the agent went away while it rang: the call waits on
            if (plan.desk() != null) {
                plan.desk().stoppedRinging(w.call, agent);
            }
            distribute();
            return;
        }
        queue(callCenter).remove(w.call.callId());
        timers.cancel(w.abandonTimer);
        timers.cancel(w.overflowTimer);
        a.state = AgentState.BUSY;
        Call answered = new Call(callCenter, w.call.callId(), w.call.extTrackingId(), w.call.caller(), w.call.addTime(), timers.now(), agent);
        listener.changed(Change.ANSWERED_BY_AGENT, answered, 0);
        if (plan.desk() != null) {
            plan.desk().answered(answered, agent);
            return; // the AS reports the agent's state after the call
        }
        timers.later(plan.talkMillis(), () -> {
            if (a.state == AgentState.BUSY) {
                a.state = AgentState.READY;
                a.idleSince = timers.now();
                distribute();
            }
        });
    }

    /** The call leaves the queue unanswered: the caller hung up, or it overflowed. */
    private void leave(Waiting w, Change how) {
        String callCenter = w.call.callCenter();
        if (queue(callCenter).remove(w.call.callId()) == null) {
            return;
        }
        timers.cancel(w.abandonTimer);
        timers.cancel(w.overflowTimer);
        Call gone = new Call(callCenter, w.call.callId(), w.call.extTrackingId(), w.call.caller(), w.call.addTime(), timers.now(), null);
        if (w.ringingAt != null) {
            Agent a = byName.get(w.ringingAt);
            if (a != null && a.state == AgentState.RINGING) {
                a.state = AgentState.READY; // keeps its place: it was idle since before the ring
            }
            if (plan.desk() != null) {
                plan.desk().stoppedRinging(gone, w.ringingAt);
            }
        }
        listener.changed(how, gone, 0);
        distribute();
    }

    private Agent member(String callCenter, String agent) {
        Agent a = byName.computeIfAbsent(agent, k -> new Agent());
        agents(callCenter).put(agent, a);
        return a;
    }

    private Map<String, Waiting> queue(String callCenter) {
        Map<String, Waiting> q = queues.get(callCenter);
        if (q == null) {
            throw new IllegalArgumentException("no call center " + callCenter);
        }
        return q;
    }

    private Map<String, Agent> agents(String callCenter) {
        queue(callCenter);
        return agents.get(callCenter);
    }

    // ---- read-only figures (for the Xsi server's Call Center Monitoring events)

    /** How many agents a call center knows: signed in, ready (idle), and signed in but not ready. */
    public record Staffing(int staffed, int idle, int unavailable) {
    }

    /** The call center's agents now: every agent it has seen is staffed; READY is idle; NOT_READY is unavailable. */
    public Staffing staffing(String callCenter) {
        int idle = 0;
        int unavailable = 0;
        Map<String, Agent> all = agents(callCenter);
        for (Agent a : all.values()) {
            idle += a.state == AgentState.READY ? 1 : 0;
            unavailable += a.state == AgentState.NOT_READY ? 1 : 0;
        }
        return new Staffing(all.size(), idle, unavailable);
    }

    /** The plan the model runs (ring, talk and patience times). */
    public Plan plan() {
        return plan;
    }
}
