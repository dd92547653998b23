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
 * @param probeInterval how often an OPTIONS asks the outbound proxy whether the AS answers at all; zero turns it off
 * @param tls the TLS settings, used with transport tls
 */
public record BroadWorksConfig(String transport, String bindHost, int bindPort, String contactHost, String outboundProxy,
                               int requestedExpires, double refreshRatio, Duration commandTimeout, int subscribeRate,
                               String featurePackage, boolean subscribeDialog, String defaultNotReadyReason,
                               Map<String, String> queueAddresses, Duration retryBase, Duration retryMax,
                               Duration probeInterval, Tls tls) {
    /**
     * TLS for the SIP link. The trust store decides which AS certificates are accepted (null: the
     * JVM's); the key store holds this connector's own certificate, which it needs because the AS
     * opens TLS connections to the connector's Contact to deliver NOTIFYs. Passwords are never logged.
     *
     * @param hostnameVerification the AS certificate must name the host dialled (on by default)
     */
    public record Tls(String keyStore, String keyStorePassword, String trustStore, String trustStorePassword,
                      boolean hostnameVerification) {
        public static Tls defaults() {
            return new Tls(null, null, null, null, true);
        }

        @Override
        public String toString() {
            return "Tls[keyStore=" + keyStore + ", keyStorePassword=" + (keyStorePassword == null ? "none" : "***") + ", trustStore="
                    + trustStore + ", trustStorePassword=" + (trustStorePassword == null ? "none" : "***")
                    + ", hostnameVerification=" + hostnameVerification + "]";
        }
    }

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
        if (contactHost != null && !contactHost.isBlank() && wildcard(contactHost)) {
            throw new IllegalArgumentException("the contact host [" + contactHost + "] is a wildcard the AS cannot send NOTIFYs to: name this host's address");
        }
        // a wildcard bind is no address for the AS to reach: the Contact names one of this host's addresses (issue #19)
        contactHost = contactHost == null || contactHost.isBlank() ? (wildcard(bindHost) ? routableAddress(outboundProxy) : bindHost) : contactHost;
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
        probeInterval = probeInterval == null ? Duration.ofSeconds(5) : probeInterval;
        if (probeInterval.isNegative() || !probeInterval.isZero() && probeInterval.toMillis() < 200) {
            throw new IllegalArgumentException("the platform probe interval must be 0 (off) or at least 200 ms, was " + probeInterval);
        }
        tls = tls == null ? Tls.defaults() : tls;
    }

    /** True for an address that means "every interface" ({@code 0.0.0.0}, {@code ::}). */
    static boolean wildcard(String host) {
        String h = host.trim();
        return h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]") || h.equals("0:0:0:0:0:0:0:0");
    }

    /**
     * An address of this host the AS can send to: the local address of the route to the outbound proxy
     * when it is given as an IP address (no name lookup here), else the first IPv4 address of an
     * interface that is up and not loopback (a site address before others), else the loopback address.
     */
    static String routableAddress(String outboundProxy) {
        String viaRoute = routeTo(outboundProxy);
        return viaRoute != null ? viaRoute : routableAddress();
    }

    /** The local address the kernel would send from to {@code host:port}, when the host is an IP literal; else null. */
    static String routeTo(String proxy) {
        if (proxy == null) {
            return null;
        }
        String p = proxy.trim();
        String host;
        int port = 5060;
        if (p.startsWith("[")) {
            int end = p.indexOf(']');
            host = end > 0 ? p.substring(1, end) : p;
            if (end > 0 && p.length() > end + 2 && p.charAt(end + 1) == ':') {
                port = parsePort(p.substring(end + 2), port);
            }
        } else if (p.indexOf(':') == p.lastIndexOf(':') && p.contains(":")) {
            host = p.substring(0, p.indexOf(':'));
            port = parsePort(p.substring(p.indexOf(':') + 1), port);
        } else {
            host = p;
        }
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            return null; // a name: no lookup while reading settings
        }
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket()) {
            probe.connect(new java.net.InetSocketAddress(java.net.InetAddress.getByName(host), port)); // a route lookup, nothing sent
            java.net.InetAddress local = probe.getLocalAddress();
            return local == null || local.isAnyLocalAddress() ? null : local.getHostAddress();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static int parsePort(String s, int fallback) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * The first IPv4 address of an interface that is up and not loopback (a site address before
     * others), else the loopback address (an AS on this host).
     */
    static String routableAddress() {
        try {
            java.util.List<java.net.InetAddress> candidates = new java.util.ArrayList<>();
            for (java.net.NetworkInterface ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (ni.isUp() && !ni.isLoopback()) {
                    for (java.net.InetAddress a : java.util.Collections.list(ni.getInetAddresses())) {
                        if (a instanceof java.net.Inet4Address && !a.isLinkLocalAddress()) {
                            candidates.add(a);
                        }
                    }
                }
            }
            return candidates.stream().sorted(java.util.Comparator.comparing(a -> a.isSiteLocalAddress() ? 0 : 1)).findFirst()
                    .orElse(java.net.InetAddress.getLoopbackAddress()).getHostAddress();
        } catch (java.net.SocketException e) {
            return java.net.InetAddress.getLoopbackAddress().getHostAddress();
        }
    }

    /** Defaults for a connector on {@code bindHost}, UDP, sending through {@code outboundProxy}. */
    public static BroadWorksConfig defaults(String bindHost, String outboundProxy) {
        return new BroadWorksConfig("udp", bindHost, 0, null, outboundProxy, 3600, 0.8, Duration.ofSeconds(5), 200,
                FEATURE_PACKAGE, true, null, Map.of(), Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofSeconds(5), Tls.defaults());
    }

    public BroadWorksConfig withTransport(String t) {
        return toBuilder().transport(t).build();
    }

    public BroadWorksConfig withTimings(int expires, Duration commandTimeout, Duration retryBase, Duration retryMax) {
        return toBuilder().requestedExpires(expires).commandTimeout(commandTimeout).retryBase(retryBase).retryMax(retryMax).build();
    }

    public BroadWorksConfig withQueues(Map<String, String> addresses, String defaultReason) {
        return toBuilder().queueAddresses(addresses).defaultNotReadyReason(defaultReason).build();
    }

    public BroadWorksConfig withSubscribeRate(int rate) {
        return toBuilder().subscribeRate(rate).build();
    }

    public BroadWorksConfig withDialog(boolean dialog) {
        return toBuilder().subscribeDialog(dialog).build();
    }

    public BroadWorksConfig withFeaturePackage(String pkg) {
        return toBuilder().featurePackage(pkg).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy with some settings changed; validation runs again in {@link #build()}. */
    public static final class Builder {
        private String transport;
        private String bindHost;
        private int bindPort;
        private String contactHost;
        private String outboundProxy;
        private int requestedExpires;
        private double refreshRatio;
        private Duration commandTimeout;
        private int subscribeRate;
        private String featurePackage;
        private boolean subscribeDialog;
        private String defaultNotReadyReason;
        private Map<String, String> queueAddresses;
        private Duration retryBase;
        private Duration retryMax;
        private Duration probeInterval;
        private Tls tls;

        private Builder(BroadWorksConfig c) {
            transport = c.transport;
            bindHost = c.bindHost;
            bindPort = c.bindPort;
            contactHost = c.contactHost;
            outboundProxy = c.outboundProxy;
            requestedExpires = c.requestedExpires;
            refreshRatio = c.refreshRatio;
            commandTimeout = c.commandTimeout;
            subscribeRate = c.subscribeRate;
            featurePackage = c.featurePackage;
            subscribeDialog = c.subscribeDialog;
            defaultNotReadyReason = c.defaultNotReadyReason;
            queueAddresses = c.queueAddresses;
            retryBase = c.retryBase;
            retryMax = c.retryMax;
            probeInterval = c.probeInterval;
            tls = c.tls;
        }

        public Builder transport(String v) { transport = v; return this; }

        /** Binds elsewhere; a Contact host that only defaulted from the old bind host follows the new one. */
        public Builder bind(String host, int port) {
            if (java.util.Objects.equals(contactHost, bindHost) || wildcard(bindHost)) {
                contactHost = null;
            }
            bindHost = host;
            bindPort = port;
            return this;
        }

        public Builder contactHost(String v) { contactHost = v; return this; }

        public Builder outboundProxy(String v) { outboundProxy = v; return this; }

        public Builder requestedExpires(int v) { requestedExpires = v; return this; }

        public Builder refreshRatio(double v) { refreshRatio = v; return this; }

        public Builder commandTimeout(Duration v) { commandTimeout = v; return this; }

        public Builder subscribeRate(int v) { subscribeRate = v; return this; }

        public Builder featurePackage(String v) { featurePackage = v; return this; }

        public Builder subscribeDialog(boolean v) { subscribeDialog = v; return this; }

        public Builder defaultNotReadyReason(String v) { defaultNotReadyReason = v; return this; }

        public Builder queueAddresses(Map<String, String> v) { queueAddresses = v; return this; }

        public Builder retryBase(Duration v) { retryBase = v; return this; }

        public Builder retryMax(Duration v) { retryMax = v; return this; }

        public Builder probeInterval(Duration v) { probeInterval = v; return this; }

        public Builder tls(Tls v) { tls = v; return this; }

        public BroadWorksConfig build() {
            return new BroadWorksConfig(transport, bindHost, bindPort, contactHost, outboundProxy, requestedExpires, refreshRatio,
                    commandTimeout, subscribeRate, featurePackage, subscribeDialog, defaultNotReadyReason, queueAddresses,
                    retryBase, retryMax, probeInterval, tls);
        }
    }

    @Override
    public String toString() {
        return "BroadWorksConfig[transport=" + transport + ", bind=" + bindHost + ":" + bindPort + ", contactHost=" + contactHost
                + ", outboundProxy=" + outboundProxy + ", requestedExpires=" + requestedExpires + ", commandTimeout="
                + commandTimeout + ", subscribeRate=" + subscribeRate + ", featurePackage=" + featurePackage + ", probeInterval=" + probeInterval
                + (transport.equals("tls") ? ", " + tls : "") + "]";
    }
}
