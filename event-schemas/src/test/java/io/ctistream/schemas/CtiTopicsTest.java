package io.ctistream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;


/** Verifies the topic catalogue's promises: keys, co-partitioning, compaction and retention. */
class CtiTopicsTest {

    @Test
    void agentKeyedTopicsAreCoPartitionedAndKeyedByAgentId() {
        var agentKeyed = Arrays.stream(CtiTopics.values()).filter(CtiTopics::coPartitioned).toList();
        assertThat(agentKeyed).containsExactlyInAnyOrder(CtiTopics.AGENTS, CtiTopics.AGENT_EVENTS, CtiTopics.AGENT_COMMANDS,
                CtiTopics.COMMAND_RESULTS, CtiTopics.AGENT_STATE);
        assertThat(agentKeyed).allSatisfy(t -> {
            assertThat(t.keyMeaning()).isEqualTo("agent id");
            assertThat(t.defaultPartitions()).isEqualTo(CtiTopics.DEFAULT_AGENT_PARTITIONS);
        });
        var plan = new TopicProvisioner.Plan(4, 2, (short) 1);
        assertThat(agentKeyed).extracting(plan::partitionsOf).containsOnly(4);
    }

    @Test
    void stateTopicsAreCompactedAndLogsKeepAWeek() {
        for (CtiTopics t : new CtiTopics[] {CtiTopics.AGENTS, CtiTopics.AGENT_STATE, CtiTopics.TEAM_STATS, CtiTopics.QUEUE_STATS, CtiTopics.CONNECTOR_STATUS}) {
            assertThat(t.cleanup()).as(t.topicName()).isEqualTo(CtiTopics.Cleanup.COMPACT);
            assertThat(t.retention()).as(t.topicName()).isEmpty();
        }
        assertThat(CtiTopics.AGENT_EVENTS.cleanup()).isEqualTo(CtiTopics.Cleanup.DELETE);
        assertThat(CtiTopics.AGENT_EVENTS.retention()).get().satisfies(r -> assertThat(r).isGreaterThanOrEqualTo(Duration.ofDays(7)));
    }

    @Test
    void namesAreUniqueAndEveryValueHasItsOwnTopLevelSchema() {
        assertThat(Arrays.stream(CtiTopics.values()).map(CtiTopics::topicName)).doesNotHaveDuplicates().allMatch(n -> n.startsWith("cti."));
        assertThat(Arrays.stream(CtiTopics.values()).map(t -> t.valueSchema().getFullName())).doesNotHaveDuplicates()
                .allMatch(n -> n.startsWith("io.ctistream.events."));
        assertThat(CtiTopics.byName("cti.agent-events")).contains(CtiTopics.AGENT_EVENTS);
        assertThat(CtiTopics.AGENT_EVENTS.valueArtifactId()).isEqualTo("cti.agent-events-value");
    }

    @Test
    void provisionerTranslatesTheCatalogueIntoTopicSettings() {
        var provisioner = new TopicProvisioner(null, TopicProvisioner.Plan.production());
        NewTopic events = provisioner.newTopic(CtiTopics.AGENT_EVENTS);
        assertThat(events.numPartitions()).isEqualTo(12);
        assertThat(events.replicationFactor()).isEqualTo((short) 3);
        assertThat(events.configs()).containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", Long.toString(Duration.ofDays(7).toMillis()))
                .containsEntry("min.insync.replicas", "2");
        assertThat(provisioner.newTopic(CtiTopics.AGENT_STATE).configs()).containsEntry("cleanup.policy", "compact").doesNotContainKey("retention.ms");
    }
}
