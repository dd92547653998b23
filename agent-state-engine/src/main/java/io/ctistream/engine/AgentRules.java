package io.ctistream.engine;

import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import io.ctistream.events.CurrentCall;
import io.ctistream.events.DailyCounters;
import io.ctistream.events.LinkState;
import io.ctistream.events.WallboardCategory;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The engine's rules for one agent, as pure functions: what state an agent is in given what the
 * platform reported, its call and its link; which wallboard category that is; how time in a
 * state is counted into today's counters.
 */
final class AgentRules {
    private AgentRules() {
    }

    /** True for a link over which nothing the platform says can arrive any more. */
    static boolean linkDown(LinkState link) {
        return link == LinkState.LOST || link == LinkState.TERMINATED;
    }

    /**
     * The state to show: UNKNOWN when the link is down (never guess) unless the platform refused the
     * link for good and the agent was declared LOGGED_OUT, else the call's state
     * while there is a call, else what the platform last reported.
     */
    static AgentState effectiveState(AgentState acdState, CurrentCall call, LinkState link) {
        if (linkDown(link)) {
            // a refused link (TERMINATED) followed by LOGGED_OUT is the platform's last word, not a guess
            return link == LinkState.TERMINATED && acdState == AgentState.LOGGED_OUT ? AgentState.LOGGED_OUT : AgentState.UNKNOWN;
        }
        if (call != null) {
            return switch (call.getCallState()) {
                case OFFERED, RINGING -> AgentState.RESERVED;
                case HELD -> AgentState.HOLD;
                default -> AgentState.TALKING;
            };
        }
        return acdState;
    }

    /**
     * AVAIL = READY, RING = RESERVED, ACD = TALKING or HOLD on a queue call (or when the platform
     * itself reports talking, without a call to tell), AUX = NOT_READY and talking on a call that
     * is not a queue call, ACW = WRAP_UP, OFF = LOGGED_OUT.
     */
    static WallboardCategory category(AgentState state, CurrentCall call) {
        return switch (state) {
            case READY -> WallboardCategory.AVAIL;
            case RESERVED -> WallboardCategory.RING;
            case TALKING, HOLD -> call == null || call.getQueueId() != null ? WallboardCategory.ACD : WallboardCategory.AUX;
            case NOT_READY -> WallboardCategory.AUX;
            case WRAP_UP -> WallboardCategory.ACW;
            case LOGGED_OUT -> WallboardCategory.OFF;
            case UNKNOWN -> WallboardCategory.UNKNOWN;
        };
    }

    /** True for call states after which the call is gone from the agent. */
    static boolean callOver(CallState state) {
        return switch (state) {
            case ENDED, FAILED, TRANSFERRED, REDIRECTED, REPLACED -> true;
            default -> false;
        };
    }

    static String day(long epochMillis, ZoneId zone) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), zone).toString();
    }

    /**
     * Counters for the day of {@code at}: the same ones if it is still that day, zeros for a later day,
     * and the same ones for an earlier day: a late event (a platform clock behind, a backlog after a
     * restart) never takes the counters back to yesterday and loses today's.
     */
    static DailyCounters countersFor(DailyCounters counters, long at, ZoneId zone) {
        return countersFor(counters, day(at, zone));
    }

    private static DailyCounters countersFor(DailyCounters counters, String day) {
        if (counters != null && day.compareTo(counters.getDay()) <= 0) {
            return counters;
        }
        return DailyCounters.newBuilder().setDay(day).setCallsHandled(0).setTalkTimeMillis(0).setHoldTimeMillis(0)
                .setWrapUpTimeMillis(0).setNotReadyTimeMillis(0).build();
    }

    /**
     * Adds the time spent in {@code state} from {@code since} to {@code until} to today's counters;
     * only the part that falls on {@code until}'s day counts when the state began the day before.
     */
    static DailyCounters accrue(DailyCounters counters, AgentState state, long since, long until, ZoneId zone) {
        LocalDate untilDay = LocalDate.ofInstant(Instant.ofEpochMilli(until), zone);
        String day = untilDay.toString();
        DailyCounters today = countersFor(counters, day);
        if (!day.equals(today.getDay())) {
            return today; // counters of a later day than until's (a late event): nothing of until's day counts there
        }
        // from until's own date, not by parsing the counters' day back: the parse was 2 % of the engine's stream thread (ADR 027)
        long startOfDay = untilDay.atStartOfDay(zone).toInstant().toEpochMilli();
        long millis = until - Math.max(since, startOfDay);
        if (millis <= 0) {
            return today;
        }
        DailyCounters.Builder b = DailyCounters.newBuilder(today);
        switch (state) {
            case TALKING -> b.setTalkTimeMillis(today.getTalkTimeMillis() + millis);
            case HOLD -> b.setHoldTimeMillis(today.getHoldTimeMillis() + millis);
            case WRAP_UP -> b.setWrapUpTimeMillis(today.getWrapUpTimeMillis() + millis);
            case NOT_READY -> b.setNotReadyTimeMillis(today.getNotReadyTimeMillis() + millis);
            default -> {
                return today;
            }
        }
        return b.build();
    }
}
