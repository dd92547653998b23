package io.ctistream.connector.core;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.EventHeader;
import io.ctistream.events.EventSource;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Builds canonical events with their header filled: id, tenant, agent, source (with this run of the
 * connector), times, correlation.
 *
 * <p>A run starts when this object is made: its id is the start in epoch millis, the same instant the
 * connector's status carries as {@code startedAt}. Every event names its run, so the engine tells
 * a restarted instance (which knows nothing of what the previous run reported, e.g. the calls in
 * progress) from the one that reported an agent before (ADR 009).
 */
public final class Events {
    private final Platform platform;
    private final String instanceId;
    private final Clock clock;
    private volatile Instant startedAt;
    private volatile String run;

    public Events(Platform platform, String instanceId, Clock clock) {
        this.platform = platform;
        this.instanceId = instanceId;
        this.clock = clock;
        newRun();
    }

    /**
     * Starts a new run of this instance: from now on events say they come from a connector that
     * vouches for nothing an earlier run reported. Used at start, and when this instance could not
     * deliver what it reported (Kafka unreachable): it then re-reads the platform's full state.
     */
    public void newRun() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (startedAt != null && !now.isAfter(startedAt)) {
            now = startedAt.plusMillis(1); // distinct even within one millisecond
        }
        startedAt = now;
        run = String.valueOf(now.toEpochMilli());
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
                        .setPlatformEventId(platformEventId).setPlatformSequence(null).setConnectorRun(run).build())
                .setOccurredAt(occurredAt == null ? null : Instant.ofEpochMilli(occurredAt))
                .setIngestedAt(clock.instant())
                .setCorrelationId(correlationId)
                .build();
        return AgentEvent.newBuilder().setHeader(header).setPayload(payload).build();
    }

    /**
     * A queue-side fact about one call in one queue.
     *
     * @param occurredAt platform time in epoch millis when the platform says it, else null
     * @param platformEventId the platform's own id for the event (an Xsi event id), or null
     */
    public QueueEvent queueEvent(String tenant, String queueId, String callId, Object payload, Long occurredAt, String platformEventId) {
        return QueueEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant(tenant).setQueueId(queueId)
                .setSource(EventSource.newBuilder().setPlatform(platform).setConnectorInstance(instanceId).setPlatformEventId(platformEventId)
                        .setPlatformSequence(null).setConnectorRun(run).build())
                .setOccurredAt(occurredAt == null ? null : Instant.ofEpochMilli(occurredAt)).setIngestedAt(clock.instant())
                .setCallId(callId).setPayload(payload).build();
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

    /** When this run of the connector started (millisecond precision, as published). */
    public Instant startedAt() {
        return startedAt;
    }

    /** This run's id, as events carry it in {@code source.connectorRun}. */
    public String run() {
        return run;
    }
}
