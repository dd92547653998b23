package io.ctistream.push;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What one request was refused, answered in one {@code error} frame however many items it named
 * (issue #19: one frame with 32,000 bad topics used to be answered with 32,000 frames). The frame
 * is bounded: at most {@link #LISTED} items are listed, each cut to {@link #ITEM_CHARS} characters,
 * and {@code refusedCount} says how many there were.
 */
final class Refusals {
    static final int LISTED = 64;
    static final int ITEM_CHARS = 160;

    private final JsonArray listed = new JsonArray();
    private ErrorCode first;
    private String firstMessage;
    private int count;

    void add(String item, ErrorCode code, String message) {
        if (count++ == 0) {
            first = code;
            firstMessage = message;
        }
        if (listed.size() < LISTED) {
            listed.add(new JsonObject().put("topic", cut(item)).put("code", code.name()));
        }
    }

    boolean isEmpty() {
        return count == 0;
    }

    ErrorCode code() {
        return first;
    }

    /** The frame's fields after {@code type}, {@code id} and {@code code}: the first refusal's message, the list and the count. */
    JsonObject into(JsonObject error) {
        return error.put("message", count == 1 ? firstMessage : firstMessage + " (and " + (count - 1) + " more refused, see refused)")
                .put("refused", listed).put("refusedCount", count);
    }

    static String cut(String s) {
        return s.length() <= ITEM_CHARS ? s : s.substring(0, ITEM_CHARS) + "…";
    }
}
