package io.ctistream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** Verifies the catalogue of JSON topics: cti.cloudevents keyed by agent, kept apart from the Avro catalogue, provisioned like it. */
class JsonTopicsTest {

    /** Verifies that cti.cloudevents is keyed by agent id, deleted after a week, partitioned like the agent-keyed topics. */
    @Test
    void theCloudEventsTopicIsAgentKeyedAndRetainedAWeek() {
        JsonTopics t = JsonTopics.CLOUD_EVENTS;
        assertThat(t.topicName()).isEqualTo("cti.cloudevents");
        assertThat(t.keyMeaning()).isEqualTo("agent id");
        assertThat(t.keyedBy()).isEqualTo(CtiTopics.KeyedBy.AGENT);
        assertThat(t.cleanup()).isEqualTo(CtiTopics.Cleanup.DELETE);
        assertThat(t.retention()).contains(Duration.ofDays(7));
        assertThat(t.defaultPartitions()).isEqualTo(CtiTopics.DEFAULT_AGENT_PARTITIONS);
        assertThat(JsonTopics.byName("cti.cloudevents")).contains(t);
    }

    /** Verifies that no JSON topic is in the Avro catalogue (whose every value schema the registrar registers). */
    @Test
    void jsonTopicsAreNotAvroTopics() {
        assertThat(Arrays.stream(JsonTopics.values()).map(JsonTopics::topicName))
                .noneMatch(name -> CtiTopics.byName(name).isPresent())
                .allMatch(name -> name.startsWith("cti."));
    }

    /** Verifies the provisioner's plan for a JSON topic: the agent partition count, replicas, cleanup and retention. */
    @Test
    void theProvisionerPlansAJsonTopicLikeTheAgentKeyedTopics() {
        NewTopic planned = new TopicProvisioner(null, new TopicProvisioner.Plan(4, 2, (short) 3)).newTopic(JsonTopics.CLOUD_EVENTS);
        assertThat(planned.numPartitions()).isEqualTo(4);
        assertThat(planned.replicationFactor()).isEqualTo((short) 3);
        assertThat(planned.configs()).containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", Long.toString(Duration.ofDays(7).toMillis())).containsEntry("min.insync.replicas", "2");
    }

    /** Verifies that docs/api/topics.md holds the JSON topics' section as TopicsDoc renders it. */
    @Test
    void theTopicsDocumentListsThem() throws Exception {
        String section = TopicsDoc.renderJsonTopics();
        assertThat(section).contains("| `cti.cloudevents` | agent id | CloudEvents 1.0, binary mode", "ctistream-cloudevents");
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "api", "topics.md"))).endsWith(section);
    }
}
