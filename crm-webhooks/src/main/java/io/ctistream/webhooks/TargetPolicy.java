package io.ctistream.webhooks;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where webhooks may go (SSRF): http and https only, and never to an address on loopback,
 * link-local, private (RFC 1918, 100.64.0.0/10, fc00::/7, fec0::/10), unspecified or multicast
 * ranges unless the operator allows it ({@code CTISTREAM_WEBHOOKS_ALLOW_PRIVATE_TARGETS}: {@code true}
 * for all, or a list of CIDR blocks). Pure: the caller resolves the host, at every delivery, and
 * connects to the very address this policy accepted, so a DNS answer that changes after the check
 * (rebinding) cannot move the connection.
 */
public final class TargetPolicy {
    private final boolean allowAllPrivate;
    private final List<Cidr> allowed;

    private TargetPolicy(boolean allowAllPrivate, List<Cidr> allowed) {
        this.allowAllPrivate = allowAllPrivate;
        this.allowed = List.copyOf(allowed);
    }

    /** The default: private, loopback and other internal addresses are refused. */
    public static TargetPolicy refusePrivate() {
        return new TargetPolicy(false, List.of());
    }

    /** Any address (for a trusted network or a demo on one machine). */
    public static TargetPolicy allowPrivate() {
        return new TargetPolicy(true, List.of());
    }

    /**
     * The setting's value: empty or {@code false} refuses internal addresses, {@code true} allows
     * them all, otherwise a comma-separated list of CIDR blocks (or single addresses) that are allowed.
     *
     * @throws IllegalArgumentException naming the entry that is not a CIDR block
     */
    public static TargetPolicy parse(String setting) {
        if (setting == null || setting.isBlank() || setting.trim().equalsIgnoreCase("false")) {
            return refusePrivate();
        }
        if (setting.trim().equalsIgnoreCase("true")) {
            return allowPrivate();
        }
        List<Cidr> blocks = new ArrayList<>();
        for (String item : setting.split(",")) {
            if (!item.isBlank()) {
                blocks.add(Cidr.parse(item.trim()));
            }
        }
        return new TargetPolicy(false, blocks);
    }

    /** True when some internal addresses are allowed (the service logs a WARN for it). */
    public boolean allowsSomePrivate() {
        return allowAllPrivate || !allowed.isEmpty();
    }

    /** What this policy allows, for the start-up log. */
    public String describe() {
        if (allowAllPrivate) {
            return "any address";
        }
        return allowed.isEmpty() ? "public addresses only" : "public addresses and " + allowed;
    }

    /**
     * A URL parsed into what a delivery needs, or the reason it is refused (never echoing the URL,
     * which may carry credentials).
     */
    public Target target(String url) throws Refused {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new Refused(RefusalKind.INVALID_URL, "the target is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused(RefusalKind.INVALID_URL, "only http and https targets are allowed, not [" + scheme + "]");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new Refused(RefusalKind.INVALID_URL, "the target URL names no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean ssl = scheme.equals("https");
        int port = uri.getPort() == -1 ? (ssl ? 443 : 80) : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String requestUri = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        String authorization = uri.getRawUserInfo() == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(java.net.URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8)
                        .getBytes(StandardCharsets.UTF_8));
        return new Target(ssl, host, port, requestUri, authorization, scheme + "://" + host + ":" + port);
    }

    /**
     * The address to connect to among those the host resolved to: the first this policy accepts.
     *
     * @throws Refused naming the kind of address when none is accepted
     */
    public InetAddress choose(String host, InetAddress[] resolved) throws Refused {
        Refused first = null;
        for (InetAddress a : resolved) {
            Optional<RefusalKind> kind = refusal(a);
            if (kind.isEmpty()) {
                return a;
            }
            if (first == null) {
                first = new Refused(kind.get(), "the target host [" + host + "] resolves to " + kind.get().words + " address ["
                        + a.getHostAddress() + "], which CTISTREAM_WEBHOOKS_ALLOW_PRIVATE_TARGETS does not allow");
            }
        }
        if (first == null) {
            throw new Refused(RefusalKind.INVALID_URL, "the target host [" + host + "] resolves to no address");
        }
        throw first;
    }

    /** Why {@code address} is refused, or empty when it may be used. */
    public Optional<RefusalKind> refusal(InetAddress address) {
        Optional<RefusalKind> kind = classify(address);
        if (kind.isEmpty() || allowAllPrivate) {
            return Optional.empty();
        }
        for (Cidr c : allowed) {
            if (c.contains(address)) {
                return Optional.empty();
            }
        }
        return kind;
    }

    /** The internal range {@code a} is in, if any. */
    static Optional<RefusalKind> classify(InetAddress a) {
        byte[] b = a.getAddress();
        if (a.isAnyLocalAddress() || (b.length == 4 && b[0] == 0)) {
            return Optional.of(RefusalKind.UNSPECIFIED);
        }
        if (a.isLoopbackAddress()) {
            return Optional.of(RefusalKind.LOOPBACK);
        }
        if (a.isLinkLocalAddress()) {
            return Optional.of(RefusalKind.LINK_LOCAL);
        }
        if (a.isMulticastAddress() || (b.length == 4 && (b[0] & 0xff) == 255 && (b[1] & 0xff) == 255 && (b[2] & 0xff) == 255
                && (b[3] & 0xff) == 255)) {
            return Optional.of(RefusalKind.MULTICAST);
        }
        if (a.isSiteLocalAddress()
                || (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) // 100.64.0.0/10, shared address space
                || (a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc)) { // fc00::/7, unique local
            return Optional.of(RefusalKind.PRIVATE);
        }
        return Optional.empty();
    }

    /** Why a target was refused: metric label values and words for the dead letter. */
    public enum RefusalKind {
        LOOPBACK("a loopback"), LINK_LOCAL("a link-local"), PRIVATE("a private"), UNSPECIFIED("an unspecified"),
        MULTICAST("a multicast"), INVALID_URL("an invalid");

        final String words;

        RefusalKind(String words) {
            this.words = words;
        }
    }

    /** A target the policy refused. */
    public static final class Refused extends Exception {
        private final RefusalKind kind;

        public Refused(RefusalKind kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }

        public RefusalKind kind() {
            return kind;
        }
    }

    /**
     * A parsed target.
     *
     * @param requestUri    path and query, sent as is (never logged)
     * @param authorization a Basic authorization from the URL's user info, or null
     * @param safeName      scheme, host and port: what logs may show
     */
    public record Target(boolean ssl, String host, int port, String requestUri, String authorization, String safeName) {
        @Override
        public String toString() {
            return safeName;
        }
    }

    /** An address block. */
    record Cidr(byte[] network, int prefix, String text) {
        static Cidr parse(String text) {
            String[] parts = text.split("/", 2);
            try {
                if (!parts[0].matches("[0-9a-fA-F:.]+")) {
                    throw new IllegalArgumentException(text);
                }
                byte[] network = InetAddress.getByName(parts[0]).getAddress(); // a literal: no lookup
                int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException(text);
                }
                return new Cidr(network, prefix, text);
            } catch (UnknownHostException | RuntimeException e) {
                throw new IllegalArgumentException("[" + text + "] is not an address block such as 10.0.0.0/8 or fd00::/8");
            }
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (b[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
