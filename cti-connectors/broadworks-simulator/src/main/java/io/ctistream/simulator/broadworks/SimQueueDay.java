package io.ctistream.simulator.broadworks;

import io.ctistream.simulator.broadworks.xsi.XsiEventsServer;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel;
import io.ctistream.simulator.support.AcdPlan;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AS side of one ACD for Xsi call centers (issue #17): callers dial each call center (arrivals
 * that rise in busy periods), the calls queue in the Xsi server's {@link XsiQueueModel}, which learns
 * every agent's READY state from the AS (the same state the hoteling and feature-event packages
 * report) and offers each call to the longest-idle READY agent; this class is the model's
 * {@link XsiQueueModel.Desk}: the offered call rings at the agent as an inbound dialog naming the call
 * center's address (as {@link SimControl#offer} rings any call), is answered when the model says so,
 * talked (some held), hung up into wrap-up, and the agent is READY again. A call the caller gives up
 * on while it rings, or that rings at an agent who went away, is cancelled. Breaks as the plan says.
 * Runs on the simulator's executor; the model's calls arrive on the Xsi server's loop and are handed
 * here without waiting, and this class waits for the loop (never the other way round).
 */
final class SimQueueDay implements XsiQueueModel.Desk {
    private static final Logger LOG = LoggerFactory.getLogger(SimQueueDay.class);
    private static final long TICK_MS = 100;

    /**
     * When the call centers are busy: a day starts with {@code quiet} at {@code quietFactor} times the
     * plan's arrival rate, then {@code busy} at {@code busyFactor} times it, and again.
     */
    record BusyPeriods(Duration quiet, Duration busy, double quietFactor, double busyFactor) {
        BusyPeriods {
            if (quiet.isNegative() || busy.isNegative() || quiet.plus(busy).isZero() || quietFactor < 0 || busyFactor < 0) {
                throw new IllegalArgumentException("busy periods need a positive cycle and non-negative factors");
            }
        }

        /** The arrival rate's factor at {@code elapsed} since the day started. */
        double factor(long elapsedMillis) {
            long cycle = quiet.toMillis() + busy.toMillis();
            return elapsedMillis % cycle < quiet.toMillis() ? quietFactor : busyFactor;
        }
    }

    private final SimAs as;
    private final SimControl control;
    private final XsiEventsServer xsi;
    private final AcdPlan plan;
    private final BusyPeriods periods;
    private final Random random;
    /** User name to the call centers (their user ids) they serve. */
    private final Map<String, List<String>> serves = new HashMap<>();
    /** Xsi call id to the dialog ringing for it. */
    private final Map<String, SimCall> ringing = new HashMap<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong breaks = new AtomicLong();
    private final long startedAt = System.currentTimeMillis();
    private ScheduledFuture<?> tick;
    private volatile boolean stopped;
    private long callerSeq;

    /** @param plan its queues are call-center user ids to the users serving them */
    SimQueueDay(SimAs as, SimControl control, XsiEventsServer xsi, AcdPlan plan, BusyPeriods periods, long seed) {
        this.as = as;
        this.control = control;
        this.xsi = xsi;
        this.plan = plan;
        this.periods = periods;
        this.random = new Random(seed);
        plan.queues().forEach((callCenter, users) -> users.forEach(u -> serves.computeIfAbsent(u, k -> new java.util.ArrayList<>()).add(callCenter)));
    }

