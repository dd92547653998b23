package io.ctistream.webhooks;

import io.ctistream.events.WebhookSubscription;
import java.util.List;

/**
 * Which events a subscription receives (pure). A subscription sees only its own tenant's events;
 * each filter list narrows it, an empty list lets all pass:
 * <ul>
 *   <li>{@code eventTypes}: the CloudEvents type;</li>
 *   <li>{@code agents}: the agent id;</li>
 *   <li>{@code teams}: the team of the agent's roster entry (an agent without one passes no team filter);</li>
 *   <li>{@code queues}: for call events, the queue the call came through when it has one; otherwise
 *       (state changes, calls without a queue) any queue of the agent's roster entry.</li>
 * </ul>
 */
public final class SubscriptionFilter {
    private SubscriptionFilter() {
    }

    public static boolean accepts(WebhookSubscription s, CrmEvent e) {
        if (!s.getTenant().equals(e.tenant())) {
            return false;
        }
        if (!s.getEventTypes().isEmpty() && !s.getEventTypes().contains(e.type().type())) {
            return false;
        }
        if (!s.getAgents().isEmpty() && !s.getAgents().contains(e.agentId())) {
            return false;
        }
        if (!s.getTeams().isEmpty() && (e.teamId() == null || !s.getTeams().contains(e.teamId()))) {
            return false;
        }
        if (!s.getQueues().isEmpty()) {
            List<String> queues = e.callQueueId() != null ? List.of(e.callQueueId()) : e.agentQueues();
            return queues.stream().anyMatch(s.getQueues()::contains);
        }
        return true;
    }
}
