package io.ctistream.simulator.broadworks.xsi;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.simulator.broadworks.xsi.XsiQueueModel.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Verifies the simulator's ACD queue (issue #17) on a virtual clock: waiting, longest-idle offer, answer, abandon, and the same run under the same seed. */
class XsiQueueModelTest {

    /** A virtual clock: timers fire in time order when the test advances it. */
    static final class VirtualTimers implements XsiQueueModel.Timers {
        long now = 1_000_000;
        long ids;
        final TreeMap<Long, List<Object[]>> due = new TreeMap<>();

        public long now() {
            return now;
        }

        public long later(long millis, Runnable r) {
            long id = ++ids;
            due.computeIfAbsent(now + millis, k -> new ArrayList<>()).add(new Object[] {id, r});
            return id;
        }

        public void cancel(long timer) {
            due.values().forEach(l -> l.removeIf(o -> (long) o[0] == timer));
        }

        void advance(long millis) {
            long until = now + millis;
            while (!due.isEmpty() && due.firstKey() <= until) {
                var e = due.pollFirstEntry();
                now = e.getKey();
                e.getValue().forEach(o -> ((Runnable) o[1]).run());
            }
            now = until;
        }
    }

    private final VirtualTimers timers = new VirtualTimers();
    private final List<String> log = new ArrayList<>();
    private final XsiQueueModel.Plan plan = new XsiQueueModel.Plan(1_000, 10_000, 20_000, 40_000);

    private XsiQueueModel model(long seed) {
        XsiQueueModel m = new XsiQueueModel(timers, plan, seed, (change, call, position) -> log.add(change + " " + call.callId()
                + (change == Change.ADDED ? " pos=" + position : "") + (call.answeringUser() != null ? " by " + call.answeringUser() : "")
                + " at=" + (timers.now - 1_000_000)));
        m.addCallCenter("sales");
        return m;
    }

    /** Verifies that calls wait while no agent is READY and are offered, oldest first, to the agent idle the longest. */
    @Test
    void callsWaitThenGoToTheLongestIdleAgent() {
        // GIVEN a queue with nobody READY
        XsiQueueModel m = model(1);
        // WHEN two calls arrive, then two agents become READY (bob first, so he has waited longer)
        m.callArrives("sales", "+15550001", 60_000);
        timers.advance(5_000);
        m.callArrives("sales", "+15550002", 60_000);
        timers.advance(5_000);
        m.agentReady("sales", "bob");
        timers.advance(1_000);
        // THEN the first call rang at bob and was answered; the second still waits until alice is READY
        assertThat(m.waiting("sales")).extracting(XsiQueueModel.Call::callId).containsExactly("callhalf-2:0");
        m.agentReady("sales", "alice");
        timers.advance(1_000);
        assertThat(m.waiting("sales")).isEmpty();
        assertThat(log).containsExactly("ADDED callhalf-1:0 pos=1 at=0", "ADDED callhalf-2:0 pos=2 at=5000",
                "OFFERED_TO_AGENT callhalf-1:0 at=10000", "ANSWERED_BY_AGENT callhalf-1:0 by bob at=11000",
                "OFFERED_TO_AGENT callhalf-2:0 at=11000", "ANSWERED_BY_AGENT callhalf-2:0 by alice at=12000");
    }

    /** Verifies that a caller whose patience runs out while waiting abandons, and an agent READY later finds an empty queue. */
    @Test
    void aCallerAbandonsAfterThePatience() {
        XsiQueueModel m = model(1);
        m.callArrives("sales", "+15550001", 30_000);
        timers.advance(30_000);
        m.agentReady("sales", "bob");
        assertThat(log).containsExactly("ADDED callhalf-1:0 pos=1 at=0", "ABANDONED callhalf-1:0 at=30000");
        assertThat(m.waiting("sales")).isEmpty();
    }

    /** Verifies that the patience drawn per caller makes the same day under the same seed, and a different one under another. */
    @Test
    void theSameSeedMakesTheSameDay() {
        List<String> first = day(7);
        List<String> again = day(7);
        assertThat(again).isEqualTo(first);
        assertThat(first).anyMatch(l -> l.startsWith("ABANDONED"));
        assertThat(day(8)).isNotEqualTo(first);
    }

    /** A desk that writes down what the AS was asked to do with the agents' phones. */
    private final List<String> desk = new ArrayList<>();

    private XsiQueueModel deskModel(XsiQueueModel.Plan p, String... callCenters) {
        XsiQueueModel.Desk d = new XsiQueueModel.Desk() {
            public void ring(XsiQueueModel.Call call, String agent) {
                desk.add("ring " + call.callId() + " at " + agent + " t=" + (timers.now - 1_000_000));
            }

            public void answered(XsiQueueModel.Call call, String agent) {
                desk.add("answered " + call.callId() + " by " + agent + " t=" + (timers.now - 1_000_000));
            }

            public void stoppedRinging(XsiQueueModel.Call call, String agent) {
                desk.add("stopped " + call.callId() + " at " + agent + " t=" + (timers.now - 1_000_000));
            }
        };
        XsiQueueModel m = new XsiQueueModel(timers, p.withDesk(d), 1, (change, call, position) -> log.add(change + " " + call.callId()
                + (call.answeringUser() != null ? " by " + call.answeringUser() : "") + " at=" + (timers.now - 1_000_000)));
        for (String cc : callCenters) {
            m.addCallCenter(cc);
        }
        return m;
    }

