package io.ctistream.webhooks;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.kafka.CloudEventSerializer;
import io.ctistream.events.AgentProfile;
import io.ctistream.schemas.JsonTopics;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every CRM event to {@code cti.cloudevents} in CloudEvents Kafka binary mode (the SDK's
 * serializer: {@code ce_} headers, the JSON data as the value), key = agent id, with an idempotent
 * producer, as the one consumer group {@code ctistream-cloudevents} over {@code cti.agent-events}.
 * Offsets are committed after the poll's records were acknowledged (a restart repeats at most one
 * poll; consumers de-duplicate by {@code ce_id}); if the broker refuses them, the reader goes back
 * to the committed offsets and writes them again. A new group starts at the service's start.
 */
final class CloudEventsPublisher implements AgentEventReader.Sink, AutoCloseable {
    static final String GROUP = "ctistream-cloudevents";
    private static final Logger LOG = LoggerFactory.getLogger(CloudEventsPublisher.class);

    private final KafkaProducer<String, CloudEvent> producer;
    private final AgentEventReader reader;
    private final WebhookMetrics metrics;
    private final Map<TopicPartition, AgentEventReader.Progress> progress = new ConcurrentHashMap<>();
    private final Map<TopicPartition, AgentEventReader.Progress> pending = new HashMap<>();
    private final AtomicReference<Exception> failed = new AtomicReference<>();
    private int sent;

    CloudEventsPublisher(WebhookSettings settings, Function<String, AgentProfile> roster, WebhookMetrics metrics, Clock clock, Instant startAt) {
        this.metrics = metrics;
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "cloudevents-" + settings.instanceId());
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(c, new StringSerializer(), serializer(Map.of(CloudEventSerializer.ENCODING_CONFIG, Encoding.BINARY)));
        this.reader = new AgentEventReader(settings.bootstrapServers(), settings.registryUrl(),
                new AgentEventReader.Setup(GROUP, "cloudevents-reader-" + settings.instanceId(), startAt, settings.stateLookback(), 500),
                roster, this, metrics, clock);
    }

    private static CloudEventSerializer serializer(Map<String, Object> config) {
        CloudEventSerializer s = new CloudEventSerializer();
        s.configure(config, false);
        return s;
    }

    CloudEventsPublisher start() {
        reader.start();
        return this;
    }

    java.util.concurrent.CompletableFuture<Void> assigned() {
        return reader.assigned();
    }

    boolean alive() {
        return reader.alive();
    }

    long lag() {
        return reader.lag();
    }

    @Override
    public void assigned(TopicPartition partition, long generation, long start) {
        progress.put(partition, new AgentEventReader.Progress(generation, start));
    }

    @Override
    public void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(pending::remove);
        partitions.forEach(progress::remove);
    }

    @Override
    public void accept(AgentEventReader.Mapped record) {
        for (CrmEvent e : record.events()) {
            producer.send(new ProducerRecord<>(JsonTopics.CLOUD_EVENTS.topicName(), e.agentId(), e.cloudEvent()), (md, ex) -> {
                if (ex != null) {
                    failed.compareAndSet(null, ex);
                }
            });
            sent++;
        }
        pending.put(record.partition(), new AgentEventReader.Progress(record.generation(), record.offset() + 1));
    }

    @Override
    public boolean afterPoll() {
        if (pending.isEmpty()) {
            return true;
        }
        producer.flush();
        Exception e = failed.getAndSet(null);
        if (e != null) {
            LOG.warn("cloudevents not acknowledged, writing them again from the last commit: {}", e.toString());
            pending.clear();
            sent = 0;
            return false;
        }
        progress.putAll(pending);
        pending.clear();
        metrics.published(sent);
        sent = 0;
        return true;
    }

    @Override
    public boolean full(TopicPartition partition) {
        return false;
    }

    @Override
    public Map<TopicPartition, AgentEventReader.Progress> progress() {
        return progress;
    }

    @Override
    public void close() {
        reader.close();
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
