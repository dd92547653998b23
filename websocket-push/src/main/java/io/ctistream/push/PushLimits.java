package io.ctistream.push;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.function.UnaryOperator;

/**
 * What one request, principal or tenant may cause (issue #19; every limit with its default in
 * docs/security.md). Validated when built; read from {@code CTISTREAM_PUSH_*} by {@link #read}.
 *
 * @param maxArrayItems items one array of a request may hold ({@code topics}, a token's {@code teams}); beyond: the request is refused whole
 * @param maxResumeEntries entries of a subscribe's {@code resume} map (it may name every key a wildcard covers, so it is larger)
 * @param maxEventStreamsPerPrincipal {@code events/agent/{id}} streams one subject of one tenant may hold on this instance
 * @param maxEventStreamsPerTenant {@code events/agent/{id}} streams one tenant may hold on this instance
 * @param maxIdempotencyKeysPerPrincipal command idempotency keys remembered per principal at once (each until its command's deadline)
 * @param maxIdempotencyKeys command idempotency keys remembered on this instance at once
 * @param authDeadline how long a connection may stay without a valid token (close 4003)
 */
public record PushLimits(int maxArrayItems, int maxResumeEntries, int maxEventStreamsPerPrincipal, int maxEventStreamsPerTenant,
                         int maxIdempotencyKeysPerPrincipal, int maxIdempotencyKeys, Duration authDeadline) {
    public static final String MAX_ARRAY_ITEMS = "CTISTREAM_PUSH_MAX_ARRAY_ITEMS";
    public static final String MAX_RESUME_ENTRIES = "CTISTREAM_PUSH_MAX_RESUME_ENTRIES";
    public static final String MAX_EVENT_STREAMS_PER_PRINCIPAL = "CTISTREAM_PUSH_MAX_EVENT_STREAMS_PER_PRINCIPAL";
    public static final String MAX_EVENT_STREAMS_PER_TENANT = "CTISTREAM_PUSH_MAX_EVENT_STREAMS_PER_TENANT";
    public static final String MAX_IDEMPOTENCY_KEYS_PER_PRINCIPAL = "CTISTREAM_PUSH_MAX_IDEMPOTENCY_KEYS_PER_PRINCIPAL";
    public static final String MAX_IDEMPOTENCY_KEYS = "CTISTREAM_PUSH_MAX_IDEMPOTENCY_KEYS";
    public static final String AUTH_DEADLINE = "CTISTREAM_PUSH_AUTH_DEADLINE";

    public static final PushLimits DEFAULTS = new PushLimits(256, 4096, 10, 100, 512, 50_000, Duration.ofSeconds(10));

    public PushLimits {
        positive(MAX_ARRAY_ITEMS, maxArrayItems);
        positive(MAX_RESUME_ENTRIES, maxResumeEntries);
        positive(MAX_EVENT_STREAMS_PER_PRINCIPAL, maxEventStreamsPerPrincipal);
        positive(MAX_EVENT_STREAMS_PER_TENANT, maxEventStreamsPerTenant);
        positive(MAX_IDEMPOTENCY_KEYS_PER_PRINCIPAL, maxIdempotencyKeysPerPrincipal);
        positive(MAX_IDEMPOTENCY_KEYS, maxIdempotencyKeys);
        if (maxEventStreamsPerPrincipal > maxEventStreamsPerTenant) {
            throw new IllegalArgumentException(MAX_EVENT_STREAMS_PER_PRINCIPAL + " cannot exceed " + MAX_EVENT_STREAMS_PER_TENANT);
        }
        if (maxIdempotencyKeysPerPrincipal > maxIdempotencyKeys) {
            throw new IllegalArgumentException(MAX_IDEMPOTENCY_KEYS_PER_PRINCIPAL + " cannot exceed " + MAX_IDEMPOTENCY_KEYS);
        }
        if (authDeadline == null || authDeadline.toMillis() < 100) {
            throw new IllegalArgumentException(AUTH_DEADLINE + " must be at least 100ms");
        }
    }

    /**
     * The limits from settings named as in docs/config/push.md ({@code CTISTREAM_PUSH_MAX_ARRAY_ITEMS=256},
     * {@code CTISTREAM_PUSH_AUTH_DEADLINE=10s}); an absent one keeps its default, a bad one is an
     * {@link IllegalArgumentException} naming the setting.
     *
     * @param settings a setting's value by name, or null when it is not set
     */
    public static PushLimits read(UnaryOperator<String> settings) {
        PushLimits d = DEFAULTS;
        return new PushLimits(integer(settings, MAX_ARRAY_ITEMS, d.maxArrayItems), integer(settings, MAX_RESUME_ENTRIES, d.maxResumeEntries),
                integer(settings, MAX_EVENT_STREAMS_PER_PRINCIPAL, d.maxEventStreamsPerPrincipal),
                integer(settings, MAX_EVENT_STREAMS_PER_TENANT, d.maxEventStreamsPerTenant),
                integer(settings, MAX_IDEMPOTENCY_KEYS_PER_PRINCIPAL, d.maxIdempotencyKeysPerPrincipal),
                integer(settings, MAX_IDEMPOTENCY_KEYS, d.maxIdempotencyKeys), duration(settings, AUTH_DEADLINE, d.authDeadline));
    }

    public PushLimits withMaxArrayItems(int n) {
        return new PushLimits(n, maxResumeEntries, maxEventStreamsPerPrincipal, maxEventStreamsPerTenant, maxIdempotencyKeysPerPrincipal,
                maxIdempotencyKeys, authDeadline);
    }

    public PushLimits withEventStreams(int perPrincipal, int perTenant) {
        return new PushLimits(maxArrayItems, maxResumeEntries, perPrincipal, perTenant, maxIdempotencyKeysPerPrincipal, maxIdempotencyKeys,
                authDeadline);
    }

    public PushLimits withAuthDeadline(Duration d) {
        return new PushLimits(maxArrayItems, maxResumeEntries, maxEventStreamsPerPrincipal, maxEventStreamsPerTenant,
                maxIdempotencyKeysPerPrincipal, maxIdempotencyKeys, d);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, not " + value);
        }
    }

    private static int integer(UnaryOperator<String> settings, String name, int fallback) {
        String v = settings.apply(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not [" + v.trim() + "]");
        }
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m} or ISO-8601 ({@code PT10S}). */
    private static Duration duration(UnaryOperator<String> settings, String name, Duration fallback) {
        String v = settings.apply(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        String t = v.trim().toLowerCase();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m") && !t.startsWith("p")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.parse(v.trim());
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be a duration such as 10s or 500ms, not [" + v.trim() + "]");
        }
    }
}
