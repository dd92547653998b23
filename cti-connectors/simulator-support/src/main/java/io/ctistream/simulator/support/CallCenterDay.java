package io.ctistream.simulator.support;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulated call-center day every platform simulator plays: a tick on the simulator's executor
 * that lets calls arrive at each queue, offers each to the READY agent of its queue idle the
 * longest, and plays the call through ring, talk, hold, hang-up and wrap-up, with not-ready breaks
 * in between. What happens on the platform (NOTIFYs, XMPP notifications, DMCC events) is the
 * simulator's {@link Floor}; this class only decides what happens when. Runs on the simulator's
 * single thread, so the floor reads and changes its agents directly.
 *
 * @param <A> the simulator's agent
 * @param <C> the simulator's call
 */
public final class CallCenterDay<A, C> {
    private static final long TICK_MS = 100;

    /** An agent's activity as the day needs to know it. */
    public enum Activity { READY, NOT_READY, WRAP_UP, OTHER }

    /** What the day does on the platform (all called on the simulator's executor). */
    public interface Floor<A, C> {
        A agent(String name);

        String name(A agent);

        Activity activity(A agent);

        /** True while the agent has any call. */
        boolean busy(A agent);

        /** True while the agent still has this call (a supervisor or a fault may have ended it). */
        boolean has(A agent, C call);

        void set(A agent, Activity activity, String reason);

        C offer(A agent, String queueAddress, String caller, String callerName);

        void answer(A agent, C call);

        void hold(A agent, C call, boolean held);

        void hangUp(A agent, C call);
    }

    private final AcdPlan plan;
    private final Floor<A, C> ops;
    private final ScheduledExecutorService exec;
    private final Random random;
    private final Map<String, Deque<Long>> waiting = new HashMap<>();
    private final Map<String, Long> idleSince = new HashMap<>();
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong wrapUps = new AtomicLong();
    private final AtomicLong breaks = new AtomicLong();
    private ScheduledFuture<?> tick;
    private long callerSeq;

    public CallCenterDay(AcdPlan plan, Floor<A, C> ops, ScheduledExecutorService exec, long seed) {
        this.plan = plan;
        this.ops = ops;
        this.exec = exec;
        this.random = new Random(seed);
        plan.queues().keySet().forEach(q -> waiting.put(q, new ArrayDeque<>()));
    }

    public void start() {
        tick = exec.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    public void stop() {
        if (tick != null) {
            tick.cancel(false);
        }
    }

    public long offered() {
        return offered.get();
    }

    public long answered() {
        return answered.get();
    }

    public long wrapUps() {
        return wrapUps.get();
    }

    public long breaks() {
        return breaks.get();
    }

    private void tick() {
        long now = System.currentTimeMillis();
        double arrival = plan.callsPerMinute() * TICK_MS / 60_000.0;
        for (Map.Entry<String, List<String>> q : plan.queues().entrySet()) {
            if (random.nextDouble() < arrival) {
                waiting.get(q.getKey()).add(now);
            }
            Deque<Long> line = waiting.get(q.getKey());
            while (!line.isEmpty()) {
                A agent = longestIdle(q.getValue(), now);
                if (agent == null) {
                    break;
                }
                line.poll();
                deliver(agent, q.getKey());
            }
        }
        double breakChance = plan.breaksPerAgentHour() * TICK_MS / 3_600_000.0;
        for (List<String> users : plan.queues().values()) {
            for (String name : users) {
                A u = ops.agent(name);
                if (ops.activity(u) == Activity.READY && !ops.busy(u) && random.nextDouble() < breakChance) {
                    takeBreak(u);
                }
            }
        }
    }

    private A longestIdle(List<String> users, long now) {
        A best = null;
        long bestSince = Long.MAX_VALUE;
        for (String name : users) {
            A u = ops.agent(name);
            if (ops.activity(u) != Activity.READY || ops.busy(u)) {
                continue;
            }
            long since = idleSince.getOrDefault(name, 0L);
            if (since < bestSince) {
                best = u;
                bestSince = since;
            }
        }
        return best;
    }

    private void deliver(A agent, String queueAddress) {
        offered.incrementAndGet();
        long n = ++callerSeq;
        String caller = "sip:+1555" + String.format("%07d", n % 10_000_000) + "@caller.example";
        C call = ops.offer(agent, queueAddress, caller, "Caller " + n);
        long ring = between(plan.ringMin(), plan.ringMax());
        long talk = between(plan.talkMin(), plan.talkMax());
        boolean hold = random.nextDouble() < plan.holdChance();
        later(ring, () -> {
            if (!ops.has(agent, call)) {
                return;
            }
            ops.answer(agent, call);
            answered.incrementAndGet();
            if (hold) {
                later(talk / 3, () -> {
                    if (ops.has(agent, call)) {
                        ops.hold(agent, call, true);
                    }
                });
                later(talk / 3 + Math.max(1000, talk / 4), () -> {
                    if (ops.has(agent, call)) {
                        ops.hold(agent, call, false);
                    }
                });
            }
            later(talk, () -> {
                if (!ops.has(agent, call)) {
                    return;
                }
                ops.hangUp(agent, call);
                ops.set(agent, Activity.WRAP_UP, null);
                wrapUps.incrementAndGet();
                later(between(plan.wrapUpMin(), plan.wrapUpMax()), () -> {
                    if (ops.activity(agent) == Activity.WRAP_UP) {
                        ops.set(agent, Activity.READY, null);
                        idleSince.put(ops.name(agent), System.currentTimeMillis());
                    }
                });
            });
        });
    }

    private void takeBreak(A u) {
        breaks.incrementAndGet();
        String reason = plan.breakReasons().isEmpty() ? null : plan.breakReasons().get(random.nextInt(plan.breakReasons().size()));
        ops.set(u, Activity.NOT_READY, reason);
        later(between(plan.breakMin(), plan.breakMax()), () -> {
            if (ops.activity(u) == Activity.NOT_READY) {
                ops.set(u, Activity.READY, null);
                idleSince.put(ops.name(u), System.currentTimeMillis());
            }
        });
    }

    private long between(Duration min, Duration max) {
        long lo = min.toMillis();
        long hi = Math.max(lo, max.toMillis());
        return lo + (hi == lo ? 0 : (long) (random.nextDouble() * (hi - lo)));
    }

    private void later(long millis, Runnable r) {
        exec.schedule(r, Math.max(1, millis), TimeUnit.MILLISECONDS);
    }
}
