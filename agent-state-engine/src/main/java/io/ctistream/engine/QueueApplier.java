package io.ctistream.engine;

import io.ctistream.events.QueueCallEntered;
import io.ctistream.events.QueueCallLeft;
import io.ctistream.events.QueueEvent;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.QueueStatistics;
import io.ctistream.events.internal.QueueCall;
import io.ctistream.events.internal.QueueLedger;
import io.ctistream.events.internal.QueueProjection;
import io.ctistream.events.internal.QueueSignal;
import io.ctistream.events.internal.QueueSignalKind;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Map;

/**
 * Queue figures from queue signals, as pure functions. Each call counts at most once as offered,
 * answered, abandoned and handled in a queue, whether the queue (queue events) or the agent
 * (agent call events naming the queue) reports it, and in whatever order the two arrive.
 *
 * <p>One authority per figure (ADR 021): each source counts the queue's day in a ledger of its own
 * (the platform names a call differently from the agent's phone, so the two cannot be merged call
 * by call); a queue its platform reports call by call (QueueCallEntered / QueueCallLeft) publishes
 * the platform's ledger, and agent call events add only handle time; a queue without such events
 * publishes the agents' ledger, with calls in queue and the oldest wait from the platform's
 * statistics where it sends them. Which ledger is published is decided when publishing, so the
 * figures do not depend on how the two inputs interleave.
 */
final class QueueApplier {
    /** A queue without a roster entry has the roster's default abandon grace (QueueProfile.abandonGraceSeconds). */
    static final Duration DEFAULT_ABANDON_GRACE = Duration.ofSeconds(5);
    /**
     * How long a queue stays "fed per call" after its last per-call queue event: a quiet night keeps it,
     * a queue whose platform source was removed returns to the agents' figures after a week.
     */
    static final Duration PER_CALL_MEMORY = Duration.ofDays(7);

    /** A queue's own rules: its service-level threshold and abandon grace, from its roster entry or the defaults. */
    record Rules(Duration threshold, Duration grace) {
        long thresholdMillis() {
            return threshold.toMillis();
        }
    }

    private final EngineConfig config;

    QueueApplier(EngineConfig config) {
        this.config = config;
    }

    /** True when the signal comes from the platform's queue events, not from an agent's call. */
    static boolean fromQueue(QueueSignal s) {
        // ENTERED, ABANDONED and LEFT only ever come from queue events (signals written before the flag say so by their kind)
        return s.getFromQueueEvents() || s.getKind() == QueueSignalKind.ENTERED || s.getKind() == QueueSignalKind.ABANDONED
                || s.getKind() == QueueSignalKind.LEFT;
    }

    /** True for a per-call queue event: the platform reports the queue's calls one by one. */
    static boolean perCallEvent(QueueSignal s) {
        return fromQueue(s) && switch (s.getKind()) {
            case ENTERED, ANSWERED, ABANDONED, LEFT -> true;
            default -> false;
        };
    }

    /** True when the queue had a per-call queue event within {@link #PER_CALL_MEMORY} before {@code at}. */
    static boolean perCallFed(QueueProjection p, long at) {
        return p != null && p.getPerCallEventsAt() != null && at - p.getPerCallEventsAt().toEpochMilli() < PER_CALL_MEMORY.toMillis();
    }

