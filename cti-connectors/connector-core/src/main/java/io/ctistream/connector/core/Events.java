package io.ctistream.connector.core;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.EventHeader;
import io.ctistream.events.EventSource;
import io.ctistream.events.Platform;
import java.time.Clock;
import java.util.UUID;

/** Builds canonical events with their header filled: id, tenant, agent, source, times, correlation. */
public final class Events {
    private final Platform platform;
    private final String instanceId;
    private final Clock clock;

    public Events(Platform platform, String instanceId, Clock clock) {
        this.platform = platform;
        this.instanceId = instanceId;
        this.clock = clock;
    }

    /**
     * @param occurredAt platform time in epoch millis when the platform says it, else null
     * @param platformEventId the platform's own id for the event, or null
     * @param correlationId the command id or call id this event belongs to, or null
     */
    public AgentEvent event(String tenant, String agentId, Object payload, Long occurredAt, String platformEventId,
                            String correlationId) {
        EventHeader header = EventHeader.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setAgentId(agentId)
                .setSource(EventSource.newBuilder().setPlatform(platform).setConnectorInstance(instanceId)
                        .setPlatformEventId(platformEventId).setPlatformSequence(null).build())
                .setOccurredAt(occurredAt == null ? null : java.time.Instant.ofEpochMilli(occurredAt))
                .setIngestedAt(clock.instant())
                .setCorrelationId(correlationId)
                .build();
        return AgentEvent.newBuilder().setHeader(header).setPayload(payload).build();
    }

    public String instanceId() {
        return instanceId;
    }

    public Platform platform() {
        return platform;
    }

    public Clock clock() {
        return clock;
    }
}
