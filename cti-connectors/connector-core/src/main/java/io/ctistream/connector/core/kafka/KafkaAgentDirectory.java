package io.ctistream.connector.core.kafka;

import io.ctistream.connector.core.CommandSource;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.Platform;
import io.ctistream.schemas.CtiTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent ownership through Kafka. One consumer in the platform's group subscribes to the roster
 * ({@code cti.agents}) and the commands ({@code cti.agent-commands}); the range assignor gives both
 * topics' partition {@code p} to the same member, so the owner of an agent's roster record is the
 * one that gets its commands. On assignment a roster partition is read from its beginning; until
 * that read reaches the end offset seen at assignment, the matching commands partition is paused,
 * so no command arrives for an agent not yet known. Command offsets are committed once a command
 * has been handed to the connector: a command runs at most once even across a crash. The queue
 * roster ({@code cti.queues}) is read beside it by a {@link KafkaQueueRoster} and told to the
 * listener ({@code queuesRostered}).
 */
public final class KafkaAgentDirectory implements CommandSource {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAgentDirectory.class);
    private static final String ROSTER = CtiTopics.AGENTS.topicName();
    private static final String COMMANDS = CtiTopics.AGENT_COMMANDS.topicName();

    private final KafkaSettings settings;
    private final Platform platform;
    private final java.util.Set<String> tenants;
    private final String clientId;
    private final KafkaConsumer<String, Object> consumer;
    private final Map<Integer, Map<String, AgentProfile>> roster = new HashMap<>();
    private final Map<Integer, Long> loadingUntil = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
    /** How many partitions the roster has (queues are placed over them: QueueOwnership). */
    private volatile int rosterPartitions;
    /** Loaded roster partitions revoked by an (eager) rebalance, kept until the new assignment says whether they stay. */
    private final Map<Integer, Map<String, AgentProfile>> revoked = new HashMap<>();
    private final Map<Integer, Long> revokedPositions = new HashMap<>();
    private Listener listener;
    private final KafkaQueueRoster queueRoster;
    private Thread thread;
    private volatile boolean running;
    private volatile boolean aborting;
    private volatile long lastPollOk;

    /**
     * @param tenants the tenants this connector serves (its platform instance serves them); empty
     *                serves every tenant of the platform
     */
    public KafkaAgentDirectory(KafkaSettings settings, Platform platform, java.util.Set<String> tenants, String clientId) {
        this.settings = settings;
        this.platform = platform;
        this.tenants = java.util.Set.copyOf(tenants);
        this.clientId = clientId;
        Map<String, Object> c = new HashMap<>(settings.extra());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500, settings.sessionTimeout().toMillis() / 4));
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                io.ctistream.schemas.TolerantDeserializer.values(settings.registryUrl()));
        this.queueRoster = new KafkaQueueRoster(settings, platform, tenants, clientId + "-queues");
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        int commandPartitions;
        try {
            rosterPartitions = consumer.partitionsFor(ROSTER, Duration.ofSeconds(30)).size();
            commandPartitions = consumer.partitionsFor(COMMANDS, Duration.ofSeconds(30)).size();
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO); // the directory never runs: its consumer must not linger
            throw e;
        }
        if (rosterPartitions != commandPartitions) {
            consumer.close(Duration.ZERO);
            throw new IllegalStateException(ROSTER + " has " + rosterPartitions + " partitions but " + COMMANDS + " has "
                    + commandPartitions + ": they must be co-partitioned so an agent's commands reach its owner");
        }
        running = true;
        thread = new Thread(this::run, "agent-directory-" + clientId);
        thread.setDaemon(true);
        thread.start();
        queueRoster.start(listener::queuesRostered);
    }

    @Override
    public void stop() {
        running = false;
        consumer.wakeup();
        join();
        queueRoster.stop();
    }

    @Override
    public void abort() {
        aborting = true;
        running = false;
        consumer.wakeup();
        join();
        queueRoster.stop();
    }

    @Override
    public boolean healthy() {
        return running && System.currentTimeMillis() - lastPollOk < Math.max(10_000, settings.sessionTimeout().toMillis());
    }

    private void join() {
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        lastPollOk = System.currentTimeMillis();
        try {
            consumer.subscribe(List.of(ROSTER, COMMANDS), new Rebalance());
            while (running) {
                try {
                    for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.topic().equals(ROSTER)) {
                            onRoster(r);
                        } else {
                            onCommand(r);
                        }
                    }
                    lastPollOk = System.currentTimeMillis();
                    finishLoads();
                    commit();
                } catch (WakeupException e) {
                    // stop() or abort(): the loop condition decides
                } catch (KafkaException e) {
                    if (!running) {
                        break;
                    }
                    LOG.warn("agent directory poll failed, retrying [group={}]: {}", settings.groupId(), e.toString());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("agent directory stopped on an unexpected error [group={}]", settings.groupId(), e);
        } finally {
            close();
        }
    }

    private void close() {
        try {
            if (aborting) {
                consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                        .withTimeout(Duration.ZERO));
            } else {
                commit();
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            }
        } catch (RuntimeException e) {
            LOG.debug("agent directory close", e);
        }
    }

    private void onRoster(ConsumerRecord<String, Object> r) {
        Map<String, AgentProfile> agents = roster.get(r.partition());
        if (agents == null || r.key() == null) {
            return;
        }
        boolean loaded = !loadingUntil.containsKey(r.partition());
        Object value = r.value();
        if (value instanceof io.ctistream.schemas.TolerantDeserializer.Unreadable p) {
            LOG.warn("roster record not readable, skipped [partition={}, offset={}]: {}", r.partition(), r.offset(), p.reason());
            return;
        }
        if (value instanceof AgentProfile profile && profile.getPlatform() == platform
                && (tenants.isEmpty() || tenants.contains(profile.getTenant()))) {
            AgentProfile before = agents.put(r.key(), profile);
            if (loaded && !profile.equals(before)) {
                listener.agentsGained(List.of(profile));
            }
        } else if (agents.remove(r.key()) != null && loaded) {
            listener.agentsLost(List.of(r.key()));
        }
    }

    private void onCommand(ConsumerRecord<String, Object> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        toCommit.put(tp, new OffsetAndMetadata(r.offset() + 1));
        if (r.value() instanceof AgentCommand command) {
            listener.command(command);
        } else if (r.value() instanceof io.ctistream.schemas.TolerantDeserializer.Unreadable p) {
            LOG.warn("command record not readable, skipped [partition={}, offset={}]: {}", r.partition(), r.offset(), p.reason());
        }
    }

    private void finishLoads() {
        if (loadingUntil.isEmpty()) {
            return;
        }
        List<Integer> done = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : loadingUntil.entrySet()) {
            if (consumer.position(new TopicPartition(ROSTER, e.getKey())) >= e.getValue()) {
                done.add(e.getKey());
            }
        }
        for (Integer p : done) {
            loadingUntil.remove(p);
            List<AgentProfile> agents = List.copyOf(roster.get(p).values());
            LOG.info("roster partition loaded [partition={}, agents={}]", p, agents.size());
            if (!agents.isEmpty()) {
                listener.agentsGained(agents);
            }
            TopicPartition commands = new TopicPartition(COMMANDS, p);
            if (consumer.assignment().contains(commands)) {
                consumer.resume(List.of(commands));
            }
        }
    }

    private void commit() {
        if (toCommit.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(toCommit);
        toCommit.clear();
        consumer.commitAsync(offsets, (o, e) -> {
            if (e != null) {
                LOG.debug("command offsets not committed: {}", e.toString());
            }
        });
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<TopicPartition> rosterParts = partitions.stream().filter(tp -> tp.topic().equals(ROSTER)).toList();
            if (!aborting) {
                listener.partitionsOwned(rosterParts.stream().map(TopicPartition::partition).collect(java.util.stream.Collectors.toSet()), rosterPartitions);
            }
            // partitions this member keeps across the rebalance: nothing to release, nothing to re-read
            List<TopicPartition> kept = rosterParts.stream().filter(tp -> revoked.containsKey(tp.partition())).toList();
            for (TopicPartition tp : kept) {
                roster.put(tp.partition(), revoked.remove(tp.partition()));
                consumer.seek(tp, revokedPositions.remove(tp.partition()));
            }
            releaseRevoked();
            List<TopicPartition> fresh = rosterParts.stream().filter(tp -> !kept.contains(tp)).toList();
            if (fresh.isEmpty()) {
                return;
            }
            consumer.seekToBeginning(fresh);
            Map<TopicPartition, Long> ends = consumer.endOffsets(fresh);
            for (TopicPartition tp : fresh) {
                roster.put(tp.partition(), new HashMap<>());
                loadingUntil.put(tp.partition(), ends.getOrDefault(tp, 0L));
                TopicPartition commands = new TopicPartition(COMMANDS, tp.partition());
                if (partitions.contains(commands)) {
                    consumer.pause(List.of(commands));
                }
            }
            LOG.info("partitions assigned [group={}, roster={}]", settings.groupId(),
                    rosterParts.stream().map(TopicPartition::partition).toList());
        }

        /**
         * The range assignor is eager: every rebalance revokes everything first. Loaded roster
         * partitions are set aside rather than released, so agents that stay with this member keep
         * their subscriptions; what the new assignment does not give back is released then.
         */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!aborting && partitions.stream().anyMatch(tp -> tp.topic().equals(ROSTER))) {
                listener.partitionsOwned(java.util.Set.of(), rosterPartitions); // queues stop at once; the assignment gives them back
            }
            for (TopicPartition tp : partitions) {
                if (tp.topic().equals(ROSTER) && roster.containsKey(tp.partition()) && !loadingUntil.containsKey(tp.partition())) {
                    revoked.put(tp.partition(), roster.remove(tp.partition()));
                    revokedPositions.put(tp.partition(), consumer.position(tp));
                }
            }
            release(partitions);
            commitSyncQuietly();
        }

        private void releaseRevoked() {
            List<String> lost = new ArrayList<>();
            revoked.values().forEach(agents -> lost.addAll(agents.keySet()));
            revoked.clear();
            revokedPositions.clear();
            if (!lost.isEmpty() && !aborting) {
                listener.agentsLost(lost);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (!aborting) {
                listener.partitionsOwned(java.util.Set.of(), rosterPartitions);
            }
            toCommit.keySet().removeAll(partitions);
            release(partitions);
            releaseRevoked();
        }

        private void release(Collection<TopicPartition> partitions) {
            List<String> lost = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (!tp.topic().equals(ROSTER)) {
                    continue;
                }
                Map<String, AgentProfile> agents = roster.remove(tp.partition());
                boolean wasLoaded = loadingUntil.remove(tp.partition()) == null;
                if (agents != null && wasLoaded) {
                    lost.addAll(agents.keySet());
                }
            }
            if (!lost.isEmpty() && !aborting) {
                listener.agentsLost(lost);
            }
        }

        private void commitSyncQuietly() {
            if (toCommit.isEmpty() || aborting) {
                return;
            }
            try {
                consumer.commitSync(new HashMap<>(toCommit), Duration.ofSeconds(5));
                toCommit.clear();
            } catch (RuntimeException e) {
                LOG.debug("command offsets not committed on revoke: {}", e.toString());
            }
        }
    }
}
