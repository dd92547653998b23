package io.ctistream.engine;

import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AgentState;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import io.ctistream.events.DeadLetter;
import io.ctistream.events.EventHeader;
import io.ctistream.events.EventSource;
import io.ctistream.events.LinkState;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueCallDisposition;
import io.ctistream.events.QueueCallEntered;
import io.ctistream.events.QueueCallLeft;
import io.ctistream.events.QueueEvent;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.SubscriptionChanged;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.events.internal.AgentProjection;
import io.ctistream.events.internal.TeamEntry;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.PlainAvroSerde;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/** The engine's topology in a {@code TopologyTestDriver}, with builders for canonical events. */
final class EngineDriver implements AutoCloseable {
    static final String TENANT = "acme";
    /**
     * Where {@code TopologyTestDriver} tests start: a fixed instant is right there (no retention
     * applies, and the day-rollover tests need a known time of day). Never stamp records for a real
     * broker from it; {@link Scenario#endingBefore} and the clock are for that (issue #12).
     */
    static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");

    final EngineConfig config;
    final EngineMetrics metrics = new EngineMetrics();
    final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> roster;
    private final TestInputTopic<String, byte[]> events;
    private final TestInputTopic<String, byte[]> queueEvents;
    private final TestInputTopic<String, byte[]> connectorStatus;
    private final TestInputTopic<String, byte[]> queueRoster;
    final TestOutputTopic<String, AgentSnapshot> agentState;
    final TestOutputTopic<String, TeamSnapshot> teamStats;
    final TestOutputTopic<String, QueueSnapshot> queueStats;
    final TestOutputTopic<String, DeadLetter> deadLetters;
    private long sequence;

    EngineDriver() throws Exception {
        this(EngineConfig.defaults("unused:9092", "http://unused").withZones(ZoneId.of("UTC"), Map.of()));
    }

    EngineDriver(EngineConfig base) throws Exception {
        this(base, T0);
    }

    /** @param wallClock where the driver's wall clock starts (a replay of a broker test's input starts it where that input starts) */
    EngineDriver(EngineConfig base, Instant wallClock) throws Exception {
        this(base, wallClock, Duration.ZERO); // every team change published at once: the tests read each one
    }

    /** @param teamPublishInterval how often a busy team is published at most ({@link EngineConfig#teamPublishInterval()}) */
    EngineDriver(EngineConfig base, Instant wallClock, Duration teamPublishInterval) throws Exception {
        Path stateDir = Files.createTempDirectory("engine-ttd-");
        config = base.withStateDir(stateDir.toString()).withStores(EngineConfig.StoreKind.IN_MEMORY) // TTD commits (and RocksDB would flush) after every record
                .withTeamPublishInterval(teamPublishInterval);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "engine-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        driver = new TopologyTestDriver(EngineTopology.build(config, ValueSerdes.plain(), metrics), props, wallClock);
        var bytes = new ByteArraySerializer();
        roster = driver.createInputTopic(CtiTopics.AGENTS.topicName(), new StringSerializer(), bytes);
        events = driver.createInputTopic(CtiTopics.AGENT_EVENTS.topicName(), new StringSerializer(), bytes);
        queueEvents = driver.createInputTopic(CtiTopics.QUEUE_EVENTS.topicName(), new StringSerializer(), bytes);
        connectorStatus = driver.createInputTopic(CtiTopics.CONNECTOR_STATUS.topicName(), new StringSerializer(), bytes);
        queueRoster = driver.createInputTopic(CtiTopics.QUEUES.topicName(), new StringSerializer(), bytes);
        agentState = driver.createOutputTopic(CtiTopics.AGENT_STATE.topicName(), new StringDeserializer(), new PlainAvroSerde<>(AgentSnapshot.class).deserializer());
        teamStats = driver.createOutputTopic(CtiTopics.TEAM_STATS.topicName(), new StringDeserializer(), new PlainAvroSerde<>(TeamSnapshot.class).deserializer());
        queueStats = driver.createOutputTopic(CtiTopics.QUEUE_STATS.topicName(), new StringDeserializer(), new PlainAvroSerde<>(QueueSnapshot.class).deserializer());
        deadLetters = driver.createOutputTopic(CtiTopics.DEAD_LETTER.topicName(), new StringDeserializer(), new PlainAvroSerde<>(DeadLetter.class).deserializer());
    }

    static String agent(String user) {
        return TENANT + "/" + user;
    }

    static String team(String name) {
        return TENANT + "/" + name;
    }

    static String queue(String name) {
        return TENANT + "/" + name;
    }

