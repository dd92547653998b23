package io.ctistream.schemas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates every topic of the {@link CtiTopics} catalogue that does not exist yet; idempotent, so
 * every process may call it at start. Existing topics are left as they are, but a partition count
 * that differs from the plan is reported, because co-partitioned topics must agree; and a topic the
 * catalogue has stamped by the broker ({@link CtiTopics#stampedByBroker()}) that is not is altered to
 * be, logged, so that an upgrade gets it (ADR 017).
 */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final String LOG_APPEND_TIME = "LogAppendTime";

    /**
     * How to size the topics.
     *
     * @param agentPartitions   partitions of every agent-keyed (co-partitioned) topic
     * @param aggregatePartitions partitions of team- and queue-keyed topics
     * @param replicationFactor replicas of every topic
     */
    public record Plan(int agentPartitions, int aggregatePartitions, short replicationFactor) {
        public Plan {
            if (agentPartitions < 1 || aggregatePartitions < 1 || replicationFactor < 1) {
                throw new IllegalArgumentException("partitions and replication factor must be at least 1");
            }
        }

        /** The production default: catalogue partitions, three replicas. */
        public static Plan production() {
            return new Plan(CtiTopics.DEFAULT_AGENT_PARTITIONS, CtiTopics.DEFAULT_AGGREGATE_PARTITIONS, (short) 3);
        }

        /** One broker on one machine: catalogue partitions, one replica. */
        public static Plan singleNode() {
            return new Plan(CtiTopics.DEFAULT_AGENT_PARTITIONS, CtiTopics.DEFAULT_AGGREGATE_PARTITIONS, (short) 1);
        }

        public int partitionsOf(CtiTopics topic) {
            return switch (topic.keyedBy()) {
                case AGENT -> agentPartitions;
                case TEAM, QUEUE -> aggregatePartitions;
                default -> topic.defaultPartitions();
            };
        }
    }

    /** What provisioning found: topics created now, topics that already existed, and mismatches. */
    public record Report(List<String> created, List<String> existing, List<String> warnings) {
    }

    private final Admin admin;
    private final Plan plan;

    public TopicProvisioner(Admin admin, Plan plan) {
        this.admin = admin;
        this.plan = plan;
    }

    /** The topic as it would be created under this plan. */
    public NewTopic newTopic(CtiTopics topic) {
        NewTopic planned = newTopic(topic.topicName(), plan.partitionsOf(topic), topic.cleanup(), topic.retention().orElse(null));
        if (topic.stampedByBroker()) {
            planned.configs().put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME);
        }
        return planned;
    }

    /** A JSON topic as it would be created under this plan: agent-keyed ones have the agent-keyed partition count. */
    public NewTopic newTopic(JsonTopics topic) {
        int partitions = topic.keyedBy() == CtiTopics.KeyedBy.AGENT ? plan.agentPartitions() : topic.defaultPartitions();
        return newTopic(topic.topicName(), partitions, topic.cleanup(), topic.retention().orElse(null));
    }

    private NewTopic newTopic(String name, int partitions, CtiTopics.Cleanup cleanup, java.time.Duration retention) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanup.kafkaValue());
        if (retention != null) {
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
        }
        if (plan.replicationFactor() >= 3) {
            configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        }
        return new NewTopic(name, partitions, plan.replicationFactor()).configs(configs);
    }

    /** Creates every {@link CtiTopics} topic that does not exist yet (the JSON topics are ensured by their writers). */
    public Report ensureAll() throws InterruptedException, TimeoutException {
        return ensure(java.util.Arrays.stream(CtiTopics.values()).map(this::newTopic).toList());
    }

    /** Creates those of {@code topics} that do not exist yet; idempotent like {@link #ensureAll()}. */
    public Report ensure(JsonTopics... topics) throws InterruptedException, TimeoutException {
        return ensure(java.util.Arrays.stream(topics).map(this::newTopic).toList());
    }

    private Report ensure(List<NewTopic> planned) throws InterruptedException, TimeoutException {
        try {
            Set<String> present = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> created = new ArrayList<>();
            List<String> existing = new ArrayList<>();
            List<NewTopic> missing = new ArrayList<>();
            Map<String, NewTopic> byName = new HashMap<>();
            for (NewTopic topic : planned) {
                byName.put(topic.name(), topic);
                if (present.contains(topic.name())) {
                    existing.add(topic.name());
                } else {
                    missing.add(topic);
                }
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic [" + entry.getKey() + "]: " + e.getCause().getMessage(), e.getCause());
                    }
                    existing.add(entry.getKey()); // created concurrently by another process: fine
                }
            }
            List<String> warnings = checkPartitions(existing, byName);
            alterTimestampTypes(existing, byName);
            if (!created.isEmpty()) {
                LOG.info("created topics {}", created);
            }
            warnings.forEach(LOG::warn);
            return new Report(List.copyOf(created), List.copyOf(existing), warnings);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not list topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Sets {@code message.timestamp.type} on existing topics whose plan has it and whose config
     * differs (topics created before the catalogue had it). Records already written keep their times;
     * new ones are stamped by the broker.
     */
    private void alterTimestampTypes(List<String> existing, Map<String, NewTopic> planned)
            throws InterruptedException, TimeoutException, ExecutionException {
        List<ConfigResource> stamped = existing.stream().filter(t -> planned.get(t).configs().containsKey(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG))
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        if (stamped.isEmpty()) {
            return;
        }
        Map<ConfigResource, Config> configs = admin.describeConfigs(stamped).all().get(30, TimeUnit.SECONDS);
        Map<ConfigResource, java.util.Collection<AlterConfigOp>> alter = new HashMap<>();
        for (ConfigResource topic : stamped) {
            String wanted = planned.get(topic.name()).configs().get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
            ConfigEntry now = configs.get(topic).get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
            if (now == null || !wanted.equals(now.value())) {
                LOG.info("topic [{}] has message.timestamp.type [{}], the plan says [{}]: altering it", topic.name(),
                        now == null ? null : now.value(), wanted);
                alter.put(topic, List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, wanted), AlterConfigOp.OpType.SET)));
            }
        }
        if (!alter.isEmpty()) {
            admin.incrementalAlterConfigs(alter).all().get(30, TimeUnit.SECONDS);
        }
    }

    private List<String> checkPartitions(List<String> existing, Map<String, NewTopic> planned)
            throws InterruptedException, TimeoutException, ExecutionException {
        List<String> warnings = new ArrayList<>();
        if (existing.isEmpty()) {
            return warnings;
        }
        Map<String, TopicDescription> described = admin.describeTopics(existing).allTopicNames().get(30, TimeUnit.SECONDS);
        for (TopicDescription d : described.values()) {
            int expected = planned.get(d.name()).numPartitions();
            boolean coPartitioned = CtiTopics.byName(d.name()).map(CtiTopics::coPartitioned).orElse(false);
            if (d.partitions().size() != expected) {
                warnings.add("topic [" + d.name() + "] has [" + d.partitions().size() + "] partitions, the plan says ["
                        + expected + "]" + (coPartitioned ? "; agent-keyed topics must all have the same count" : ""));
            }
        }
        return warnings;
    }
}
