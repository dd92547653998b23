package io.ctistream.engine;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import io.ctistream.events.EventSource;
import io.ctistream.events.LinkState;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueCallDisposition;
import io.ctistream.events.QueueCallEntered;
import io.ctistream.events.QueueCallLeft;
import io.ctistream.events.QueueEvent;
import io.ctistream.events.QueueSeverity;
import io.ctistream.events.QueueStatistics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * A seeded, busier contact-center morning than {@link Scenario}: besides each agent's day (link
 * up, log on, ready, queue calls with hold and wrap-up, breaks, link losses) the even-numbered
 * queues are reported call by call by their platform as BroadWorks Xsi does (every call entered,
 * then answered by the agent, under the platform's own call id; callers abandon calls that never
 * reach an agent), the odd ones only through the agents' calls as Finesse does, every queue's
 * platform sends its own figures (QueueStatistics) every two minutes, supervisors move agents
 * between teams, and agents leave the roster (their events meanwhile are ignored) and some come
 * back (their connector then reports them anew). Everything
 * but the placement in time follows from the seed; {@link #endingBefore} puts the last record just
 * behind a clock, as a test writing it to a real broker must (issue #12).
 */
final class BusyDay {
    private BusyDay() {
    }

    /**
     * The day of {@code seed}, its last record stamped {@link Scenario#LEAD} before {@code clock} reads
     * now; {@code leaves}: whether agents leave the roster and come back (see {@link #generate(long, int, int, int, int, Instant, String, boolean)}).
     */
    static Scenario endingBefore(Clock clock, String tenant, long seed, int agents, int teams, int queues, int callsPerAgent, boolean leaves) {
        Scenario probe = generate(seed, agents, teams, queues, callsPerAgent, Instant.EPOCH, tenant, leaves);
        return generate(seed, agents, teams, queues, callsPerAgent, clock.instant().minus(Scenario.LEAD).minus(probe.span()), tenant, leaves);
    }

    static Scenario generate(long seed, int agents, int teams, int queues, int callsPerAgent, Instant start, String tenant) {
        return generate(seed, agents, teams, queues, callsPerAgent, start, tenant, true);
    }

    /**
     * @param leaves whether agents leave the roster and come back. A live engine may read an agent's
     *        roster change and its own events in another order than a clean replay; the engine judges
     *        them by record time (the broker's, LogAppendTime), so the end is the same (ADR 017, "Roster
     *        and events"; ReplayTest pipes the interleavings, EngineKillIT the day on a real broker).
     */
    static Scenario generate(long seed, int agents, int teams, int queues, int callsPerAgent, Instant start, String tenant, boolean leaves) {
        Random random = new Random(seed);
        List<AgentProfile> roster = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            roster.add(profile(tenant, i, i % teams, i % queues));
        }
        // every record of the day with its time; sorted (stably) by time below
        List<Timed> timeline = new ArrayList<>();
        long[] sequence = new long[agents];
        for (int i = 0; i < agents; i++) {
            agentDay(random, tenant, start, i, i % queues, callsPerAgent, sequence, timeline);
        }
        for (int q = 0; q < queues; q++) { // the platform's figures for the queue, every two minutes
            String queue = tenant + "/q" + q;
            for (int m = 0; m < 20; m += 2) {
                Instant at = start.plusSeconds(m * 60L + random.nextInt(60));
                int waiting = random.nextInt(6);
                timeline.add(new Timed(at, null, queueEvent(random, tenant, queue, "", at, QueueStatistics.newBuilder().setCallsInQueue(waiting)
                        .setOldestWaitingSince(waiting == 0 ? null : at.minusSeconds(random.nextInt(120))).setExpectedWaitMillis(random.nextInt(90_000) + 0L)
                        .setStaffedAgents(agents / queues).setIdleAgents(random.nextInt(3)).setUnavailableAgents(random.nextInt(3))
                        .setSeverities(Map.of("callsInQueue", waiting > 3 ? QueueSeverity.CRITICAL : QueueSeverity.NORMAL)).build())));
            }
        }
        for (int q = 0; q < queues; q += 2) { // callers who hang up before an agent takes the call, where the platform reports them
            String queue = tenant + "/q" + q;
            for (int n = 0; n < callsPerAgent * agents / queues / 6; n++) {
                Instant entered = start.plusSeconds(random.nextInt(20 * 60));
                String call = queue + "/abandoned-" + n;
                timeline.add(new Timed(entered, null, queueEvent(random, tenant, queue, call, entered, QueueCallEntered.newBuilder().build())));
                Instant gone = entered.plusSeconds(1 + random.nextInt(94)); // some within the 5 s abandon grace
                timeline.add(new Timed(gone, null, queueEvent(random, tenant, queue, call, gone,
                        QueueCallLeft.newBuilder().setDisposition(QueueCallDisposition.ABANDONED).build())));
            }
        }
        timeline.sort(Comparator.comparing(Timed::at));

        List<Scenario.Step> steps = new ArrayList<>();
        Set<Integer> off = new HashSet<>(); // agents off the roster now
        Map<Integer, Integer> backAfter = new HashMap<>(); // agent -> steps until it is put back
        for (Timed t : timeline) {
            steps.add(t.event() != null ? new Scenario.Step(t.event(), null, t.event().getHeader().getIngestedAt())
                    : new Scenario.Step(null, null, t.at(), t.queueEvent(), null));
            int dice = random.nextInt(1000);
            int who = random.nextInt(agents);
            if (dice < 6 && !off.contains(who)) { // a supervisor moves someone to another team
                steps.add(new Scenario.Step(null, profile(tenant, who, random.nextInt(teams), who % queues), t.at()));
            } else if (leaves && dice < 9 && !off.contains(who)) { // someone leaves the roster
                off.add(who);
                steps.add(new Scenario.Step(null, null, t.at(), null, roster.get(who).getAgentId()));
                if (random.nextBoolean()) {
                    backAfter.put(who, 20 + random.nextInt(200));
                }
            }
            for (Integer back : List.copyOf(backAfter.keySet())) {
                int left = backAfter.merge(back, -1, Integer::sum);
                if (left <= 0) { // back on the roster; its connector reports it anew
                    backAfter.remove(back);
                    off.remove(back);
                    String agentId = roster.get(back).getAgentId();
                    steps.add(new Scenario.Step(null, profile(tenant, back, random.nextInt(teams), back % queues), t.at()));
                    steps.add(step(event(random, agentId, t.at(), EngineDriver.link(LinkState.ACTIVE), null)));
                    steps.add(step(event(random, agentId, t.at(), EngineDriver.state(AgentState.READY), null)));
                }
            }
        }
        return new Scenario(start, roster, steps);
    }

    private static Scenario.Step step(AgentEvent e) {
        return new Scenario.Step(e, null, e.getHeader().getIngestedAt());
    }

    private record Timed(Instant at, AgentEvent event, QueueEvent queueEvent) {
    }

    static AgentProfile profile(String tenant, int i, int team, int queue) {
        return AgentProfile.newBuilder(Scenario.profile(tenant, i, team)).setQueues(List.of(tenant + "/q" + queue)).build();
    }

    private static void agentDay(Random random, String tenant, Instant start, int i, int q, int calls, long[] sequence, List<Timed> out) {
        String agentId = tenant + "/" + String.format("u%05d", i);
        String queue = tenant + "/q" + q;
        Instant t = start.plusMillis(random.nextInt(60_000));
        agent(out, event(random, agentId, t, EngineDriver.link(LinkState.ACTIVE), null));
        agent(out, event(random, agentId, t = t.plusMillis(200), EngineDriver.notReady("0001", "Log on"), ++sequence[i]));
        agent(out, event(random, agentId, t = t.plusSeconds(5 + random.nextInt(30)), EngineDriver.state(AgentState.READY), ++sequence[i]));
        for (int c = 0; c < calls; c++) {
            String callId = agentId + "/call-" + c;
            random.nextBoolean(); // (the draw that once decided whether the queue reports the call)
            boolean queueReports = q % 2 == 0;
            String platformCallId = callId + "/xsi"; // the platform's id of the call: not the agent's
            t = t.plusSeconds(1 + random.nextInt(60));
            if (queueReports) {
                Instant entered = t.minusSeconds(1 + random.nextInt(30));
                out.add(new Timed(entered, null, queueEvent(random, tenant, queue, platformCallId, entered, QueueCallEntered.newBuilder().build())));
            }
            agent(out, event(random, agentId, t, EngineDriver.call(callId, CallState.RINGING, queue), ++sequence[i]));
            agent(out, event(random, agentId, t = t.plusSeconds(1 + random.nextInt(10)), EngineDriver.call(callId, CallState.CONNECTED, queue), ++sequence[i]));
            if (queueReports) {
                out.add(new Timed(t, null, queueEvent(random, tenant, queue, platformCallId, t,
                        QueueCallLeft.newBuilder().setDisposition(QueueCallDisposition.ANSWERED).setAgentId(agentId).build())));
            }
            if (random.nextInt(3) == 0) {
                agent(out, event(random, agentId, t = t.plusSeconds(10 + random.nextInt(60)), EngineDriver.call(callId, CallState.HELD, queue), ++sequence[i]));
                agent(out, event(random, agentId, t = t.plusSeconds(5 + random.nextInt(60)), EngineDriver.call(callId, CallState.CONNECTED, queue), ++sequence[i]));
            }
            agent(out, event(random, agentId, t = t.plusSeconds(20 + random.nextInt(300)), EngineDriver.call(callId, CallState.ENDED, queue), ++sequence[i]));
            agent(out, event(random, agentId, t = t.plusMillis(300), EngineDriver.state(AgentState.WRAP_UP), ++sequence[i]));
            if (random.nextInt(8) == 0) {
                agent(out, event(random, agentId, t = t.plusSeconds(5), EngineDriver.link(LinkState.LOST), null));
                agent(out, event(random, agentId, t = t.plusSeconds(10), EngineDriver.link(LinkState.ACTIVE), null));
            }
            agent(out, event(random, agentId, t = t.plusSeconds(10 + random.nextInt(60)),
                    random.nextInt(5) == 0 ? EngineDriver.notReady("0012", "Break") : EngineDriver.state(AgentState.READY), ++sequence[i]));
        }
    }

    private static void agent(List<Timed> out, AgentEvent e) {
        out.add(new Timed(e.getHeader().getOccurredAt(), e, null));
    }

    private static AgentEvent event(Random random, String agentId, Instant at, Object payload, Long sequence) {
        AgentEvent e = EngineDriver.event(agentId, at, payload, sequence);
        e.getHeader().setEventId(new UUID(random.nextLong() ^ e.getHeader().getTenant().hashCode(), random.nextLong()).toString());
        return e;
    }

    private static QueueEvent queueEvent(Random random, String tenant, String queueId, String callId, Instant at, Object payload) {
        return QueueEvent.newBuilder().setEventId(new UUID(random.nextLong(), random.nextLong()).toString()).setTenant(tenant).setQueueId(queueId)
                .setSource(EventSource.newBuilder().setPlatform(Platform.BROADWORKS).setConnectorInstance("bw-1").build())
                .setOccurredAt(at).setIngestedAt(at).setCallId(callId).setPayload(payload).build();
    }

    /** How many steps of each kind: agent events, queue events, roster entries (moves and returns), leavers. */
    static String describe(Scenario day) {
        long events = day.steps().stream().filter(s -> s.event() != null).count();
        long queue = day.steps().stream().filter(s -> s.queueEvent() != null).count();
        long roster = day.steps().stream().filter(s -> s.profile() != null).count();
        long leavers = day.steps().stream().filter(s -> s.leaver() != null).count();
        return events + " agent events, " + queue + " queue events, " + roster + " roster entries, " + leavers + " leavers over "
                + Duration.between(day.start(), day.last());
    }
}