    /** Verifies that with a desk the offered call rings at the agent's phone, is answered after the ring, and the agent stays busy until the AS says READY. */
    @Test
    void withADeskTheCallRingsAtThePhoneAndTheAgentIsBusyUntilTheAsSaysReady() {
        // GIVEN one READY agent whose phone is the AS's
        XsiQueueModel m = deskModel(plan, "sales");
        m.agentReady("sales", "bob");
        // WHEN two calls arrive and the talk time of the model's own plan (10 s) passes
        m.callArrives("sales", "+15550001", 60_000);
        m.callArrives("sales", "+15550002", 60_000);
        timers.advance(20_000);
        // THEN the first rang and was answered; the second waits: the model does not end the AS's call
        assertThat(desk).containsExactly("ring callhalf-1:0 at bob t=0", "answered callhalf-1:0 by bob t=1000");
        assertThat(m.waiting("sales")).extracting(XsiQueueModel.Call::callId).containsExactly("callhalf-2:0");
        // WHEN the AS reports wrap-up, then READY
        m.agentNotReady("sales", "bob");
        timers.advance(5_000);
        m.agentReady("sales", "bob");
        timers.advance(1_000);
        // THEN the second call rings and is answered at 26 s
        assertThat(desk).endsWith("ring callhalf-2:0 at bob t=25000", "answered callhalf-2:0 by bob t=26000");
        assertThat(log).endsWith("OFFERED_TO_AGENT callhalf-2:0 at=25000", "ANSWERED_BY_AGENT callhalf-2:0 by bob at=26000");
    }

    /** Verifies that a caller who hangs up while it rings stops the ring at the phone, and the agent keeps their place. */
    @Test
    void aCallerWhoHangsUpWhileItRingsStopsThePhone() {
        XsiQueueModel m = deskModel(new XsiQueueModel.Plan(5_000, 10_000, 20_000, 40_000), "sales");
        m.callArrives("sales", "+15550001", 2_000);
        m.agentReady("sales", "bob");
        timers.advance(3_000);
        assertThat(desk).containsExactly("ring callhalf-1:0 at bob t=0", "stopped callhalf-1:0 at bob t=2000");
        assertThat(log).containsExactly("ADDED callhalf-1:0 at=0", "OFFERED_TO_AGENT callhalf-1:0 at=0", "ABANDONED callhalf-1:0 at=2000");
        // bob is READY again at once: the next call rings at him
        m.callArrives("sales", "+15550002", 60_000);
        assertThat(desk).last().isEqualTo("ring callhalf-2:0 at bob t=3000");
    }

    /** Verifies that an agent who goes not ready while a call rings at them gets the ring stopped, and the call goes to the next READY agent. */
    @Test
    void anAgentWhoLeavesWhileItRingsPassesTheCallOn() {
        XsiQueueModel m = deskModel(plan, "sales");
        m.agentReady("sales", "bob");
        timers.advance(1_000);
        m.agentReady("sales", "alice");
        m.callArrives("sales", "+15550001", 60_000);
        m.agentNotReady("sales", "bob");
        timers.advance(1_000);
        timers.advance(1_000);
        assertThat(desk).containsExactly("ring callhalf-1:0 at bob t=1000", "stopped callhalf-1:0 at bob t=2000",
                "ring callhalf-1:0 at alice t=2000", "answered callhalf-1:0 by alice t=3000");
    }

    /** Verifies that an agent of two call centers is offered one call at a time, the oldest of both queues first. */
    @Test
    void anAgentOfTwoQueuesTakesTheOldestCallOfBothOneAtATime() {
        XsiQueueModel m = deskModel(plan, "sales", "support");
        m.agentNotReady("sales", "bob");
        m.agentNotReady("support", "bob");
        m.callArrives("support", "+15550001", 60_000);
        timers.advance(1_000);
        m.callArrives("sales", "+15550002", 60_000);
        m.agentReady("sales", "bob");
        m.agentReady("support", "bob");
        timers.advance(30_000);
        assertThat(desk).containsExactly("ring callhalf-1:0 at bob t=1000", "answered callhalf-1:0 by bob t=2000");
        assertThat(m.waiting("sales")).extracting(XsiQueueModel.Call::callId).containsExactly("callhalf-2:0");
    }

    /** Verifies that a call waiting the plan's maximum wait overflows out of the queue (and a patient caller never abandons first). */
    @Test
    void aCallWaitingTheMaximumWaitOverflows() {
        XsiQueueModel m = deskModel(plan.withMaxWait(45_000), "sales");
        m.callArrives("sales", "+15550001", 120_000);
        m.callArrives("sales", "+15550002", 30_000);
        timers.advance(200_000);
        assertThat(log).containsExactly("ADDED callhalf-1:0 at=0", "ADDED callhalf-2:0 at=0", "ABANDONED callhalf-2:0 at=30000",
                "OVERFLOWED callhalf-1:0 at=45000");
        assertThat(m.waiting("sales")).isEmpty();
    }

    private List<String> day(long seed) {
        log.clear();
        timers.now = 1_000_000;
        timers.due.clear();
        XsiQueueModel m = model(seed);
        m.agentReady("sales", "bob");
        for (int i = 0; i < 12; i++) {
            m.callArrives("sales", "+1555000" + i);
            timers.advance(4_000);
        }
        timers.advance(120_000);
        return List.copyOf(log);
    }
}
