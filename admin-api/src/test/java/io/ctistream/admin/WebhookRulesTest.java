package io.ctistream.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.events.WebhookSecret;
import io.ctistream.events.WebhookSubscription;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verifies the webhook rules that need no broker: which hosts are private, and how a rotation treats the secrets it finds. */
class WebhookRulesTest {

    /** Verifies that loopback, private, link-local, shared and unique-local literals and localhost are private; names are not resolved. */
    @Test
    void privateHosts() {
        assertThat(List.of("localhost", "api.localhost", "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                "0.0.0.0", "[::1]", "[fd00::1]", "[fe80::1]")).allMatch(WebhookRules::privateHost);
        assertThat(List.of("crm.example.com", "8.8.8.8", "[2001:db8::1]", "172.32.0.1", "100.128.0.1")).noneMatch(WebhookRules::privateHost);
    }

    /** Verifies a rotation: the open secret gets an end, a secret past its end is dropped, the new one has none; no grace drops the old at once. */
    @Test
    void rotationEndsOpenSecretsAndDropsExpiredOnes() {
        // GIVEN a secret that already ended and one without an end
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // as the record keeps it
        WebhookSecret old = WebhookSecret.newBuilder().setSecret("whsec_old").setCreatedAt(now.minusSeconds(7200)).setExpiresAt(now.minusSeconds(60)).build();
        WebhookSecret current = WebhookSecret.newBuilder().setSecret("whsec_cur").setCreatedAt(now.minusSeconds(3600)).setExpiresAt(null).build();
        WebhookSubscription s = WebhookSubscription.newBuilder().setTenant("acme").setSubscriptionId("acme/crm").setUrl("https://crm.example.com")
                .setSecrets(List.of(old, current)).setCreatedAt(now.minusSeconds(7200)).setUpdatedAt(now.minusSeconds(3600)).build();

        // WHEN rotated with an hour of grace, and without
        WebhookSubscription rotated = WebhookRules.rotated(s, "whsec_new", Duration.ofHours(1), now);
        WebhookSubscription atOnce = WebhookRules.rotated(s, "whsec_new", Duration.ZERO, now);

        // THEN
        assertThat(rotated.getSecrets()).extracting(WebhookSecret::getSecret).containsExactly("whsec_cur", "whsec_new");
        assertThat(rotated.getSecrets().get(0).getExpiresAt()).isEqualTo(now.plusSeconds(3600));
        assertThat(rotated.getSecrets().get(1).getExpiresAt()).isNull();
        assertThat(rotated.getUpdatedAt()).isEqualTo(now);
        assertThat(atOnce.getSecrets()).extracting(WebhookSecret::getSecret).containsExactly("whsec_new");
    }
}
