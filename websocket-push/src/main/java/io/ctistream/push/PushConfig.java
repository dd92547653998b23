package io.ctistream.push;

import java.time.Duration;
import java.util.List;

/**
 * How a pusher serves. One typed record, validated when built.
 *
 * @param jwtSecret the HS256 secret tokens are signed with (never logged); may be null when a JWKS URL is set
 * @param maxFrameBytes a client frame larger than this gets an error frame (the connection stays)
 * @param maxSubscriptions topics one connection may follow
 * @param commandsPerSecond commands one connection may send per second
 * @param writeQueueBytes how much a slow client may have queued before its updates are conflated
 * @param stuckLimit how long a client may stay behind before it is closed (code 4008)
 * @param maxConnectionsPerPrincipal connections one subject of one tenant may hold on this instance (code 4009 beyond)
 * @param maxEventStreams {@code events/agent/{id}} subscriptions this instance serves at once (each reads the log itself)
 * @param reasons the not-ready reasons the agent panel offers (codes stay opaque strings)
 * @param jwksUrl where RS256 keys are published (an identity provider's JWKS endpoint), or null
 * @param jwtAudience when set, a token's {@code aud} must name it (tokens of an identity provider shared with other services)
 * @param jwtLeeway clock skew tolerated on a token's expiry; the connection is closed (4001) at expiry plus this
 * @param limits what one request, principal or tenant may cause (issue #19)
 * @param eventLoops how many event loops serve the connections (one HTTP server each on the same port, ADR 028);
 *     at most Vert.x's event loop pool, 0 (or less) for one per available processor
 */
