package io.ctistream.engine;

import io.ctistream.events.QueueCallEntered;
import io.ctistream.events.QueueCallLeft;
import io.ctistream.events.QueueEvent;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.internal.QueueCall;
import io.ctistream.events.internal.QueueProjection;
import io.ctistream.events.internal.QueueSignal;
import io.ctistream.events.internal.QueueSignalKind;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;

/**
 * Queue figures from queue signals, as pure functions. Each call counts at most once as offered,
 * answered, abandoned and handled in a queue, whether the queue (queue events) or the agent
 * (agent call events naming the queue) reports it, and in whatever order the two arrive.
 */
final class QueueApplier {
    private final EngineConfig config;

    QueueApplier(EngineConfig config) {
        this.config = config;
    }

    /** What a platform queue event means for the queue projection. */
    static QueueSignal toSignal(QueueEvent e) {
        Instant at = e.getOccurredAt() != null ? e.getOccurredAt() : e.getIngestedAt();
        QueueSignalKind kind;
        String agentId = null;
        if (e.getPayload() instanceof QueueCallEntered) {
            kind = QueueSignalKind.ENTERED;
        } else if (e.getPayload() instanceof QueueCallLeft left) {
            agentId = left.getAgentId();
            kind = switch (left.getDisposition()) {
                case ANSWERED -> QueueSignalKind.ANSWERED;
                case ABANDONED -> QueueSignalKind.ABANDONED;
                default -> QueueSignalKind.LEFT;
            };
        } else {
            kind = QueueSignalKind.OTHER;
        }
        return QueueSignal.newBuilder().setTenant(e.getTenant()).setQueueId(e.getQueueId()).setCallId(e.getCallId())
                .setKind(kind).setAt(at).setAgentId(agentId).build();
    }

    /**
     * The call's record after the signal, and what changed in the day's figures; {@code waitCorrection}
     * is what a late first sight added to a wait already counted, {@code withinCorrection} -1 when it
     * took the call out of the service level.
     */
    record CallStep(QueueCall call, int offered, int answered, int abandoned, Long answerWaitMillis, Long handleMillis,
                    Long waitCorrection, int withinCorrection) {
    }

    /**
     * Applies a signal read at {@code partition}/{@code offset} to the call. The call records the
     * position of the signal, and of the signal that counted each of its counters, so that a replay
     * after a crash can tell what the call already reflects ({@link #recount}).
     */
    CallStep applyToCall(QueueCall current, QueueSignal s, int partition, long offset) {
        long at = s.getAt().toEpochMilli();
        int offered = 0;
        int answered = 0;
        int abandoned = 0;
        Long wait = null;
        Long handle = null;
        Long waitCorrection = null;
        int withinCorrection = 0;
        QueueCall.Builder call;
        if (current == null) {
            call = QueueCall.newBuilder().setEnteredAt(s.getAt()).setInQueue(false).setAbandoned(false).setHandled(false).setLastSeenAt(s.getAt());
            // a call is offered when it is first seen arriving, ringing or being answered or abandoned; a late
            // "left" or "handled" for a call this queue has forgotten (or never saw) is not a new offer
            offered = switch (s.getKind()) {
                case ENTERED, OFFERED_TO_AGENT, ANSWERED, ABANDONED -> 1;
                default -> 0;
            };
        } else {
            call = QueueCall.newBuilder(current).setLastSeenAt(later(current.getLastSeenAt(), s.getAt()));
            if (s.getKind() == QueueSignalKind.ENTERED && s.getAt().isBefore(current.getEnteredAt())) {
                call.setEnteredAt(s.getAt()); // the queue saw it before the agent's phone did
                if (current.getAnsweredAt() != null && current.getAnswerWaitMillis() != null && current.getWaitCorrectedPosition() < 0) {
                    // ... and says so after the answer was counted from the phone's first sight: the speed of
                    // answer is measured from the queue's entry whichever report arrives first (two topics, no order)
                    long waited = Math.max(0, current.getAnsweredAt().toEpochMilli() - s.getAt().toEpochMilli());
                    long counted = current.getAnswerWaitMillis();
                    if (waited > counted) {
                        long threshold = config.serviceLevelThreshold().toMillis();
                        waitCorrection = waited - counted;
                        withinCorrection = counted <= threshold && waited > threshold ? -1 : 0;
                        call.setWaitCorrectedPosition(offset).setWaitCorrectionMillis(waitCorrection).setWithinThresholdCorrection(withinCorrection);
                    }
                }
            }
        }
        long enteredAt = call.getEnteredAt().toEpochMilli();
        boolean over = call.getAnsweredAt() != null || call.getAbandoned();
        switch (s.getKind()) {
            case ENTERED -> call.setInQueue(!over);
            case OFFERED_TO_AGENT -> {
                // ringing at an agent: still waiting, but only the queue says whether it is "in queue"
            }
            case ANSWERED -> {
                call.setInQueue(false);
                if (!over) {
                    call.setAnsweredAt(s.getAt());
                    answered = 1;
                    wait = Math.max(0, at - enteredAt);
                }
            }
            case ABANDONED -> {
                call.setInQueue(false);
                if (!over) {
                    call.setAbandoned(true);
                    abandoned = 1;
                }
            }
            case LEFT -> call.setInQueue(false);
            case HANDLED -> {
                if (!call.getHandled() && s.getHandleMillis() != null) {
                    call.setHandled(true);
                    handle = s.getHandleMillis();
                }
            }
            case OTHER -> {
            }
        }
        if (current != null && current.getPartition() != partition) {
            // positions from another partition (or from before positions were kept) say nothing about this one
            call.setOfferedPosition(-1).setAnsweredPosition(-1).setAbandonedPosition(-1).setHandledPosition(-1);
            if (waitCorrection == null) {
                call.setWaitCorrectedPosition(-1);
            }
        }
        call.setPartition(partition).setPosition(offset);
        if (offered == 1) {
            call.setOfferedPosition(offset);
        }
        if (answered == 1) {
            call.setAnsweredPosition(offset).setAnswerWaitMillis(wait);
        }
        if (abandoned == 1) {
            call.setAbandonedPosition(offset);
        }
        if (handle != null) {
            call.setHandledPosition(offset).setHandleMillis(handle);
        }
        return new CallStep(call.build(), offered, answered, abandoned, wait, handle, waitCorrection, withinCorrection);
    }

