package io.ctistream.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.CategoryCounts;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.schemas.CtiTopics;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Verifies that the state view knows an agent from its team's member list through team updates
 * that keep the members (issue #20: such updates no longer count every member out and in again),
 * change them, and remove the team.
 */
class StateViewMembershipTest {

    @Test
    void teamMembersAreKnownAgentsThroughEveryKindOfTeamUpdate() {
        StateView view = new StateView("127.0.0.1:1", "http://127.0.0.1:1/apis/registry/v3"); // never started: no broker needed
        try {
            // GIVEN a team listing a and b
            view.apply(team(1, 2, "acme/a", "acme/b"));
            assertThat(view.isKnownAgent("acme/a")).isTrue();
            assertThat(view.isKnownAgent("acme/b")).isTrue();

            // WHEN its counts change but not its members, THEN both stay known
            view.apply(team(2, 1, "acme/a", "acme/b"));
            assertThat(view.isKnownAgent("acme/a")).isTrue();
            assertThat(view.isKnownAgent("acme/b")).isTrue();

            // WHEN a leaves the team, THEN a is no longer known and b still is
            view.apply(team(3, 1, "acme/b"));
            assertThat(view.isKnownAgent("acme/a")).isFalse();
            assertThat(view.isKnownAgent("acme/b")).isTrue();

            // WHEN the team is removed, THEN nobody is known through it
            view.apply(new ConsumerRecord<>(CtiTopics.TEAM_STATS.topicName(), 0, 4, "acme/red", null));
            assertThat(view.isKnownAgent("acme/b")).isFalse();
        } finally {
            view.close();
        }
    }

    private static ConsumerRecord<String, Object> team(long version, int avail, String... members) {
        TeamSnapshot t = TeamSnapshot.newBuilder().setTenant("acme").setTeamId("acme/red")
                .setCounts(CategoryCounts.newBuilder().setAvail(avail).build()).setMembers(List.of(members))
                .setVersion(version).setUpdatedAt(Instant.now()).build();
        return new ConsumerRecord<>(CtiTopics.TEAM_STATS.topicName(), 0, version, "acme/red", t);
    }
}
