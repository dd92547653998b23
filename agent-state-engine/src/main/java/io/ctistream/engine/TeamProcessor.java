package io.ctistream.engine;

import io.ctistream.events.TeamSnapshot;
import io.ctistream.events.internal.TeamEntry;
import io.ctistream.events.internal.TeamMemberDelta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Projects one partition of teams from the member deltas the agent projector sends (keyed by team
 * id) into {@code TeamSnapshot}s. A delta not newer than the member the team holds changes
 * nothing, so replays and resends are harmless ({@link TeamRules}); the team is published only
 * when what a wallboard sees of it changed.
 *
 * <p>The store holds a team as one entry per member plus the team's own entry (its published
 * version), so an agent change writes one small entry, not the whole team; the teams this task
 * has touched are kept decoded in memory (this processor is their only writer). When the published
 * team changes, the team's entry is written before the member's: a crash between the two keeps the
 * new version and loses the member, which the replay then applies again under a newer version still
 * — a version is skipped, never used for two different teams.
 *
 * <p>A busy team is not published at every change: the first change after a quiet spell goes out
 * at once, the ones after it at most once per {@link EngineConfig#teamPublishInterval()} (a wall-clock
 * punctuation sends the team as it then is), so a wallboard sees each team within that interval
 * and a team of hundreds changing hundreds of times a second is not re-sent, re-decoded and
 * re-encoded for every one (issue #20). Its version still counts every change, so the versions a
 * reader sees may skip. A team held back when the engine crashes goes out at the restart with
 * every other team.
 */
final class TeamProcessor extends ContextualProcessor<String, TeamMemberDelta, String, TeamSnapshot> {
    static final String TEAMS = "team-projections";
    private static final char SEP = '\u0000';

    private final EngineConfig config;
    private final Map<String, TeamRules.Team> teams = new HashMap<>();
    /** Wall-clock time each team was last published; teams changed since, held back until the next punctuation. */
    private final Map<String, Long> publishedAt = new HashMap<>();
    private final Set<String> heldBack = new LinkedHashSet<>();
    private final long interval;
    private KeyValueStore<String, TeamEntry> store;
    private Cancellable resync;

    TeamProcessor(EngineConfig config) {
        this.config = config;
        this.interval = config.teamPublishInterval().toMillis();
    }

    @Override
    public void init(ProcessorContext<String, TeamSnapshot> context) {
        super.init(context);
        store = context.getStateStore(TEAMS);
        if (config.atLeastOnce()) {
            resync = context.schedule(Duration.ofMillis(1), PunctuationType.WALL_CLOCK_TIME, this::resync);
        }
        if (interval > 0) {
            context.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::publishHeldBack);
        }
    }

    @Override
    public void process(Record<String, TeamMemberDelta> record) {
        resync(context().currentSystemTimeMs());
        TeamMemberDelta d = record.value();
        if (d == null || record.key() == null) {
            return;
        }
        TeamRules.Team team = teams.computeIfAbsent(record.key(), id -> {
            TeamRules.Team stored = read(store, id);
            return stored != null ? stored : TeamRules.empty(d.getTenant(), id);
        });
        TeamRules.Applied applied = TeamRules.apply(team, d);
        if (applied.change() == TeamRules.Change.NONE) {
            return; // told already: a replay or a resend
        }
        if (applied.change() == TeamRules.Change.PUBLISHED) {
            store.put(record.key(), team.self); // first: see the class comment
        }
        store.put(record.key() + SEP + d.getAgentId(), applied.member());
        applied.forgotten().forEach(agentId -> store.delete(record.key() + SEP + agentId));
        if (applied.change() == TeamRules.Change.PUBLISHED) {
            long now = context().currentSystemTimeMs();
            Long last = publishedAt.get(record.key());
            if (interval == 0 || last == null || now - last >= interval) {
                publishedAt.put(record.key(), now);
                heldBack.remove(record.key());
                context().forward(record.withValue(TeamRules.snapshot(team)));
            } else {
                heldBack.add(record.key()); // published a moment ago: this change goes out with the next punctuation
            }
        }
    }

    /** Sends the teams that changed since they were last published, as they are now. */
    private void publishHeldBack(long now) {
        for (String id : heldBack) {
            publishedAt.put(id, now);
            context().forward(new Record<>(id, TeamRules.snapshot(teams.get(id)), now));
        }
        heldBack.clear();
    }

    /** A team as the store holds it: its own entry and its members; null when the store has none. */
    static TeamRules.Team read(ReadOnlyKeyValueStore<String, TeamEntry> store, String teamId) {
        TeamEntry self = store.get(teamId);
        if (self == null) {
            return null;
        }
        TeamRules.Team team = new TeamRules.Team(self);
        try (KeyValueIterator<String, TeamEntry> members = store.prefixScan(teamId + SEP, new StringSerializer())) {
            members.forEachRemaining(kv -> team.members.put(kv.value.getAgentId(), kv.value));
        }
        return team;
    }

    /**
     * Under at-least-once a crash can lose a published team while its store kept the change: every
     * team is published again once after the task starts (its version unchanged, so readers that
     * have it drop it). Runs before the first record or at the first punctuation, whichever is first.
     */
    private void resync(long now) {
        if (resync == null) {
            return;
        }
        resync.cancel();
        resync = null;
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, TeamEntry> all = store.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.getAgentId() == null) {
                    ids.add(kv.key);
                }
            });
        }
        for (String id : ids) {
            TeamRules.Team team = teams.computeIfAbsent(id, k -> read(store, k));
            context().forward(new Record<>(id, TeamRules.snapshot(team), now));
        }
    }
}
