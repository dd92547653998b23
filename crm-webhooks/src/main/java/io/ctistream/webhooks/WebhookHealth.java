package io.ctistream.webhooks;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * The webhooks service's readiness, for {@code /health/ready}: not ready while it loads the roster
 * and the subscriptions ({@code failed = "starting"}) or when one of its Kafka readers stopped
 * ({@code failed = "kafka"}). A slow or failing endpoint does not make the service unready; it
 * shows in its subscription's {@code lag} and {@code lastError} (a reason, never a URL).
 *
 * @param ready            whether the service works
 * @param failed           what failed, or null
 * @param subscriptions    per subscription id: its state ({@code running}, {@code disabled}), lag and last error
 * @param cloudEventsTopic {@code running}, {@code off} or {@code stopped}
 */
public record WebhookHealth(boolean ready, String failed, Map<String, Subscription> subscriptions, String cloudEventsTopic) {
    /** One subscription's state. */
    public record Subscription(String state, long lag, String lastError) {
    }

    public JsonObject toJson() {
        JsonObject subs = new JsonObject();
        new TreeMap<>(subscriptions).forEach((id, s) -> subs.put(id, new JsonObject().put("state", s.state()).put("lag", s.lag())
                .put("lastError", s.lastError())));
        return new JsonObject().put("status", ready ? "UP" : "DOWN").put("failed", failed).put("subscriptions", subs)
                .put("cloudEventsTopic", cloudEventsTopic);
    }
}
