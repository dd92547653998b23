package io.ctistream.admin.roster;

import io.ctistream.admin.store.Change;
import io.ctistream.admin.store.ChangeWriter;
import io.ctistream.admin.store.Resource;
import io.ctistream.events.AgentProfile;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The roster on {@code cti.agents}: read whole, from the beginning to the end offsets it has when
 * the read starts (a compacted topic: the latest value per key wins, a tombstone removes), and
 * written by an idempotent producer with {@code acks=all}, every send waited for. No consumer
 * group: reading the roster commits nothing and moves no one's offsets. Writes go through the
 * admin API's {@link ChangeWriter}: each change is audited on {@code cti.admin-audit} (actor
 * {@value #ACTOR}) in the same transaction, exactly as a change through the API is.
 */
public final class RosterTopic implements RosterStore {
    private static final String TOPIC = CtiTopics.AGENTS.topicName();
    /** Who the audit names for an import. Its writer's transactional id is fixed too: of two imports at once, the second fences the first. */
    public static final String ACTOR = "roster-import";
    private static final String TRANSACTIONAL_ID = "ctistream-roster-import";

    private final String bootstrap;
    private final String registryUrl;
    private final Duration timeout;

    public RosterTopic(String bootstrap, String registryUrl, Duration timeout) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.timeout = timeout;
    }

    @Override
    public Map<String, RosterEntry> current() {
        try (var consumer = new KafkaConsumer<String, AgentProfile>(readerConfig(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(),
                CtiSerdes.<AgentProfile>valueDeserializer(registryUrl))) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<String, RosterEntry> roster = new HashMap<>();
            Instant deadline = Instant.now().plus(timeout);
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("reading " + TOPIC + " from [" + bootstrap + "] took longer than " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, AgentProfile> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        if (r.value() == null) {
                            roster.remove(r.key());
                        } else {
                            roster.put(r.key(), RosterEntry.of(r.value()));
                        }
                    }
                }
            }
            return roster;
        }
    }

    /** A group-less read-committed reader of the roster, with one more setting. */
    private Map<String, Object> readerConfig(String key, Object value) {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "ctistream-roster",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", // writes are transactions with their audit (ChangeWriter)
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false, // a missing roster topic is a setup error, not something to create here
                key, value);
    }

    @Override
    public void write(List<RosterDiff.Write> writes) throws Exception {
        Map<String, RosterEntry> before = writes.isEmpty() ? Map.of() : current();
        List<Change> changes = new ArrayList<>();
        for (RosterDiff.Write w : writes) {
            RosterEntry was = before.get(w.agentId());
            if (was != null || w.value() != null) {
                changes.add(change(w.agentId(), was, w.value()));
            }
        }
        writeAudited(changes);
    }

    /** Writes the diff's records, each audited with the value the diff compared against (actor {@value #ACTOR}). */
    @Override
    public void apply(RosterDiff diff) throws Exception {
        List<Change> changes = new ArrayList<>();
        diff.added().forEach(e -> changes.add(change(e.agentId(), null, e)));
        diff.changed().forEach(c -> changes.add(change(c.after().agentId(), c.before(), c.after())));
        diff.removed().forEach(e -> changes.add(change(e.agentId(), e, null)));
        writeAudited(changes);
    }

    private static Change change(String agentId, RosterEntry before, RosterEntry after) {
        RosterEntry any = after != null ? after : before;
        return new Change(Resource.AGENT, any.tenant(), agentId, before == null ? null : before.toProfile(), after == null ? null : after.toProfile());
    }

    private void writeAudited(List<Change> changes) throws Exception {
        if (changes.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> written;
        try (ChangeWriter writer = new ChangeWriter(bootstrap, registryUrl, TRANSACTIONAL_ID, timeout, Clock.systemUTC())) {
            written = writer.write(ACTOR, changes);
        }
        awaitVisible(written);
    }

    /**
     * Returns once a {@code read_committed} reader sees every written record. A commit returns before
     * the broker has written its markers to the data partitions, and until then the records sit above
     * the last stable offset: an import read straight after another would diff against the roster as
     * it was. Reads each partition from its last written record until the position passes it (the
     * fetch answers when the marker lands). An open transaction of another writer on the same
     * partition holds the records back too; after the timeout this says so, and that the import is
     * committed.
     */
    private void awaitVisible(Map<TopicPartition, Long> written) {
        if (written.isEmpty()) {
            return;
        }
        try (var consumer = new KafkaConsumer<>(readerConfig(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(written.keySet());
            written.forEach(consumer::seek);
            Instant deadline = Instant.now().plus(timeout);
            while (written.entrySet().stream().anyMatch(w -> consumer.position(w.getKey(), timeout) <= w.getValue())) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the import is committed, but readers of " + TOPIC + " at [" + bootstrap
                            + "] did not see it within " + timeout.toSeconds()
                            + " s: another writer's transaction is open on the same partitions; it shows once that one ends");
                }
                consumer.poll(Duration.ofMillis(100));
            }
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, AgentProfile> consumer) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(TOPIC, timeout);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at [" + bootstrap + "] did not answer within " + timeout.toSeconds()
                    + " s; is it running? (on one machine: ctistream kafka, or all)");
        }
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + TOPIC + " does not exist at [" + bootstrap
                    + "]: ctistream all and ctistream kafka create it at start; on a cluster create the cti.* topics first (docs/deploy.md)");
        }
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }
}
