package io.ctistream.connector.finesse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verifies where the agents' notification sessions connect: on the node by default, else the configured URL of that side. */
class FinesseConfigTest {
    private static final URI A = URI.create("https://fin-a.example.com:8445");
    private static final URI B = URI.create("https://fin-b.example.com:8445");

    @Test
    void theEndpointIsOnTheNodeUnlessConfigured() {
        FinesseConfig onNodes = FinesseConfig.defaults(List.of(A, B));
        assertThat(onNodes.notificationEndpoint(B)).isEqualTo(URI.create("wss://fin-b.example.com:8445/ws/"));

        FinesseConfig elsewhere = onNodes.withNotificationUrls(List.of(URI.create("wss://xmpp-a:7443/ws"), URI.create("wss://xmpp-b:7443/ws")));
        assertThat(elsewhere.notificationEndpoint(A)).isEqualTo(URI.create("wss://xmpp-a:7443/ws"));
        assertThat(elsewhere.notificationEndpoint(B)).isEqualTo(URI.create("wss://xmpp-b:7443/ws"));
        assertThat(elsewhere.insecure()).isFalse();
        assertThat(onNodes.withNotificationUrls(List.of(URI.create("ws://127.0.0.1:5280/xmpp-websocket"), URI.create("ws://127.0.0.1:5281/x")))
                .insecure()).as("plain ws:// is warned about like http://").isTrue();
    }

    @Test
    void notificationUrlsMustMatchTheNodesAndBeWebSockets() {
        FinesseConfig two = FinesseConfig.defaults(List.of(A, B));
        assertThatThrownBy(() -> two.withNotificationUrls(List.of(URI.create("wss://xmpp-a/ws")))).hasMessageContaining("one notification URL per");
        assertThatThrownBy(() -> FinesseConfig.defaults(List.of(A)).withNotificationUrls(List.of(URI.create("https://xmpp-a/ws"))))
                .hasMessageContaining("wss://");
    }
}
