package io.ctistream.launcher.roster;

import java.util.List;
import java.util.Map;

/** Where the roster lives: {@code cti.agents} ({@link RosterTopic}); a map in unit tests. */
public interface RosterStore extends AutoCloseable {

    /** The current roster, every tenant: agent id to entry (the latest value per key; removed agents absent). */
    Map<String, RosterEntry> current() throws Exception;

    /** Writes {@code writes} in order and returns once every one is acknowledged; fails if any is not. */
    void write(List<RosterDiff.Write> writes) throws Exception;

    @Override
    default void close() {
    }
}
