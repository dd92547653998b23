package io.ctistream.connector.broadworks.xsi;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Xsi-Events queue source's settings (issue #17, ADR 019, ADR 022).
 *
 * @param servers the Xsi servers of the channel set, with priority and weight (one channel at a time, ADR 022)
 * @param credentialRef the credential reference whose user and password authenticate (HTTP Basic)
 * @param tenant the tenant of the queues named in {@code callCenters}; null when the roster alone names them
 * @param callCenters tenant-qualified queue id to the BroadWorks call center's user id (the subscription target):
 *        overrides and adds to the queue roster's {@code platformQueueId} (ADR 022)
 * @param agentsByUserId BroadWorks user id of an agent to the tenant-qualified agent id, for "answered by"; may be empty
 * @param channelSetId the channel set's name; each connector instance appends its id, so that the
 *        server never delivers one instance's subscriptions to another's channel (a channel set is
 *        one consumer, ADR 019)
 * @param applicationId the external application id the subscriptions name
 * @param channelExpires channel expiry asked for, seconds; refreshed at 80 % of the grant
 * @param subscriptionExpires subscription expiry asked for, seconds; refreshed at 80 % of the grant
 * @param heartbeatInterval a heartbeat every eventTimeout / 2 (section 5: 15 s for the default 30 s)
 * @param maxEventBytes the largest event read from the channel; a longer one is refused and skipped
 * @param verifyHost verify the server's host name against its certificate (https)
 * @param failback how often, while the channel is on a less preferred server, the preferred one is
 *        tried again (zero: never; the channel stays where it is until it is lost)
 * @param trustStore a trust store (.jks, else PKCS#12) for the servers' certificates; null: the JVM's
 * @param trustStoreCredentialRef the credential reference whose password opens the trust store; null: none
 * @param monitoring also subscribe each call center to the Call Center Monitoring package (QueueStatistics)
 */
public record XsiConfig(List<XsiServer> servers, String credentialRef, String tenant, Map<String, String> callCenters,
                        Map<String, String> agentsByUserId, String channelSetId, String applicationId, int channelExpires,
                        int subscriptionExpires, Duration heartbeatInterval, Duration retryBase, Duration retryMax, int maxEventBytes,
                        Duration requestTimeout, boolean verifyHost, Duration failback, String trustStore, String trustStoreCredentialRef,
                        boolean monitoring) {
    public XsiConfig {
        if (servers == null || servers.isEmpty()) {
            throw new IllegalArgumentException("at least one Xsi server is needed");
        }
        servers = List.copyOf(servers);
        if (channelExpires < 60 || subscriptionExpires < 60) {
            throw new IllegalArgumentException("Xsi channel and subscription expiry must be at least 60 s");
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("the Xsi heartbeat interval must be positive");
        }
        if (failback.isNegative()) {
            throw new IllegalArgumentException("the Xsi failback interval must not be negative");
        }
        callCenters = callCenters == null ? Map.of() : Map.copyOf(callCenters);
        if (!callCenters.isEmpty() && tenant == null) {
            throw new IllegalArgumentException("call centers named in the settings need their tenant");
        }
        agentsByUserId = agentsByUserId == null ? Map.of() : Map.copyOf(agentsByUserId);
    }

    /** Defaults from section 5: expiry 3600 s, a heartbeat every 15 s, retries from 1 s to 30 s; back to the preferred server after 5 min. */
    public static XsiConfig of(URI server, String credentialRef, String tenant, Map<String, String> callCenters) {
        return of(List.of(XsiServer.of(server)), credentialRef, tenant, callCenters);
    }

    public static XsiConfig of(List<XsiServer> servers, String credentialRef, String tenant, Map<String, String> callCenters) {
        return new XsiConfig(servers, credentialRef, tenant, callCenters, Map.of(), tenant == null ? "ctistream" : "ctistream-" + tenant,
                "ctistream", 3600, 3600, Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofSeconds(30), 512 * 1024,
                Duration.ofSeconds(10), true, Duration.ofMinutes(5), null, null, true);
    }

    public XsiConfig withTimers(int channelExpires, int subscriptionExpires, Duration heartbeatInterval, Duration retryBase, Duration retryMax) {
        return new XsiConfig(servers, credentialRef, tenant, callCenters, agentsByUserId, channelSetId, applicationId, channelExpires,
                subscriptionExpires, heartbeatInterval, retryBase, retryMax, maxEventBytes, requestTimeout, verifyHost, failback, trustStore,
                trustStoreCredentialRef, monitoring);
    }

    public XsiConfig withAgents(Map<String, String> agentsByUserId) {
        return new XsiConfig(servers, credentialRef, tenant, callCenters, agentsByUserId, channelSetId, applicationId, channelExpires,
                subscriptionExpires, heartbeatInterval, retryBase, retryMax, maxEventBytes, requestTimeout, verifyHost, failback, trustStore,
                trustStoreCredentialRef, monitoring);
    }

    XsiConfig withChannelSet(String channelSet) {
        return new XsiConfig(servers, credentialRef, tenant, callCenters, agentsByUserId, channelSet, applicationId, channelExpires,
                subscriptionExpires, heartbeatInterval, retryBase, retryMax, maxEventBytes, requestTimeout, verifyHost, failback, trustStore,
                trustStoreCredentialRef, monitoring);
    }

    public XsiConfig withVerifyHost(boolean verify) {
        return new XsiConfig(servers, credentialRef, tenant, callCenters, agentsByUserId, channelSetId, applicationId, channelExpires,
                subscriptionExpires, heartbeatInterval, retryBase, retryMax, maxEventBytes, requestTimeout, verify, failback, trustStore,
                trustStoreCredentialRef, monitoring);
    }

    /** How often the preferred server is tried again while the channel is elsewhere (zero: never). */
    public XsiConfig withFailback(Duration every) {
        return new XsiConfig(servers, credentialRef, tenant, callCenters, agentsByUserId, channelSetId, applicationId, channelExpires,
                subscriptionExpires, heartbeatInterval, retryBase, retryMax, maxEventBytes, requestTimeout, verifyHost, every, trustStore,
                trustStoreCredentialRef, monitoring);
    }

    /** The trust store for the servers' certificates and the credential reference whose password opens it (null: none). */
    public XsiConfig withTrustStore(String path, String passwordCredentialRef) {
        return new XsiConfig(servers, credentialRef, tenant, callCenters, agentsByUserId, channelSetId, applicationId, channelExpires,
                subscriptionExpires, heartbeatInterval, retryBase, retryMax, maxEventBytes, requestTimeout, verifyHost, failback, path,
                passwordCredentialRef, monitoring);
    }

    public XsiConfig withMonitoring(boolean subscribe) {
        return new XsiConfig(servers, credentialRef, tenant, callCenters, agentsByUserId, channelSetId, applicationId, channelExpires,
                subscriptionExpires, heartbeatInterval, retryBase, retryMax, maxEventBytes, requestTimeout, verifyHost, failback, trustStore,
                trustStoreCredentialRef, subscribe);
    }

    boolean anyTls() {
        return servers.stream().anyMatch(XsiServer::tls);
    }
}
