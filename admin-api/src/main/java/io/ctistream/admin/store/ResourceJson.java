package io.ctistream.admin.store;

import io.ctistream.events.AgentProfile;
import io.ctistream.events.QueueProfile;
import io.ctistream.events.TeamProfile;
import io.ctistream.events.WebhookSecret;
import io.ctistream.events.WebhookSubscription;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * A stored resource as the API shows it, and as the audit records it: the same JSON, so an
 * auditor reads what an operator saw. A webhook signing secret is never in it, only its
 * fingerprint (the first 16 hex digits of its SHA-256): the secret is shown once, in the answer
 * that made it. Blank optional values are left out; attributes are sorted, so equal resources
 * give equal JSON (and equal ETags).
 */
public final class ResourceJson {
    private ResourceJson() {
    }

    public static JsonObject of(SpecificRecord record) {
        if (record instanceof AgentProfile p) {
            return agent(p);
        }
        if (record instanceof TeamProfile t) {
            return new JsonObject().put("tenant", t.getTenant()).put("teamId", t.getTeamId()).mergeIn(optional("displayName", t.getDisplayName()))
                    .put("attributes", sorted(t.getAttributes()));
        }
        if (record instanceof QueueProfile q) {
            JsonObject json = new JsonObject().put("tenant", q.getTenant()).put("queueId", q.getQueueId())
                    .mergeIn(optional("displayName", q.getDisplayName()));
            if (q.getPlatform() != null) {
                json.put("platform", q.getPlatform().name());
            }
            return json.mergeIn(optional("platformQueueId", q.getPlatformQueueId()))
                    .put("serviceLevelThresholdSeconds", q.getServiceLevelThresholdSeconds()).put("abandonGraceSeconds", q.getAbandonGraceSeconds())
                    .put("attributes", sorted(q.getAttributes()));
        }
        if (record instanceof WebhookSubscription w) {
            return webhook(w);
        }
        throw new IllegalArgumentException("not an admin resource: " + record.getClass().getName());
    }

    private static JsonObject agent(AgentProfile p) {
        JsonObject json = new JsonObject().put("tenant", p.getTenant()).put("agentId", p.getAgentId())
                .mergeIn(optional("displayName", p.getDisplayName())).mergeIn(optional("teamId", p.getTeamId()))
                .put("queues", new JsonArray(List.copyOf(p.getQueues())));
        if (p.getPlatform() != null) {
            json.put("platform", p.getPlatform().name());
        }
        return json.put("platformUserId", p.getPlatformUserId()).mergeIn(optional("hotelingGuestAddress", p.getHotelingGuestAddress()))
                .mergeIn(optional("credentialRef", p.getCredentialRef())).mergeIn(optional("defaultNotReadyReason", p.getDefaultNotReadyReason()))
                .mergeIn(optional("timeZone", p.getTimeZone())).put("attributes", sorted(p.getAttributes()));
    }

    private static JsonObject webhook(WebhookSubscription w) {
        JsonArray secrets = new JsonArray();
        for (WebhookSecret s : w.getSecrets()) {
            JsonObject info = new JsonObject().put("fingerprint", fingerprint(s.getSecret())).put("createdAt", s.getCreatedAt().toString());
            if (s.getExpiresAt() != null) {
                info.put("expiresAt", s.getExpiresAt().toString());
            }
            secrets.add(info);
        }
        return new JsonObject().put("tenant", w.getTenant()).put("subscriptionId", w.getSubscriptionId()).put("url", w.getUrl())
                .mergeIn(optional("description", w.getDescription())).put("eventTypes", new JsonArray(List.copyOf(w.getEventTypes())))
                .put("teams", new JsonArray(List.copyOf(w.getTeams()))).put("queues", new JsonArray(List.copyOf(w.getQueues())))
                .put("agents", new JsonArray(List.copyOf(w.getAgents()))).put("enabled", w.getEnabled()).put("secrets", secrets)
                .put("createdAt", w.getCreatedAt().toString()).put("updatedAt", w.getUpdatedAt().toString());
    }

    /** Tells two secrets apart without showing either: the first 16 hex digits of the secret's SHA-256. */
    public static String fingerprint(String secret) {
        return "sha256:" + sha256(secret).substring(0, 16);
    }

    /** The version of a resource for ETag / If-Match: a hash of what the API shows of it (a rotated secret changes it too). */
    public static String etag(SpecificRecord record) {
        return "\"" + sha256(of(record).encode()).substring(0, 24) + "\"";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static JsonObject sorted(Map<String, String> attributes) {
        return new JsonObject(new TreeMap<String, Object>(attributes == null ? Map.of() : attributes));
    }

    private static JsonObject optional(String key, String value) {
        return value == null || value.isBlank() ? new JsonObject() : new JsonObject().put(key, value);
    }
}
