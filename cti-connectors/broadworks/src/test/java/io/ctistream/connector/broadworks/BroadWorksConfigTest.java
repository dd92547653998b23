package io.ctistream.connector.broadworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.NetworkInterface;
import org.junit.jupiter.api.Test;

/** Verifies the SIP settings' rules that are not plain ranges. */
class BroadWorksConfigTest {

    /** Regression for issue #19 (10): the default bind 0.0.0.0 made the Contact sip:…@0.0.0.0, which no AS can route to. */
    @Test
    void aWildcardBindGivesAContactTheAsCanReach() throws Exception {
        BroadWorksConfig c = BroadWorksConfig.defaults("0.0.0.0", "as.example:5060");
        assertThat(c.contactHost()).isNotIn("0.0.0.0", "::");
        InetAddress contact = InetAddress.getByName(c.contactHost());
        assertThat(contact.isAnyLocalAddress()).isFalse();
        assertThat(contact.isLoopbackAddress() || NetworkInterface.getByInetAddress(contact) != null)
                .as("the contact %s is an address of this host", c.contactHost()).isTrue();
        // rebinding follows: a contact derived from a wildcard is not kept for another bind
        assertThat(c.toBuilder().bind("127.0.0.1", 5060).build().contactHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void theContactFollowsTheRouteToAnAsGivenByAddress() {
        // an AS on loopback is reached from loopback: the route says so
        assertThat(BroadWorksConfig.defaults("0.0.0.0", "127.0.0.1:5060").contactHost()).isEqualTo("127.0.0.1");
        assertThat(BroadWorksConfig.routeTo("as.example:5060")).as("a name is not looked up while reading settings").isNull();
    }

    @Test
    void aNamedBindOrContactIsKept() {
        assertThat(BroadWorksConfig.defaults("127.0.0.1", "as:5060").contactHost()).isEqualTo("127.0.0.1");
        assertThat(BroadWorksConfig.defaults("0.0.0.0", "as:5060").toBuilder().contactHost("connector.example").build().contactHost())
                .isEqualTo("connector.example");
    }

    @Test
    void aWildcardContactIsRefused() {
        assertThatThrownBy(() -> BroadWorksConfig.defaults("0.0.0.0", "as:5060").toBuilder().contactHost("0.0.0.0").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wildcard");
    }
}
