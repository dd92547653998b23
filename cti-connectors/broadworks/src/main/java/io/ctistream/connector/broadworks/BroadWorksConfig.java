package io.ctistream.connector.broadworks;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How the BroadWorks connector talks SIP. One typed record, validated when built.
 *
 * @param transport udp, tcp or tls
 * @param bindHost the local address to listen on
 * @param bindPort the local SIP port; 0 picks a free one
 * @param contactHost the host put in Contact headers (where the AS sends NOTIFYs); defaults to bindHost
 * @param outboundProxy host:port every out-of-dialog SUBSCRIBE is routed through (loose routing), or null
 * @param requestedExpires the Expires asked for; the AS may grant less
 * @param refreshRatio refresh at this fraction of the granted expiry (0.8)
 * @param commandTimeout how long each command step waits for its confirming NOTIFY (5 s)
 * @param subscribeRate initial SUBSCRIBEs per second after a start or a takeover; 0 lifts the pacing
 * @param featurePackage the DFKS event package name; {@code ac-feature-event} is accepted as an alias
 * @param subscribeDialog whether to subscribe to the dialog package for call states
 * @param defaultNotReadyReason the reason sent with NOT_READY when a log-on names none
 * @param queueAddresses call-center addresses (the dialed identity of an ACD call) to queue ids
 * @param retryBase first retry delay after a retriable failure; doubles up to retryMax, with jitter
 * @param tlsTrustStore a trust store path for TLS, or null for the JVM default
 * @param tlsTrustStorePassword its password (never logged)
 * @param tlsHostnameVerification check the AS certificate names the host dialled (on by default)
 */