    /** On the executor: the call centers exist on the Xsi server, agents already READY are so there too, arrivals begin. */
    void start() {
        plan.queues().keySet().forEach(xsi::addCallCenter);
        serves.keySet().forEach(name -> stateChanged(as.user(name), null));
        tick = as.exec.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    void stop() {
        stopped = true;
        if (tick != null) {
            tick.cancel(false);
        }
    }

    BroadWorksSimulator.QueueDayStats stats() {
        return new BroadWorksSimulator.QueueDayStats(arrivals.get(), answered.get(), cancelled.get(), breaks.get());
    }

    /** The user's ACD state changed on the AS (from {@code before}; null: not known): the queue model hears of READY gained or lost. */
    void stateChanged(SimUser u, SimUser.AcdState before) {
        List<String> callCenters = serves.get(u.user);
        if (callCenters == null || before == u.agentState) {
            return;
        }
        for (String callCenter : callCenters) {
            if (u.agentState == SimUser.AcdState.READY) {
                xsi.agentReady(callCenter, userId(u));
            } else if (before == SimUser.AcdState.READY || before == null) {
                xsi.agentNotReady(callCenter, userId(u));
            }
        }
    }

    private String userId(SimUser u) {
        return u.user + "@" + as.settings.domain();
    }

    private SimUser userOf(String userId) {
        return as.user(userId.substring(0, userId.indexOf('@')));
    }

    private void tick() {
        if (stopped) {
            return;
        }
        try {
            double perTick = plan.callsPerMinute() * periods.factor(System.currentTimeMillis() - startedAt) * TICK_MS / 60_000.0;
            for (String callCenter : plan.queues().keySet()) {
                if (random.nextDouble() < perTick) {
                    arrivals.incrementAndGet();
                    long n = ++callerSeq;
                    xsi.callArrives(callCenter, "+1555" + String.format("%07d", n % 10_000_000));
                }
            }
            double breakChance = plan.breaksPerAgentHour() * TICK_MS / 3_600_000.0;
            for (String name : serves.keySet()) {
                SimUser u = as.user(name);
                if (u.agentState == SimUser.AcdState.READY && u.calls.isEmpty() && random.nextDouble() < breakChance) {
                    takeBreak(u);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("queue day tick failed: {}", e.toString());
        }
    }

    private void takeBreak(SimUser u) {
        breaks.incrementAndGet();
        String reason = plan.breakReasons().isEmpty() ? null : plan.breakReasons().get(random.nextInt(plan.breakReasons().size()));
        control.setState(u, "notReady", reason);
        later(between(plan.breakMin(), plan.breakMax()), () -> {
            if (u.agentState == SimUser.AcdState.NOT_READY) {
                control.setState(u, "ready", null);
            }
        });
    }

    // ---- the desk: called on the Xsi server's loop, handed to the executor without waiting

    @Override
    public void ring(XsiQueueModel.Call call, String agent) {
        onExec(() -> {
            SimUser u = userOf(agent);
            String number = call.caller();
            ringing.put(call.callId(), control.offer(u, "sip:" + call.callCenter(), "sip:" + number + "@caller.example", "Caller " + number));
        });
    }

    @Override
    public void answered(XsiQueueModel.Call call, String agent) {
        onExec(() -> {
            SimUser u = userOf(agent);
            SimCall c = ringing.remove(call.callId());
            if (c == null || !u.calls.contains(c)) {
                return; // ended on the AS meanwhile (a supervisor, a fault)
            }
            control.answer(u, c);
            answered.incrementAndGet();
            long talk = between(plan.talkMin(), plan.talkMax());
            if (random.nextDouble() < plan.holdChance()) {
                later(talk / 3, () -> {
                    if (u.calls.contains(c)) {
                        control.hold(u, c, true);
                    }
                });
                later(talk / 3 + Math.max(1000, talk / 4), () -> {
                    if (u.calls.contains(c)) {
                        control.hold(u, c, false);
                    }
                });
            }
            long wrapUp = between(plan.wrapUpMin(), plan.wrapUpMax());
            later(talk, () -> {
                if (!u.calls.contains(c)) {
                    return;
                }
                control.hangUp(u, c);
                if (u.agentState == SimUser.AcdState.READY) {
                    control.setState(u, "workingAfterCall", null);
                    later(wrapUp, () -> {
                        if (u.agentState == SimUser.AcdState.WRAP_UP) {
                            control.setState(u, "ready", null);
                        }
                    });
                }
            });
        });
    }

    @Override
    public void stoppedRinging(XsiQueueModel.Call call, String agent) {
        onExec(() -> {
            SimUser u = userOf(agent);
            SimCall c = ringing.remove(call.callId());
            if (c != null && u.calls.contains(c)) {
                control.cancel(u, c);
                cancelled.incrementAndGet();
            }
        });
    }

    private void onExec(Runnable r) {
        if (stopped) {
            return;
        }
        try {
            as.exec.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("queue day desk failed: {}", e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("queue day desk: the simulator has stopped");
        }
    }

    private long between(Duration min, Duration max) {
        long lo = min.toMillis();
        long hi = Math.max(lo, max.toMillis());
        return lo + (hi == lo ? 0 : (long) (random.nextDouble() * (hi - lo)));
    }

    private void later(long millis, Runnable r) {
        as.exec.schedule(() -> {
            if (!stopped) {
                r.run();
            }
        }, Math.max(1, millis), TimeUnit.MILLISECONDS);
    }
}
