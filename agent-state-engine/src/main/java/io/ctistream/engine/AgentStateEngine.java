package io.ctistream.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running engine instance: the {@link EngineTopology} in Kafka Streams, at-least-once by
 * default (a change goes out as soon as it is made, exact by idempotence: ADR 017) or
 * exactly-once, and the configured standby replicas. The record cache sits only in front of
 * the agent projection store, whose writes it coalesces per agent until the commit; it never holds
 * an output back, since the processors forward themselves (ADR 027).
 */
public final class AgentStateEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentStateEngine.class);

    private final EngineConfig config;
    private final EngineMetrics metrics;
    private volatile String applicationServer;
    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);

    private AgentStateEngine(EngineConfig config, EngineMetrics metrics, KafkaStreams streams) {
        this.config = config;
        this.metrics = metrics;
        this.streams = streams;
    }

    /**
     * Starts an instance. {@code applicationServer} is the {@code host:port} of this instance's read
     * API, advertised to the other instances so each can find the owner of a key; null without one.
     */
    public static AgentStateEngine start(EngineConfig config, ValueSerdes serdes, String applicationServer) {
        return start(config, serdes, applicationServer, null);
    }

    /**
     * As {@link #start(EngineConfig, ValueSerdes, String)}, as a static group member named
     * {@code memberId} when not null: a restart with the same id takes its partitions back at once
     * instead of waiting out its previous incarnation's session timeout (the single-machine run).
     */
    public static AgentStateEngine start(EngineConfig config, ValueSerdes serdes, String applicationServer, String memberId) {
        return start(config, serdes, applicationServer, memberId, Map.of());
    }

    /** As above, with Kafka Streams properties set over the engine's own: for tests that need a client's timing. */
    static AgentStateEngine start(EngineConfig config, ValueSerdes serdes, String applicationServer, String memberId, Map<String, Object> overrides) {
        EngineMetrics metrics = new EngineMetrics();
        for (StateDirCheck.Damage d : StateDirCheck.repair(Path.of(config.stateDir()), config.applicationId())) {
            LOG.warn("engine [{}] local state [{}] is damaged ({}); removed, it is rebuilt from the changelog", config.applicationId(), d.path(), d.why());
            metrics.tasksRebuilt(1);
        }
        CommitWatch commits = new CommitWatch();
        Properties props = streamsProperties(config, applicationServer);
        if (memberId != null) {
            props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), memberId);
        }
        if (config.atLeastOnce()) {
            // the main consumers tell the agent projection which input offsets are committed (ADR 017)
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG), CommitWatch.Interceptor.class.getName());
            props.put(StreamsConfig.mainConsumerPrefix(CommitWatch.CONFIG), commits);
        }
        props.putAll(overrides);
        KafkaStreams streams = new KafkaStreams(EngineTopology.build(config, serdes, metrics, commits), props);
        AgentStateEngine engine = new AgentStateEngine(config, metrics, streams);
        engine.applicationServer = applicationServer;
        streams.setStateListener((now, before) -> {
            LOG.info("engine [{}] {} -> {}", config.applicationId(), before, now);
            if (now == KafkaStreams.State.RUNNING) {
                engine.running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("engine stream thread failed, replacing it: {}", DeadLetters.describe(e), e);
            metrics.threadReplaced();
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        return engine;
    }

    static Properties streamsProperties(EngineConfig config, String applicationServer) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.guarantee().streamsValue());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(config.commitInterval().toMillis()));
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, config.cacheBytes());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        if (applicationServer != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        }
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        // every poll takes all that the fetches brought (ADR 031): the consumer learns a partition's high watermark only when
        // a poll reaches that partition's part of a response, so a poll capped at 1,000 records could hand over the events
        // ahead of a roster part not yet reached, and Kafka Streams, judging cti.agents caught up from the fetch before,
        // would apply events stamped after a leave or a return ahead of it. A response is kept to 256 KiB (about a
        // thousand events, what a poll took before) so that a catching-up engine works in the same steps as before.
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), Integer.MAX_VALUE);
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 256 * 1024);
        // a crashed instance is noticed after 10 s rather than the client default of 45 s: a wallboard stays stale that long
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        return p;
    }

    /** Waits until the instance has its tasks and has restored their stores. */
    public AgentStateEngine awaitRunning(Duration timeout) throws InterruptedException, TimeoutException {
        if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("engine [" + config.applicationId() + "] not running after " + timeout + ", state " + streams.state());
        }
        return this;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The {@code host:port} this instance advertises to the others, or null. */
    public String applicationServer() {
        return applicationServer;
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    public EngineConfig config() {
        return config;
    }

    /**
     * Stops cleanly and leaves the group, so the other instances take this one's agents over at
     * once instead of after the session timeout.
     */
    @Override
    public void close() {
        streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(true));
        LOG.info("engine [{}] stopped", config.applicationId());
    }
}
