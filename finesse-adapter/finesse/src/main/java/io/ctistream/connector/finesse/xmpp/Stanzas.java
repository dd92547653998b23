package io.ctistream.connector.finesse.xmpp;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Cheap looks at a stanza before (or instead of) parsing it. */
final class Stanzas {
    private static final int MAX_NAME = 64;

    private Stanzas() {
    }

    /**
     * The local name of the root element from the first start tag ({@code <message ...>} gives
     * {@code message}, {@code <stream:features>} gives {@code features}); the empty string for a
     * blank frame; null when the frame does not start with a tag. Not a parse: a stanza named
     * {@code message} here may still be malformed, which its parser will find.
     */
    static String rootName(Buffer b) {
        int n = b.length();
        int i = 0;
        while (i < n && blank(b.getByte(i))) {
            i++;
        }
        if (i == n) {
            return "";
        }
        if (b.getByte(i) != '<') {
            return null;
        }
        int start = ++i;
        int colon = -1;
        while (i < n && i - start <= MAX_NAME) {
            byte c = b.getByte(i);
            if (blank(c) || c == '/' || c == '>') {
                break;
            }
            if (c == ':') {
                colon = i;
            }
            i++;
        }
        if (i == start || i - start > MAX_NAME) {
            return null;
        }
        int from = colon >= 0 ? colon + 1 : start;
        return b.getString(from, i, StandardCharsets.US_ASCII.name());
    }

    private static boolean blank(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }
}