    /** What a platform queue event means for the queue projection. */
    static QueueSignal toSignal(QueueEvent e) {
        Instant at = e.getOccurredAt() != null ? e.getOccurredAt() : e.getIngestedAt();
        QueueSignalKind kind;
        String agentId = null;
        QueueStatistics statistics = null;
        if (e.getPayload() instanceof QueueCallEntered) {
            kind = QueueSignalKind.ENTERED;
        } else if (e.getPayload() instanceof QueueCallLeft left) {
            agentId = left.getAgentId();
            kind = switch (left.getDisposition()) {
                case ANSWERED -> QueueSignalKind.ANSWERED;
                case ABANDONED -> QueueSignalKind.ABANDONED;
                default -> QueueSignalKind.LEFT;
            };
        } else if (e.getPayload() instanceof QueueStatistics st) {
            kind = QueueSignalKind.STATISTICS; // the queue's figures, about no call: never a call record
            statistics = st;
        } else {
            kind = QueueSignalKind.OTHER;
        }
        return QueueSignal.newBuilder().setTenant(e.getTenant()).setQueueId(e.getQueueId()).setCallId(e.getCallId())
                .setKind(kind).setAt(at).setAgentId(agentId).setFromQueueEvents(true).setStatistics(statistics).build();
    }

    /**
     * The call's record after the signal, and what changed in the day's figures; {@code waitCorrection}
     * is what a late first sight added to a wait already counted, {@code withinCorrection} -1 when it
     * took the call out of the service level; {@code abandonWaitMillis} how long an abandoned call had waited.
     */
    record CallStep(QueueCall call, int offered, int answered, int abandoned, Long answerWaitMillis, Long handleMillis,
                    Long waitCorrection, int withinCorrection, Long abandonWaitMillis) {
    }