    /**
     * What the signal at {@code offset} counted, read back from a call that already reflects it: the
     * queue's own record lost that write in a crash (another store, another changelog) and counts
     * exactly this again, no more.
     */
    static CallStep recount(QueueCall call, long offset) {
        boolean answered = call.getAnsweredPosition() == offset;
        boolean corrected = call.getWaitCorrectedPosition() == offset;
        return new CallStep(call, call.getOfferedPosition() == offset ? 1 : 0, answered ? 1 : 0, call.getAbandonedPosition() == offset ? 1 : 0,
                answered ? call.getAnswerWaitMillis() : null, call.getHandledPosition() == offset ? call.getHandleMillis() : null,
                corrected ? call.getWaitCorrectionMillis() : null, corrected ? call.getWithinThresholdCorrection() : 0);
    }

    /** True when the record already reflects the signal at {@code partition}/{@code offset}. */
    static boolean reflects(QueueCall call, int partition, long offset) {
        return call != null && call.getPartition() == partition && offset <= call.getPosition();
    }

    /** True when the queue's figures already count the signal at {@code partition}/{@code offset}. */
    static boolean reflects(QueueProjection queue, int partition, long offset) {
        return queue != null && queue.getPartition() == partition && offset <= queue.getPosition();
    }

    /** The queue's projection after one call step; {@code live} are the queue's waiting calls after it, null when they did not change. */
    QueueProjection applyToQueue(QueueProjection current, QueueSignal s, CallStep step, Collection<QueueCall> live, long now) {
        ZoneId zone = config.zoneOf(s.getTenant());
        String signalDay = AgentRules.day(s.getAt().toEpochMilli(), zone);
        // the queue's day is the latest day a signal was seen on (the housekeeping punctuation moves it at midnight)
        QueueProjection p = current == null || signalDay.compareTo(current.getSnapshot().getDay()) > 0
                ? freshDay(current, s, signalDay, now) : current;
        QueueProjection.Builder next = QueueProjection.newBuilder(p);
        QueueSnapshot snap = p.getSnapshot();
        boolean countsToday = signalDay.equals(snap.getDay());
        int offered = snap.getOfferedToday() + (countsToday ? step.offered() : 0);
        int answered = snap.getAnsweredToday() + (countsToday ? step.answered() : 0);
        int abandoned = snap.getAbandonedToday() + (countsToday ? step.abandoned() : 0);
        if (countsToday && step.answerWaitMillis() != null) {
            next.setAnswerWaitSumMillis(p.getAnswerWaitSumMillis() + step.answerWaitMillis());
            if (step.answerWaitMillis() <= config.serviceLevelThreshold().toMillis()) {
                next.setAnsweredWithinThreshold(p.getAnsweredWithinThreshold() + 1);
            }
        }
        if (countsToday && step.waitCorrection() != null) {
            next.setAnswerWaitSumMillis(next.getAnswerWaitSumMillis() + step.waitCorrection())
                    .setAnsweredWithinThreshold(next.getAnsweredWithinThreshold() + step.withinCorrection());
        }
        if (countsToday && step.handleMillis() != null) {
            next.setHandledCount(p.getHandledCount() + 1).setHandleSumMillis(p.getHandleSumMillis() + step.handleMillis());
        }
        QueueProjection sums = next.build();
        return withFigures(sums, offered, answered, abandoned, live, now);
    }

