package io.ctistream.push;

import java.time.Duration;

/**
 * How a pusher serves. One typed record, validated when built.
 *
 * @param jwtSecret the HS256 secret tokens are signed with (never logged)
 * @param maxFrameBytes a client frame larger than this gets an error frame (the connection stays)
 * @param maxSubscriptions topics one connection may follow
 * @param commandsPerSecond commands one connection may send per second
 * @param writeQueueBytes how much a slow client may have queued before its updates are conflated
 * @param stuckLimit how long a client may stay behind before it is closed (code 4008)
 */
public record PushConfig(String host, int port, String jwtSecret, Duration heartbeat, int maxFrameBytes, int maxSubscriptions,
                         int commandsPerSecond, int writeQueueBytes, Duration stuckLimit) {
    public PushConfig {
        if (jwtSecret == null || jwtSecret.length() < 32) {
            throw new IllegalArgumentException("the JWT secret must be at least 32 characters");
        }
        if (maxFrameBytes < 1024 || maxSubscriptions < 1 || commandsPerSecond < 1 || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("frame limit >= 1 KiB, at least one subscription and a positive heartbeat are required");
        }
    }

    public static PushConfig defaults(String host, int port, String jwtSecret) {
        return new PushConfig(host, port, jwtSecret, Duration.ofSeconds(15), 64 * 1024, 500, 5, 64 * 1024, Duration.ofSeconds(60));
    }

    @Override
    public String toString() {
        return "PushConfig[host=" + host + ", port=" + port + ", jwtSecret=***, heartbeat=" + heartbeat + ", maxFrameBytes="
                + maxFrameBytes + ", maxSubscriptions=" + maxSubscriptions + ", commandsPerSecond=" + commandsPerSecond + ", writeQueueBytes=" + writeQueueBytes + ", stuckLimit=" + stuckLimit + "]";
    }
}
