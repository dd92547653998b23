package io.ctistream.connector.finesse.codec;

import java.util.List;

/**
 * A Finesse User object (the {@code data/user} of a notification, or a {@code GET /User/{id}} body).
 * IDs stay strings. {@code state} is never null ({@link FinesseState#UNKNOWN} when absent or not
 * known); {@code pendingState} is null when empty; {@code reasonCodeId} is the Finesse database ID,
 * null when Finesse says -1 (no reason) or nothing; {@code reasonCode} is the embedded
 * {@code <ReasonCode>}, null when absent; {@code stateChangeTime} is the text as sent
 * ({@code yyyy-MM-dd'T'HH:mm:ss.SSSZ}) or null.
 */
public record FinesseUser(String loginId, String loginName, String extension, FinesseState state, FinesseState pendingState,
        String reasonCodeId, ReasonCode reasonCode, String stateChangeTime, String teamId, String teamName, List<String> roles)
        implements UpdateData {
    public FinesseUser {
        roles = List.copyOf(roles);
    }
}
