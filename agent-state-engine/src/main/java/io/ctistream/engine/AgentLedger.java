package io.ctistream.engine;

import io.ctistream.events.internal.AgentProjection;
import io.ctistream.events.internal.QueueSignal;
import io.ctistream.events.internal.UnconfirmedOutput;
import io.ctistream.schemas.CtiTopics;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an agent's projection stands in its two inputs, and what it sent downstream that a crash
 * could have lost and its state cannot tell again (ADR 017). Both live in the projection record
 * itself, so they are written with the state they describe — one store record, one changelog
 * record — and a crash cannot keep one without the other.
 *
 * <ul>
 *   <li>A record at or below the stored offset of its input (same partition: all of one agent's
 *   records are in one partition of each input, so offsets only grow per agent) was applied
 *   already; it is a replay after a crash and is not applied again.</li>
 *   <li>Its snapshot and team membership can be sent again from the state; its queue signals and
 *   the team it left cannot (a later change overwrote what they came from), so they are kept with
 *   the record's position until the engine has committed its input offsets past it
 *   ({@link CommitWatch}), and a replay of the record sends them again.</li>
 * </ul>
 */
final class AgentLedger {
    /**
     * At most this many records' outputs are kept per agent. Commits (every second by default) drop
     * them long before: an agent would need this many queue signals or team moves between two
     * commits to lose one, and a drop is counted ({@code ctistream_engine_unconfirmed_dropped_total}).
     */
    static final int MAX_UNCONFIRMED = 32;

    /** One input record's coordinates; {@code roster} for {@code cti.agents}, else {@code cti.agent-events}. */
    record Input(boolean roster, int partition, long offset) {
        boolean known() {
            return partition >= 0 && offset >= 0;
        }
    }

    private final CommitWatch commits;
    private final EngineMetrics metrics;
    private final boolean keepUnconfirmed;

    AgentLedger(CommitWatch commits, EngineMetrics metrics, boolean keepUnconfirmed) {
        this.commits = commits;
        this.metrics = metrics;
        this.keepUnconfirmed = keepUnconfirmed;
    }

    /** True when {@code p} already reflects the record at {@code in}. */
    static boolean applied(AgentProjection p, Input in) {
        if (p == null || !in.known()) {
            return false;
        }
        return in.roster()
                ? p.getRosterPartition() == in.partition() && in.offset() <= p.getRosterOffset()
                : p.getEventsPartition() == in.partition() && in.offset() <= p.getEventsOffset();
    }

    /**
     * Marks {@code next} (a projection this processor made, not shared) as reflecting the record at
     * {@code in}, drops kept outputs whose records are committed, and keeps this record's queue
     * signals and the team it left, if any.
     */
    AgentProjection record(AgentProjection next, Input in, List<QueueSignal> signals, String leftTeam, long leftAtVersion) {
        if (in.known()) {
            if (in.roster()) {
                next.setRosterPartition(in.partition());
                next.setRosterOffset(in.offset());
            } else {
                next.setEventsPartition(in.partition());
                next.setEventsOffset(in.offset());
            }
        }
        if (!keepUnconfirmed) {
            return next;
        }
        boolean add = in.known() && (!signals.isEmpty() || leftTeam != null);
        List<UnconfirmedOutput> kept = next.getUnconfirmed();
        if (kept.isEmpty() && !add) {
            return next;
        }
        List<UnconfirmedOutput> still = new ArrayList<>(kept.size() + 1);
        for (UnconfirmedOutput u : kept) {
            String topic = u.getRoster() ? CtiTopics.AGENTS.topicName() : CtiTopics.AGENT_EVENTS.topicName();
            if (u.getOffset() >= commits.committed(topic, u.getPartition())) {
                still.add(u); // not committed yet: a crash would read its record again
            }
        }
        if (add) {
            still.add(UnconfirmedOutput.newBuilder().setRoster(in.roster()).setPartition(in.partition()).setOffset(in.offset())
                    .setSignals(new ArrayList<>(signals)).setLeftTeam(leftTeam).setLeftAtVersion(leftAtVersion).build());
            if (still.size() > MAX_UNCONFIRMED) {
                still.remove(0);
                metrics.dropUnconfirmed();
            }
        }
        next.setUnconfirmed(still);
        return next;
    }

    /** What the record at {@code in} sent that {@code p} keeps: sent again on its replay. */
    static List<UnconfirmedOutput> sentBy(AgentProjection p, Input in) {
        List<UnconfirmedOutput> out = new ArrayList<>(1);
        for (UnconfirmedOutput u : p.getUnconfirmed()) {
            if (u.getRoster() == in.roster() && u.getPartition() == in.partition() && u.getOffset() == in.offset()) {
                out.add(u);
            }
        }
        return out;
    }
}
