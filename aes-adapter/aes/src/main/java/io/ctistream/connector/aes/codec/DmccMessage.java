package io.ctistream.connector.aes.codec;

import java.util.List;

/**
 * What one DMCC XML body says, as read by {@link DmccMessages#parse}. Device fields hold the device
 * id text ({@code 5001:CM1:10.10.10.5:0}) or null when absent, {@code notKnown}, {@code notRequired}
 * or {@code restricted}; other fields are null when absent. Nothing here carries a password.
 */
public sealed interface DmccMessage {

    /** StartApplicationSessionPosResponse. */
    record SessionStarted(String sessionId, String protocolVersion, int durationSeconds) implements DmccMessage {
    }

    /** Any *NegResponse ({@code localName} is its root), with the definedError/applError text. */
    record NegResponse(String localName, String error) implements DmccMessage {
    }

    /** ResetApplicationSessionTimerPosResponse. */
    record TimerReset(int durationSeconds) implements DmccMessage {
    }

    /** ApplicationSessionTerminated, with the definedTermReason or serverTermReason. */
    record SessionTerminated(String sessionId, String reason) implements DmccMessage {
    }

    /** GetDeviceIdResponse or GetThirdPartyDeviceIdResponse. */
    record DeviceId(String device) implements DmccMessage {
    }

    /** MonitorStartResponse. */
    record MonitorStarted(String crossRefId) implements DmccMessage {
    }

    /** SetAgentStateResponse; {@code pending} when CM deferred the change (pendingAgentState or private isPending). */
    record AgentStateSet(boolean pending) implements DmccMessage {
    }

    /** GetAgentStateResponse: the first agentStateEntry and agentInfoItem, plus the private data. */
    record AgentStateRead(String agentId, boolean loggedOn, String agentState, String pendingAgentState, String workMode, String talkState,
                          String reasonCode, String pendingReasonCode) implements DmccMessage {
    }

    /** SystemRegisterResponse. */
    record SystemRegistered(String registerId) implements DmccMessage {
    }

    /** SystemStatus (a request AES sends, or its event form): ECMA-269 status such as normal, disabled, messagesLost. */
    record SystemStatus(String status) implements DmccMessage {
    }

    /** Avaya's ServiceLinkStatusEvent: the AES-CM link of a switch connection. */
    record ServiceLinkStatus(String device, boolean up) implements DmccMessage {
    }

    /** An agent event on a station monitor (section 6). */
    record AgentEvent(Kind kind, String crossRefId, String agentDevice, String agentId, String acdGroup, String reasonCode,
                      String pendingWorkMode, String pendingReasonCode, String cause) implements DmccMessage {
        public enum Kind { LOGGED_ON, LOGGED_OFF, READY, NOT_READY, WORKING_AFTER_CALL }
    }

    /**
     * A call event (section 7). {@code callId}/{@code connectionDevice} come from the event's own
     * connection element (for Transfered/Conferenced: {@code primaryOldCall}); {@code subjectDevice}
     * is the device the event is about (alerting, answering, holding, releasing, … device);
     * {@code newCallIds} are the call ids of the resulting connections of a transfer or conference.
     */
    record CallEvent(Kind kind, String crossRefId, String callId, String connectionDevice, String subjectDevice, String callingDevice,
                     String calledDevice, String lastRedirectionDevice, String localConnectionInfo, String cause, String ucid,
                     String acdGroup, String distributingVdn, String secondaryOldCallId, List<String> newCallIds) implements DmccMessage {
        public enum Kind {
            ORIGINATED, DELIVERED, ESTABLISHED, HELD, RETRIEVED, CONNECTION_CLEARED, DIVERTED, TRANSFERRED, CONFERENCED, FAILED, QUEUED,
            CALL_CLEARED
        }

        public CallEvent {
            newCallIds = newCallIds == null ? List.of() : List.copyOf(newCallIds);
        }
    }

    /** CSTAErrorCode (or Avaya's CSTAException): a request failed. */
    record CstaError(String category, String value) implements DmccMessage {
        /** {@code category/value}, e.g. {@code operation/invalidDeviceID}. */
        public String code() {
            return value == null ? category : category + "/" + value;
        }
    }

    /** A positive response with nothing the connector needs (StopApplicationSessionPosResponse, MonitorStopResponse, …). */
    record Ack(String localName) implements DmccMessage {
    }

    /** A well-formed DMCC message the codec does not read. */
    record Unknown(String localName) implements DmccMessage {
    }
}
