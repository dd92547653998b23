package io.ctistream.simulator.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the simulated call center behaves in ACD mode: calls arrive at each queue (a Poisson process),
 * wait for the READY agent idle the longest, ring, are talked (sometimes with a hold), end in
 * wrap-up, and the agent becomes READY again; idle agents take not-ready breaks with a reason.
 *
 * @param queues call-center address (the dialed identity the connector maps to a queue) to the users serving it
 * @param callsPerMinute arrivals per minute at each queue
 * @param breakReasons reason codes for not-ready breaks, kept as opaque strings
 * @param breaksPerAgentHour how often an idle READY agent takes a break
 */
public record AcdPlan(Map<String, List<String>> queues, double callsPerMinute, Duration ringMin, Duration ringMax,
                      Duration talkMin, Duration talkMax, double holdChance, Duration wrapUpMin, Duration wrapUpMax,
                      List<String> breakReasons, double breaksPerAgentHour, Duration breakMin, Duration breakMax) {
    public AcdPlan {
        queues = Map.copyOf(queues);
        breakReasons = List.copyOf(breakReasons);
        if (callsPerMinute < 0 || holdChance < 0 || holdChance > 1 || breaksPerAgentHour < 0) {
            throw new IllegalArgumentException("acd plan rates must be non-negative and holdChance at most 1");
        }
    }

    /** A plausible contact-center hour, compressed: calls of 20-90 s, wrap-ups of 5-20 s, a few breaks. */
    public static AcdPlan plausible(Map<String, List<String>> queues, double callsPerMinute) {
        return new AcdPlan(queues, callsPerMinute, Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofSeconds(20),
                Duration.ofSeconds(90), 0.3, Duration.ofSeconds(5), Duration.ofSeconds(20), List.of("0001", "0002", "0012"),
                4, Duration.ofSeconds(20), Duration.ofSeconds(60));
    }
}
