package io.ctistream.simulator.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Verifies the shared call-center day on a floor of plain objects (no platform): calls go to the
 * READY agent idle the longest, through talk and wrap-up, one call per agent at a time, and agents
 * come back READY — what every platform simulator relies on.
 */
class CallCenterDayTest {
    /** An agent of the plain floor: its activity and its calls. */
    static final class Agent {
        final String name;
        CallCenterDay.Activity activity = CallCenterDay.Activity.READY;
        final List<String> calls = new ArrayList<>();
        final List<String> history = new ArrayList<>();
        int maxCallsAtOnce;

        Agent(String name) {
            this.name = name;
        }
    }

    @Test
    void callsFlowThroughTheLongestIdleReadyAgentAndWrapUp() throws Exception {
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
        Map<String, Agent> agents = new HashMap<>();
        for (String n : List.of("a1", "a2", "a3")) {
            agents.put(n, new Agent(n));
        }
        CallCenterDay.Floor<Agent, String> floor = new CallCenterDay.Floor<>() {
            int seq;

            public Agent agent(String name) {
                return agents.get(name);
            }

            public String name(Agent a) {
                return a.name;
            }

            public CallCenterDay.Activity activity(Agent a) {
                return a.activity;
            }

            public boolean busy(Agent a) {
                return !a.calls.isEmpty();
            }

            public boolean has(Agent a, String call) {
                return a.calls.contains(call);
            }

            public void set(Agent a, CallCenterDay.Activity activity, String reason) {
                a.activity = activity;
                a.history.add(activity.name());
            }

            public String offer(Agent a, String queue, String caller, String callerName) {
                String call = "c" + (++seq);
                a.calls.add(call);
                a.maxCallsAtOnce = Math.max(a.maxCallsAtOnce, a.calls.size());
                a.history.add("OFFERED");
                return call;
            }

            public void answer(Agent a, String call) {
                a.history.add("ANSWERED");
            }

            public void hold(Agent a, String call, boolean held) {
                a.history.add(held ? "HELD" : "RETRIEVED");
            }

            public void hangUp(Agent a, String call) {
                a.calls.remove(call);
                a.history.add("ENDED");
            }
        };
        AcdPlan plan = new AcdPlan(Map.of("sip:sales@example", List.of("a1", "a2", "a3")), 600, Duration.ofMillis(20), Duration.ofMillis(40),
                Duration.ofMillis(60), Duration.ofMillis(120), 0.5, Duration.ofMillis(20), Duration.ofMillis(40), List.of("0012"), 0,
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        CallCenterDay<Agent, String> day = new CallCenterDay<>(plan, floor, exec, 7);
        try {
            exec.submit(day::start).get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> exec.submit(day::wrapUps).get() >= 9);
            exec.submit(day::stop).get(5, TimeUnit.SECONDS);

            // every agent took calls, never two at once, and each call went offered → answered → ended → wrap-up
            Map<String, Agent> seen = exec.submit(() -> Map.copyOf(agents)).get();
            assertThat(seen.values()).allSatisfy(a -> {
                assertThat(a.history).as(a.name).contains("OFFERED", "ANSWERED", "ENDED", "WRAP_UP");
                assertThat(a.maxCallsAtOnce).as(a.name).isEqualTo(1);
            });
            assertThat(day.offered()).isGreaterThanOrEqualTo(day.answered());
            assertThat(day.answered()).isGreaterThanOrEqualTo(day.wrapUps());
        } finally {
            exec.shutdownNow();
        }
    }
}