public record PushConfig(String host, int port, String jwtSecret, Duration heartbeat, int maxFrameBytes, int maxSubscriptions,
                         int commandsPerSecond, int writeQueueBytes, Duration stuckLimit, int maxConnectionsPerPrincipal,
                         int maxEventStreams, List<Reason> reasons, String jwksUrl, String jwtAudience, Duration jwtLeeway,
                         PushLimits limits, int eventLoops) {

    /** A not-ready reason: the platform's code and what a person reads. */
    public record Reason(String code, String label) {
    }

    public static final List<Reason> DEFAULT_REASONS = List.of(new Reason("0010", "Break"), new Reason("0011", "Training"),
            new Reason("0012", "Lunch"), new Reason("0013", "Meeting"), new Reason("0014", "Back office"));

    public PushConfig {
        if ((jwtSecret == null || jwtSecret.length() < 32) && (jwksUrl == null || jwksUrl.isBlank())) {
            throw new IllegalArgumentException("the JWT secret must be at least 32 characters (or a JWKS URL must be set)");
        }
        if (maxFrameBytes < 1024 || maxSubscriptions < 1 || commandsPerSecond < 1 || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("frame limit >= 1 KiB, at least one subscription and a positive heartbeat are required");
        }
        if (maxConnectionsPerPrincipal < 1 || maxEventStreams < 0) {
            throw new IllegalArgumentException("at least one connection per principal is required, and event streams cannot be negative");
        }
        reasons = List.copyOf(reasons);
        jwtLeeway = jwtLeeway == null ? Duration.ofSeconds(30) : jwtLeeway;
        if (jwtLeeway.isNegative()) {
            throw new IllegalArgumentException("the token leeway cannot be negative");
        }
        limits = limits == null ? PushLimits.DEFAULTS : limits;
        eventLoops = eventLoops < 1 ? Runtime.getRuntime().availableProcessors() : eventLoops;
    }

    /** Served on one event loop per available processor. */
    public PushConfig(String host, int port, String jwtSecret, Duration heartbeat, int maxFrameBytes, int maxSubscriptions,
                      int commandsPerSecond, int writeQueueBytes, Duration stuckLimit, int maxConnectionsPerPrincipal,
                      int maxEventStreams, List<Reason> reasons, String jwksUrl, String jwtAudience, Duration jwtLeeway,
                      PushLimits limits) {
        this(host, port, jwtSecret, heartbeat, maxFrameBytes, maxSubscriptions, commandsPerSecond, writeQueueBytes, stuckLimit,
                maxConnectionsPerPrincipal, maxEventStreams, reasons, jwksUrl, jwtAudience, jwtLeeway, limits, 0);
    }

    /** With the default {@link PushLimits} (the launcher's settings before issue #19). */
    public PushConfig(String host, int port, String jwtSecret, Duration heartbeat, int maxFrameBytes, int maxSubscriptions,
                      int commandsPerSecond, int writeQueueBytes, Duration stuckLimit, int maxConnectionsPerPrincipal,
                      int maxEventStreams, List<Reason> reasons, String jwksUrl, String jwtAudience, Duration jwtLeeway) {
        this(host, port, jwtSecret, heartbeat, maxFrameBytes, maxSubscriptions, commandsPerSecond, writeQueueBytes, stuckLimit,
                maxConnectionsPerPrincipal, maxEventStreams, reasons, jwksUrl, jwtAudience, jwtLeeway, PushLimits.DEFAULTS);
    }

    /** A message assembled from fragments beyond this closes the connection (1009); up to it, a frame too large gets an error frame. */
    public int maxMessageBytes() {
        return 4 * maxFrameBytes;
    }

    public PushConfig(String host, int port, String jwtSecret, Duration heartbeat, int maxFrameBytes, int maxSubscriptions,
                      int commandsPerSecond, int writeQueueBytes, Duration stuckLimit) {
        this(host, port, jwtSecret, heartbeat, maxFrameBytes, maxSubscriptions, commandsPerSecond, writeQueueBytes, stuckLimit, 20, 200,
                DEFAULT_REASONS, null, null, Duration.ofSeconds(30));
    }

    public static PushConfig defaults(String host, int port, String jwtSecret) {
        return new PushConfig(host, port, jwtSecret, Duration.ofSeconds(15), 64 * 1024, 500, 5, 64 * 1024, Duration.ofSeconds(60));
    }

    public PushConfig withConnectionsPerPrincipal(int n) {
        return new PushConfig(host, port, jwtSecret, heartbeat, maxFrameBytes, maxSubscriptions, commandsPerSecond, writeQueueBytes, stuckLimit, n,
                maxEventStreams, reasons, jwksUrl, jwtAudience, jwtLeeway, limits, eventLoops);
    }

    public PushConfig withJwks(String url) {
        return new PushConfig(host, port, jwtSecret, heartbeat, maxFrameBytes, maxSubscriptions, commandsPerSecond, writeQueueBytes, stuckLimit,
                maxConnectionsPerPrincipal, maxEventStreams, reasons, url, jwtAudience, jwtLeeway, limits, eventLoops);
    }

    public PushConfig withJwtLeeway(Duration leeway) {
        return new PushConfig(host, port, jwtSecret, heartbeat, maxFrameBytes, maxSubscriptions, commandsPerSecond, writeQueueBytes, stuckLimit,
                maxConnectionsPerPrincipal, maxEventStreams, reasons, jwksUrl, jwtAudience, leeway, limits, eventLoops);
    }

    public PushConfig withLimits(PushLimits l) {
        return new PushConfig(host, port, jwtSecret, heartbeat, maxFrameBytes, maxSubscriptions, commandsPerSecond, writeQueueBytes, stuckLimit,
                maxConnectionsPerPrincipal, maxEventStreams, reasons, jwksUrl, jwtAudience, jwtLeeway, l, eventLoops);
    }

    public PushConfig withEventLoops(int n) {
        return new PushConfig(host, port, jwtSecret, heartbeat, maxFrameBytes, maxSubscriptions, commandsPerSecond, writeQueueBytes, stuckLimit,
                maxConnectionsPerPrincipal, maxEventStreams, reasons, jwksUrl, jwtAudience, jwtLeeway, limits, n);
    }

    @Override
    public String toString() {
        return "PushConfig[host=" + host + ", port=" + port + ", jwtSecret=" + (jwtSecret == null ? "none" : "***") + ", jwksUrl=" + jwksUrl + ", jwtAudience=" + jwtAudience + ", jwtLeeway=" + jwtLeeway
                + ", heartbeat=" + heartbeat + ", maxFrameBytes=" + maxFrameBytes + ", maxSubscriptions=" + maxSubscriptions
                + ", commandsPerSecond=" + commandsPerSecond + ", writeQueueBytes=" + writeQueueBytes + ", stuckLimit=" + stuckLimit
                + ", maxConnectionsPerPrincipal=" + maxConnectionsPerPrincipal + ", maxEventStreams=" + maxEventStreams + ", reasons=" + reasons.size() + ", limits=" + limits + ", eventLoops=" + eventLoops + "]";
    }
}
