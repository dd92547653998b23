package io.ctistream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.LoopbackPorts;
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueCallDisposition;
import io.ctistream.events.QueueCallEntered;
import io.ctistream.events.QueueCallLeft;
import io.ctistream.events.QueueEvent;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.push.Browser;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.settings.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Verifies the demo's queues (issue #17) on the real launcher, broker, simulator and connector, with
 * the demo's own ACD day run ten times faster ({@code CTISTREAM_DEMO_PACE}): in a busy period calls
 * queue at the simulated AS and the connector reports them from Xsi-Events ({@code QueueCallEntered}
 * from BroadWorks on {@code cti.queue-events}), some callers abandon, the engine's snapshot on
 * {@code cti.queue-stats} shows calls waiting and drains back to none; and the first link the demo
 * prints is a wallboard that works (with Chromium installed: it shows a queue fill up and drain).
 */
class DemoQueuesIT {
    private AllInOne demo;
    private Browser wallboard;

    @AfterEach
    void stop() {
        if (wallboard != null) {
            wallboard.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    /** Verifies that a busy period fills a queue from the Xsi path, a caller abandons, the queue drains to 0, and the first printed link opens the wallboard. */
    @Test
    void aBusyPeriodFillsTheQueuesFromXsiAndTheyDrain() throws Exception {
        // GIVEN the demo at ten times real time (a busy period every 22.5 s, 7.5 s long), with the ACD day on
        Path dataDir = Files.createTempDirectory("ctistream-demo-queues-");
        int[] ports = LoopbackPorts.free(6);
        demo = AllInOne.start(ConfigSource.from(Map.of(
                EmbeddedConfig.DATA_DIR, dataDir.toString(),
                EmbeddedConfig.KAFKA_PORT, Integer.toString(ports[0]),
                EmbeddedConfig.REGISTRY_PORT, Integer.toString(ports[1]),
                EmbeddedConfig.AGENT_PARTITIONS, "2",
                EmbeddedConfig.DEMO_PACE, "10",
                EmbeddedConfig.DEMO_SEED, "17",
                "CTISTREAM_ENGINE_HTTP_PORT", Integer.toString(ports[2]),
                "CTISTREAM_PUSH_PORT", Integer.toString(ports[3]),
                "CTISTREAM_ADMIN_PORT", Integer.toString(ports[4]),
                EmbeddedConfig.DEMO_CRM_PORT, Integer.toString(ports[5]))), true);

        // THEN the first link printed is the wallboard with a token
        String first = demo.links().lines().filter(l -> !l.isBlank()).findFirst().orElseThrow().strip();
        assertThat(first).startsWith("wallboard:").contains("/#token=");
        String wallboardUrl = first.substring("wallboard:".length()).strip();
        if (Browser.find().isPresent()) {
            wallboard = Browser.start();
            wallboard.open(wallboardUrl);
        }

        try (KafkaConsumer<String, QueueEvent> events = consumer(CtiTopics.QUEUE_EVENTS.topicName());
             KafkaConsumer<String, QueueSnapshot> stats = consumer(CtiTopics.QUEUE_STATS.topicName());
             KafkaConsumer<String, AgentEvent> agentEvents = consumer(CtiTopics.AGENT_EVENTS.topicName())) {
            List<QueueEvent> seen = new ArrayList<>();
            List<AgentEvent> calls = new ArrayList<>();
            Map<String, Integer> peak = new HashMap<>();
            Map<String, Boolean> drained = new HashMap<>();
            // WHEN the day runs into its first busy period and out of it
            await().atMost(Duration.ofSeconds(150)).pollInSameThread().pollInterval(Duration.ofMillis(200)).until(() -> {
                events.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
                agentEvents.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (r.value().getPayload() instanceof AgentCallEvent) {
                        calls.add(r.value());
                    }
                });
                for (ConsumerRecord<String, QueueSnapshot> r : stats.poll(Duration.ofMillis(100))) {
                    QueueSnapshot s = r.value();
                    if (s.getCallsInQueue() > 0) {
                        peak.merge(s.getQueueId(), s.getCallsInQueue(), Math::max);
                    } else if (peak.containsKey(s.getQueueId())) {
                        drained.put(s.getQueueId(), true); // 0 after having had calls waiting
                    }
                }
                boolean abandoned = seen.stream().anyMatch(e -> e.getPayload() instanceof QueueCallLeft l
                        && l.getDisposition() == QueueCallDisposition.ABANDONED);
                return abandoned && !drained.isEmpty();
            });
            // THEN the calls that waited were told by the Xsi queue source of the BroadWorks connector
            assertThat(seen).filteredOn(e -> e.getPayload() instanceof QueueCallEntered).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getSource().getPlatform()).isEqualTo(Platform.BROADWORKS))
                    .extracting(QueueEvent::getQueueId).isSubsetOf(broadWorksQueues());
            assertThat(peak.values()).as("calls waited in a queue").anySatisfy(n -> assertThat(n).isGreaterThan(1));
            // AND the agent's SIP dialog describes the same call as Xsi: the agent Xsi says answered had it ring, in that queue, from that caller
            Map<String, String> callerOf = new HashMap<>();
            seen.stream().filter(e -> e.getPayload() instanceof QueueCallEntered)
                    .forEach(e -> callerOf.put(e.getCallId(), ((QueueCallEntered) e.getPayload()).getCallerNumber()));
            List<QueueEvent> answered = seen.stream().filter(e -> e.getPayload() instanceof QueueCallLeft l && l.getDisposition() == QueueCallDisposition.ANSWERED
                    && l.getAgentId() != null && callerOf.containsKey(e.getCallId())).toList();
            assertThat(answered).as("calls Xsi says an agent answered").isNotEmpty();
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                agentEvents.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (r.value().getPayload() instanceof AgentCallEvent) {
                        calls.add(r.value());
                    }
                });
                assertThat(answered).allSatisfy(a -> assertThat(calls).as("dialogs of %s", a).anySatisfy(c -> {
                    AgentCallEvent call = (AgentCallEvent) c.getPayload();
                    assertThat(c.getHeader().getAgentId()).isEqualTo(((QueueCallLeft) a.getPayload()).getAgentId());
                    assertThat(call.getQueueId()).isEqualTo(a.getQueueId());
                    assertThat(call.getRemoteParty()).contains(callerOf.get(a.getCallId()));
                }));
            });
        }
        if (wallboard != null) {
            // the wallboard of the first link shows a queue with calls waiting in a later busy period, and the queue drain
            String[] filled = new String[1];
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                filled[0] = broadWorksQueues().stream().filter(q -> inQueue(q) > 1).findFirst().orElse(null);
                return filled[0] != null;
            });
            wallboard.screenshot(Path.of("target", "screenshots", "demo-queues-wallboard.png"));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> inQueue(filled[0]) == 0);
        }
    }

    private int inQueue(String queueId) {
        return Integer.parseInt(wallboard.text("tr[data-queue='" + queueId + "'] [data-field='inQueue']"));
    }

    private <T extends SpecificRecord> KafkaConsumer<String, T> consumer(String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, demo.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-queues-it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, T> c = new KafkaConsumer<>(config, new StringDeserializer(), CtiSerdes.<T>valueDeserializer(demo.registryUrl()));
        c.subscribe(List.of(topic));
        return c;
    }

    /** The demo's queues on the BroadWorks call centers (the Xsi path), for its default five teams on three queues. */
    private static List<String> broadWorksQueues() {
        return DemoRoster.queues(5, 3).stream().filter(q -> q.platform() == Platform.BROADWORKS).map(DemoRoster.DemoQueue::queueId).toList();
    }
}