    void profile(String agentId, String teamId, String... queues) {
        AgentProfile p = AgentProfile.newBuilder().setTenant(TENANT).setAgentId(agentId).setDisplayName("Agent " + agentId)
                .setTeamId(teamId).setQueues(List.of(queues)).setPlatform(Platform.BROADWORKS).setPlatformUserId(agentId + "@example.test")
                .build();
        roster.pipeInput(agentId, write(p, AgentProfile.class), T0);
    }

    void profile(AgentProfile p) {
        profile(p, T0);
    }

    void profile(AgentProfile p, Instant at) {
        roster.pipeInput(p.getAgentId(), write(p, AgentProfile.class), at);
    }

    void leaveRoster(String agentId) {
        leaveRoster(agentId, T0);
    }

    /** The agent's roster tombstone with record time {@code at}. */
    void leaveRoster(String agentId, Instant at) {
        roster.pipeInput(agentId, (byte[]) null, at);
    }

    /** Sends an event that occurred {@code offset} after {@link #T0}; returns it so a test can resend it. */
    AgentEvent send(String agentId, Duration offset, Object payload) {
        AgentEvent e = event(agentId, T0.plus(offset), payload, ++sequence);
        send(e);
        return e;
    }

    /** Sends an event as run {@code runStart} of connector {@code instance} reports it (ADR 009), {@code offset} after {@link #T0}. */
    AgentEvent sendFromRun(String instance, Instant runStart, String agentId, Duration offset, Object payload) {
        AgentEvent e = event(agentId, T0.plus(offset), payload, null);
        e.getHeader().getSource().setConnectorInstance(instance);
        e.getHeader().getSource().setConnectorRun(String.valueOf(runStart.toEpochMilli()));
        send(e);
        return e;
    }

    void send(AgentEvent e) {
        send(e, e.getHeader().getIngestedAt());
    }

    /** Sends an event with record time {@code recordTime} (the broker's append time), whatever its header says. */
    void send(AgentEvent e, Instant recordTime) {
        events.pipeInput(e.getHeader().getAgentId(), write(e, AgentEvent.class), recordTime);
    }

    /** A connector's status as it publishes it, stamped {@code at}. */
    void connectorStatus(String instance, io.ctistream.events.ConnectorState state, Instant at) {
        connectorStatus(instance, state, at, T0);
    }

    /** @param startedAt the connector run's start: a different one is a restart */
    void connectorStatus(String instance, io.ctistream.events.ConnectorState state, Instant at, Instant startedAt) {
        var status = io.ctistream.events.ConnectorStatus.newBuilder().setInstanceId(instance).setPlatform(Platform.BROADWORKS).setState(state)
                .setKafkaUp(true).setPlatformUp(true).setAgentsOwned(1).setLinksActive(1).setUpdatedAt(at).setStartedAt(startedAt).build();
        connectorStatus.pipeInput(instance, write(status, io.ctistream.events.ConnectorStatus.class), at);
    }

    void sendRaw(String key, byte[] value) {
        events.pipeInput(key, value, T0);
    }

    static AgentEvent event(String agentId, Instant occurred, Object payload, Long platformSequence) {
        String tenant = agentId.contains("/") ? agentId.substring(0, agentId.indexOf('/')) : TENANT; // ids are tenant-qualified
        EventHeader h = EventHeader.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant(tenant).setAgentId(agentId)
                .setSource(EventSource.newBuilder().setPlatform(Platform.BROADWORKS).setConnectorInstance("bw-1")
                        .setPlatformSequence(platformSequence).build())
                .setOccurredAt(occurred).setIngestedAt(occurred.plusMillis(3)).build();
        return AgentEvent.newBuilder().setHeader(h).setPayload(payload).build();
    }

    static AgentStateChanged state(AgentState s) {
        return AgentStateChanged.newBuilder().setState(s).build();
    }

    static AgentStateChanged notReady(String code, String label) {
        return AgentStateChanged.newBuilder().setState(AgentState.NOT_READY).setReasonCode(code).setReasonLabel(label).build();
    }

    static AgentCallEvent call(String callId, CallState state, String queueId) {
        return AgentCallEvent.newBuilder().setCallId(callId).setDirection(CallDirection.INBOUND).setCallState(state).setQueueId(queueId)
                .setRemoteParty("+4930123456").build();
    }

    static SubscriptionChanged link(LinkState state) {
        return SubscriptionChanged.newBuilder().setLinkState(state).setChannel("as-feature-event").setReason(state == LinkState.LOST ? "no refresh answer" : null).build();
    }

    void queueEntered(String queueId, String callId, Duration offset) {
        queueEvent(queueId, callId, offset, QueueCallEntered.newBuilder().build());
    }

