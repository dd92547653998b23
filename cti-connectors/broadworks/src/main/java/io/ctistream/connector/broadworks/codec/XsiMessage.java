package io.ctistream.connector.broadworks.codec;

import java.util.List;

/**
 * One document of an Xsi-Events channel body (protocols/broadworks.md section 5): the channel's
 * first document, a heartbeat, an event, or a document the codec refused. Pure values.
 */
public sealed interface XsiMessage {

    /** The event id to acknowledge with an {@code EventResponse}, or null when nothing must be acknowledged. */
    default String eventIdToAcknowledge() {
        return null;
    }

    /** The channel's first document: {@code <Channel>} with the id and the granted expiry in seconds. */
    record ChannelOpened(String channelId, Integer expires) implements XsiMessage {
    }

    /** {@code <ChannelHeartBeat/>}: the server's answer to a heartbeat, on the channel. */
    record HeartBeat() implements XsiMessage {
    }

    /** {@code ChannelTerminatedEvent}: the channel is gone; it gets no response (section 5). */
    record ChannelTerminated(String channelId, String reason) implements XsiMessage {
    }

    /** The fields every {@code xsi:SubscriptionEvent} carries (section 5). */
    record Header(String eventId, Long sequenceNumber, String userId, String externalApplicationId, String subscriptionId,
                  String channelId, String targetId) {
    }

    /** {@code SubscriptionTerminatedEvent}: the subscription ended on the server's side. */
    record SubscriptionTerminated(Header header) implements XsiMessage {
        @Override
        public String eventIdToAcknowledge() {
            return header.eventId();
        }
    }

    /**
     * One call in a call center's queue ({@code ACDQueueEntry}); times are the server's epoch milliseconds.
     *
     * @param callId the queue entry's call id (a call half on the call center)
     * @param extTrackingId BroadWorks' tracking id of the call across its halves
     */
    record QueueEntry(String callId, String extTrackingId, String remoteName, String remoteAddress, Long addTime, Long removeTime,
                      String acdName, String acdNumber, String acdPriority, String answeringUserId, String answeringCallId) {
    }

    /** What happened to a queued call, by the event type of the Call Center Queue package. */
    enum AcdKind {
        ADDED("ACDCallAddedEvent"),
        OFFERED_TO_AGENT("ACDCallOfferedToAgentEvent"),
        ANSWERED_BY_AGENT("ACDCallAnsweredByAgentEvent"),
        ABANDONED("ACDCallAbandonedEvent"),
        RELEASED("ACDCallReleasedEvent"),
        TRANSFERRED("ACDCallTransferredEvent"),
        STRANDED("ACDCallStrandedEvent"),
        OVERFLOWED("ACDCallOverflowedEvent"),
        ESCAPED("ACDCallEscapedEvent"),
        BOUNCED("ACDCallBouncedEvent"),
        UPDATED("ACDCallUpdatedEvent");

        public final String xsiType;

        AcdKind(String xsiType) {
            this.xsiType = xsiType;
        }

        static AcdKind ofType(String type) {
            for (AcdKind k : values()) {
                if (k.xsiType.equals(type)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** A Call Center Queue event about one call; {@code position} only where the event carries one (added, bounced). */
    record AcdCall(Header header, AcdKind kind, QueueEntry entry, Integer position) implements XsiMessage {
        @Override
        public String eventIdToAcknowledge() {
            return header.eventId();
        }
    }

    /**
     * {@code ACDSubscriptionEvent} (right after a subscription is added or refreshed) or
     * {@code ACDSubscriptionResyncEvent}: every call in the queue now.
     */
    record AcdQueueState(Header header, boolean resync, List<QueueEntry> entries) implements XsiMessage {
        public AcdQueueState {
            entries = List.copyOf(entries);
        }

        @Override
        public String eventIdToAcknowledge() {
            return header.eventId();
        }
    }

    /** A verdict the platform gives a figure against its thresholds (the Xsi {@code severity}: 0, 1, 2). */
    enum Severity { NORMAL, WARNING, CRITICAL }

    /** One figure of the Call Center Monitoring package: its value and, where given, its severity. */
    record Figure(long value, Severity severity) {
    }

    /**
     * {@code CallCenterMonitoringEvent} (Call Center Monitoring package): the call center's figures
     * now, throttled by the server. Times are in seconds as sent; a figure not sent is null.
     */
    record QueueMonitoring(Header header, Figure averageHandlingTime, Figure expectedWaitTime, Figure averageSpeedOfAnswer,
                           Figure longestWaitTime, Figure callsInQueue, Integer agentsAssigned, Integer agentsStaffed, Integer agentsIdle,
                           Integer agentsUnavailable) implements XsiMessage {
        @Override
        public String eventIdToAcknowledge() {
            return header.eventId();
        }
    }

    /** An event of a type this connector does not use (still acknowledged). */
    record Other(Header header, String eventType) implements XsiMessage {
        @Override
        public String eventIdToAcknowledge() {
            return header.eventId();
        }
    }

    /**
     * A document the codec refused (malformed, hostile, oversized, cut short): counted, the channel
     * goes on. {@code eventId} is set when the document was readable XML with an event id, so that
     * the server is still told it arrived (it would otherwise send it again).
     */
    record Refused(String reason, String eventId) implements XsiMessage {
        @Override
        public String eventIdToAcknowledge() {
            return eventId;
        }
    }
}
