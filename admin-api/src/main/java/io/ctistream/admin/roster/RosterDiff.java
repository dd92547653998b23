package io.ctistream.admin.roster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What importing a file would change on {@code cti.agents}: agents added, changed (with the
 * fields that differ), removed, and those of the file's tenants that are on the topic but not in
 * the file — removed only when the operator asked for it ({@code --remove-missing}), otherwise
 * kept and listed. Agents of tenants the file does not mention are never touched.
 */
public record RosterDiff(List<RosterEntry> added, List<Change> changed, List<RosterEntry> removed, List<RosterEntry> kept, int unchanged) {

    /** One field that differs: its value on the topic and in the file. */
    public record FieldChange(RosterField field, Object before, Object after) {
    }

    /** An agent in both, with different values. */
    public record Change(RosterEntry before, RosterEntry after, List<FieldChange> fields) {
    }

    /** One record to write: the agent's new value, or null for a tombstone (removal). */
    public record Write(String agentId, RosterEntry value) {
    }

    /** The diff of {@code file} against {@code current} (key: agent id). */
    public static RosterDiff between(Map<String, RosterEntry> current, List<RosterEntry> file, boolean removeMissing) {
        List<RosterEntry> added = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        int unchanged = 0;
        for (RosterEntry e : file) {
            RosterEntry now = current.get(e.agentId());
            if (now == null) {
                added.add(e);
            } else if (!now.equals(e)) {
                changed.add(new Change(now, e, fields(now, e)));
            } else {
                unchanged++;
            }
        }
        Set<String> tenants = file.stream().map(RosterEntry::tenant).collect(Collectors.toSet());
        Set<String> inFile = file.stream().map(RosterEntry::agentId).collect(Collectors.toSet());
        List<RosterEntry> missing = current.entrySet().stream()
                .filter(c -> tenants.contains(c.getValue().tenant()) && !inFile.contains(c.getKey()))
                .map(Map.Entry::getValue).sorted(Comparator.comparing(RosterEntry::agentId)).toList();
        return new RosterDiff(added, changed, removeMissing ? missing : List.of(), removeMissing ? List.of() : missing, unchanged);
    }

    /** The fields in which {@code before} and {@code after} differ, in file order. */
    public static List<FieldChange> fields(RosterEntry before, RosterEntry after) {
        List<FieldChange> fields = new ArrayList<>();
        for (RosterField f : RosterField.values()) {
            if (!Objects.equals(before.value(f), after.value(f))) {
                fields.add(new FieldChange(f, before.value(f), after.value(f)));
            }
        }
        return fields;
    }

    public boolean noChanges() {
        return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }

    /** The records an apply writes: added and changed agents' values, then a tombstone per removed agent. */
    public List<Write> writes() {
        List<Write> writes = new ArrayList<>();
        added.forEach(e -> writes.add(new Write(e.agentId(), e)));
        changed.forEach(c -> writes.add(new Write(c.after().agentId(), c.after())));
        removed.forEach(e -> writes.add(new Write(e.agentId(), null)));
        return writes;
    }

    /** One line per agent that differs, then the counts: what dry-run prints, and apply before it writes. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        added.forEach(e -> lines.add("+ " + e.agentId() + "  " + summary(e)));
        for (Change c : changed) {
            lines.add("~ " + c.after().agentId() + "  " + c.fields().stream()
                    .map(f -> f.field().key() + ": " + show(f.before()) + " -> " + show(f.after())).collect(Collectors.joining("; ")));
        }
        removed.forEach(e -> lines.add("- " + e.agentId() + "  removed (not in file, --remove-missing)"));
        kept.forEach(e -> lines.add("= " + e.agentId() + "  not in file, kept (--remove-missing removes it)"));
        lines.add(added.size() + " added, " + changed.size() + " changed, " + removed.size() + " removed, " + kept.size()
                + " not in file (kept), " + unchanged + " unchanged");
        return lines;
    }

    private static String summary(RosterEntry e) {
        List<String> parts = new ArrayList<>();
        if (e.displayName() != null) {
            parts.add(show(e.displayName()));
        }
        if (e.teamId() != null) {
            parts.add("team " + e.teamId());
        }
        parts.add(e.platform() + " " + e.platformUserId());
        return String.join(", ", parts);
    }

    /** A value as the diff shows it: text quoted (so a change of spaces is visible), absent as "(none)". */
    static String show(Object value) {
        if (value == null || value instanceof Collection<?> c && c.isEmpty() || value instanceof Map<?, ?> m && m.isEmpty()) {
            return "(none)";
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(Object::toString).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> m) {
            return new TreeSet<>(m.keySet().stream().map(k -> k + "=" + m.get(k)).toList()).stream()
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return "\"" + value + "\"";
    }
}
