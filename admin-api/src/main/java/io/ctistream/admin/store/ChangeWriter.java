package io.ctistream.admin.store;

import io.ctistream.events.AdminAudit;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes changes to the resource topics together with their {@code AdminAudit} records on
 * {@code cti.admin-audit}, in one Kafka transaction: a read-committed reader sees a change and its
 * audit both or neither. The producer is idempotent with {@code acks=all} (as a transactional one
 * always is); {@link #write} returns once the transaction is committed, with the offsets of the
 * resource records, so a caller can wait for its view to reach them (read-your-writes).
 *
 * <p>One transaction at a time (calls are serialized). The transactional id names the writer: a
 * second writer with the same id fences the first, which then fails its next write instead of
 * writing alongside it.
 */
public final class ChangeWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeWriter.class);
    private static final String AUDIT = CtiTopics.ADMIN_AUDIT.topicName();

    private final KafkaProducer<String, SpecificRecord> producer;
    private final Duration timeout;
    private final Clock clock;
    private final String transactionalId;
    private boolean broken;

    /** Connects and registers the transactional id; fails when Kafka does not answer within {@code timeout}. */
    public ChangeWriter(String bootstrap, String registryUrl, String transactionalId, Duration timeout, Clock clock) {
        this.timeout = timeout;
        this.clock = clock;
        this.transactionalId = transactionalId;
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), CtiSerdes.valueSerializer(registryUrl));
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw new IllegalStateException("Kafka at [" + bootstrap + "] did not take the admin writer [" + transactionalId + "] within "
                    + timeout.toSeconds() + " s: " + e.getMessage(), e);
        }
    }

    /**
     * Writes each change (its value, or a tombstone) and its audit record by {@code actor}, commits,
     * and answers the offset of the last resource record per partition. Throws when Kafka refused or
     * did not acknowledge within the timeout; then nothing of it is committed.
     */
    public synchronized Map<TopicPartition, Long> write(String actor, List<Change> changes) throws Exception {
        if (broken) {
            throw new IllegalStateException("the admin writer [" + transactionalId + "] was fenced or failed for good; restart the service");
        }
        if (changes.isEmpty()) {
            return Map.of();
        }
        List<Future<RecordMetadata>> resources = new ArrayList<>();
        try {
            producer.beginTransaction();
            java.time.Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            for (Change c : changes) {
                resources.add(producer.send(new ProducerRecord<>(c.resource().topic().topicName(), c.id(), c.after())));
                producer.send(new ProducerRecord<>(AUDIT, c.id(), audit(actor, at, c)));
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            broken = true; // the producer cannot go on (another writer took the id, or it may not write): no abort
            throw e;
        } catch (KafkaException e) {
            abort(e);
            throw e;
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Future<RecordMetadata> f : resources) {
            RecordMetadata m = get(f);
            offsets.merge(new TopicPartition(m.topic(), m.partition()), m.offset(), Math::max);
        }
        return offsets;
    }

    private RecordMetadata get(Future<RecordMetadata> f) throws Exception {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new IllegalStateException("a committed record was not acknowledged within " + timeout.toSeconds() + " s", e);
        }
    }

    private void abort(Exception cause) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            broken = true;
            LOG.warn("admin writer could not abort after [{}]: {}", cause.toString(), e.toString());
        }
    }

    /** The audit record of one change: who, when, what, and the resource before and after as the API shows it. */
    static AdminAudit audit(String actor, java.time.Instant at, Change c) {
        return AdminAudit.newBuilder().setAuditId(UUID.randomUUID().toString()).setTenant(c.tenant()).setAt(at).setActor(actor)
                .setAction(c.action()).setResourceType(c.resource().auditType()).setResourceId(c.id())
                .setBefore(c.before() == null ? null : ResourceJson.of(c.before()).encode())
                .setAfter(c.after() == null ? null : ResourceJson.of(c.after()).encode()).build();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
