package io.ctistream.connector.finesse;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the connector reaches a Finesse deployment (docs/config/connector-finesse.md).
 *
 * @param nodes           the Finesse nodes' base URLs, side A first ({@code https://fin-a.example.com:8445});
 *                        the secondary is also learnt from SystemInfo
 * @param notificationPath where the XMPP-over-WebSocket endpoint lives on a node ({@code /ws/})
 * @param tls             trust and hostname checks for HTTPS and WSS
 * @param commandTimeout  how long a 202 may wait for its notification before a GET reconciles
 * @param pingInterval    XMPP ping period on every agent session
 * @param signInRate      agent sessions opened per second at most (Finesse recovers 2,000 agents in 120–150 s)
 * @param retryMin        first retry delay after a 503 or a lost session
 * @param retryMax        largest retry delay
 */
public record FinesseConfig(List<URI> nodes, String notificationPath, Tls tls, Duration commandTimeout, Duration pingInterval,
                            int signInRate, Duration retryMin, Duration retryMax) {
    /** Trust for HTTPS and WSS: a PKCS#12 or JKS trust store (null: the JVM's), hostname verification on unless switched off. */
    public record Tls(String trustStore, String trustStorePassword, boolean verifyHostname) {
        @Override
        public String toString() {
            return "Tls[trustStore=" + trustStore + ", trustStorePassword=" + (trustStorePassword == null ? "none" : "***")
                    + ", verifyHostname=" + verifyHostname + "]";
        }
    }

    public FinesseConfig {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty() || nodes.size() > 2) {
            throw new IllegalArgumentException("one or two Finesse nodes (side A, side B), not " + nodes.size());
        }
        for (URI n : nodes) {
            if (n.getScheme() == null || !(n.getScheme().equals("https") || n.getScheme().equals("http")) || n.getHost() == null) {
                throw new IllegalArgumentException("a Finesse node is https://host:8445, not [" + n + "]");
            }
        }
        Objects.requireNonNull(tls, "tls");
        if (commandTimeout.isNegative() || commandTimeout.isZero() || pingInterval.isNegative() || pingInterval.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (signInRate <= 0) {
            throw new IllegalArgumentException("sign-in rate must be positive");
        }
    }

    public static FinesseConfig defaults(List<URI> nodes) {
        return new FinesseConfig(nodes, "/ws/", new Tls(null, null, true), Duration.ofSeconds(10), Duration.ofSeconds(10), 20,
                Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public FinesseConfig withTimeouts(Duration command, Duration ping) {
        return new FinesseConfig(nodes, notificationPath, tls, command, ping, signInRate, retryMin, retryMax);
    }

    public FinesseConfig withRetry(Duration min, Duration max) {
        return new FinesseConfig(nodes, notificationPath, tls, commandTimeout, pingInterval, signInRate, min, max);
    }

    public FinesseConfig withTls(Tls t) {
        return new FinesseConfig(nodes, notificationPath, t, commandTimeout, pingInterval, signInRate, retryMin, retryMax);
    }

    public FinesseConfig withSignInRate(int perSecond) {
        return new FinesseConfig(nodes, notificationPath, tls, commandTimeout, pingInterval, perSecond, retryMin, retryMax);
    }

    /** True when plain HTTP is configured: allowed for the simulator and tests, warned about at start. */
    public boolean insecure() {
        return nodes.stream().anyMatch(n -> n.getScheme().equals("http")) || !tls.verifyHostname();
    }
}
