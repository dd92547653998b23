package io.ctistream.push;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Which sessions follow which topic ({@code agent/acme/u1}) or wildcard ({@code team/*}), so a change
 * reaches only the sessions that follow it instead of every connection of the instance. One per event
 * loop ({@link Fanout}).
 */
final class Subscribers {
    private final ConcurrentHashMap<String, Set<Session>> byTopic = new ConcurrentHashMap<>();

    void add(String topic, Session s) {
        // inside compute: a concurrent remove cannot drop the set this session is being added to; the sets
        // themselves are touched on the loop only (its sessions follow and unfollow there, its fanout reads
        // them there): a plain linked set, which a change's 1,000 followers are walked through fastest
        byTopic.compute(topic, (k, set) -> {
            Set<Session> followers = set == null ? new LinkedHashSet<>() : set;
            followers.add(s);
            return followers;
        });
    }

    void remove(String topic, Session s) {
        byTopic.computeIfPresent(topic, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    /** Follows now, by kind ({@code agent}, {@code team}, {@code queue}, {@code team/*}, {@code queue/*}); read off the loop, a moment old. */
    Map<String, Integer> countByKind() {
        Map<String, Integer> counts = new TreeMap<>();
        byTopic.forEach((topic, followers) -> counts.merge(topic.endsWith("/*") ? topic : topic.substring(0, topic.indexOf('/')),
                followers.size(), Integer::sum));
        return counts;
    }

    /** Whether a session follows this entry's topic or the wildcard of its kind. */
    boolean followed(StateView.Entry entry) {
        return byTopic.containsKey(entry.topic()) || byTopic.containsKey(entry.topic().substring(0, entry.topic().indexOf('/')) + "/*");
    }

    /**
     * Every session that follows this entry's topic ({@code exact} true) or else the wildcard of its kind
     * (each at most once per call); on the loop.
     */
    void forEach(StateView.Entry entry, BiConsumer<Session, Boolean> action) {
        Set<Session> exact = byTopic.get(entry.topic());
        if (exact != null) {
            for (Session s : exact) {
                action.accept(s, true);
            }
        }
        Set<Session> wild = byTopic.get(entry.topic().substring(0, entry.topic().indexOf('/')) + "/*");
        if (wild != null) {
            for (Session s : wild) {
                if (exact == null || !exact.contains(s)) {
                    action.accept(s, false);
                }
            }
        }
    }
}
