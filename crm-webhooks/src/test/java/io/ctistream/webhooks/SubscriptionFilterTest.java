package io.ctistream.webhooks;

import static io.ctistream.webhooks.CrmFixtures.call;
import static io.ctistream.webhooks.CrmFixtures.profile;
import static io.ctistream.webhooks.CrmFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.AgentState;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import io.ctistream.events.WebhookSubscription;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verifies subscription filters: own tenant only; event types, agents, teams and queues narrow; empty lists mean all. */
class SubscriptionFilterTest {
    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    private final CloudEventMapper mapper = new CloudEventMapper();
    private final CrmEvent stateOfA1 = mapper.map(state("acme/a1", AgentState.READY, T0),
            profile("acme/a1", "acme/support", List.of("acme/sales")), new AgentMemory()).get(0);
    private final CrmEvent billingCallOfA1 = mapper.map(call("acme/a1", "c1", CallState.OFFERED, CallDirection.INBOUND, "acme/billing", T0),
            profile("acme/a1", "acme/support", List.of("acme/sales")), new AgentMemory()).get(0);
    private final CrmEvent stateOfNoTeam = mapper.map(state("acme/a2", AgentState.READY, T0), null, new AgentMemory()).get(0);
    private final CrmEvent otherTenant = mapper.map(state("globex/a1", AgentState.READY, T0), null, new AgentMemory()).get(0);

    private WebhookSubscription sub() {
        return CrmFixtures.subscription("acme", "crm", "https://crm.example/", List.of(), T0);
    }

    /** Verifies that a subscription without filters gets all of its tenant's events and none of another tenant's. */
    @Test
    void emptyFiltersLetTheTenantsEventsPass() {
        assertThat(SubscriptionFilter.accepts(sub(), stateOfA1)).isTrue();
        assertThat(SubscriptionFilter.accepts(sub(), stateOfNoTeam)).isTrue();
        assertThat(SubscriptionFilter.accepts(sub(), otherTenant)).isFalse();
    }

    /** Verifies that event types, agents and teams each narrow what passes. */
    @Test
    void eachFilterNarrows() {
        WebhookSubscription pops = WebhookSubscription.newBuilder(sub()).setEventTypes(List.of("io.ctistream.call.offered")).build();
        assertThat(SubscriptionFilter.accepts(pops, billingCallOfA1)).isTrue();
        assertThat(SubscriptionFilter.accepts(pops, stateOfA1)).isFalse();

        WebhookSubscription a2 = WebhookSubscription.newBuilder(sub()).setAgents(List.of("acme/a2")).build();
        assertThat(SubscriptionFilter.accepts(a2, stateOfNoTeam)).isTrue();
        assertThat(SubscriptionFilter.accepts(a2, stateOfA1)).isFalse();

        WebhookSubscription support = WebhookSubscription.newBuilder(sub()).setTeams(List.of("acme/support")).build();
        assertThat(SubscriptionFilter.accepts(support, stateOfA1)).isTrue();
        assertThat(SubscriptionFilter.accepts(support, stateOfNoTeam)).isFalse();
    }

    /** Verifies the queue filter: a call by the queue it came through; anything else by the agent's roster queues. */
    @Test
    void queuesMatchTheCallsQueueElseTheAgents() {
        WebhookSubscription sales = WebhookSubscription.newBuilder(sub()).setQueues(List.of("acme/sales")).build();
        WebhookSubscription billing = WebhookSubscription.newBuilder(sub()).setQueues(List.of("acme/billing")).build();
        assertThat(SubscriptionFilter.accepts(sales, stateOfA1)).isTrue();
        assertThat(SubscriptionFilter.accepts(sales, billingCallOfA1)).isFalse();
        assertThat(SubscriptionFilter.accepts(billing, billingCallOfA1)).isTrue();
        assertThat(SubscriptionFilter.accepts(billing, stateOfA1)).isFalse();
    }
}
