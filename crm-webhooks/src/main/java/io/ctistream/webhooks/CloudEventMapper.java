package io.ctistream.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import io.ctistream.events.EventHeader;
import io.ctistream.events.EventSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Canonical {@link AgentEvent}s to CloudEvents 1.0 for CRMs (docs/crm.md): pure, no I/O.
 *
 * <ul>
 *   <li>{@code id} = the canonical event id (a derived {@code wrapup.ended} gets {@code <event id>:wrapup-ended});</li>
 *   <li>{@code source} = {@code /ctistream/<tenant>/<platform>}; {@code subject} = the agent id, for call events
 *       too (the call id is in the data), so one subject is one ordered stream;</li>
 *   <li>{@code time} = when the platform says it happened, else when ctistream received it;</li>
 *   <li>{@code dataschema} = the URN of the type's JSON Schema; {@code datacontenttype} = {@code application/json}.</li>
 * </ul>
 * Payloads CRMs have no use for (hoteling, DND, forwarding, link and command outcomes) map to nothing.
 * What came before an event (previous state, open wrap-up, a call's last state) is read from and
 * written to the reader's {@link AgentMemory}, so events must be given in log order.
 */
public final class CloudEventMapper {
    public static final String DATA_CONTENT_TYPE = "application/json";
    static final String WRAPUP_ID_SUFFIX = ":wrapup-ended";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The CloudEvents {@code event} gives, in order (none, one, or a state change followed by the
     * end of a wrap-up).
     *
     * @param profile the agent's roster entry, or null when it has none (then the team is null)
     */
    public List<CrmEvent> map(AgentEvent event, AgentProfile profile, AgentMemory memory) {
        EventHeader h = event.getHeader();
        AgentMemory.Agent agent = memory.agent(h.getAgentId());
        List<CrmEvent> out = new ArrayList<>(2);
        if (event.getPayload() instanceof AgentStateChanged s) {
            stateChanged(h, s, profile, agent, out);
        } else if (event.getPayload() instanceof AgentCallEvent c) {
            callEvent(h, c, profile, agent, out);
        }
        return out;
    }

    private void stateChanged(EventHeader h, AgentStateChanged s, AgentProfile profile, AgentMemory.Agent agent, List<CrmEvent> out) {
        AgentState previous = agent.state;
        AgentState now = s.getState();
        Instant at = time(h);
        ObjectNode data = common(h, profile);
        data.put("state", now.name());
        data.put("previousState", previous == null ? null : previous.name());
        data.put("reasonCode", s.getReasonCode());
        data.put("reasonLabel", s.getReasonLabel());
        out.add(event(CrmEventType.AGENT_STATE_CHANGED, h.getEventId(), h, profile, null, data));

        if (agent.wrapUpSince != null && now != AgentState.WRAP_UP && now != AgentState.UNKNOWN) {
            ObjectNode ended = common(h, profile);
            ended.put("state", now.name());
            ended.put("wrapUpStartedAt", agent.wrapUpSince.toString());
            ended.put("wrapUpSeconds", Math.max(0, Duration.between(agent.wrapUpSince, at).toMillis()) / 1000.0);
            out.add(event(CrmEventType.WRAPUP_ENDED, h.getEventId() + WRAPUP_ID_SUFFIX, h, profile, null, ended));
        }
        if (now == AgentState.WRAP_UP) {
            if (agent.wrapUpSince == null) {
                agent.wrapUpSince = at;
            }
        } else if (now != AgentState.UNKNOWN) {
            agent.wrapUpSince = null;
        }
        agent.state = now;
    }

    private void callEvent(EventHeader h, AgentCallEvent c, AgentProfile profile, AgentMemory.Agent agent, List<CrmEvent> out) {
        String callId = c.getCallId();
        CallState before = agent.call(callId);
        CallState now = c.getCallState();
        CrmEventType type = switch (now) {
            case OFFERED -> before == CallState.OFFERED ? null : CrmEventType.CALL_OFFERED;
            case CONNECTED -> before == CallState.CONNECTED ? null
                    : before == CallState.HELD ? CrmEventType.CALL_RETRIEVED : CrmEventType.CALL_ANSWERED;
            case HELD -> before == CallState.HELD ? null : CrmEventType.CALL_HELD;
            case ENDED, FAILED, TRANSFERRED, REDIRECTED, REPLACED -> agent.ended(callId) ? null : CrmEventType.CALL_ENDED;
            default -> null; // DIALING, RINGING, REMOTE_HELD, TRANSFERRING, UNKNOWN: remembered, not delivered
        };
        if (type == CrmEventType.CALL_ENDED) {
            agent.end(callId);
        } else if (!agent.ended(callId)) {
            agent.call(callId, now);
        }
        if (type == null) {
            return;
        }
        ObjectNode data = common(h, profile);
        data.put("callId", callId);
        data.put("direction", c.getDirection().name());
        data.put("callState", now.name());
        data.put("queueId", c.getQueueId());
        // the remote party is the caller of an offered call and of any call that is not outbound
        boolean remoteIsCaller = type == CrmEventType.CALL_OFFERED || c.getDirection() != CallDirection.OUTBOUND;
        data.put("callerNumber", remoteIsCaller ? c.getRemoteParty() : null);
        data.put("callerName", remoteIsCaller ? c.getRemoteName() : null);
        data.put("remoteParty", c.getRemoteParty());
        data.put("remoteName", c.getRemoteName());
        data.put("dialledNumber", c.getDialledNumber());
        ObjectNode callData = data.putObject("callData");
        new java.util.TreeMap<>(c.getCallData()).forEach(callData::put);
        if (type == CrmEventType.CALL_ENDED) {
            data.put("cause", c.getCause());
        }
        out.add(event(type, h.getEventId(), h, profile, c.getQueueId(), data));
    }

    /** The fields every event's data starts with. */
    private static ObjectNode common(EventHeader h, AgentProfile profile) {
        ObjectNode data = JSON.createObjectNode();
        data.put("tenant", h.getTenant());
        data.put("agentId", h.getAgentId());
        data.put("teamId", profile == null ? null : profile.getTeamId());
        EventSource s = h.getSource();
        ObjectNode platform = data.putObject("platform");
        platform.put("name", s.getPlatform().name());
        platform.put("connectorInstance", s.getConnectorInstance());
        platform.put("platformEventId", s.getPlatformEventId());
        platform.put("platformSequence", s.getPlatformSequence());
        platform.put("correlationId", h.getCorrelationId());
        data.put("eventId", h.getEventId());
        data.put("ingestedAt", h.getIngestedAt().toString());
        return data;
    }

    private static CrmEvent event(CrmEventType type, String id, EventHeader h, AgentProfile profile, String callQueue, ObjectNode data) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event data not writable as JSON", e); // an ObjectNode of strings and numbers always is
        }
        var ce = CloudEventBuilder.v1()
                .withId(id)
                .withSource(source(h))
                .withType(type.type())
                .withSubject(h.getAgentId())
                .withTime(time(h).atOffset(ZoneOffset.UTC))
                .withDataSchema(type.dataSchema())
                .withDataContentType(DATA_CONTENT_TYPE)
                .withData(bytes)
                .build();
        return new CrmEvent(type, ce, h.getTenant(), h.getAgentId(), profile == null ? null : profile.getTeamId(), callQueue,
                profile == null ? List.of() : profile.getQueues());
    }

    static Instant time(EventHeader h) {
        return h.getOccurredAt() != null ? h.getOccurredAt() : h.getIngestedAt();
    }

    /** {@code /ctistream/<tenant>/<platform>}, characters a URI path cannot hold percent-encoded. */
    static URI source(EventHeader h) {
        try {
            return new URI(null, null, "/ctistream/" + h.getTenant() + "/"
                    + h.getSource().getPlatform().name().toLowerCase(java.util.Locale.ROOT), null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("tenant [" + h.getTenant() + "] makes no source URI", e);
        }
    }
}
