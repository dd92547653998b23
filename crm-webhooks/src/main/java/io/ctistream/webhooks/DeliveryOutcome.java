package io.ctistream.webhooks;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * What one delivery attempt's result means (pure): a 2xx is delivered; 410 Gone means the receiver
 * wants no more (the subscription is disabled, where the operator lets it be); a target the SSRF
 * guard refuses, or no usable secret, is refused before anything is sent; everything else
 * (other 4xx, 5xx, 3xx — redirects are not followed —, timeouts, refused connections, unknown
 * hosts) is retried, and dead-lettered with this reason when the retry period is over.
 *
 * @param kind   what to do
 * @param reason for the dead letter and the log: the status or the error, never the URL
 * @param label  a fixed metric label value
 */
public record DeliveryOutcome(Kind kind, String reason, String label) {
    /** What to do: done; try again later; the receiver wants no more; nothing was sent and retrying cannot help (dead-letter now). */
    public enum Kind { DELIVERED, RETRY, GONE, REFUSED }

    /** A permanent refusal before sending: the target (SSRF) or the secrets. */
    public static DeliveryOutcome refused(String label, String reason) {
        return new DeliveryOutcome(Kind.REFUSED, reason, label);
    }

    public static DeliveryOutcome ofStatus(int status) {
        if (status >= 200 && status < 300) {
            return new DeliveryOutcome(Kind.DELIVERED, "HTTP " + status, "delivered");
        }
        if (status == 410) {
            return new DeliveryOutcome(Kind.GONE, "HTTP 410 Gone", "gone");
        }
        return new DeliveryOutcome(Kind.RETRY, "HTTP " + status, "http_" + (status / 100) + "xx");
    }

    public static DeliveryOutcome ofFailure(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            if (cause instanceof TimeoutException || cause instanceof ConnectException || cause instanceof UnknownHostException) {
                break;
            }
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")
                || String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("timeout")) {
            return new DeliveryOutcome(Kind.RETRY, "timeout: " + safe(t.getMessage()), "timeout");
        }
        if (cause instanceof UnknownHostException) {
            return new DeliveryOutcome(Kind.RETRY, "unknown host: " + safe(cause.getMessage()), "connection");
        }
        if (cause instanceof ConnectException || cause instanceof ClosedChannelException || cause instanceof java.io.IOException) {
            return new DeliveryOutcome(Kind.RETRY, "connection failed: " + cause.getClass().getSimpleName() + ": " + safe(cause.getMessage()),
                    "connection");
        }
        return new DeliveryOutcome(Kind.RETRY, "error: " + t.getClass().getSimpleName() + ": " + safe(t.getMessage()), "connection");
    }

    /**
     * An error message without what a URL may hide: the client's timeout names the request URI (with
     * its query) — cut there; any remaining URL or query-carrying token is replaced.
     */
    static String safe(String message) {
        if (message == null) {
            return "";
        }
        String m = message;
        int executing = m.indexOf(" while executing ");
        if (executing >= 0) {
            m = m.substring(0, executing);
        }
        return m.replaceAll("\\S*://\\S*", "[url]").replaceAll("\\S*\\?\\S*", "[…]");
    }
}
