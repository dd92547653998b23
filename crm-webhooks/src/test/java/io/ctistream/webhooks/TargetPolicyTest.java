package io.ctistream.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Verifies the SSRF guard: schemes, the internal ranges, the operator's allowances, and that the checked address is the one used. */
class TargetPolicyTest {
    private final TargetPolicy strict = TargetPolicy.refusePrivate();

    /** Verifies that every internal range is refused by default, each named as what it is. */
    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, LOOPBACK", "::1, LOOPBACK", "10.1.2.3, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE",
            "192.168.1.1, PRIVATE", "100.64.0.1, PRIVATE", "fd12:3456::1, PRIVATE", "fc00::1, PRIVATE", "169.254.169.254, LINK_LOCAL",
            "fe80::1, LINK_LOCAL", "0.0.0.0, UNSPECIFIED", "::, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "224.0.0.1, MULTICAST",
            "ff02::1, MULTICAST", "255.255.255.255, MULTICAST", "::ffff:127.0.0.1, LOOPBACK"})
    void refusesInternalRanges(String address, TargetPolicy.RefusalKind kind) throws Exception {
        assertThat(strict.refusal(InetAddress.getByName(address))).contains(kind);
    }

    /** Verifies that public addresses pass, including neighbours of the private ranges. */
    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "172.32.0.1", "172.15.255.255", "100.128.0.1", "11.0.0.1", "2001:db8::1", "2606:4700::1"})
    void allowsPublicAddresses(String address) throws Exception {
        assertThat(strict.refusal(InetAddress.getByName(address))).isEmpty();
    }

    /** Verifies the operator's setting: true allows all, a CIDR list allows those blocks only, garbage names the bad entry. */
    @Test
    void theOperatorMayAllowBlocks() throws Exception {
        assertThat(TargetPolicy.parse("true").refusal(InetAddress.getByName("10.0.0.1"))).isEmpty();
        assertThat(TargetPolicy.parse("false").refusal(InetAddress.getByName("10.0.0.1"))).isPresent();
        assertThat(TargetPolicy.parse("").allowsSomePrivate()).isFalse();
        TargetPolicy some = TargetPolicy.parse("127.0.0.0/8, 10.20.0.0/16,fd00::/8");
        assertThat(some.allowsSomePrivate()).isTrue();
        assertThat(some.refusal(InetAddress.getByName("127.0.0.1"))).isEmpty();
        assertThat(some.refusal(InetAddress.getByName("10.20.255.1"))).isEmpty();
        assertThat(some.refusal(InetAddress.getByName("10.21.0.1"))).isPresent();
        assertThat(some.refusal(InetAddress.getByName("fd00::5"))).isEmpty();
        assertThat(some.refusal(InetAddress.getByName("::1"))).isPresent();
        assertThat(TargetPolicy.parse("192.168.1.7").refusal(InetAddress.getByName("192.168.1.7"))).isEmpty();
        assertThat(TargetPolicy.parse("192.168.1.7").refusal(InetAddress.getByName("192.168.1.8"))).isPresent();
        assertThatThrownBy(() -> TargetPolicy.parse("10.0.0.0/8,intranet.local")).hasMessageContaining("[intranet.local]");
        assertThatThrownBy(() -> TargetPolicy.parse("10.0.0.0/33")).hasMessageContaining("[10.0.0.0/33]");
    }

    /** Verifies the URL rules: http and https only, a host needed; the refusal never echoes the URL (it may hold credentials). */
    @Test
    void onlyHttpAndHttpsUrlsWithAHost() throws Exception {
        TargetPolicy.Target t = strict.target("https://user:p%40ss@crm.example:8443/hooks/ctistream?token=abc");
        assertThat(t.ssl()).isTrue();
        assertThat(t.host()).isEqualTo("crm.example");
        assertThat(t.port()).isEqualTo(8443);
        assertThat(t.requestUri()).isEqualTo("/hooks/ctistream?token=abc");
        assertThat(t.authorization()).isEqualTo("Basic " + java.util.Base64.getEncoder().encodeToString("user:p@ss".getBytes()));
        assertThat(t.toString()).isEqualTo("https://crm.example:8443").doesNotContain("token", "p%40ss");
        assertThat(strict.target("http://[::1]/x").host()).isEqualTo("::1");
        assertThat(strict.target("http://crm.example").requestUri()).isEqualTo("/");
        assertThatThrownBy(() -> strict.target("file:///etc/passwd")).isInstanceOf(TargetPolicy.Refused.class).hasMessageContaining("[file]");
        assertThatThrownBy(() -> strict.target("gopher://crm.example/")).hasMessageContaining("[gopher]");
        assertThatThrownBy(() -> strict.target("https:///nohost?secret=1")).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> strict.target("not a url at all?secret=1")).hasMessageNotContaining("secret");
    }

    /**
     * Verifies the rebinding defence: the check is made on what the host resolves to at delivery time,
     * and the address returned is the one connected to; a later answer pointing inside is refused.
     */
    @Test
    void theResolvedAddressIsCheckedAndUsed() throws Exception {
        // GIVEN a host that first resolves to a public address, then (rebound) to loopback
        InetAddress[] first = {InetAddress.getByAddress("crm.example", new byte[] {93, (byte) 184, (byte) 216, 34})};
        InetAddress[] rebound = {InetAddress.getByAddress("crm.example", new byte[] {127, 0, 0, 1})};
        // THEN the first is used as is, the second refused with its kind and address
        assertThat(strict.choose("crm.example", first)).isSameAs(first[0]);
        assertThatThrownBy(() -> strict.choose("crm.example", rebound)).isInstanceOf(TargetPolicy.Refused.class)
                .hasMessageContaining("a loopback address [127.0.0.1]")
                .satisfies(e -> assertThat(((TargetPolicy.Refused) e).kind()).isEqualTo(TargetPolicy.RefusalKind.LOOPBACK));
        // AND of several answers, an allowed one is chosen; none at all is refused
        assertThat(strict.choose("crm.example", new InetAddress[] {rebound[0], first[0]})).isSameAs(first[0]);
        assertThatThrownBy(() -> strict.choose("crm.example", new InetAddress[0])).isInstanceOf(TargetPolicy.Refused.class);
    }
}
