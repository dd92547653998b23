package io.ctistream.connector.aes.dmcc;

import io.ctistream.connector.aes.codec.DmccFraming;
import io.ctistream.connector.aes.codec.DmccNamespaces;
import java.time.Duration;
import java.util.List;

/**
 * What a {@link DmccSession} needs: where AES is, how to trust it, who to be and how patient to be.
 * Validated at construction; the passwords never appear in {@link #toString()}.
 *
 * <table>
 *   <caption>settings and defaults ({@link #defaults})</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>addresses</td><td>(required)</td><td>AES DMCC endpoints, tried in turn on reconnect (two without a VIP); 4722 is TLS, 4721 plain</td></tr>
 *   <tr><td>tls</td><td>true</td><td>TLS to AES; plain TCP is for labs only (the CTI password travels in clear)</td></tr>
 *   <tr><td>trustStore, trustStorePassword</td><td>null: the JDK's trust</td><td>a .p12/.pfx or .jks holding AES's (often self-signed) certificate</td></tr>
 *   <tr><td>verifyHostname</td><td>true</td><td>HTTPS-style hostname verification; off only in a lab (warned)</td></tr>
 *   <tr><td>applicationId</td><td>ctistream</td><td>the applicationID AES shows for the session</td></tr>
 *   <tr><td>user, password</td><td>(required)</td><td>the AES CT user</td></tr>
 *   <tr><td>cleanupDelaySeconds</td><td>60</td><td>how long AES keeps a lost session for re-attach</td></tr>
 *   <tr><td>sessionDurationSeconds</td><td>180</td><td>requested session duration; keep-alive every third of the actual one</td></tr>
 *   <tr><td>protocolVersions</td><td>privC … priv6, newest first</td><td>requestedProtocolVersions; AES picks one</td></tr>
 *   <tr><td>requestTimeout</td><td>10 s</td><td>an unanswered request fails retriable {@code dmcc-timeout}</td></tr>
 *   <tr><td>connectTimeout</td><td>5 s</td><td>TCP connect and TLS handshake</td></tr>
 *   <tr><td>reconnectMin, reconnectMax</td><td>250 ms, 30 s</td><td>exponential backoff with jitter; refused credentials retry at reconnectMax</td></tr>
 *   <tr><td>maxFrame</td><td>65535</td><td>largest frame accepted</td></tr>
 * </table>
 */
