package io.ctistream.push;

import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * One change as the {@code state} frame an event loop writes to every session of it that follows
 * the topic live (ADR 028): encoded once, on first use, into the bytes each of those sessions sends.
 * {@code ageMillis} and {@code lagMillis} are taken when the loop takes the change ({@code at}); the
 * writes of that pass follow within it. A frame held back for a slow client is encoded again when it
 * is written ({@link #text}), with its age then.
 */
final class Frame {
    private final StateView.Entry entry;
    private final long at;
    private byte[] live;

    Frame(StateView.Entry entry, long at) {
        this.entry = entry;
        this.at = at;
    }

    StateView.Entry entry() {
        return entry;
    }

    /** Platform event → this pass, for a change caused by a new event; else null. */
    Long lagMillis() {
        return entry.sourceMillis() > 0 ? Math.max(0, at - entry.sourceMillis()) : null;
    }

    /** The frame as sent live, UTF-8 (on the loop that made this frame only). */
    byte[] live() {
        if (live == null) {
            live = text(entry, at, lagMillis()).getBytes(StandardCharsets.UTF_8);
        }
        return live;
    }

    /**
     * The {@code state} frame of a value as written at {@code now}; {@code lagMillis} for a change
     * sent live that a new platform event caused, else null. The value itself was encoded once per
     * change (StateView).
     */
    static String text(StateView.Entry e, long now, Long lagMillis) {
        if (e.data() == null) {
            return "{\"type\":\"state\",\"topic\":" + Json.encode(e.topic()) + ",\"key\":" + Json.encode(e.key())
                    + ",\"version\":null,\"data\":null,\"removed\":true}";
        }
        long age = e.updatedMillis() == 0 ? 0 : Math.max(0, now - e.updatedMillis());
        String freshness = e.freshness();
        return new StringBuilder(e.json().length() + 200).append("{\"type\":\"state\",\"topic\":").append(Json.encode(e.topic()))
                .append(",\"key\":").append(Json.encode(e.key())).append(",\"version\":").append(e.version()).append(",\"data\":").append(e.json())
                .append(",\"freshness\":{\"ageMillis\":").append(age).append(",\"lagMillis\":").append(lagMillis)
                .append(",\"live\":").append("LIVE".equals(freshness)).append(",\"state\":").append(Json.encode(freshness)).append("}}").toString();
    }
}
