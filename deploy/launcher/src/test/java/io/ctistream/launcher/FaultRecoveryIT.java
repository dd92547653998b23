package io.ctistream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.LoopbackPorts;
import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AgentState;
import io.ctistream.events.Freshness;
import io.ctistream.events.Platform;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies that the wallboard's source of truth — the engine's published agent state — ends in the
 * platform's truth after real faults (issue #13): processes from the built jar killed with SIGKILL,
 * the simulated AS changing meanwhile. Each test reports how long recovery took (a figure for
 * docs/reliability.md, not an assertion).
 */
@ExtendWith(CtiKafkaExtension.class)
class FaultRecoveryIT {
    private static final Logger LOG = LoggerFactory.getLogger(FaultRecoveryIT.class);
    private static final int AGENTS = 8;
    private final ServiceProcesses processes = new ServiceProcesses();

    @AfterEach
    void stop() {
        processes.close();
    }

    /**
     * Regression for issue #13 (2, 3): a connector killed and back within the engine's liveness
     * window left agents on calls that no longer existed, shown live, for good.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aConnectorKilledAndBackWithinTheLivenessWindowEndsInThePlatformsTruth(TestKafka kafka) throws Exception {
        String tenant = "qr" + UUID.randomUUID().toString().substring(0, 6);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        try (BroadWorksSimulator as = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0));
             PublishedState published = new PublishedState(kafka.bootstrapServers(), kafka.registryUrl(), tenant)) {
            // GIVEN agents on the AS and in the roster, the engine and a connector as processes, every agent READY, live
            List<String> users = roster(as, tenant, kafka.bootstrapServers(), kafka.registryUrl());
            Stack stack = new Stack(kafka.bootstrapServers(), kafka.registryUrl(), as, tenant);
            stack.launchEngine();
            stack.launchConnector();
            stack.awaitReady();
            published.awaitAll(Duration.ofSeconds(90), s -> s.getState() == AgentState.READY && s.getFreshness() == Freshness.LIVE);

            // AND every agent answers a call
            Map<String, String> calls = new HashMap<>();
            for (String u : users) {
                String call = as.offerCall(u, "sip:sales@" + as.domain(), "+4930123456", "Caller");
                as.answerCall(u, call);
                calls.put(u, call);
            }
            published.awaitAll(Duration.ofSeconds(60), s -> s.getState() == AgentState.TALKING && s.getFreshness() == Freshness.LIVE);

            // WHEN the connector is killed, the calls end and the agents log off on the AS, and the connector is back at once
            processes.kill("connector");
            for (String u : users) {
                as.hangUp(u, calls.get(u), false);
                as.setAgentState(u, "loggedOff", null);
            }
            long restarted = System.nanoTime();
            stack.launchConnector();

            // THEN every agent ends LOGGED_OUT, live, without a call, the call counted once — and stays so
            long truth = published.awaitAllDuring(Duration.ofSeconds(90), Duration.ofSeconds(6), s -> s.getState() == AgentState.LOGGED_OUT
                    && s.getFreshness() == Freshness.LIVE && s.getCurrentCall() == null && s.getToday().getCallsHandled() == 1);
            LOG.info("measured: connector kill -9 and restart: every agent on the platform's truth {} ms after the restart began",
                    (truth - restarted) / 1_000_000);
        }
    }

    /**
     * Regression for issue #13 (1): with the broker down past the producer's delivery timeout, every
     * agent that changed meanwhile stayed on its old state, live, and the connector said it was ready.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aBrokerKilledPastTheDeliveryTimeoutEndsInThePlatformsTruth() throws Exception {
        String tenant = "bk";
        int[] ports = LoopbackPorts.free(2);
        Path data = Files.createTempDirectory("fault-kafka-");
        Map<String, String> kafkaEnv = Map.of("CTISTREAM_DATA_DIR", data.toString(), "CTISTREAM_KAFKA_PORT", Integer.toString(ports[0]),
                "CTISTREAM_REGISTRY_PORT", Integer.toString(ports[1]), "CTISTREAM_AGENT_PARTITIONS", "4");
        String bootstrap = "127.0.0.1:" + ports[0];
        String registry = "http://127.0.0.1:" + ports[1] + "/apis/registry/v3";
        processes.launch("kafka", kafkaEnv, "kafka");
        awaitBroker();
        try (BroadWorksSimulator as = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0));
             PublishedState published = new PublishedState(bootstrap, registry, tenant)) {
            // GIVEN the broker, the engine and a connector as processes, every agent READY, live
            List<String> users = roster(as, tenant, bootstrap, registry);
            Stack stack = new Stack(bootstrap, registry, as, tenant);
            stack.launchEngine();
            stack.launchConnector();
            stack.awaitReady();
            published.awaitAll(Duration.ofSeconds(90), s -> s.getState() == AgentState.READY && s.getFreshness() == Freshness.LIVE);

            // WHEN the broker is killed, and meanwhile every agent goes NOT_READY on the AS, half of them onto a call,
            // the other half after a call that begins and ends inside the outage
            processes.kill("kafka");
            for (int i = 0; i < users.size(); i++) {
                String user = users.get(i);
                if (i % 2 == 0) {
                    as.setAgentState(user, "notReady", "0042");
                    as.answerCall(user, as.offerCall(user, "sip:sales@" + as.domain(), "+4930123456", "Caller"));
                } else {
                    // a call as calls are: each step reaches the connector before the next (a NOTIFY is answered), not
                    // three changes within a millisecond that the AS's dialog package may report as one
                    String call = as.offerCall(user, "sip:sales@" + as.domain(), "+4930123456", "Caller");
                    awaitNotifiesTakenIn(as);
                    as.answerCall(user, call);
                    awaitNotifiesTakenIn(as);
                    as.hangUp(user, call, false);
                    as.setAgentState(user, "notReady", "0042");
                }
            }
            // THEN the connector says it is not ready, and why
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                var ready = ServiceProcesses.get(stack.connectorHttp, "/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("kafka");
            });
            // WHEN the broker stays away past the producer's delivery timeout (30 s), then comes back on its data
            await().pollDelay(Duration.ofSeconds(35)).atMost(Duration.ofSeconds(40)).until(() -> !processes.anyExited());
            long restarted = System.nanoTime();
            processes.launch("kafka", kafkaEnv, "kafka");
            awaitBroker();

            // THEN every agent ends in the AS's truth, live, and the calls wholly inside the outage are counted, once:
            // the connector held its events and delivered them, as history, before re-reading the AS
            long truth = published.awaitAllDuring(Duration.ofSeconds(150), Duration.ofSeconds(6), s -> s.getFreshness() == Freshness.LIVE
                    && (users.indexOf(platformUser(s)) % 2 == 0 ? s.getState() == AgentState.TALKING && s.getToday().getCallsHandled() == 0
                            : s.getState() == AgentState.NOT_READY && "0042".equals(s.getReasonCode()) && s.getToday().getCallsHandled() == 1));
            LOG.info("measured: broker kill -9 for 35 s: every agent on the platform's truth {} ms after the broker was restarted",
                    (truth - restarted) / 1_000_000);
        }
    }

    /** The roster: {@link #AGENTS} BroadWorks agents of {@code tenant}, READY on the AS; returns their AS user names. */
    private static List<String> roster(BroadWorksSimulator as, String tenant, String bootstrap, String registry) throws Exception {
        List<String> users = new ArrayList<>();
        try (var producer = new KafkaProducer<String, AgentProfile>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), CtiSerdes.<AgentProfile>valueSerializer(registry))) {
            for (int i = 0; i < AGENTS; i++) {
                String user = tenant + "-" + i;
                as.addUser(new BroadWorksSimulator.UserSpec(user, false, Map.of(), null));
                as.setAgentState(user, "ready", null);
                String agentId = tenant + "/" + user;
                producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), agentId, AgentProfile.newBuilder().setTenant(tenant)
                        .setAgentId(agentId).setDisplayName("Agent " + i).setTeamId(tenant + "/red").setQueues(List.of())
                        .setPlatform(Platform.BROADWORKS).setPlatformUserId(user + "@" + as.domain()).build())).get();
                users.add(user);
            }
        }
        return users;
    }

    private static String platformUser(AgentSnapshot s) {
        return s.getAgentId().substring(s.getAgentId().indexOf('/') + 1);
    }

    /** Until the connector answered every NOTIFY the AS sent so far. */
    private static void awaitNotifiesTakenIn(BroadWorksSimulator as) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> as.notifiesAnswered() >= as.notifiesSent());
    }

    /** Until the broker process has its topics and schemas (it says so). */
    private void awaitBroker() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                .failFast("the broker process exited", processes::anyExited)
                .until(() -> processes.printed("kafka", "ctistream kafka ready"));
    }

    /** The engine and the connector as processes against one broker. */
    private final class Stack {
        final Map<String, String> common;
        final BroadWorksSimulator as;
        final String tenant;
        final int engineHttp;
        final int connectorHttp;
        final Path engineState;

        Stack(String bootstrap, String registry, BroadWorksSimulator as, String tenant) throws Exception {
            this.common = Map.of("CTISTREAM_KAFKA_BOOTSTRAP", bootstrap, "CTISTREAM_REGISTRY_URL", registry);
            this.as = as;
            this.tenant = tenant;
            int[] ports = LoopbackPorts.free(2);
            this.engineHttp = ports[0];
            this.connectorHttp = ports[1];
            this.engineState = Files.createTempDirectory("fault-engine-");
        }

        void launchEngine() throws Exception {
            Map<String, String> env = new HashMap<>(common);
            env.putAll(Map.of("CTISTREAM_ENGINE_HTTP_HOST", "127.0.0.1", "CTISTREAM_ENGINE_HTTP_PORT", Integer.toString(engineHttp),
                    "CTISTREAM_ENGINE_STATE_DIR", engineState.toString(), "CTISTREAM_ENGINE_APPLICATION_ID", "engine-" + tenant));
            processes.launch("engine", env, "engine");
        }

        void launchConnector() throws Exception {
            Map<String, String> env = new HashMap<>(common);
            env.putAll(Map.of("CTISTREAM_BW_OUTBOUND_PROXY", "127.0.0.1:" + as.port(), "CTISTREAM_BW_BIND_HOST", "127.0.0.1",
                    "CTISTREAM_BW_BIND_PORT", "0", "CTISTREAM_CONNECTOR_HTTP_HOST", "127.0.0.1",
                    "CTISTREAM_CONNECTOR_HTTP_PORT", Integer.toString(connectorHttp), "CTISTREAM_CONNECTOR_TENANTS", tenant,
                    "CTISTREAM_CONNECTOR_INSTANCE_ID", "bw-" + tenant));
            processes.launch("connector", env, "connector", "broadworks");
        }

        void awaitReady() {
            for (int port : new int[] {engineHttp, connectorHttp}) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .failFast("a service exited", processes::anyExited)
                        .until(() -> ServiceProcesses.get(port, "/health/ready").statusCode() == 200);
            }
        }
    }

    /** The newest committed {@code cti.agent-state} value of every agent of one tenant, as a wallboard's source sees it. */
    private final class PublishedState implements AutoCloseable {
        private final KafkaConsumer<String, SpecificRecord> consumer;
        private final String tenant;
        final Map<String, AgentSnapshot> agents = new ConcurrentHashMap<>();

        private final String bootstrap;
        private final String registry;

        PublishedState(String bootstrap, String registry, String tenant) {
            this.tenant = tenant;
            this.bootstrap = bootstrap;
            this.registry = registry;
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "fault-view-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new StringDeserializer(), CtiSerdes.<SpecificRecord>valueDeserializer(registry));
            consumer.subscribe(List.of(CtiTopics.AGENT_STATE.topicName()));
        }

        void poll() {
            for (var r : consumer.poll(Duration.ofMillis(300))) {
                if (r.key() != null && r.key().startsWith(tenant + "/") && r.value() instanceof AgentSnapshot s) {
                    agents.put(r.key(), s);
                }
            }
        }

        /** Until every agent matches; returns when ({@link System#nanoTime}) they first all did. */
        long awaitAll(Duration atMost, java.util.function.Predicate<AgentSnapshot> truth) {
            try {
                await().atMost(atMost).pollInSameThread().failFast("a service exited", processes::anyExited)
                        .untilAsserted(check(truth));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + eventsOf(agents.values().stream().filter(truth.negate())
                        .map(AgentSnapshot::getAgentId).toList()), e);
            }
            return System.nanoTime();
        }

        /** What the connector delivered for these agents, in topic order: for reading a failure. */
        private String eventsOf(List<String> agentIds) {
            StringBuilder b = new StringBuilder("\nevents delivered for the agents not on the truth:");
            try (var events = new KafkaConsumer<String, SpecificRecord>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "fault-events-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), CtiSerdes.<SpecificRecord>valueDeserializer(registry))) {
                events.subscribe(List.of(CtiTopics.AGENT_EVENTS.topicName()));
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < until) {
                    for (var r : events.poll(Duration.ofMillis(500))) {
                        if (agentIds.contains(r.key()) && r.value() instanceof io.ctistream.events.AgentEvent ev) {
                            b.append("\n  ").append(r.key()).append(" p").append(r.partition()).append('@').append(r.offset()).append(' ')
                                    .append(ev.getPayload().getClass().getSimpleName()).append(' ').append(ev.getPayload())
                                    .append(" run ").append(ev.getHeader().getSource().getConnectorRun())
                                    .append(" occurred ").append(ev.getHeader().getOccurredAt());
                        }
                    }
                }
            } catch (RuntimeException x) {
                b.append(" (not read: ").append(x).append(')');
            }
            return b.toString();
        }

        /** Until every agent matches, then for {@code during} without a break; returns when they first all did. */
        long awaitAllDuring(Duration atMost, Duration during, java.util.function.Predicate<AgentSnapshot> truth) {
            long first = awaitAll(atMost, truth);
            await().during(during).atMost(during.plusSeconds(10)).pollInSameThread().failFast("a service exited", processes::anyExited)
                    .untilAsserted(check(truth));
            return first;
        }

        private org.awaitility.core.ThrowingRunnable check(java.util.function.Predicate<AgentSnapshot> truth) {
            return () -> {
                poll();
                assertThat(agents).as(() -> "published agents" + processes.outputs()).hasSize(AGENTS);
                assertThat(agents.values().stream().filter(truth.negate())
                        .map(s -> s.getAgentId() + " " + s.getState() + "/" + s.getReasonCode() + " " + s.getFreshness()
                                + (s.getCurrentCall() == null ? "" : " call " + s.getCurrentCall().getCallState()) + " handled " + s.getToday().getCallsHandled())
                        .toList()).as("agents not on the platform's truth").isEmpty();
            };
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
