package io.ctistream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.AgentProfile;
import io.ctistream.events.Platform;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Verifies that the demo roster is the contact center the demo promises. */
class DemoRosterTest {

    @Test
    void fiftyAgentsInFiveTeamsOnThreeBroadWorksQueuesAndOneQueueEachOnAesAndFinesseSomeHotDesking() {
        var roster = DemoRoster.build(50, 5, 3);
        assertThat(roster).hasSize(50);
        assertThat(roster.stream().map(AgentProfile::getTeamId).distinct()).hasSize(5);
        assertThat(roster.stream().flatMap(p -> p.getQueues().stream()).distinct())
                .containsExactlyInAnyOrderElementsOf(DemoRoster.queueIds(5, 3))
                .containsExactlyInAnyOrder("demo/sales", "demo/support", "demo/billing", "demo/retention", "demo/onboarding");
        // a queue is one platform's ACD: every figure of it has one source (ADR 021)
        var platformOf = DemoRoster.queues(5, 3).stream().collect(Collectors.toMap(DemoRoster.DemoQueue::queueId, DemoRoster.DemoQueue::platform));
        assertThat(roster).allSatisfy(p -> assertThat(p.getQueues()).allSatisfy(q -> assertThat(platformOf.get(q)).as("%s serves %s", p.getAgentId(), q)
                .isEqualTo(p.getPlatform())));
        assertThat(DemoRoster.queues(5, 3)).filteredOn(q -> q.platform() == Platform.BROADWORKS)
                .allSatisfy(q -> assertThat(q.platformQueueId()).isEqualTo(DemoContactCenter.callCenter(q.queueId())));
        assertThat(roster).allSatisfy(p -> {
            assertThat(p.getAgentId()).startsWith("demo/");
            assertThat(p.getQueues()).isNotEmpty();
        });
        assertThat(roster.stream().collect(Collectors.groupingBy(AgentProfile::getTeamId, Collectors.counting())).values()).containsOnly(10L);
        assertThat(roster.stream().map(AgentProfile::getAgentId).distinct()).hasSize(50);
        assertThat(roster.stream().filter(p -> p.getHotelingGuestAddress() != null).map(AgentProfile::getAgentId))
                .as("every tenth agent hot-desks as a hoteling guest").containsExactly("demo/agent001", "demo/agent011", "demo/agent021", "demo/agent031",
                        "demo/agent041");
        assertThat(roster.stream().filter(DemoRoster::onFinesse).map(AgentProfile::getTeamId).distinct())
                .as("the last team runs on Finesse, beside the BroadWorks teams").containsExactly("demo/onboarding");
        assertThat(roster.stream().filter(DemoRoster::onFinesse)).hasSize(10).allSatisfy(p -> {
            assertThat(p.getPlatformUserId()).matches("1\\d{3}");
            assertThat(p.getAttributes()).containsKey(DemoRoster.EXTENSION);
            assertThat(p.getHotelingGuestAddress()).isNull();
        });
        assertThat(roster.stream().filter(DemoRoster::onAes).map(AgentProfile::getTeamId).distinct())
                .as("the last team but one runs on AES").containsExactly("demo/retention");
        assertThat(roster.stream().filter(DemoRoster::onAes)).hasSize(10).allSatisfy(p -> {
            assertThat(p.getPlatformUserId()).as("the station's extension").matches("5\\d{3}");
            assertThat(p.getAttributes()).containsKey(DemoRoster.ACD_AGENT_ID);
            assertThat(p.getHotelingGuestAddress()).isNull();
        });
        assertThat(DemoRoster.build(50, 2, 3)).as("two teams: BroadWorks and Finesse").noneMatch(DemoRoster::onAes);
        assertThat(DemoRoster.build(50, 1, 3)).as("one team: all on BroadWorks").noneMatch(DemoRoster::onFinesse).noneMatch(DemoRoster::onAes);
        assertThat(DemoRoster.build(50, 5, 3)).as("deterministic, so a restart rewrites the same keys").isEqualTo(roster);
    }
}
