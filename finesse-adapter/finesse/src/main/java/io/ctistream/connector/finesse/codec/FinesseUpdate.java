package io.ctistream.connector.finesse.codec;

import java.util.Locale;

/**
 * One Finesse notification, the {@code <Update>} carried by a pubsub item. {@code requestId} is null
 * when empty (unsolicited, or Finesse's "best effort" failed); {@code source} is the resource URI
 * ({@code /finesse/api/User/1234}, {@code /finesse/api/Dialog/16804377}), null when absent.
 */
public record FinesseUpdate(Event event, String requestId, String source, UpdateData data) {

    /** What happened to the source: PUT modified, POST added, DELETE removed. */
    public enum Event {
        PUT, POST, DELETE;

        /** The event for this text, any case; null when it is none of the three. */
        public static Event of(String text) {
            if (text != null) {
                String t = text.strip().toUpperCase(Locale.ROOT);
                for (Event e : values()) {
                    if (e.name().equals(t)) {
                        return e;
                    }
                }
            }
            return null;
        }
    }
}
