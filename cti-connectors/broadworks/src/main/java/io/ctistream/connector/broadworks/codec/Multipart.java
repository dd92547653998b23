package io.ctistream.connector.broadworks.codec;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code multipart/mixed} bodies (RFC 2046) as BroadWorks sends them in a full-state NOTIFY. Accepts
 * CRLF and bare LF line ends; refuses a body without its closing delimiter (a truncated NOTIFY must
 * change nothing rather than half of the state).
 */
public final class Multipart {
    public static final int MAX_PARTS = 32;

    private Multipart() {
    }

    public record Part(String contentType, byte[] body) {
    }

    public static boolean isMultipart(String contentType) {
        return contentType != null && contentType.strip().toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    /** The boundary parameter, quoted or not. */
    static String boundary(String contentType) {
        for (String param : contentType.split(";")) {
            String p = param.strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("boundary")) {
                String v = p.substring(eq + 1).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                if (v.isEmpty() || v.length() > 70) {
                    throw new MalformedBodyException("multipart boundary is empty or longer than 70 characters");
                }
                return v;
            }
        }
        throw new MalformedBodyException("multipart content type without a boundary: " + contentType);
    }

    public static List<Part> parse(String contentType, byte[] body) {
        if (body == null || body.length == 0) {
            throw new MalformedBodyException("empty multipart body");
        }
        if (body.length > SafeXml.MAX_BODY_BYTES * 4) {
            throw new MalformedBodyException("multipart body of " + body.length + " bytes exceeds the limit");
        }
        String delimiter = "--" + boundary(contentType);
        // ISO-8859-1 maps bytes 1:1 to chars, so offsets are byte offsets.
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = firstDelimiter(text, delimiter);
        if (at < 0) {
            throw new MalformedBodyException("multipart body without its first boundary");
        }
        List<Part> parts = new ArrayList<>();
        int cursor = at + delimiter.length();
        while (true) {
            if (text.startsWith("--", cursor)) {
                return requireParts(parts);
            }
            int lineEnd = text.indexOf('\n', cursor);
            if (lineEnd < 0) {
                throw new MalformedBodyException("multipart body truncated after a boundary");
            }
            int partStart = lineEnd + 1;
            int next = nextDelimiter(text, delimiter, partStart);
            if (next < 0) {
                throw new MalformedBodyException("multipart body truncated: no closing boundary");
            }
            int partEnd = next;
            // the line break before the delimiter belongs to the delimiter
            if (partEnd > partStart && text.charAt(partEnd - 1) == '\n') {
                partEnd--;
                if (partEnd > partStart && text.charAt(partEnd - 1) == '\r') {
                    partEnd--;
                }
            }
            parts.add(part(text, partStart, partEnd));
            if (parts.size() > MAX_PARTS) {
                throw new MalformedBodyException("multipart body with more than " + MAX_PARTS + " parts");
            }
            cursor = next + delimiter.length();
        }
    }

    private static List<Part> requireParts(List<Part> parts) {
        if (parts.isEmpty()) {
            throw new MalformedBodyException("multipart body without parts");
        }
        return parts;
    }

    private static int firstDelimiter(String text, String delimiter) {
        if (text.startsWith(delimiter)) {
            return 0;
        }
        return nextDelimiter(text, delimiter, 0);
    }

    /** A delimiter counts only at the start of a line. */
    private static int nextDelimiter(String text, String delimiter, int from) {
        int i = from;
        while (true) {
            int hit = text.indexOf(delimiter, i);
            if (hit < 0) {
                return -1;
            }
            if (hit == 0 || text.charAt(hit - 1) == '\n') {
                return hit;
            }
            i = hit + 1;
        }
    }

    private static Part part(String text, int start, int end) {
        String contentType = "text/plain";
        int cursor = start;
        while (cursor < end) {
            int eol = text.indexOf('\n', cursor);
            if (eol < 0 || eol > end) {
                eol = end;
            }
            String line = text.substring(cursor, eol);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            cursor = Math.min(eol + 1, end);
            if (line.isEmpty()) {
                return new Part(contentType, text.substring(cursor, end).getBytes(StandardCharsets.ISO_8859_1));
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Content-Type")) {
                contentType = line.substring(colon + 1).strip();
            }
        }
        throw new MalformedBodyException("multipart part without a blank line after its headers");
    }
}
