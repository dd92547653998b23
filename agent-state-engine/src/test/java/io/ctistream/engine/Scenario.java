package io.ctistream.engine;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import io.ctistream.events.LinkState;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A deterministic contact-center morning for many agents: a roster over teams, and per agent a
 * realistic sequence (link up, log on, ready, queue calls with hold and wrap-up, breaks, the odd
 * link loss), interleaved across agents in time order, with a few roster moves among them.
 *
 * <p>The seed decides everything but where the morning sits in time: {@link #endingBefore} puts
 * it just behind a clock, which is what a test that writes it to a real broker must do (issue #12:
 * a morning pinned to a calendar date is deleted by retention a week later).
 */
record Scenario(Instant start, List<AgentProfile> roster, List<Step> steps) {
    /** How long before the clock the last record of {@link #endingBefore} is stamped. */
    static final Duration LEAD = Duration.ofMinutes(1);

    /**
     * One input record, in the order it is sent: an agent event, a roster entry, a queue event, or
     * an agent leaving the roster ({@code leaver}, a tombstone).
     */
    record Step(AgentEvent event, AgentProfile profile, Instant at, QueueEvent queueEvent, String leaver) {
        Step(AgentEvent event, AgentProfile profile, Instant at) {
            this(event, profile, at, null, null);
        }
    }

    /** The morning of {@code seed}, placed so that its last record is stamped {@link #LEAD} before {@code clock} reads now. */
    static Scenario endingBefore(Clock clock, long seed, int agents, int teams, int callsPerAgent) {
        return endingBefore(clock, EngineDriver.TENANT, seed, agents, teams, callsPerAgent);
    }

    /** The same, for agents, teams and queues of {@code tenant} (tests sharing a broker keep to their own). */
    static Scenario endingBefore(Clock clock, String tenant, long seed, int agents, int teams, int callsPerAgent) {
        Duration span = generate(seed, agents, teams, callsPerAgent, Instant.EPOCH, tenant).span();
        return generate(seed, agents, teams, callsPerAgent, clock.instant().minus(LEAD).minus(span), tenant);
    }

    static Scenario generate(long seed, int agents, int teams, int callsPerAgent, Instant start, String tenant) {
        Random random = new Random(seed);
        List<AgentProfile> roster = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            roster.add(profile(tenant, i, i % teams));
        }
        List<List<AgentEvent>> perAgent = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            perAgent.add(agentDay(random, start, roster.get(i).getAgentId(), callsPerAgent));
        }
        // interleave by occurrence time, keeping each agent's order
        List<Step> steps = new ArrayList<>();
        int[] next = new int[agents];
        int remaining = perAgent.stream().mapToInt(List::size).sum();
        while (remaining > 0) {
            int best = -1;
            for (int i = 0; i < agents; i++) {
                if (next[i] < perAgent.get(i).size() && (best < 0
                        || perAgent.get(i).get(next[i]).getHeader().getOccurredAt().isBefore(perAgent.get(best).get(next[best]).getHeader().getOccurredAt()))) {
                    best = i;
                }
            }
            AgentEvent e = perAgent.get(best).get(next[best]++);
            steps.add(new Step(e, null, e.getHeader().getIngestedAt()));
            remaining--;
            if (random.nextInt(200) == 0) { // a supervisor moves someone to another team
                int who = random.nextInt(agents);
                steps.add(new Step(null, profile(tenant, who, random.nextInt(teams)), steps.get(steps.size() - 1).at()));
            }
        }
        return new Scenario(start, roster, steps);
    }

    static AgentProfile profile(int i, int team) {
        return profile(EngineDriver.TENANT, i, team);
    }

    static AgentProfile profile(String tenant, int i, int team) {
        return AgentProfile.newBuilder().setTenant(tenant).setAgentId(tenant + "/" + String.format("u%05d", i))
                .setDisplayName("Agent " + i).setTeamId(tenant + "/t" + team).setQueues(List.of(tenant + "/q" + (i % 3)))
                .setPlatform(Platform.BROADWORKS).setPlatformUserId(String.format("u%05d@example.test", i)).build();
    }

    private static List<AgentEvent> agentDay(Random random, Instant start, String agentId, int calls) {
        List<AgentEvent> out = new ArrayList<>();
        Instant t = start.plusMillis(random.nextInt(60_000));
        String queue = agentId.substring(0, agentId.indexOf('/')) + "/q" + Math.floorMod(agentId.hashCode(), 3);
        long seq = 0;
        out.add(event(random, agentId, t, EngineDriver.link(LinkState.ACTIVE), null));
        out.add(event(random, agentId, t = t.plusMillis(200), EngineDriver.notReady("0001", "Log on"), ++seq));
        out.add(event(random, agentId, t = t.plusSeconds(5 + random.nextInt(30)), EngineDriver.state(AgentState.READY), ++seq));
        for (int c = 0; c < calls; c++) {
            String callId = agentId + "/call-" + c;
            out.add(event(random, agentId, t = t.plusSeconds(1 + random.nextInt(60)), EngineDriver.call(callId, CallState.RINGING, queue), ++seq));
            out.add(event(random, agentId, t = t.plusSeconds(1 + random.nextInt(10)), EngineDriver.call(callId, CallState.CONNECTED, queue), ++seq));
            if (random.nextInt(3) == 0) {
                out.add(event(random, agentId, t = t.plusSeconds(10 + random.nextInt(60)), EngineDriver.call(callId, CallState.HELD, queue), ++seq));
                out.add(event(random, agentId, t = t.plusSeconds(5 + random.nextInt(60)), EngineDriver.call(callId, CallState.CONNECTED, queue), ++seq));
            }
            out.add(event(random, agentId, t = t.plusSeconds(20 + random.nextInt(300)), EngineDriver.call(callId, CallState.ENDED, queue), ++seq));
            out.add(event(random, agentId, t = t.plusMillis(300), EngineDriver.state(AgentState.WRAP_UP), ++seq));
            if (random.nextInt(8) == 0) {
                out.add(event(random, agentId, t = t.plusSeconds(5), EngineDriver.link(LinkState.LOST), null));
                out.add(event(random, agentId, t = t.plusSeconds(10), EngineDriver.link(LinkState.ACTIVE), null));
            }
            out.add(event(random, agentId, t = t.plusSeconds(10 + random.nextInt(60)),
                    random.nextInt(5) == 0 ? EngineDriver.notReady("0012", "Break") : EngineDriver.state(AgentState.READY), ++seq));
        }
        return out;
    }

    private static AgentEvent event(Random random, String agentId, Instant at, Object payload, Long sequence) {
        AgentEvent e = EngineDriver.event(agentId, at, payload, sequence);
        // deterministic per seed, distinct per tenant: the engine dedupes by event id across tenants
        long tenantBits = e.getHeader().getTenant().hashCode();
        e.getHeader().setEventId(new UUID(random.nextLong() ^ tenantBits, random.nextLong()).toString());
        return e;
    }

    int eventCount() {
        return (int) steps.stream().filter(s -> s.event() != null).count();
    }

    /** From {@link #start} to the stamp of the last record. */
    Duration span() {
        return Duration.between(start, last());
    }

    /** The record timestamp of the last step (steps are in time order). */
    Instant last() {
        return steps.get(steps.size() - 1).at();
    }
}
