package io.ctistream.push;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Which sessions follow which topic ({@code agent/acme/u1}) or wildcard ({@code team/*}), so a change
 * reaches only the sessions that follow it instead of every connection of the instance.
 */
final class Subscribers {
    private final ConcurrentHashMap<String, Set<Session>> byTopic = new ConcurrentHashMap<>();

    void add(String topic, Session s) {
        // inside compute: a concurrent remove cannot drop the set this session is being added to
        byTopic.compute(topic, (k, set) -> {
            Set<Session> followers = set == null ? ConcurrentHashMap.newKeySet() : set;
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

    /** Follows now, by kind ({@code agent}, {@code team}, {@code queue}, {@code team/*}, {@code queue/*}). */
    Map<String, Integer> countByKind() {
        Map<String, Integer> counts = new TreeMap<>();
        byTopic.forEach((topic, followers) -> counts.merge(topic.endsWith("/*") ? topic : topic.substring(0, topic.indexOf('/')),
                followers.size(), Integer::sum));
        return counts;
    }

    /** Every session that follows this entry's topic or the wildcard of its kind (each at most once per call site). */
    void forEach(StateView.Entry entry, Consumer<Session> action) {
        Set<Session> exact = byTopic.get(entry.topic());
        if (exact != null) {
            exact.forEach(action);
        }
        Set<Session> wild = byTopic.get(entry.topic().substring(0, entry.topic().indexOf('/')) + "/*");
        if (wild != null) {
            wild.forEach(s -> {
                if (exact == null || !exact.contains(s)) {
                    action.accept(s);
                }
            });
        }
    }
}
