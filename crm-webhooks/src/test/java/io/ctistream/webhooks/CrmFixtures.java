package io.ctistream.webhooks;

import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import io.ctistream.events.DndChanged;
import io.ctistream.events.EventHeader;
import io.ctistream.events.EventSource;
import io.ctistream.events.Platform;
import io.ctistream.events.WebhookSecret;
import io.ctistream.events.WebhookSubscription;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Canonical events, roster entries and subscriptions for tests; times are given by the caller (from the clock for a broker). */
final class CrmFixtures {
    private CrmFixtures() {
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    static String tenantOf(String agentId) {
        return agentId.substring(0, agentId.indexOf('/'));
    }

    static EventHeader header(String agentId, Instant occurredAt, Instant ingestedAt) {
        return EventHeader.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setTenant(tenantOf(agentId))
                .setAgentId(agentId)
                .setSource(EventSource.newBuilder().setPlatform(Platform.BROADWORKS).setConnectorInstance("bw-1")
                        .setPlatformEventId("notify-17").setPlatformSequence(17L).build())
                .setOccurredAt(occurredAt)
                .setIngestedAt(ingestedAt)
                .setCorrelationId(null)
                .build();
    }

    static AgentEvent state(String agentId, AgentState state, Instant at) {
        return AgentEvent.newBuilder()
                .setHeader(header(agentId, at, at.plusMillis(5)))
                .setPayload(AgentStateChanged.newBuilder().setState(state).setReasonCode(state == AgentState.NOT_READY ? "0012" : null)
                        .setReasonLabel(state == AgentState.NOT_READY ? "Lunch" : null).build())
                .build();
    }

    static AgentEvent call(String agentId, String callId, CallState callState, CallDirection direction, String queueId, Instant at) {
        return AgentEvent.newBuilder()
                .setHeader(EventHeader.newBuilder(header(agentId, at, at.plusMillis(5))).setCorrelationId(callId).build())
                .setPayload(AgentCallEvent.newBuilder().setCallId(callId).setDirection(direction).setCallState(callState)
                        .setQueueId(queueId).setRemoteParty("+4930123456").setRemoteName("Erika Mustermann")
                        .setDialledNumber(direction == CallDirection.INBOUND ? "+4930999000" : null)
                        .setCallData(direction == CallDirection.INBOUND ? java.util.Map.of("callVariable1", "ACC-42") : java.util.Map.of())
                        .setCause(callState == CallState.ENDED ? "normal clearing" : null).build())
                .build();
    }

    static AgentEvent dnd(String agentId, Instant at) {
        return AgentEvent.newBuilder().setHeader(header(agentId, at, at)).setPayload(DndChanged.newBuilder().setEnabled(true).build()).build();
    }

    static AgentProfile profile(String agentId, String teamId, List<String> queues) {
        return AgentProfile.newBuilder()
                .setTenant(tenantOf(agentId))
                .setAgentId(agentId)
                .setTeamId(teamId)
                .setQueues(queues)
                .setPlatform(Platform.BROADWORKS)
                .setPlatformUserId(agentId.substring(agentId.indexOf('/') + 1) + "@as.example")
                .build();
    }

    static WebhookSecret secret(String secret, Instant createdAt, Instant expiresAt) {
        return WebhookSecret.newBuilder().setSecret(secret).setCreatedAt(createdAt).setExpiresAt(expiresAt).build();
    }

    static WebhookSubscription subscription(String tenant, String localId, String url, List<WebhookSecret> secrets, Instant now) {
        return WebhookSubscription.newBuilder()
                .setTenant(tenant)
                .setSubscriptionId(tenant + "/" + localId)
                .setUrl(url)
                .setDescription(null)
                .setSecrets(secrets)
                .setEventTypes(List.of())
                .setTeams(List.of())
                .setQueues(List.of())
                .setAgents(List.of())
                .setEnabled(true)
                .setCreatedAt(now)
                .setUpdatedAt(now)
                .build();
    }
}
