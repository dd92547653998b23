package io.ctistream.embedded;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentState;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.EventHeader;
import io.ctistream.events.EventSource;
import io.ctistream.events.Platform;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Canonical events for tests. */
final class Fixtures {
    private Fixtures() {
    }

    static AgentEvent notReady(String agentId, String reasonCode) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return AgentEvent.newBuilder()
                .setHeader(EventHeader.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setTenant(agentId.substring(0, agentId.indexOf('/')))
                        .setAgentId(agentId)
                        .setSource(EventSource.newBuilder().setPlatform(Platform.BROADWORKS).setConnectorInstance("bw-1")
                                .setPlatformSequence(42L).build())
                        .setOccurredAt(now.minusMillis(3))
                        .setIngestedAt(now)
                        .setCorrelationId("cmd-1")
                        .build())
                .setPayload(AgentStateChanged.newBuilder().setState(AgentState.NOT_READY).setReasonCode(reasonCode).setReasonLabel("Lunch").build())
                .build();
    }
}
