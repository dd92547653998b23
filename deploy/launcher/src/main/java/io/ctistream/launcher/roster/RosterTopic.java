package io.ctistream.launcher.roster;

import io.ctistream.events.AgentProfile;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The roster on {@code cti.agents}: read whole, from the beginning to the end offsets it has when
 * the read starts (a compacted topic: the latest value per key wins, a tombstone removes), and
 * written by an idempotent producer with {@code acks=all}, every send waited for. No consumer
 * group: reading the roster commits nothing and moves no one's offsets.
 */
public final class RosterTopic implements RosterStore {
    private static final String TOPIC = CtiTopics.AGENTS.topicName();

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
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "ctistream-roster",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false, // a missing roster topic is a setup error, not something to create here
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        try (var consumer = new KafkaConsumer<String, AgentProfile>(config, new StringDeserializer(),
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

    @Override
    public void write(List<RosterDiff.Write> writes) throws Exception {
        try (var producer = new KafkaProducer<String, AgentProfile>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "ctistream-roster",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis()),
                new StringSerializer(), CtiSerdes.<AgentProfile>valueSerializer(registryUrl))) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (RosterDiff.Write w : writes) {
                AgentProfile value = w.value() == null ? null : w.value().toProfile();
                acks.add(producer.send(new ProducerRecord<>(TOPIC, w.agentId(), value)));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