    /**
     * Applies a signal read at {@code partition}/{@code offset} to the call. The call records the
     * position of the signal, and of the signal that counted each of its counters, so that a replay
     * after a crash can tell what the call already reflects ({@link #recount}).
     */
    CallStep applyToCall(QueueCall current, QueueSignal s, int partition, long offset, Rules rules) {
        long at = s.getAt().toEpochMilli();
        int offered = 0;
        int answered = 0;
        int abandoned = 0;
        Long wait = null;
        Long handle = null;
        Long abandonWait = null;
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
                        long threshold = rules.thresholdMillis();
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
                    abandonWait = Math.max(0, at - enteredAt);
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
            call.setAbandonedPosition(offset).setAbandonWaitMillis(abandonWait);
        }
        if (handle != null) {
            call.setHandledPosition(offset).setHandleMillis(handle);
        }
        return new CallStep(call.build(), offered, answered, abandoned, wait, handle, waitCorrection, withinCorrection, abandonWait);
    }

    /**
     * What the signal at {@code offset} counted, read back from a call that already reflects it: the
     * queue's own record lost that write in a crash (another store, another changelog) and counts
     * exactly this again, no more.
     */
    static CallStep recount(QueueCall call, long offset) {
        boolean answered = call.getAnsweredPosition() == offset;
        boolean corrected = call.getWaitCorrectedPosition() == offset;
        boolean abandoned = call.getAbandonedPosition() == offset;
        return new CallStep(call, call.getOfferedPosition() == offset ? 1 : 0, answered ? 1 : 0, abandoned ? 1 : 0,
                answered ? call.getAnswerWaitMillis() : null, call.getHandledPosition() == offset ? call.getHandleMillis() : null,
                corrected ? call.getWaitCorrectionMillis() : null, corrected ? call.getWithinThresholdCorrection() : 0,
                abandoned ? call.getAbandonWaitMillis() : null);
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
    QueueProjection applyToQueue(QueueProjection current, QueueSignal s, CallStep step, Collection<QueueCall> live, Rules rules, long now) {
        QueueProjection p = onSignalDay(current, s, now);
        QueueProjection.Builder next = QueueProjection.newBuilder(p);
        boolean countsToday = AgentRules.day(s.getAt().toEpochMilli(), config.zoneOf(s.getTenant())).equals(p.getSnapshot().getDay());
        boolean queueSide = fromQueue(s);
        QueueLedger.Builder ledger = QueueLedger.newBuilder(queueSide ? p.getFromQueue() : p.getFromAgents());
        long threshold = rules.thresholdMillis();
        if (countsToday) {
            ledger.setOffered(ledger.getOffered() + step.offered()).setAnswered(ledger.getAnswered() + step.answered());
            if (step.abandoned() == 1) {
                Long waited = step.abandonWaitMillis(); // null: counted before waits were kept, an abandon as it was then
                if (waited != null && waited < rules.grace().toMillis()) {
                    ledger.setShortAbandoned(ledger.getShortAbandoned() + 1); // in neither the abandons nor the service level
                } else {
                    ledger.setAbandoned(ledger.getAbandoned() + 1);
                    if (waited == null || waited > threshold) {
                        ledger.setAbandonedAfterThreshold(ledger.getAbandonedAfterThreshold() + 1);
                    }
                }
            }
            if (step.answerWaitMillis() != null) {
                ledger.setAnswerWaitSumMillis(ledger.getAnswerWaitSumMillis() + step.answerWaitMillis());
                if (step.answerWaitMillis() <= threshold) {
                    ledger.setAnsweredWithinThreshold(ledger.getAnsweredWithinThreshold() + 1);
                }
            }
            if (step.waitCorrection() != null) {
                ledger.setAnswerWaitSumMillis(ledger.getAnswerWaitSumMillis() + step.waitCorrection())
                        .setAnsweredWithinThreshold(ledger.getAnsweredWithinThreshold() + step.withinCorrection());
            }
            if (step.handleMillis() != null) { // the agents' handle time counts whichever ledger is published
                next.setHandledCount(p.getHandledCount() + 1).setHandleSumMillis(p.getHandleSumMillis() + step.handleMillis());
            }
        }
        if (queueSide) {
            next.setFromQueue(ledger.build());
        } else {
            next.setFromAgents(ledger.build());
        }
        if (perCallEvent(s)) {
            next.setPerCallEventsAt(p.getPerCallEventsAt() == null ? s.getAt() : later(p.getPerCallEventsAt(), s.getAt()));
        }
        return withFigures(next.build(), live, rules, s.getAt().toEpochMilli());
    }

    /**
     * The queue's projection after the platform's own figures ({@code s.getStatistics()}): kept as
     * given, never counted; figures older than those already kept change nothing.
     */
    QueueProjection applyStatistics(QueueProjection current, QueueSignal s, Collection<QueueCall> live, Rules rules, long now) {
        QueueProjection p = onSignalDay(current, s, now);
        Instant had = p.getSnapshot().getPlatformFiguresAt();
        if (had != null && s.getAt().isBefore(had)) {
            return p; // an older report (two connector instances around a takeover): the newer one stands
        }
        QueueProjection next = QueueProjection.newBuilder(p).setPlatformStatistics(s.getStatistics())
                .setSnapshot(QueueSnapshot.newBuilder(p.getSnapshot()).setPlatformFiguresAt(s.getAt()).build()).build();
        return withFigures(next, live, rules, s.getAt().toEpochMilli());
    }

    /** The queue on the signal's day: the latest day a signal was seen on (the housekeeping punctuation moves it at midnight). */
    private QueueProjection onSignalDay(QueueProjection current, QueueSignal s, long now) {
        String signalDay = AgentRules.day(s.getAt().toEpochMilli(), config.zoneOf(s.getTenant()));
        return current == null || signalDay.compareTo(current.getSnapshot().getDay()) > 0 ? freshDay(current, s, signalDay, now) : current;
    }

    /**
     * Recomputes the figures derived from the counts, sums, waiting calls ({@code live}; null = as
     * before) and the platform's figures, each from its one authority (ADR 021), as of {@code at}.
     */
    QueueProjection withFigures(QueueProjection p, Collection<QueueCall> live, Rules rules, long at) {
        QueueSnapshot s = p.getSnapshot();
        int inQueue = s.getCallsInQueue();
        Instant oldest = s.getOldestWaitingSince();
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
        boolean perCall = perCallFed(p, at);
        QueueStatistics platform = p.getPlatformStatistics();
        if (!perCall && platform != null && platform.getCallsInQueue() != null) {
            // the agents cannot see a waiting call: the platform's count is the only one there is
            inQueue = platform.getCallsInQueue();
            oldest = platform.getOldestWaitingSince();
        }
        // a queue its platform reports call by call is counted from those reports; any other from its agents' calls
        QueueLedger counts = perCall ? p.getFromQueue() : p.getFromAgents();
        int answered = counts.getAnswered();
        Long ownAsa = answered == 0 ? null : counts.getAnswerWaitSumMillis() / answered;
        Long platformAsa = platform == null ? null : platform.getAverageSpeedOfAnswerMillis();
        // fed per call, the engine measures each wait from the queue entry; from agent events only from the ring at an agent,
        // missing the time in queue, so there the platform's figure is the better one where it gives it
        Long asa = perCall ? (ownAsa != null ? ownAsa : platformAsa) : (platformAsa != null ? platformAsa : ownAsa);
        Long ownAht = p.getHandledCount() == 0 ? null : p.getHandleSumMillis() / p.getHandledCount();
        Long aht = ownAht != null ? ownAht : platform == null ? null : platform.getAverageHandleTimeMillis();
        int measured = answered + counts.getAbandonedAfterThreshold();
        QueueSnapshot snap = QueueSnapshot.newBuilder(s)
                .setCallsInQueue(inQueue).setOldestWaitingSince(oldest)
                .setOfferedToday(counts.getOffered()).setAnsweredToday(answered).setAbandonedToday(counts.getAbandoned())
                .setShortAbandonedToday(counts.getShortAbandoned())
                .setAverageSpeedOfAnswerMillis(asa)
                .setAverageHandleTimeMillis(aht)
                .setServiceLevelPercent(measured == 0 ? null : 100.0 * counts.getAnsweredWithinThreshold() / measured)
                .setServiceLevelThresholdSeconds((int) rules.threshold().toSeconds())
                .setExpectedWaitMillis(platform == null ? null : platform.getExpectedWaitMillis())
                .setStaffedAgents(platform == null ? null : platform.getStaffedAgents())
                .setIdleAgents(platform == null ? null : platform.getIdleAgents())
                .setUnavailableAgents(platform == null ? null : platform.getUnavailableAgents())
                .setSeverities(platform == null ? Map.of() : platform.getSeverities())
                .build();
        return QueueProjection.newBuilder(p).setSnapshot(snap).build();
    }

    /** A new day: today's counts and sums start from zero; calls in queue and the platform's figures stay. */
    QueueProjection freshDay(QueueProjection current, QueueSignal s, String day, long now) {
        QueueSnapshot.Builder snap = QueueSnapshot.newBuilder()
                .setTenant(current != null ? current.getSnapshot().getTenant() : s.getTenant())
                .setQueueId(current != null ? current.getSnapshot().getQueueId() : s.getQueueId())
                .setDay(day).setServiceLevelThresholdSeconds(current != null ? current.getSnapshot().getServiceLevelThresholdSeconds() : 20)
                .setCallsInQueue(current != null ? current.getSnapshot().getCallsInQueue() : 0)
                .setOldestWaitingSince(current != null ? current.getSnapshot().getOldestWaitingSince() : null)
                .setPlatformFiguresAt(current != null ? current.getSnapshot().getPlatformFiguresAt() : null)
                .setVersion(current != null ? current.getSnapshot().getVersion() : 0)
                .setUpdatedAt(Instant.ofEpochMilli(now));
        // a new day keeps the input position: the figures it starts from are still those of every signal up to it
        return QueueProjection.newBuilder().setSnapshot(snap.build()).setPartition(current != null ? current.getPartition() : -1)
                .setPosition(current != null ? current.getPosition() : -1)
                .setFromQueue(QueueLedger.newBuilder().build()).setFromAgents(QueueLedger.newBuilder().build())
                .setPerCallEventsAt(current != null ? current.getPerCallEventsAt() : null)
                .setPlatformStatistics(current != null ? current.getPlatformStatistics() : null).build();
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