    /** Recomputes the figures derived from the sums and the waiting calls ({@code live}; null = as before). */
    QueueProjection withFigures(QueueProjection p, int offered, int answered, int abandoned, Collection<QueueCall> live, long now) {
        int inQueue = p.getSnapshot().getCallsInQueue();
        Instant oldest = p.getSnapshot().getOldestWaitingSince();
        if (live != null) {
            inQueue = 0;
            oldest = null;
            for (QueueCall c : live) {
                if (c.getInQueue()) {
                    inQueue++;
                    oldest = oldest == null || c.getEnteredAt().isBefore(oldest) ? c.getEnteredAt() : oldest;
                }
            }
        }
        int finished = answered + abandoned;
        QueueSnapshot snap = QueueSnapshot.newBuilder(p.getSnapshot())
                .setCallsInQueue(inQueue).setOldestWaitingSince(oldest)
                .setOfferedToday(offered).setAnsweredToday(answered).setAbandonedToday(abandoned)
                .setAverageSpeedOfAnswerMillis(answered == 0 ? null : p.getAnswerWaitSumMillis() / answered)
                .setAverageHandleTimeMillis(p.getHandledCount() == 0 ? null : p.getHandleSumMillis() / p.getHandledCount())
                .setServiceLevelPercent(finished == 0 ? null : 100.0 * p.getAnsweredWithinThreshold() / finished)
                .setServiceLevelThresholdSeconds((int) config.serviceLevelThreshold().toSeconds())
                .build();
        return QueueProjection.newBuilder(p).setSnapshot(snap).build();
    }

    /** A new day: today's counts and sums start from zero; calls in queue stay. */
    QueueProjection freshDay(QueueProjection current, QueueSignal s, String day, long now) {
        QueueSnapshot snap = QueueSnapshot.newBuilder()
                .setTenant(current != null ? current.getSnapshot().getTenant() : s.getTenant())
                .setQueueId(current != null ? current.getSnapshot().getQueueId() : s.getQueueId())
                .setDay(day).setServiceLevelThresholdSeconds((int) config.serviceLevelThreshold().toSeconds())
                .setCallsInQueue(current != null ? current.getSnapshot().getCallsInQueue() : 0)
                .setOldestWaitingSince(current != null ? current.getSnapshot().getOldestWaitingSince() : null)
                .setVersion(current != null ? current.getSnapshot().getVersion() : 0)
                .setUpdatedAt(Instant.ofEpochMilli(now)).build();
        // a new day keeps the input position: the figures it starts from are still those of every signal up to it
        return QueueProjection.newBuilder().setSnapshot(snap).setPartition(current != null ? current.getPartition() : -1)
                .setPosition(current != null ? current.getPosition() : -1).build();
    }

    static QueueProjection bump(QueueProjection before, QueueProjection after, long now) {
        QueueSnapshot b = before == null ? null : before.getSnapshot();
        QueueSnapshot a = after.getSnapshot();
        boolean changed = b == null || !material(b).equals(material(a));
        if (!changed) {
            return QueueProjection.newBuilder(after).setSnapshot(QueueSnapshot.newBuilder(a).setVersion(b.getVersion()).setUpdatedAt(b.getUpdatedAt()).build()).build();
        }
        return QueueProjection.newBuilder(after).setSnapshot(QueueSnapshot.newBuilder(a)
                .setVersion((b == null ? 0 : b.getVersion()) + 1).setUpdatedAt(Instant.ofEpochMilli(now)).build()).build();
    }

    static boolean changed(QueueProjection before, QueueProjection after) {
        return before == null || before.getSnapshot().getVersion() != after.getSnapshot().getVersion();
    }

    private static QueueSnapshot material(QueueSnapshot s) {
        return QueueSnapshot.newBuilder(s).setVersion(0).setUpdatedAt(Instant.EPOCH).build();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
