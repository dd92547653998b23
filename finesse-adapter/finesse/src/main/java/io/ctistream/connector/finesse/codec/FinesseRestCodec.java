package io.ctistream.connector.finesse.codec;

import io.ctistream.codec.MalformedBodyException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Bodies of Finesse REST responses (protocols/finesse.md sections 2 and 4): the objects a GET
 * returns, and the synchronous {@code ApiErrors} of a refusal. The object readers refuse anything
 * but the expected root (any case) as malformed; {@link #error} never throws, since a refusal can
 * come as a Cisco HTML page or anything else a proxy puts there.
 */
public final class FinesseRestCodec {
    /** The largest response body read. */
    public static final int MAX_BODY_BYTES = FinesseXml.MAX_BYTES;
    /** What an HTML error page is reported as in {@link ApiError#message()}. */
    public static final String HTML_ERROR_PAGE = "HTML error page";
    /** How far into a body HTML markers and the title are looked for. */
    private static final int SNIFF_BYTES = 8 * 1024;

    private FinesseRestCodec() {
    }

    /** {@code GET /finesse/api/User/{id}}: a {@code <User>} document. */
    public static FinesseUser user(byte[] body) {
        return FinesseObjects.user(FinesseXml.root(body, "User"));
    }

    /** {@code GET /finesse/api/User/{id}/Dialogs}: {@code <Dialogs><Dialog>…}, possibly empty. */
    public static List<FinesseDialog> dialogs(byte[] body) {
        return FinesseObjects.dialogs(FinesseXml.root(body, "Dialogs"));
    }

    /** {@code GET /finesse/api/Dialog/{dialogId}}: a {@code <Dialog>} document. */
    public static FinesseDialog dialog(byte[] body) {
        return FinesseObjects.dialog(FinesseXml.root(body, "Dialog"));
    }

    /** {@code GET /finesse/api/Team/{id}}: a {@code <Team>} with the summaries of its {@code <users>}. */
    public static FinesseTeam team(byte[] body) {
        return FinesseObjects.team(FinesseXml.root(body, "Team"));
    }

    /** {@code GET /finesse/api/Queue/{id}} (UCCE): a {@code <Queue>} with its {@code <statistics>}. */
    public static FinesseQueue queue(byte[] body) {
        return FinesseObjects.queue(FinesseXml.root(body, "Queue"));
    }

    /** {@code GET /finesse/api/SystemInfo}. */
    public static SystemInfo systemInfo(byte[] body) {
        return FinesseObjects.systemInfo(FinesseXml.root(body, "SystemInfo"));
    }

    /** {@code GET /finesse/api/User/{id}/ReasonCodes?category=…}: {@code <ReasonCodes><ReasonCode>…}, the id taken from each uri. */
    public static List<ReasonCode> reasonCodes(byte[] body) {
        return FinesseObjects.reasonCodes(FinesseXml.root(body, "ReasonCodes"));
    }

    /** {@code GET /finesse/api/ReasonCode/{id}}: a {@code <ReasonCode>} document. */
    public static ReasonCode reasonCode(byte[] body) {
        return FinesseObjects.reasonCode(FinesseXml.root(body, "ReasonCode"));
    }

    /** A synchronous error body, {@code <ApiErrors><ApiError><ErrorType/>…} (either case of the field names). */
    public static List<ApiError> apiErrors(byte[] body) {
        return FinesseObjects.apiErrors(FinesseXml.root(body, "ApiErrors"));
    }

    /**
     * A best-effort error for a refused request; never throws. The first ApiError of an
     * {@code ApiErrors} body (its type filled from the status when missing); for an HTML page, type
     * from the status ("Unauthorized" for 401), message {@value #HTML_ERROR_PAGE}, data the page
     * title; for an empty or unreadable body, type from the status and a message that says so.
     * HTML is detected, never parsed: it is not well-formed XML.
     *
     * @param status the HTTP status
     * @param contentType the Content-Type header, may be null
     * @param body the body, may be null
     */
    public static ApiError error(int status, String contentType, byte[] body) {
        String type = reasonPhrase(status);
        if (body == null || body.length == 0 || FinesseXml.blank(body)) {
            return new ApiError(type, "empty body", null, null);
        }
        String head = new String(body, 0, Math.min(body.length, SNIFF_BYTES), StandardCharsets.ISO_8859_1);
        String lower = head.toLowerCase(Locale.ROOT);
        boolean html = contentType != null && contentType.toLowerCase(Locale.ROOT).contains("html")
                || lower.stripLeading().startsWith("<!doctype html") || lower.contains("<html");
        if (html) {
            return new ApiError(type, HTML_ERROR_PAGE, title(head, lower), null);
        }
        try {
            List<ApiError> errors = apiErrors(body);
            if (!errors.isEmpty()) {
                ApiError e = errors.get(0);
                return e.type() != null ? e : new ApiError(type, e.message(), e.data(), e.peripheralErrorCode());
            }
            return new ApiError(type, "no ApiError in the body", null, null);
        } catch (MalformedBodyException e) {
            return new ApiError(type, "unreadable error body", null, null);
        }
    }

    /** The reason phrase Finesse's error types use for a status ("Service Unavailable"), or "HTTP nnn". */
    public static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP " + status;
        };
    }

    /** The page's title text, whitespace collapsed, at most 200 characters; null when there is none. */
    private static String title(String head, String lower) {
        int open = lower.indexOf("<title");
        int start = open < 0 ? -1 : lower.indexOf('>', open);
        int end = start < 0 ? -1 : lower.indexOf("</title", start);
        if (end < 0) {
            return null;
        }
        String t = head.substring(start + 1, end).replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        if (t.isEmpty()) {
            return null;
        }
        return t.length() > 200 ? t.substring(0, 200) : t;
    }
}
