package io.ctistream.simulator.finesse;

import java.util.List;

/**
 * A Finesse reason code: {@code id} is the Finesse database id a client sends as
 * {@code reasonCodeId}; {@code code} is the CCE code reports show.
 *
 * @param category NOT_READY or LOGOUT
 */
public record ReasonCode(int id, String category, int code, String label) {
    /** The forced logout after presence loss (§6). */
    public static final int FORCED_LOGOUT = 255;
    /** A supervisor's NOT_READY on UCCE (§5). */
    public static final int SUPERVISOR_NOT_READY = 999;
    /** NOT_READY set by CCE when a call is made from READY (§3). */
    public static final int MAKE_CALL_FROM_READY = 50006;

    /** A small list like a lab system's: three NOT_READY and two LOGOUT codes. */
    public static List<ReasonCode> defaults() {
        return List.of(new ReasonCode(1, "NOT_READY", 12, "Lunch"), new ReasonCode(2, "NOT_READY", 13, "Break"),
                new ReasonCode(16, "NOT_READY", 10, "Team Meeting"), new ReasonCode(17, "LOGOUT", 20, "End of Shift"),
                new ReasonCode(18, "LOGOUT", 21, "Training"));
    }
}