    void queueLeft(String queueId, String callId, Duration offset, QueueCallDisposition disposition, String agentId) {
        queueEvent(queueId, callId, offset, QueueCallLeft.newBuilder().setDisposition(disposition).setAgentId(agentId).build());
    }

    /** The platform's own figures for the queue, {@code offset} after {@link #T0} (a QueueStatistics event, call id ""). */
    void queueStatistics(String queueId, Duration offset, io.ctistream.events.QueueStatistics figures) {
        queueEvent(queueId, "", offset, figures);
    }

    /** The queue's roster entry (cti.queues) with its service-level threshold and abandon grace. */
    void queueProfile(String queueId, int serviceLevelThresholdSeconds, int abandonGraceSeconds) {
        io.ctistream.events.QueueProfile p = io.ctistream.events.QueueProfile.newBuilder().setTenant(TENANT).setQueueId(queueId)
                .setPlatform(Platform.BROADWORKS).setServiceLevelThresholdSeconds(serviceLevelThresholdSeconds)
                .setAbandonGraceSeconds(abandonGraceSeconds).build();
        queueRoster.pipeInput(queueId, write(p, io.ctistream.events.QueueProfile.class), T0);
    }

    /** A roster entry for the queue as raw bytes (one that cannot be read, say). */
    void queueProfileRaw(String queueId, byte[] value) {
        queueRoster.pipeInput(queueId, value, T0);
    }

    private void queueEvent(String queueId, String callId, Duration offset, Object payload) {
        Instant at = T0.plus(offset);
        QueueEvent e = QueueEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant(TENANT).setQueueId(queueId)
                .setSource(EventSource.newBuilder().setPlatform(Platform.BROADWORKS).setConnectorInstance("bw-1").build())
                .setOccurredAt(at).setIngestedAt(at).setCallId(callId).setPayload(payload).build();
        queueEvents.pipeInput(queueId, write(e, QueueEvent.class), at);
    }

    KeyValueStore<String, AgentProjection> projections() {
        return driver.getKeyValueStore(EngineTopology.AGENT_PROJECTIONS);
    }

    KeyValueStore<String, TeamEntry> teams() {
        return driver.getKeyValueStore(EngineTopology.TEAM_PROJECTIONS);
    }

    /** The agent's snapshot as the engine holds it now; null for an agent it does not know or that left the roster. */
    AgentSnapshot agentNow(String agentId) {
        AgentProjection p = projections().get(agentId);
        return p == null || p.getRemoved() ? null : p.getSnapshot();
    }

    /** Every agent the engine holds now (not those that left the roster). */
    Map<String, AgentSnapshot> agentsNow() {
        Map<String, AgentSnapshot> all = new java.util.TreeMap<>();
        try (var it = projections().all()) {
            it.forEachRemaining(kv -> {
                if (!kv.value.getRemoved()) {
                    all.put(kv.key, kv.value.getSnapshot());
                }
            });
        }
        return all;
    }

    /** Every entry of one of the engine's key-value stores now, in key order. */
    <V> Map<String, V> dump(String store) {
        Map<String, V> all = new java.util.TreeMap<>();
        KeyValueStore<String, V> kv = driver.getKeyValueStore(store);
        try (var it = kv.all()) {
            it.forEachRemaining(e -> all.put(e.key, e.value));
        }
        return all;
    }

    /** Puts entries into one of the engine's key-value stores, as a restore from its changelog would. */
    <V> void load(String store, Map<String, V> entries) {
        KeyValueStore<String, V> kv = driver.getKeyValueStore(store);
        entries.forEach(kv::put);
    }

    /** Sends a roster tombstone and any record of a scenario, as a real broker test sends it. */
    void send(Scenario.Step s) {
        if (s.event() != null) {
            send(s.event());
        } else if (s.queueEvent() != null) {
            queueEvents.pipeInput(s.queueEvent().getQueueId(), write(s.queueEvent(), QueueEvent.class), s.at());
        } else if (s.leaver() != null) {
            roster.pipeInput(s.leaver(), (byte[]) null, s.at());
        } else {
            profile(s.profile(), s.at());
        }
    }

    TeamSnapshot teamNow(String teamId) {
        TeamRules.Team t = TeamProcessor.read(teams(), teamId);
        return t == null ? null : TeamRules.snapshot(t);
    }

    static <T extends SpecificRecord> byte[] write(T value, Class<T> type) {
        return new PlainAvroSerde<>(type).serializer().serialize("t", value);
    }

    @Override
    public void close() {
        driver.close();
    }
}
