package io.ctistream.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Verifies the consumer group names of subscriptions: readable where they can be, never shared by two subscriptions. */
class SubscriptionGroupTest {

    /** Verifies that a plain tenant and id give ctistream-webhooks-<tenant>-<id>. */
    @Test
    void plainIdsGiveReadableGroups() {
        assertThat(SubscriptionDelivery.groupId("acme/crm-main")).isEqualTo("ctistream-webhooks-acme-crm-main");
        assertThat(SubscriptionDelivery.groupId("acme/crm.eu_1")).isEqualTo("ctistream-webhooks-acme-crm.eu_1");
    }

    /** Verifies that ids which would read alike after sanitising, or split differently at the "-", get distinct groups. */
    @Test
    void ambiguousIdsAreKeptApart() {
        List<String> ids = List.of("a-b/c", "a/b-c", "acme/crm main", "acme/crm_main", "acme/crm/main", "acme/crm_main2");
        List<String> groups = ids.stream().map(SubscriptionDelivery::groupId).toList();
        assertThat(groups).doesNotHaveDuplicates().allMatch(g -> g.matches("ctistream-webhooks-[A-Za-z0-9._-]+"));
        assertThat(SubscriptionDelivery.groupId("a-b/c")).startsWith("ctistream-webhooks-a-b-c-").hasSize("ctistream-webhooks-a-b-c-".length() + 8);
        assertThat(SubscriptionDelivery.groupId("acme/crm main")).startsWith("ctistream-webhooks-acme-crm_main-");
    }
}