public record BroadWorksConfig(String transport, String bindHost, int bindPort, String contactHost, String outboundProxy,
                               int requestedExpires, double refreshRatio, Duration commandTimeout, int subscribeRate,
                               String featurePackage, boolean subscribeDialog, String defaultNotReadyReason,
                               Map<String, String> queueAddresses, Duration retryBase, Duration retryMax,
                               String tlsTrustStore, String tlsTrustStorePassword, boolean tlsHostnameVerification) {
    public static final String FEATURE_PACKAGE = "as-feature-event";
    public static final String FEATURE_PACKAGE_ALIAS = "ac-feature-event";

    public BroadWorksConfig {
        transport = transport == null ? "udp" : transport.toLowerCase(Locale.ROOT);
        if (!transport.equals("udp") && !transport.equals("tcp") && !transport.equals("tls")) {
            throw new IllegalArgumentException("sip transport must be udp, tcp or tls, was '" + transport + "'");
        }
        if (bindHost == null || bindHost.isBlank()) {
            throw new IllegalArgumentException("the sip bind host is required");
        }
        if (bindPort < 0 || bindPort > 65535) {
            throw new IllegalArgumentException("the sip bind port must be 0..65535, was " + bindPort);
        }
        contactHost = contactHost == null || contactHost.isBlank() ? bindHost : contactHost;
        if (requestedExpires < 10) {
            throw new IllegalArgumentException("requested expires must be at least 10 s, was " + requestedExpires);
        }
        if (refreshRatio <= 0.1 || refreshRatio >= 1.0) {
            throw new IllegalArgumentException("refresh ratio must be between 0.1 and 1, was " + refreshRatio);
        }
        if (commandTimeout == null || commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("command timeout must be positive");
        }
        if (subscribeRate < 0) {
            throw new IllegalArgumentException("subscribe rate must be 0 (unpaced) or positive");
        }
        featurePackage = featurePackage == null ? FEATURE_PACKAGE : featurePackage;
        if (!featurePackage.equals(FEATURE_PACKAGE) && !featurePackage.equals(FEATURE_PACKAGE_ALIAS)) {
            throw new IllegalArgumentException("feature package must be " + FEATURE_PACKAGE + " (or the alias "
                    + FEATURE_PACKAGE_ALIAS + "), was '" + featurePackage + "'");
        }
        queueAddresses = queueAddresses == null ? Map.of() : Map.copyOf(queueAddresses);
        retryBase = retryBase == null ? Duration.ofSeconds(1) : retryBase;
        retryMax = retryMax == null ? Duration.ofMinutes(2) : retryMax;
    }

    /** Defaults for a connector on {@code bindHost}, UDP, sending through {@code outboundProxy}. */
    public static BroadWorksConfig defaults(String bindHost, String outboundProxy) {
        return new BroadWorksConfig("udp", bindHost, 0, null, outboundProxy, 3600, 0.8, Duration.ofSeconds(5), 200,
                FEATURE_PACKAGE, true, null, Map.of(), Duration.ofSeconds(1), Duration.ofMinutes(2), null, null, true);
    }

    public BroadWorksConfig withTransport(String t) {
        return new BroadWorksConfig(t, bindHost, bindPort, contactHost, outboundProxy, requestedExpires, refreshRatio,
                commandTimeout, subscribeRate, featurePackage, subscribeDialog, defaultNotReadyReason, queueAddresses,
                retryBase, retryMax, tlsTrustStore, tlsTrustStorePassword, tlsHostnameVerification);
    }

    public BroadWorksConfig withTimings(int expires, Duration commandTimeout, Duration retryBase, Duration retryMax) {
        return new BroadWorksConfig(transport, bindHost, bindPort, contactHost, outboundProxy, expires, refreshRatio,
                commandTimeout, subscribeRate, featurePackage, subscribeDialog, defaultNotReadyReason, queueAddresses,
                retryBase, retryMax, tlsTrustStore, tlsTrustStorePassword, tlsHostnameVerification);
    }

    public BroadWorksConfig withQueues(Map<String, String> addresses, String defaultReason) {
        return new BroadWorksConfig(transport, bindHost, bindPort, contactHost, outboundProxy, requestedExpires, refreshRatio,
                commandTimeout, subscribeRate, featurePackage, subscribeDialog, defaultReason, addresses,
                retryBase, retryMax, tlsTrustStore, tlsTrustStorePassword, tlsHostnameVerification);
    }

    public BroadWorksConfig withSubscribeRate(int rate) {
        return new BroadWorksConfig(transport, bindHost, bindPort, contactHost, outboundProxy, requestedExpires, refreshRatio,
                commandTimeout, rate, featurePackage, subscribeDialog, defaultNotReadyReason, queueAddresses,
                retryBase, retryMax, tlsTrustStore, tlsTrustStorePassword, tlsHostnameVerification);
    }

    public BroadWorksConfig withDialog(boolean dialog) {
        return new BroadWorksConfig(transport, bindHost, bindPort, contactHost, outboundProxy, requestedExpires, refreshRatio,
                commandTimeout, subscribeRate, featurePackage, dialog, defaultNotReadyReason, queueAddresses,
                retryBase, retryMax, tlsTrustStore, tlsTrustStorePassword, tlsHostnameVerification);
    }

    public BroadWorksConfig withFeaturePackage(String pkg) {
        return new BroadWorksConfig(transport, bindHost, bindPort, contactHost, outboundProxy, requestedExpires, refreshRatio,
                commandTimeout, subscribeRate, pkg, subscribeDialog, defaultNotReadyReason, queueAddresses,
                retryBase, retryMax, tlsTrustStore, tlsTrustStorePassword, tlsHostnameVerification);
    }

    @Override
    public String toString() {
        return "BroadWorksConfig[transport=" + transport + ", bind=" + bindHost + ":" + bindPort + ", contactHost=" + contactHost
                + ", outboundProxy=" + outboundProxy + ", requestedExpires=" + requestedExpires + ", commandTimeout="
                + commandTimeout + ", subscribeRate=" + subscribeRate + ", featurePackage=" + featurePackage
                + ", tlsTrustStore=" + tlsTrustStore + ", tlsTrustStorePassword=" + (tlsTrustStorePassword == null ? "none" : "***")
                + ", tlsHostnameVerification=" + tlsHostnameVerification + "]";
    }
}
