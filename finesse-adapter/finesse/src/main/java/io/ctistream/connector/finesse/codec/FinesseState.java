package io.ctistream.connector.finesse.codec;

import java.util.Locale;

/**
 * A Finesse agent state (protocols/finesse.md section 5). Finesse warns that an agent can move from
 * any state to any state, so every state it reports is accepted; a text this codec does not know is
 * {@link #UNKNOWN}, never an error.
 */
public enum FinesseState {
    LOGOUT, LOGIN, NOT_READY, READY, RESERVED, RESERVED_OUTBOUND, RESERVED_OUTBOUND_PREVIEW, TALKING, HOLD, WORK,
    WORK_READY, UNKNOWN;

    /** The state for this text, any case; null for null or blank text, {@link #UNKNOWN} for text it does not know. */
    public static FinesseState of(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip().toUpperCase(Locale.ROOT);
        for (FinesseState s : values()) {
            if (s.name().equals(t)) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
