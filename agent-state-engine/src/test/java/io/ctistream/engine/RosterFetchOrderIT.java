package io.ctistream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.internal.AgentProjection;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The engine reads the roster and the events in record-time order when one fetch brings both
 * (ADR 031). The consumer updates a partition's high watermark only when it reaches that
 * partition's part of a fetch response; a poll capped at {@code max.poll.records} can hand over
 * a thousand events of the response before it reaches the roster's part, and Kafka Streams then
 * judges the roster caught up from the previous fetch and applies events stamped after a leave and
 * a return ahead of them. Here the broker holds the engine's fetches for four seconds, so a leave,
 * a return, more than a thousand events and the returned agent's first report arrive in one
 * response, as a backlog does after a restart.
 */
@ExtendWith(CtiKafkaExtension.class)
class RosterFetchOrderIT {
    private static final String TENANT = "fetchorder";
    private static final int FILLER = 1_500;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aReturnAndTheReportAfterItInOneFetchAreAppliedInRecordTimeOrder(TestKafka kafka) throws Exception {
        int partitions;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
            partitions = admin.describeTopics(List.of(CtiTopics.AGENT_EVENTS.topicName())).allTopicNames().get()
                    .get(CtiTopics.AGENT_EVENTS.topicName()).partitions().size();
        }
        // two agents whose records share a partition (and so one task and one fetch response)
        List<AgentProfile> same = IntStream.range(0, 1_000).mapToObj(i -> Scenario.profile(TENANT, i, 0))
                .filter(p -> partitionOf(p.getAgentId(), partitions) == partitionOf(Scenario.profile(TENANT, 0, 0).getAgentId(), partitions))
                .limit(2).toList();
        AgentProfile leaver = same.get(0);
        AgentProfile busy = same.get(1);
        EngineConfig config = EngineConfig.defaults(kafka.bootstrapServers(), kafka.registryUrl()).withApplicationId("engine-fetchorder-" + UUID.randomUUID())
                .withStateDir(Files.createTempDirectory("engine-fetchorder-").toString()).withHousekeepingInterval(Duration.ofHours(1));
        // the broker answers the engine's fetches after 4 s unless 64 MiB are waiting: what is written within that time arrives in one
        // response, of up to 4 MiB (more than the engine's own 256 KiB, so that a response holds more than a thousand events)
        Map<String, Object> slowFetches = Map.of(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), 64 << 20,
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 4_000,
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 4 << 20);
        try (AgentStateEngine engine = AgentStateEngine.start(config, ValueSerdes.registry(kafka.registryUrl()), null, null, slowFetches);
             KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                     new StringSerializer(), CtiSerdes.<SpecificRecord>valueSerializer(kafka.registryUrl()))) {
            engine.awaitRunning(Duration.ofSeconds(90));
            ReadOnlyKeyValueStore<String, AgentProjection> store = engine.streams().store(StoreQueryParameters.fromNameAndType(
                    EngineTopology.AGENT_PROJECTIONS, QueryableStoreTypes.<String, AgentProjection>keyValueStore()));

            // GIVEN both agents on the roster, the one who will leave NOT_READY (stamped from the clock)
            Instant now = Instant.now();
            send(producer, CtiTopics.AGENTS.topicName(), leaver.getAgentId(), leaver);
            send(producer, CtiTopics.AGENTS.topicName(), busy.getAgentId(), busy);
            send(producer, CtiTopics.AGENT_EVENTS.topicName(), leaver.getAgentId(),
                    EngineDriver.event(leaver.getAgentId(), now, EngineDriver.state(AgentState.NOT_READY), 1L));
            RecordMetadata given = send(producer, CtiTopics.AGENT_EVENTS.topicName(), busy.getAgentId(),
                    EngineDriver.event(busy.getAgentId(), now, EngineDriver.state(AgentState.READY), 1L));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> {
                assertThat(appliedUpTo(store, busy.getAgentId())).isGreaterThanOrEqualTo(given.offset());
                AgentProjection p = store.get(leaver.getAgentId());
                assertThat(p).isNotNull();
                assertThat(p.getSnapshot().getState()).isEqualTo(AgentState.NOT_READY);
            });
            // AND a fetch that brought only a roster record: the broker answers a fetch session's partitions that last
            // returned data at the end, so the next response has the events' part ahead of the roster's
            RecordMetadata again = send(producer, CtiTopics.AGENTS.topicName(), busy.getAgentId(), busy);
            // (seen applied just after that fetch answered: the engine's next fetch is held for the next 4 s)
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> store.get(busy.getAgentId()).getRosterOffset() >= again.offset());

            // WHEN, within that fetch, the agent leaves the roster, comes back a millisecond or more later and reports
            // READY, and the other agent reports more than a poll's worth of events
            RecordMetadata leave = send(producer, CtiTopics.AGENTS.topicName(), leaver.getAgentId(), null);
            await().pollInterval(Duration.ofMillis(1)).until(() -> System.currentTimeMillis() > leave.timestamp());
            RecordMetadata back = send(producer, CtiTopics.AGENTS.topicName(), leaver.getAgentId(), leaver);
            RecordMetadata ready = send(producer, CtiTopics.AGENT_EVENTS.topicName(), leaver.getAgentId(),
                    EngineDriver.event(leaver.getAgentId(), Instant.now(), EngineDriver.state(AgentState.READY), 2L));
            for (int i = 0; i < FILLER; i++) {
                AgentState s = i % 2 == 0 ? AgentState.NOT_READY : AgentState.READY;
                producer.send(new ProducerRecord<>(CtiTopics.AGENT_EVENTS.topicName(), busy.getAgentId(),
                        EngineDriver.event(busy.getAgentId(), Instant.now(), EngineDriver.state(s), 2L + i)));
            }
            producer.flush();
            // (the broker stamps both topics: the return is after the leave, the report not before the return)
            assertThat(back.timestamp()).isGreaterThan(leave.timestamp());
            assertThat(ready.timestamp()).isGreaterThanOrEqualTo(back.timestamp());

            // THEN once the engine has read all of it, the agent is back and READY, as a read in record-time order
            // (leave, return, report) leaves it; no leave was read after an event stamped after it
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                AgentProjection p = store.get(leaver.getAgentId());
                assertThat(p.getRosterOffset()).isGreaterThanOrEqualTo(back.offset());
                assertThat(p.getEventsOffset()).isGreaterThanOrEqualTo(ready.offset());
            });
            AgentProjection after = store.get(leaver.getAgentId());
            assertThat(after.getRemoved()).isFalse();
            assertThat(after.getSnapshot().getState()).as("the returned agent's state").isEqualTo(AgentState.READY);
            assertThat(engine.metrics().rosterReordered()).as("leaves read after an event stamped after them").isZero();
        }
    }

    private static long appliedUpTo(ReadOnlyKeyValueStore<String, AgentProjection> store, String agentId) {
        AgentProjection p = store.get(agentId);
        return p == null ? -1 : p.getEventsOffset();
    }

    private static RecordMetadata send(KafkaProducer<String, SpecificRecord> producer, String topic, String key, SpecificRecord value) throws Exception {
        return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    private static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
