package io.ctistream.webhooks;

import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one reader of {@code cti.agent-events} remembers about the agents of the partitions it
 * reads, so that a canonical event can be told apart from the one before it: the previous state,
 * an open wrap-up, each call's last state. Filled by {@link CloudEventMapper} in log order; a reader
 * starts it afresh (and warms it on earlier records) whenever it (re)takes a partition. Bounded:
 * per agent, at most {@link #MAX_CALLS} open calls and {@link #MAX_ENDED} ended call ids are kept.
 * Not thread-safe: one reader thread owns it.
 */
public final class AgentMemory {
    static final int MAX_CALLS = 32;
    static final int MAX_ENDED = 16;

    private final Map<String, Agent> agents = new HashMap<>();

    Agent agent(String agentId) {
        return agents.computeIfAbsent(agentId, k -> new Agent());
    }

    /** Agents remembered. */
    public int size() {
        return agents.size();
    }

    /** One agent's remembered facts. */
    static final class Agent {
        /** The last state seen (UNKNOWN included), or null before the first. */
        AgentState state;
        /** When the open wrap-up began; kept across UNKNOWN (a lost link does not end a wrap-up), null when none is open. */
        Instant wrapUpSince;
        private final Map<String, CallState> calls = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CallState> eldest) {
                return size() > MAX_CALLS;
            }
        };
        private final ArrayDeque<String> ended = new ArrayDeque<>();

        CallState call(String callId) {
            return calls.get(callId);
        }

        void call(String callId, CallState state) {
            calls.put(callId, state);
        }

        boolean ended(String callId) {
            return ended.contains(callId);
        }

        void end(String callId) {
            calls.remove(callId);
            if (!ended.contains(callId)) {
                ended.addLast(callId);
                if (ended.size() > MAX_ENDED) {
                    ended.removeFirst();
                }
            }
        }
    }
}
