package io.ctistream.simulator.broadworks;

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
 * The simulator's call center: a tick on the simulator's executor that lets calls arrive, offers
 * each to the READY agent of its queue idle the longest, and plays the call through ring, talk,
 * hold, hang-up and wrap-up with NOTIFYs on the dialog and as-feature-event packages. Runs on the
 * simulator's single thread, so it reads and changes users directly.
 */
final class AcdMode {
    private static final long TICK_MS = 100;

    /** What the operations it runs need from the simulator (all called on its executor). */
    interface Operations {
        SimUser user(String name);

        void setState(SimUser u, String state, String reason);

        SimCall offer(SimUser u, String calledAddress, String caller, String callerName);

        void answer(SimUser u, SimCall c);

        void hold(SimUser u, SimCall c, boolean held);

        void hangUp(SimUser u, SimCall c);
    }

    private final AcdPlan plan;
    private final Operations ops;
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

    AcdMode(AcdPlan plan, Operations ops, ScheduledExecutorService exec, long seed) {
        this.plan = plan;
        this.ops = ops;
        this.exec = exec;
        this.random = new Random(seed);
        plan.queues().keySet().forEach(q -> waiting.put(q, new ArrayDeque<>()));
    }

    void start() {
        tick = exec.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (tick != null) {
            tick.cancel(false);
        }
    }

    long offered() {
        return offered.get();
    }

    long answered() {
        return answered.get();
    }

    long wrapUps() {
        return wrapUps.get();
    }

    long breaks() {
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
                SimUser agent = longestIdle(q.getValue(), now);
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
                SimUser u = ops.user(name);
                if (u.agentState == SimUser.AcdState.READY && u.calls.isEmpty() && random.nextDouble() < breakChance) {
                    takeBreak(u);
                }
            }
        }
    }

    private SimUser longestIdle(List<String> users, long now) {
        SimUser best = null;
        long bestSince = Long.MAX_VALUE;
        for (String name : users) {
            SimUser u = ops.user(name);
            if (u.agentState != SimUser.AcdState.READY || !u.calls.isEmpty()) {
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

    private void deliver(SimUser agent, String queueAddress) {
        offered.incrementAndGet();
        long n = ++callerSeq;
        String caller = "sip:+1555" + String.format("%07d", n % 10_000_000) + "@caller.example";
        SimCall call = ops.offer(agent, queueAddress, caller, "Caller " + n);
        long ring = between(plan.ringMin(), plan.ringMax());
        long talk = between(plan.talkMin(), plan.talkMax());
        boolean hold = random.nextDouble() < plan.holdChance();
        later(ring, () -> {
            if (!agent.calls.contains(call)) {
                return;
            }
            ops.answer(agent, call);
            answered.incrementAndGet();
            if (hold) {
                later(talk / 3, () -> {
                    if (agent.calls.contains(call)) {
                        ops.hold(agent, call, true);
                    }
                });
                later(talk / 3 + Math.max(1000, talk / 4), () -> {
                    if (agent.calls.contains(call)) {
                        ops.hold(agent, call, false);
                    }
                });
            }
            later(talk, () -> {
                if (!agent.calls.contains(call)) {
                    return;
                }
                ops.hangUp(agent, call);
                ops.setState(agent, "workingAfterCall", null);
                wrapUps.incrementAndGet();
                later(between(plan.wrapUpMin(), plan.wrapUpMax()), () -> {
                    if (agent.agentState == SimUser.AcdState.WRAP_UP) {
                        ops.setState(agent, "ready", null);
                        idleSince.put(agent.user, System.currentTimeMillis());
                    }
                });
            });
        });
    }

    private void takeBreak(SimUser u) {
        breaks.incrementAndGet();
        String reason = plan.breakReasons().isEmpty() ? null : plan.breakReasons().get(random.nextInt(plan.breakReasons().size()));
        ops.setState(u, "notReady", reason);
        later(between(plan.breakMin(), plan.breakMax()), () -> {
            if (u.agentState == SimUser.AcdState.NOT_READY) {
                ops.setState(u, "ready", null);
                idleSince.put(u.user, System.currentTimeMillis());
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
