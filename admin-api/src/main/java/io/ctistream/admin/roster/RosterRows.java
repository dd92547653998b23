package io.ctistream.admin.roster;

import java.util.List;
import java.util.Map;

/**
 * What a CSV or YAML reader found, before validation: the rows with their line numbers and the
 * values by field (a String, a {@code List<String>} or a {@code Map<String, String>}, by the
 * field's kind; absent fields missing), and the problems of the file's syntax.
 */
public record RosterRows(String source, List<Row> rows, List<RosterProblem> problems) {

    public RosterRows {
        rows = List.copyOf(rows);
        problems = List.copyOf(problems);
    }

    /** One agent as written in the file, starting on {@code line}. */
    public record Row(int line, Map<RosterField, Object> values) {
    }
}
