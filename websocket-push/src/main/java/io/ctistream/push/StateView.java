package io.ctistream.push;

import io.ctistream.schemas.CtiTopics;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every instance holds everything: the compacted state topics ({@code cti.agent-state},
 * {@code cti.team-stats}, {@code cti.queue-stats}) read from the beginning into memory, then
 * followed. No consumer group, so any number of pushers are stateless replicas. Changes go to the
 * listeners on the view's own thread.
 */
public final class StateView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateView.class);
    private static final Map<String, String> KINDS = Map.of(
            CtiTopics.AGENT_STATE.topicName(), "agent",
            CtiTopics.TEAM_STATS.topicName(), "team",
            CtiTopics.QUEUE_STATS.topicName(), "queue");

    /**
     * One value: {@code topic} is the API topic ({@code agent/acme/u1}); {@code data} null means the
     * key is gone. {@code sourceMillis}: when a new platform event caused this value (its platform
     * time, else its ingest time), for the end-to-end lag; 0 when the value changed for another reason
     * (a roster change, a day rollover) or is a replay. {@code sourceAt}: the value's own source time
     * (platform time, else ingest time; 0 if none), kept so the next value is compared without parsing.
     */
    public record Entry(String topic, String key, long version, JsonObject data, long sourceMillis, String json, long updatedMillis, String freshness,
                        long sourceAt) {
        public Entry(String topic, String key, long version, JsonObject data) {
            this(topic, key, version, data, 0);
        }

        public Entry(String topic, String key, long version, JsonObject data, long sourceMillis) {
            this(topic, key, version, data, sourceMillis, millis(data, "updatedAt"), data == null ? 0 : sourceTime(data));
        }

        /** With the value's times already known (from the Avro record: no ISO text parsed back, issue #20). */
        Entry(String topic, String key, long version, JsonObject data, long sourceMillis, long updatedMillis, long sourceAt) {
            this(topic, key, version, data, sourceMillis, data == null ? null : data.encode(), updatedMillis,
                    data == null ? null : data.getString("freshness", "LIVE"), sourceAt);
        }

        private static long millis(JsonObject data, String field) {
            String at = data == null ? null : data.getString(field);
            try {
                return at == null ? 0 : java.time.Instant.parse(at).toEpochMilli();
            } catch (java.time.format.DateTimeParseException e) {
                return 0;
            }
        }
    }

    private final KafkaConsumer<String, Object> consumer;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Agent id → how many teams list it in {@code members}: the roster's agents that have no state yet are known too. */
    private final Map<String, Integer> memberships = new ConcurrentHashMap<>();
    private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;

    public StateView(String bootstrapServers, String registryUrl) {
        this.consumer = Readers.assigned(bootstrapServers, registryUrl, "push-state-view", Map.of());
        this.thread = new Thread(this::run, "push-state-view");
        this.thread.setDaemon(true);
    }

    public StateView start() {
        thread.start();
        return this;
    }

    /** Completes once everything that was on the topics at start has been read. */
    public CompletableFuture<Void> loaded() {
        return loaded;
    }

    public Entry get(String topic) {
        return entries.get(topic);
    }

    /** Every current value of one kind ({@code team}, {@code queue}, {@code agent}) of one tenant. */
    public List<Entry> entries(String kind, String tenant) {
        String prefix = kind + "/" + tenant + "/";
        return entries.values().stream().filter(e -> e.topic().startsWith(prefix)).sorted(java.util.Comparator.comparing(Entry::topic)).toList();
    }

    /**
     * Whether the roster knows this agent: it has state, or a team lists it among its members (an
     * agent provisioned in {@code cti.agents} is in its team's member list before its first event).
     */
    public boolean isKnownAgent(String agentId) {
        return entries.containsKey("agent/" + agentId) || memberships.containsKey(agentId);
    }

    public void listen(Consumer<Entry> listener) {
        listeners.add(listener);
    }

    private void run() {
        try {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : KINDS.keySet()) {
                for (PartitionInfo p : consumer.partitionsFor(t, Duration.ofSeconds(30))) {
                    parts.add(new TopicPartition(t, p.partition()));
                }
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(parts));
            while (running) {
                try {
                    for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(100))) {
                        apply(r);
                    }
                    if (!loaded.isDone()) {
                        ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                        if (ends.isEmpty()) {
                            LOG.info("state view loaded [entries={}]", entries.size());
                            loaded.complete(null);
                        }
                    }
                } catch (WakeupException e) {
                    // closing
                } catch (KafkaException e) {
                    if (running) {
                        LOG.warn("state view poll failed, retrying: {}", e.toString());
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("state view stopped", e);
            loaded.completeExceptionally(e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Takes one record of a state topic into the view (package-private for tests). */
    void apply(ConsumerRecord<String, Object> r) {
        if (r.key() == null) {
            return;
        }
        String topic = KINDS.get(r.topic()) + "/" + r.key();
        Entry entry;
        if (r.value() == null) {
            Entry gone = entries.remove(topic);
            if (gone == null) {
                return;
            }
            countMembers(gone, -1);
            entry = new Entry(topic, r.key(), Long.MAX_VALUE, null);
        } else if (r.value() instanceof SpecificRecord value) {
            JsonObject data = AvroJson.of(value);
            long version = data.getLong("version", 0L);
            Entry before = entries.get(topic);
            if (before != null && before.version() >= version) {
                return; // an older value seen again (a replay): the newest stays
            }
            long at = millis(value, "lastSourceOccurredAt");
            if (at == 0) {
                at = millis(value, "lastEventIngestedAt");
            }
            entry = new Entry(topic, r.key(), version, data, loaded.isDone() ? sourceMillis(before, data, at) : 0, millis(value, "updatedAt"), at);
            if (sameMembers(before, entry)) {
                entries.put(topic, entry); // the usual team change: counts, not members
            } else {
                countMembers(entry, 1);
                entries.put(topic, entry);
                countMembers(before, -1);
            }
        } else {
            LOG.warn("state record not readable, skipped [topic={}, offset={}]", r.topic(), r.offset());
            return;
        }
        for (Consumer<Entry> l : listeners) {
            l.accept(entry);
        }
    }

    /**
     * True when both are values of the same team listing the same members: {@link #memberships} stays
     * as it is. (Counting every member out and in again for each team update cost the view's thread a
     * quarter of its time at 2,000 agent changes/s, issue #20.)
     */
    private static boolean sameMembers(Entry before, Entry after) {
        if (before == null || before.data() == null || after.data() == null || !after.topic().startsWith("team/")) {
            return false;
        }
        io.vertx.core.json.JsonArray was = before.data().getJsonArray("members");
        io.vertx.core.json.JsonArray now = after.data().getJsonArray("members");
        // the lists themselves: JsonArray.equals converts and compares element by element through JsonUtil
        return was != null && now != null && was.getList().equals(now.getList());
    }

    /** Adds (+1) or removes (-1) a team value's members from {@link #memberships}; other values change nothing. */
    private void countMembers(Entry team, int delta) {
        if (team == null || team.data() == null || !team.topic().startsWith("team/")) {
            return;
        }
        for (Object member : team.data().getJsonArray("members", new io.vertx.core.json.JsonArray())) {
            memberships.compute(String.valueOf(member), (k, n) -> {
                int now = (n == null ? 0 : n) + delta;
                return now <= 0 ? null : now;
            });
        }
    }

    /** For an agent value caused by a new event: when that event happened at its source. */
    private static long sourceMillis(Entry before, JsonObject data, long at) {
        String eventId = data.getString("lastEventId");
        if (eventId == null || before != null && before.data() != null && eventId.equals(before.data().getString("lastEventId"))) {
            return 0;
        }
        // a link change or a command outcome keeps the platform time of the last platform event: not a new source time
        return before != null && before.data() != null && at <= before.sourceAt() ? 0 : at;
    }

    /** A timestamp field of a state record, in epoch millis; 0 when the record has no such field or it is null. */
    private static long millis(SpecificRecord value, String field) {
        org.apache.avro.Schema.Field f = value.getSchema().getField(field);
        return f != null && value.get(f.pos()) instanceof java.time.Instant i ? i.toEpochMilli() : 0;
    }

    private static long sourceTime(JsonObject data) {
        String at = data.getString("lastSourceOccurredAt") != null ? data.getString("lastSourceOccurredAt") : data.getString("lastEventIngestedAt");
        try {
            return at == null ? 0 : java.time.Instant.parse(at).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
