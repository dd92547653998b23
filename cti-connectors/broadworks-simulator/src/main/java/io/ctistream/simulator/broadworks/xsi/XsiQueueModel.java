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
 * added and waits while no agent is READY; the oldest waiting call is offered to the READY agent idle
 * the longest, rings, and is answered (it leaves the queue) or, if the caller's patience runs out
 * first, abandoned; an agent who answered is busy for the talk time and READY again after it.
 * Patience is drawn per caller from a seeded {@link Random}, so a run is the same under the same seed
 * and the same timers. Single-threaded: the simulator's loop calls it and owns its timers.
 */
public final class XsiQueueModel {
    /** What happened to a call, in the package's event names. */
    public enum Change { ADDED, OFFERED_TO_AGENT, ANSWERED_BY_AGENT, ABANDONED }

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
     * @param patienceMinMillis shortest patience drawn for a caller
     * @param patienceMaxMillis longest patience drawn for a caller
     */
    public record Plan(long ringMillis, long talkMillis, long patienceMinMillis, long patienceMaxMillis) {
        public static Plan fast() {
            return new Plan(200, 1_000, 3_000, 6_000);
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
        String ringingAt;
    }

    private final Timers timers;
    private final Plan plan;
    private final Random random;
    private final Listener listener;
    private final Map<String, Map<String, Waiting>> queues = new LinkedHashMap<>();
    private final Map<String, Map<String, Agent>> agents = new LinkedHashMap<>();
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

    /** The agent is READY for this call center from now (idle since now); calls waiting are offered at once. */
    public void agentReady(String callCenter, String agent) {
        Agent a = agents(callCenter).computeIfAbsent(agent, k -> new Agent());
        if (a.state != AgentState.READY) {
            a.state = AgentState.READY;
            a.idleSince = timers.now();
        }
        distribute(callCenter);
    }

    /** The agent stops taking calls (a call already ringing at them goes back to waiting). */
    public void agentNotReady(String callCenter, String agent) {
        Agent a = agents(callCenter).computeIfAbsent(agent, k -> new Agent());
        a.state = AgentState.NOT_READY;
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
        w.abandonTimer = timers.later(patienceMillis, () -> abandon(callCenter, w));
        listener.changed(Change.ADDED, w.call, q.size());
        distribute(callCenter);
        return w.call.callId();
    }

    private void distribute(String callCenter) {
        Map<String, Waiting> q = queue(callCenter);
        for (Waiting w : new ArrayList<>(q.values())) {
            if (w.ringingAt != null) {
                continue;
            }
            Optional<Map.Entry<String, Agent>> idle = agents(callCenter).entrySet().stream()
                    .filter(e -> e.getValue().state == AgentState.READY)
                    .min(Comparator.comparingLong((Map.Entry<String, Agent> e) -> e.getValue().idleSince).thenComparing(Map.Entry::getKey));
            if (idle.isEmpty()) {
                return;
            }
            String agent = idle.get().getKey();
            idle.get().getValue().state = AgentState.RINGING;
            w.ringingAt = agent;
            listener.changed(Change.OFFERED_TO_AGENT, w.call, 0);
            timers.later(plan.ringMillis(), () -> answer(callCenter, w, agent));
        }
    }

    private void answer(String callCenter, Waiting w, String agent) {
        Agent a = agents(callCenter).get(agent);
        if (!queue(callCenter).containsKey(w.call.callId()) || !agent.equals(w.ringingAt)) {
            return; // abandoned while ringing
        }
        if (a.state != AgentState.RINGING) {
            w.ringingAt = null; // the agent went away while it rang: the call waits on
            distribute(callCenter);
            return;
        }
        queue(callCenter).remove(w.call.callId());
        timers.cancel(w.abandonTimer);
        a.state = AgentState.BUSY;
        listener.changed(Change.ANSWERED_BY_AGENT, new Call(callCenter, w.call.callId(), w.call.extTrackingId(), w.call.caller(),
                w.call.addTime(), timers.now(), agent), 0);
        timers.later(plan.talkMillis(), () -> {
            if (a.state == AgentState.BUSY) {
                a.state = AgentState.READY;
                a.idleSince = timers.now();
                distribute(callCenter);
            }
        });
    }

    private void abandon(String callCenter, Waiting w) {
        if (queue(callCenter).remove(w.call.callId()) == null) {
            return;
        }
        if (w.ringingAt != null) {
            Agent a = agents(callCenter).get(w.ringingAt);
            if (a != null && a.state == AgentState.RINGING) {
                a.state = AgentState.READY; // keeps its place: it was idle since before the ring
            }
        }
        listener.changed(Change.ABANDONED, new Call(callCenter, w.call.callId(), w.call.extTrackingId(), w.call.caller(), w.call.addTime(),
                timers.now(), null), 0);
        distribute(callCenter);
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
