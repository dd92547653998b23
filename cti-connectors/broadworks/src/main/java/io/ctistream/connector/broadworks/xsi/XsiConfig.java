package io.ctistream.connector.broadworks.xsi;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The Xsi-Events queue source's settings (issue #17, ADR 019).
 *
 * @param server the Xsi server (or the FQDN in front of several), {@code http(s)://host:port}
 * @param credentialRef the credential reference whose user and password authenticate (HTTP Basic)
 * @param tenant the tenant the queues belong to
 * @param callCenters tenant-qualified queue id to the BroadWorks call center's user id (the subscription target)
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
 */
public record XsiConfig(URI server, String credentialRef, String tenant, Map<String, String> callCenters, Map<String, String> agentsByUserId,
                        String channelSetId, String applicationId, int channelExpires, int subscriptionExpires, Duration heartbeatInterval,
                        Duration retryBase, Duration retryMax, int maxEventBytes, Duration requestTimeout, boolean verifyHost) {
    public XsiConfig {
        if (server == null || server.getHost() == null || !(server.getScheme().equals("http") || server.getScheme().equals("https"))) {
            throw new IllegalArgumentException("the Xsi server must be http(s)://host[:port], got " + server);
        }
        if (channelExpires < 60 || subscriptionExpires < 60) {
            throw new IllegalArgumentException("Xsi channel and subscription expiry must be at least 60 s");
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("the Xsi heartbeat interval must be positive");
        }
        callCenters = Map.copyOf(callCenters);
        agentsByUserId = agentsByUserId == null ? Map.of() : Map.copyOf(agentsByUserId);
    }

    /** Defaults from section 5: expiry 3600 s, a heartbeat every 15 s, retries from 1 s to 30 s. */
    public static XsiConfig of(URI server, String credentialRef, String tenant, Map<String, String> callCenters) {
        return new XsiConfig(server, credentialRef, tenant, callCenters, Map.of(), "ctistream-" + tenant, "ctistream", 3600, 3600,
                Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofSeconds(30), 512 * 1024, Duration.ofSeconds(10), true);
    }

    public XsiConfig withTimers(int channelExpires, int subscriptionExpires, Duration heartbeatInterval, Duration retryBase, Duration retryMax) {
        return new XsiConfig(server, credentialRef, tenant, callCenters, agentsByUserId, channelSetId, applicationId, channelExpires,
                subscriptionExpires, heartbeatInterval, retryBase, retryMax, maxEventBytes, requestTimeout, verifyHost);
    }

    public XsiConfig withAgents(Map<String, String> agentsByUserId) {
        return new XsiConfig(server, credentialRef, tenant, callCenters, agentsByUserId, channelSetId, applicationId, channelExpires,
                subscriptionExpires, heartbeatInterval, retryBase, retryMax, maxEventBytes, requestTimeout, verifyHost);
    }

    XsiConfig withChannelSet(String channelSet) {
        return new XsiConfig(server, credentialRef, tenant, callCenters, agentsByUserId, channelSet, applicationId, channelExpires,
                subscriptionExpires, heartbeatInterval, retryBase, retryMax, maxEventBytes, requestTimeout, verifyHost);
    }

    public XsiConfig withVerifyHost(boolean verify) {
        return new XsiConfig(server, credentialRef, tenant, callCenters, agentsByUserId, channelSetId, applicationId, channelExpires,
                subscriptionExpires, heartbeatInterval, retryBase, retryMax, maxEventBytes, requestTimeout, verify);
    }

    boolean tls() {
        return server.getScheme().equals("https");
    }

    int port() {
        return server.getPort() > 0 ? server.getPort() : tls() ? 443 : 80;
    }
}
