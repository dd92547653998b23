package io.ctistream.connector.core;

import io.ctistream.events.LinkState;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The counts {@link PlatformAdapter#linksActive()}, {@link PlatformAdapter#linksByChannelAndState()}
 * and {@link PlatformAdapter#refusedLinks()} report, for adapters with one link per agent (an XMPP
 * session, a DMCC monitor). A scrape calls them off the adapter's context: hand in the values of a
 * concurrent map; each count walks one snapshot of them.
 */
public final class LinkCensus {
    private LinkCensus() {
    }

    public static <A> int active(Collection<A> agents, Function<A, LinkState> link) {
        int n = 0;
        for (Object a : agents.toArray()) {
            n += link.apply(cast(a)) == LinkState.ACTIVE ? 1 : 0;
        }
        return n;
    }

    /** The agents' links of one channel by state, every state present (zeros included). */
    public static <A> Map<String, Map<String, Integer>> byState(String channel, Collection<A> agents, Function<A, LinkState> link) {
        Map<LinkState, Integer> byState = new EnumMap<>(LinkState.class);
        for (LinkState s : LinkState.values()) {
            byState.put(s, 0);
        }
        for (Object a : agents.toArray()) {
            byState.merge(link.apply(cast(a)), 1, Integer::sum);
        }
        Map<String, Integer> out = new TreeMap<>();
        byState.forEach((s, n) -> out.put(s.name(), n));
        return Map.of(channel, out);
    }

    /**
     * Agents the platform refused for good, by reason: a refusal reads {@code "REASON: detail"} and
     * is counted by what comes before the colon (the whole text when there is none); null = not refused.
     */
    public static <A> Map<String, Integer> refused(Collection<A> agents, Function<A, String> refusal) {
        Map<String, Integer> out = new TreeMap<>();
        for (Object a : agents.toArray()) {
            String reason = refusal.apply(cast(a));
            if (reason != null) {
                int colon = reason.indexOf(':');
                out.merge(colon > 0 ? reason.substring(0, colon) : reason, 1, Integer::sum);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <A> A cast(Object a) {
        return (A) a;
    }
}
