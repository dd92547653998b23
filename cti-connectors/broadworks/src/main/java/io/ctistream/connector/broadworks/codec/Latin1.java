package io.ctistream.connector.broadworks.codec;

import java.nio.charset.StandardCharsets;

/** ISO-8859-1 bytes for request bodies, with characters beyond Latin-1 as XML character references. */
final class Latin1 {
    private Latin1() {
    }

    static byte[] encode(CharSequence s) {
        String str = s.toString();
        if (str.chars().allMatch(c -> c <= 0xFF)) {
            return str.getBytes(StandardCharsets.ISO_8859_1);
        }
        StringBuilder safe = new StringBuilder(str.length() + 16);
        str.codePoints().forEach(cp -> {
            if (cp > 0xFF) {
                safe.append("&#").append(cp).append(';');
            } else {
                safe.append((char) cp);
            }
        });
        return safe.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
