package io.ctistream.connector.core;

/**
 * A failure talking to a platform, classified. Retriable failures (network, 5xx, 503 during a
 * fail-over, timeouts) are retried with backoff; permanent ones (403, 404, bad credentials, a
 * feature not assigned, a rejected subscription) raise an alarm and are not retried.
 */
public final class Failure extends RuntimeException {
    public enum Kind { RETRIABLE, PERMANENT }

    private final Kind kind;
    private final String code;

    public Failure(Kind kind, String code, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
    }

    public static Failure retriable(String code, String message) {
        return new Failure(Kind.RETRIABLE, code, message);
    }

    public static Failure permanent(String code, String message) {
        return new Failure(Kind.PERMANENT, code, message);
    }

    public Kind kind() {
        return kind;
    }

    public boolean retriable() {
        return kind == Kind.RETRIABLE;
    }

    /** A stable machine code, e.g. {@code SIP_403}. */
    public String code() {
        return code;
    }
}
