package io.ctistream.admin.roster;

import java.util.List;
import java.util.Map;

/** Where the roster lives: {@code cti.agents} ({@link RosterTopic}); a map in unit tests. */
public interface RosterStore extends AutoCloseable {

    /** The current roster, every tenant: agent id to entry (the latest value per key; removed agents absent). */
    Map<String, RosterEntry> current() throws Exception;

    /** Writes {@code writes} in order and returns once every one is acknowledged; fails if any is not. */
    void write(List<RosterDiff.Write> writes) throws Exception;

    /**
     * Writes what {@code diff} changes ({@link RosterDiff#writes()}) and returns once every record is
     * acknowledged. {@link RosterTopic} audits each change too, with its value before and after, and
     * returns only once a read-committed reader sees the records, so a {@link #current()} straight after
     * shows them.
     */
    default void apply(RosterDiff diff) throws Exception {
        write(diff.writes());
    }

    @Override
    default void close() {
    }
}
