package io.ctistream.admin.roster;

/**
 * Something wrong with a roster file, where a person can find it: the file, the line (1-based;
 * in CSV the line a row starts on) and the column or key, or null when it is the whole row.
 */
public record RosterProblem(String source, int line, String field, String message) {

    /** Compiler style, {@code roster.csv:17: platform: ...}, which editors and terminals link to the line. */
    @Override
    public String toString() {
        return source + ":" + line + ": " + (field == null ? "" : field + ": ") + message;
    }
}
