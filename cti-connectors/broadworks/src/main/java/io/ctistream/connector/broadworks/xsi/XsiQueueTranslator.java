package io.ctistream.connector.broadworks.xsi;

import io.ctistream.connector.broadworks.codec.XsiMessage.AcdKind;
import io.ctistream.connector.broadworks.codec.XsiMessage.Figure;
import io.ctistream.connector.broadworks.codec.XsiMessage.QueueEntry;
import io.ctistream.connector.broadworks.codec.XsiMessage.QueueMonitoring;
import io.ctistream.events.QueueCallDisposition;
import io.ctistream.events.QueueCallEntered;
import io.ctistream.events.QueueCallLeft;
import io.ctistream.events.QueueSeverity;
import io.ctistream.events.QueueStatistics;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Call Center Queue events to canonical queue facts (ADR 019). Pure functions.
 *
 * <p>Added is {@code QueueCallEntered} at the entry's {@code addTime}; answered, abandoned,
 * transferred and overflowed are {@code QueueCallLeft} with that disposition at {@code removeTime};
 * released, stranded and escaped leave the queue without a disposition the schema names
 * ({@code OTHER}). Offered, bounced and updated change nothing a queue figure shows (the call is
 * still in the queue) and give no fact.
 *
 * <p>A CallCenterMonitoringEvent is {@code QueueStatistics} (ADR 022): seconds become
 * milliseconds, the oldest call waits since the moment the event was read minus the longest wait
 * (the event carries no time of its own; null when no call waits), staffed / idle / unavailable
 * agents as sent, and each figure's severity under the schema's field name.
 */
final class XsiQueueTranslator {
    private XsiQueueTranslator() {
    }

    /** The canonical call id: BroadWorks' tracking id of the call across its halves, else the queue entry's call id. */
    static String callId(QueueEntry e) {
        return e.extTrackingId() != null ? e.extTrackingId() : e.callId();
    }

    /** The fact a queue event gives, or null when it gives none. */
    static Object payload(AcdKind kind, QueueEntry e, Map<String, String> agentsByUserId) {
        return switch (kind) {
            case ADDED -> entered(e);
            case ANSWERED_BY_AGENT -> left(QueueCallDisposition.ANSWERED,
                    e.answeringUserId() == null ? null : agentsByUserId.get(e.answeringUserId()));
            case ABANDONED -> left(QueueCallDisposition.ABANDONED, null);
            case TRANSFERRED -> left(QueueCallDisposition.TRANSFERRED, null);
            case OVERFLOWED -> left(QueueCallDisposition.OVERFLOWED, null);
            case RELEASED, STRANDED, ESCAPED -> left(QueueCallDisposition.OTHER, null);
            case OFFERED_TO_AGENT, BOUNCED, UPDATED -> null;
        };
    }

    static QueueCallEntered entered(QueueEntry e) {
        return QueueCallEntered.newBuilder().setCallerNumber(number(e.remoteAddress())).setCallerName(e.remoteName()).setPriority(null).build();
    }

    static QueueCallLeft left(QueueCallDisposition disposition, String agentId) {
        return QueueCallLeft.newBuilder().setDisposition(disposition).setAgentId(agentId).build();
    }

    /** The platform's figures for the queue, read at {@code readAt} (epoch ms). */
    static QueueStatistics statistics(QueueMonitoring m, long readAt) {
        Map<String, QueueSeverity> severities = new LinkedHashMap<>();
        severity(severities, "callsInQueue", m.callsInQueue());
        severity(severities, "oldestWaitingSince", m.longestWaitTime());
        severity(severities, "expectedWaitMillis", m.expectedWaitTime());
        severity(severities, "averageSpeedOfAnswerMillis", m.averageSpeedOfAnswer());
        severity(severities, "averageHandleTimeMillis", m.averageHandlingTime());
        Integer calls = m.callsInQueue() == null ? null : (int) Math.min(Integer.MAX_VALUE, m.callsInQueue().value());
        boolean nobodyWaits = calls != null && calls == 0;
        Instant oldest = m.longestWaitTime() == null || nobodyWaits ? null : Instant.ofEpochMilli(readAt - m.longestWaitTime().value() * 1000);
        return QueueStatistics.newBuilder().setCallsInQueue(calls).setOldestWaitingSince(oldest)
                .setExpectedWaitMillis(millis(m.expectedWaitTime())).setAverageSpeedOfAnswerMillis(millis(m.averageSpeedOfAnswer()))
                .setAverageHandleTimeMillis(millis(m.averageHandlingTime())).setStaffedAgents(m.agentsStaffed()).setIdleAgents(m.agentsIdle())
                .setUnavailableAgents(m.agentsUnavailable()).setSeverities(severities).build();
    }

    private static Long millis(Figure f) {
        return f == null ? null : f.value() * 1000;
    }

    private static void severity(Map<String, QueueSeverity> out, String field, Figure f) {
        if (f != null && f.severity() != null) {
            out.put(field, QueueSeverity.valueOf(f.severity().name()));
        }
    }

    /** When it happened by the platform's clock: entering at addTime, leaving at removeTime; null when the event does not say. */
    static Long occurredAt(AcdKind kind, QueueEntry e) {
        return kind == AcdKind.ADDED ? e.addTime() : e.removeTime();
    }

    /** "tel:+15550123" is "+15550123"; a SIP URI keeps its user part. */
    static String number(String address) {
        if (address == null) {
            return null;
        }
        String a = address.strip();
        int colon = a.indexOf(':');
        if (colon > 0 && (a.startsWith("tel") || a.startsWith("sip"))) {
            a = a.substring(colon + 1);
        }
        int at = a.indexOf('@');
        return at > 0 ? a.substring(0, at) : a;
    }
}
