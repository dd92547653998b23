package io.ctistream.connector.finesse.xmpp;

import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.TrustOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one {@link XmppSession} needs: where to connect, who to be and how patient to be. Built with
 * {@link #builder}, validated by {@link Builder#build()}; the password never leaves this object in
 * {@link #toString()}.
 *
 * <table>
 *   <caption>settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>endpoint</td><td>(required)</td><td>{@code ws://} or {@code wss://host:port/path}; Finesse: {@code wss://fqdn:8445/ws/}</td></tr>
 *   <tr><td>domain</td><td>(required)</td><td>the XMPP domain ({@code SystemInfo.xmppDomain})</td></tr>
 *   <tr><td>pubsubService</td><td>{@code pubsub.<domain>}</td><td>{@code SystemInfo.xmppPubSubDomain}</td></tr>
 *   <tr><td>loginId, password</td><td>(required)</td><td>SASL PLAIN authcid and password; authzid empty</td></tr>
 *   <tr><td>resource</td><td>(required)</td><td>unique per connection</td></tr>
 *   <tr><td>connectTimeout</td><td>15 s</td><td>from dialling to presence sent; longer is a retriable failure</td></tr>
 *   <tr><td>iqTimeout</td><td>10 s</td><td>answer time for bind, session, subscribe, unsubscribe</td></tr>
 *   <tr><td>pingInterval</td><td>10 s</td><td>an XEP-0199 ping this often (Finesse samples: 10 s)</td></tr>
 *   <tr><td>pingTimeout</td><td>5 s</td><td>a ping unanswered this long is missed</td></tr>
 *   <tr><td>maxMissedPings</td><td>2</td><td>this many missed in a row and the session is lost</td></tr>
 *   <tr><td>closeTimeout</td><td>3 s</td><td>wait for the server's {@code <close/>} before dropping the socket</td></tr>
 *   <tr><td>maxStanzaBytes</td><td>256 KiB</td><td>a larger stanza is dropped and counted malformed</td></tr>
 * </table>
 *
 * <p>TLS is not a session setting but the shared client's ({@link #clientOptions(int, int, TrustOptions, boolean)}):
 * Vert.x 5.1 caches TLS engines per client by key and trust options only, so sessions with different
 * hostname-verification settings on one client would silently share one (see ADR 011).
 */
public final class XmppSessionOptions {
    private static final Logger LOG = LoggerFactory.getLogger(XmppSession.class);
    public static final int DEFAULT_MAX_STANZA_BYTES = 256 * 1024;
    /** Frames up to this many stanza limits are read and dropped; beyond it Vert.x closes the connection (1009). */
    public static final int FRAME_LIMIT_FACTOR = 4;

    private final URI endpoint;
    private final String domain;
    private final String pubsubService;
    private final String loginId;
    private final String password;
    private final String resource;
    private final Duration connectTimeout;
    private final Duration iqTimeout;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final int maxMissedPings;
    private final Duration closeTimeout;
    private final int maxStanzaBytes;

    private XmppSessionOptions(Builder b) {
        this.endpoint = b.endpoint;
        this.domain = b.domain;
        this.pubsubService = b.pubsubService != null ? b.pubsubService : "pubsub." + b.domain;
        this.loginId = b.loginId;
        this.password = b.password;
        this.resource = b.resource;
        this.connectTimeout = b.connectTimeout;
        this.iqTimeout = b.iqTimeout;
        this.pingInterval = b.pingInterval;
        this.pingTimeout = b.pingTimeout;
        this.maxMissedPings = b.maxMissedPings;
        this.closeTimeout = b.closeTimeout;
        this.maxStanzaBytes = b.maxStanzaBytes;
    }

    /** A builder with the required settings; everything else has a default (see the class table). */
    public static Builder builder(URI endpoint, String domain, String loginId, String password, String resource) {
        return new Builder(endpoint, domain, loginId, password, resource);
    }

    /**
     * Options for the one {@code WebSocketClient} that all sessions of a connector share, for
     * {@code ws://} or {@code wss://} with the JVM trust store and hostname verification on.
     */
    public static WebSocketClientOptions clientOptions(int maxSessions, int maxStanzaBytes) {
        return clientOptions(maxSessions, maxStanzaBytes, null, true);
    }

    /**
     * Options for the one {@code WebSocketClient} that all sessions of a connector share: no cap of
     * 50 connections per server (the Vert.x default, which would queue agent 51 onwards forever);
     * frames up to {@value #FRAME_LIMIT_FACTOR} times the stanza limit, so that an oversized stanza
     * is dropped by the session instead of closing the connection; and the TLS policy for
     * {@code wss://}: {@code trust} (null: the JVM's trust store) and hostname verification, which
     * only an explicit {@code false} turns off (logged as insecure).
     */
    public static WebSocketClientOptions clientOptions(int maxSessions, int maxStanzaBytes, TrustOptions trust, boolean verifyHost) {
        int frame = Math.multiplyExact(maxStanzaBytes, FRAME_LIMIT_FACTOR);
        if (!verifyHost) {
            LOG.warn("xmpp tls hostname verification is off, insecure: any certificate the trust store accepts is taken for the server");
        }
        WebSocketClientOptions o = new WebSocketClientOptions()
                .setMaxConnections(maxSessions)
                .setMaxFrameSize(frame)
                .setMaxMessageSize(frame)
                .setVerifyHost(verifyHost)
                .setTrustAll(false);
        return trust == null ? o : o.setTrustOptions(trust);
    }

    public URI endpoint() {
        return endpoint;
    }

    public boolean secure() {
        return "wss".equals(endpoint.getScheme());
    }

    public String host() {
        return endpoint.getHost();
    }

    public int port() {
        return endpoint.getPort() > 0 ? endpoint.getPort() : secure() ? 443 : 80;
    }

    /** The request path with its query, {@code /} when empty. */
    public String path() {
        String p = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
        return endpoint.getRawQuery() == null ? p : p + "?" + endpoint.getRawQuery();
    }

    public String domain() {
        return domain;
    }

    public String pubsubService() {
        return pubsubService;
    }

    public String loginId() {
        return loginId;
    }

    /** Package-private on purpose: only the SASL step reads it. */
    String password() {
        return password;
    }

    public String resource() {
        return resource;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration iqTimeout() {
        return iqTimeout;
    }

    public Duration pingInterval() {
        return pingInterval;
    }

    public Duration pingTimeout() {
        return pingTimeout;
    }

    public int maxMissedPings() {
        return maxMissedPings;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    public int maxStanzaBytes() {
        return maxStanzaBytes;
    }

    @Override
    public String toString() {
        return "XmppSessionOptions[endpoint=" + endpoint + ", domain=" + domain + ", pubsubService=" + pubsubService
                + ", loginId=" + loginId + ", password=***, resource=" + resource + ", pingInterval=" + pingInterval
                + ", pingTimeout=" + pingTimeout + ", maxMissedPings=" + maxMissedPings + ", maxStanzaBytes=" + maxStanzaBytes + "]";
    }

    /** Collects settings; {@link #build()} validates them. */
    public static final class Builder {
        private final URI endpoint;
        private final String domain;
        private final String loginId;
        private final String password;
        private final String resource;
        private String pubsubService;
        private Duration connectTimeout = Duration.ofSeconds(15);
        private Duration iqTimeout = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ofSeconds(10);
        private Duration pingTimeout = Duration.ofSeconds(5);
        private int maxMissedPings = 2;
        private Duration closeTimeout = Duration.ofSeconds(3);
        private int maxStanzaBytes = DEFAULT_MAX_STANZA_BYTES;

        private Builder(URI endpoint, String domain, String loginId, String password, String resource) {
            this.endpoint = endpoint;
            this.domain = domain;
            this.loginId = loginId;
            this.password = password;
            this.resource = resource;
        }

        public Builder pubsubService(String v) {
            this.pubsubService = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            this.connectTimeout = v;
            return this;
        }

        public Builder iqTimeout(Duration v) {
            this.iqTimeout = v;
            return this;
        }

        public Builder pingInterval(Duration v) {
            this.pingInterval = v;
            return this;
        }

        public Builder pingTimeout(Duration v) {
            this.pingTimeout = v;
            return this;
        }

        public Builder maxMissedPings(int v) {
            this.maxMissedPings = v;
            return this;
        }

        public Builder closeTimeout(Duration v) {
            this.closeTimeout = v;
            return this;
        }

        public Builder maxStanzaBytes(int v) {
            this.maxStanzaBytes = v;
            return this;
        }

        /** @throws IllegalArgumentException naming the first bad setting (never showing the password) */
        public XmppSessionOptions build() {
            Objects.requireNonNull(endpoint, "endpoint");
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            require(scheme.equals("ws") || scheme.equals("wss"), "endpoint must be ws:// or wss://, got " + endpoint);
            require(endpoint.getHost() != null, "endpoint has no host: " + endpoint);
            require(notBlank(domain), "domain is required");
            require(notBlank(loginId), "loginId is required");
            require(password != null && !password.isEmpty(), "password is required");
            require(notBlank(resource), "resource is required");
            require(pubsubService == null || notBlank(pubsubService), "pubsubService must not be blank");
            positive(connectTimeout, "connectTimeout");
            positive(iqTimeout, "iqTimeout");
            positive(pingInterval, "pingInterval");
            positive(pingTimeout, "pingTimeout");
            positive(closeTimeout, "closeTimeout");
            require(maxMissedPings >= 1, "maxMissedPings must be at least 1, got " + maxMissedPings);
            require(maxStanzaBytes >= 1024, "maxStanzaBytes must be at least 1024, got " + maxStanzaBytes);
            return new XmppSessionOptions(this);
        }

        private static boolean notBlank(String s) {
            return s != null && !s.isBlank();
        }

        private static void positive(Duration d, String name) {
            require(d != null && !d.isNegative() && !d.isZero(), name + " must be positive, got " + d);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
