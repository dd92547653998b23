package io.ctistream.launcher.roster;

import io.ctistream.admin.roster.RosterDiff;
import io.ctistream.admin.roster.RosterEntry;
import io.ctistream.admin.roster.RosterStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A roster in memory, applying writes as a compacted topic would; counts what it was asked. */
final class MemoryRosterStore implements RosterStore {
    final Map<String, RosterEntry> roster = new HashMap<>();
    final List<RosterDiff.Write> written = new ArrayList<>();
    int opened;

    @Override
    public Map<String, RosterEntry> current() {
        return Map.copyOf(roster);
    }

    @Override
    public void write(List<RosterDiff.Write> writes) {
        written.addAll(writes);
        for (RosterDiff.Write w : writes) {
            if (w.value() == null) {
                roster.remove(w.agentId());
            } else {
                roster.put(w.agentId(), w.value());
            }
        }
    }
}
