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
 * @param notificationUrls the XMPP-over-WebSocket endpoints, side A first, where they are not on the nodes themselves (an
 *                        XMPP server reached directly, a proxy, the tests' Prosody); empty: {@code wss://<node>}{@code notificationPath}
 */
public record FinesseConfig(List<URI> nodes, String notificationPath, Tls tls, Duration commandTimeout, Duration pingInterval,
                            int signInRate, Duration retryMin, Duration retryMax, List<URI> notificationUrls) {
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
        notificationUrls = List.copyOf(notificationUrls);
        if (!notificationUrls.isEmpty() && notificationUrls.size() != nodes.size()) {
            throw new IllegalArgumentException("one notification URL per Finesse node (" + nodes.size() + "), not " + notificationUrls.size());
        }
        for (URI u : notificationUrls) {
            if (u.getScheme() == null || !(u.getScheme().equals("wss") || u.getScheme().equals("ws")) || u.getHost() == null) {
                throw new IllegalArgumentException("a notification URL is wss://host:port/path, not [" + u + "]");
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
                Duration.ofSeconds(1), Duration.ofSeconds(30), List.of());
    }

    public FinesseConfig withTimeouts(Duration command, Duration ping) {
        return new FinesseConfig(nodes, notificationPath, tls, command, ping, signInRate, retryMin, retryMax, notificationUrls);
    }

    public FinesseConfig withRetry(Duration min, Duration max) {
        return new FinesseConfig(nodes, notificationPath, tls, commandTimeout, pingInterval, signInRate, min, max, notificationUrls);
    }

    public FinesseConfig withTls(Tls t) {
        return new FinesseConfig(nodes, notificationPath, t, commandTimeout, pingInterval, signInRate, retryMin, retryMax, notificationUrls);
    }

    public FinesseConfig withSignInRate(int perSecond) {
        return new FinesseConfig(nodes, notificationPath, tls, commandTimeout, pingInterval, perSecond, retryMin, retryMax, notificationUrls);
    }

    /** The same with the notification endpoints given, side A first (not on the nodes). */
    public FinesseConfig withNotificationUrls(List<URI> urls) {
        return new FinesseConfig(nodes, notificationPath, tls, commandTimeout, pingInterval, signInRate, retryMin, retryMax, urls);
    }

    /**
     * Where the agents' notification sessions connect for {@code node}: its configured notification
     * URL when there are any (the node's position among {@link #nodes()}; a node learnt only from
     * SystemInfo gets side B's), else {@code ws(s)://<node's host:port>}{@code notificationPath}.
     */
    public URI notificationEndpoint(URI node) {
        if (!notificationUrls.isEmpty()) {
            int i = nodes.indexOf(node);
            return notificationUrls.get(i >= 0 ? i : notificationUrls.size() - 1);
        }
        return URI.create((node.getScheme().equals("https") ? "wss" : "ws") + "://" + node.getHost()
                + (node.getPort() > 0 ? ":" + node.getPort() : "") + notificationPath);
    }

    /** True when plain HTTP is configured: allowed for the simulator and tests, warned about at start. */
    public boolean insecure() {
        return nodes.stream().anyMatch(n -> n.getScheme().equals("http")) || notificationUrls.stream().anyMatch(u -> u.getScheme().equals("ws"))
                || !tls.verifyHostname();
    }
}
