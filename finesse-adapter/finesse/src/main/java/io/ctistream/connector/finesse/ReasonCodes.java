package io.ctistream.connector.finesse;

import io.ctistream.connector.finesse.codec.ReasonCode;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The reason codes Finesse knows, per category (NOT_READY, LOGOUT): canonical events carry the code
 * reports show ({@code ReasonCode.code}), a request names the Finesse database ID
 * ({@code reasonCodeId}). Filled from {@code GET /User/{id}/ReasonCodes?category=…}; a reason the
 * list does not have is sent as given (it may already be an ID). Runs on the adapter's context.
 */
final class ReasonCodes {
    private final Map<String, Map<String, ReasonCode>> byCategoryAndCode = new HashMap<>();
    private final Map<String, ReasonCode> byId = new HashMap<>();

    void learn(String category, Collection<ReasonCode> codes) {
        Map<String, ReasonCode> byCode = byCategoryAndCode.computeIfAbsent(category, k -> new HashMap<>());
        for (ReasonCode rc : codes) {
            if (rc.code() != null) {
                byCode.put(rc.code(), rc);
            }
            if (rc.id() != null) {
                byId.put(rc.id(), rc);
            }
        }
    }

    boolean known(String category) {
        return byCategoryAndCode.containsKey(category);
    }

    /** The Finesse ID to send for a canonical reason (a code reports show); the reason itself when the list does not have it. */
    String id(String category, String reason) {
        ReasonCode rc = byCategoryAndCode.getOrDefault(category, Map.of()).get(reason);
        return rc != null && rc.id() != null ? rc.id() : reason;
    }

    /** The reason code behind a Finesse ID, or null. */
    ReasonCode byId(String id) {
        return id == null ? null : byId.get(id);
    }
}