public record DmccOptions(List<Address> addresses, boolean tls, String trustStore, String trustStorePassword, boolean verifyHostname,
                          String applicationId, String user, String password, int cleanupDelaySeconds, int sessionDurationSeconds,
                          List<String> protocolVersions, Duration requestTimeout, Duration connectTimeout, Duration reconnectMin,
                          Duration reconnectMax, int maxFrame) {

    /** One AES DMCC endpoint. */
    public record Address(String host, int port) {
        public Address {
            require(host != null && !host.isBlank(), "an address needs a host");
            require(port > 0 && port < 65536, "port must be 1-65535, got " + port);
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** privC (AES 8.0.1) down to priv6 (6.2), newest first: AES answers with the newest it speaks. */
    public static final List<String> DEFAULT_PROTOCOL_VERSIONS = List.of("privC", "privB", "privA", "priv9", "priv8", "priv7", "priv6").stream()
            .map(DmccNamespaces::protocolVersion).toList();

    public DmccOptions {
        require(addresses != null && !addresses.isEmpty(), "at least one AES address is required");
        addresses = List.copyOf(addresses);
        require(user != null && !user.isBlank(), "user is required");
        require(password != null && !password.isEmpty(), "password is required");
        require(applicationId != null && !applicationId.isBlank(), "applicationId is required");
        require(cleanupDelaySeconds >= 0, "cleanupDelaySeconds must not be negative, got " + cleanupDelaySeconds);
        require(sessionDurationSeconds >= 3, "sessionDurationSeconds must be at least 3, got " + sessionDurationSeconds);
        require(protocolVersions != null && !protocolVersions.isEmpty(), "at least one protocol version is required");
        protocolVersions = List.copyOf(protocolVersions);
        positive(requestTimeout, "requestTimeout");
        positive(connectTimeout, "connectTimeout");
        positive(reconnectMin, "reconnectMin");
        positive(reconnectMax, "reconnectMax");
        require(reconnectMax.compareTo(reconnectMin) >= 0, "reconnectMax must not be below reconnectMin");
        require(maxFrame > DmccFraming.HEADER && maxFrame <= DmccFraming.MAX_FRAME, "maxFrame must be 9-65535, got " + maxFrame);
    }

    /** TLS with the JDK's trust and hostname verification, and the defaults of the class table. */
    public static DmccOptions defaults(List<Address> addresses, String user, String password) {
        return new DmccOptions(addresses, true, null, null, true, "ctistream", user, password, 60, 180, DEFAULT_PROTOCOL_VERSIONS,
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(250), Duration.ofSeconds(30), DmccFraming.MAX_FRAME);
    }

    public DmccOptions withAddresses(List<Address> v) {
        return new DmccOptions(v, tls, trustStore, trustStorePassword, verifyHostname, applicationId, user, password, cleanupDelaySeconds,
                sessionDurationSeconds, protocolVersions, requestTimeout, connectTimeout, reconnectMin, reconnectMax, maxFrame);
    }

    public DmccOptions withTls(boolean v) {
        return new DmccOptions(addresses, v, trustStore, trustStorePassword, verifyHostname, applicationId, user, password, cleanupDelaySeconds,
                sessionDurationSeconds, protocolVersions, requestTimeout, connectTimeout, reconnectMin, reconnectMax, maxFrame);
    }

    /** A trust store ({@code .jks} by extension, else PKCS#12) and its password (may be null). */
    public DmccOptions withTrustStore(String path, String storePassword) {
        return new DmccOptions(addresses, tls, path, storePassword, verifyHostname, applicationId, user, password, cleanupDelaySeconds,
                sessionDurationSeconds, protocolVersions, requestTimeout, connectTimeout, reconnectMin, reconnectMax, maxFrame);
    }

    public DmccOptions withVerifyHostname(boolean v) {
        return new DmccOptions(addresses, tls, trustStore, trustStorePassword, v, applicationId, user, password, cleanupDelaySeconds,
                sessionDurationSeconds, protocolVersions, requestTimeout, connectTimeout, reconnectMin, reconnectMax, maxFrame);
    }

    public DmccOptions withApplicationId(String v) {
        return new DmccOptions(addresses, tls, trustStore, trustStorePassword, verifyHostname, v, user, password, cleanupDelaySeconds,
                sessionDurationSeconds, protocolVersions, requestTimeout, connectTimeout, reconnectMin, reconnectMax, maxFrame);
    }

    public DmccOptions withCleanupDelaySeconds(int v) {
        return new DmccOptions(addresses, tls, trustStore, trustStorePassword, verifyHostname, applicationId, user, password, v,
                sessionDurationSeconds, protocolVersions, requestTimeout, connectTimeout, reconnectMin, reconnectMax, maxFrame);
    }

    public DmccOptions withSessionDurationSeconds(int v) {
        return new DmccOptions(addresses, tls, trustStore, trustStorePassword, verifyHostname, applicationId, user, password, cleanupDelaySeconds,
                v, protocolVersions, requestTimeout, connectTimeout, reconnectMin, reconnectMax, maxFrame);
    }

    public DmccOptions withProtocolVersions(List<String> v) {
        return new DmccOptions(addresses, tls, trustStore, trustStorePassword, verifyHostname, applicationId, user, password, cleanupDelaySeconds,
                sessionDurationSeconds, v, requestTimeout, connectTimeout, reconnectMin, reconnectMax, maxFrame);
    }

    public DmccOptions withRequestTimeout(Duration v) {
        return new DmccOptions(addresses, tls, trustStore, trustStorePassword, verifyHostname, applicationId, user, password, cleanupDelaySeconds,
                sessionDurationSeconds, protocolVersions, v, connectTimeout, reconnectMin, reconnectMax, maxFrame);
    }

    public DmccOptions withConnectTimeout(Duration v) {
        return new DmccOptions(addresses, tls, trustStore, trustStorePassword, verifyHostname, applicationId, user, password, cleanupDelaySeconds,
                sessionDurationSeconds, protocolVersions, requestTimeout, v, reconnectMin, reconnectMax, maxFrame);
    }

    public DmccOptions withReconnect(Duration min, Duration max) {
        return new DmccOptions(addresses, tls, trustStore, trustStorePassword, verifyHostname, applicationId, user, password, cleanupDelaySeconds,
                sessionDurationSeconds, protocolVersions, requestTimeout, connectTimeout, min, max, maxFrame);
    }

    public DmccOptions withMaxFrame(int v) {
        return new DmccOptions(addresses, tls, trustStore, trustStorePassword, verifyHostname, applicationId, user, password, cleanupDelaySeconds,
                sessionDurationSeconds, protocolVersions, requestTimeout, connectTimeout, reconnectMin, reconnectMax, v);
    }

    @Override
    public String toString() {
        return "DmccOptions[addresses=" + addresses + ", tls=" + tls + ", trustStore=" + trustStore + ", trustStorePassword="
                + (trustStorePassword == null ? "null" : "***") + ", verifyHostname=" + verifyHostname + ", applicationId=" + applicationId
                + ", user=" + user + ", password=***, cleanupDelaySeconds=" + cleanupDelaySeconds + ", sessionDurationSeconds="
                + sessionDurationSeconds + ", protocolVersions=" + protocolVersions + ", requestTimeout=" + requestTimeout + ", connectTimeout="
                + connectTimeout + ", reconnectMin=" + reconnectMin + ", reconnectMax=" + reconnectMax + ", maxFrame=" + maxFrame + "]";
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
