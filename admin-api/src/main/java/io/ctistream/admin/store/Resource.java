package io.ctistream.admin.store;

import io.ctistream.events.AdminResource;
import io.ctistream.schemas.CtiTopics;
import java.util.Arrays;
import java.util.Optional;

/** What the admin API provisions: each kind on its compacted topic, keyed by its tenant-qualified id. */
public enum Resource {
    AGENT(CtiTopics.AGENTS, AdminResource.AGENT, "agents", "agentId"),
    TEAM(CtiTopics.TEAMS, AdminResource.TEAM, "teams", "teamId"),
    QUEUE(CtiTopics.QUEUES, AdminResource.QUEUE, "queues", "queueId"),
    WEBHOOK_SUBSCRIPTION(CtiTopics.WEBHOOK_SUBSCRIPTIONS, AdminResource.WEBHOOK_SUBSCRIPTION, "webhook-subscriptions", "subscriptionId");

    private final CtiTopics topic;
    private final AdminResource auditType;
    private final String path;
    private final String idField;

    Resource(CtiTopics topic, AdminResource auditType, String path, String idField) {
        this.topic = topic;
        this.auditType = auditType;
        this.path = path;
        this.idField = idField;
    }

    public CtiTopics topic() {
        return topic;
    }

    /** How {@code cti.admin-audit} names the kind. */
    public AdminResource auditType() {
        return auditType;
    }

    /** The path segment under {@code /api/v1/tenants/{tenant}/}. */
    public String path() {
        return path;
    }

    /** The field of the body and of the Avro record that holds the id (the record key). */
    public String idField() {
        return idField;
    }

    public static Optional<Resource> ofTopic(String topicName) {
        return Arrays.stream(values()).filter(r -> r.topic.topicName().equals(topicName)).findFirst();
    }
}
