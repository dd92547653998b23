package io.ctistream.connector.core.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Seeded mutations of a message for a codec's fuzz test: flipped bits, cuts, repeated slices,
 * markup spliced in, random stretches, deeper nesting. Every platform's fuzz test mutates its
 * vector files with these, plus fragments of its own protocol.
 */
public final class Mutations {
    /** Markup that breaks XML in the ways that matter: entities, CDATA, a DOCTYPE, NUL, surrogates. */
    private static final String[] MARKUP = {"<", ">", "</", "&", "&#0;", "&#xD800;", "<![CDATA[", "]]>", "<!DOCTYPE a>", "\u0000", "--",
        "\r\n\r\n", ":", "xmlns:a=\"\""};

    private Mutations() {
    }

    /** One mutation of {@code in}, chosen by {@code r}; {@code fragments} are spliced in besides the common markup. */
    public static byte[] mutate(byte[] in, Random r, String... fragments) {
        byte[] b = in.clone();
        if (b.length == 0) {
            return b;
        }
        switch (r.nextInt(6)) {
            case 0 -> { // flip bits
                for (int n = 1 + r.nextInt(8); n > 0; n--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1)); // cut
            case 2 -> { // repeat a slice
                int from = r.nextInt(b.length);
                int to = from + r.nextInt(b.length - from);
                byte[] out = new byte[b.length + (to - from)];
                System.arraycopy(b, 0, out, 0, to);
                System.arraycopy(b, from, out, to, b.length - from);
                b = out;
            }
            case 3 -> { // splice a markup fragment somewhere
                String[] bits = Stream.concat(Arrays.stream(MARKUP), Arrays.stream(fragments)).toArray(String[]::new);
                byte[] f = bits[r.nextInt(bits.length)].getBytes(StandardCharsets.UTF_8);
                int at = r.nextInt(b.length + 1);
                byte[] out = new byte[b.length + f.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(f, 0, out, at, f.length);
                System.arraycopy(b, at, out, at + f.length, b.length - at);
                b = out;
            }
            case 4 -> { // random bytes in a stretch
                int at = r.nextInt(b.length);
                for (int n = r.nextInt(32); n > 0 && at < b.length; n--, at++) {
                    b[at] = (byte) r.nextInt(256);
                }
            }
            default -> { // nest deeper at the last closing tag
                String s = new String(b, StandardCharsets.ISO_8859_1);
                int close = Math.max(0, s.lastIndexOf("</"));
                int depth = 1 + r.nextInt(200);
                b = (s.substring(0, close) + "<n>".repeat(depth) + "</n>".repeat(depth) + s.substring(close)).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        return b;
    }
}
