package io.ctistream.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies Standard Webhooks signing: the specification's known answer, several secrets, expiry, bad secrets and verification. */
class WebhookSignerTest {
    // the known-answer vector of the Standard Webhooks reference libraries' tests ("sign function works")
    private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SPEC_TIMESTAMP = 1614265330L;
    private static final String SPEC_PAYLOAD = "{\"test\": 2432232314}";
    private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static final byte[] BODY = SPEC_PAYLOAD.getBytes(StandardCharsets.UTF_8);

    /** Verifies the specification's known answer. */
    @Test
    void signsTheSpecificationsVector() {
        assertThat(WebhookSigner.signature(WebhookSigner.key(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, BODY)).isEqualTo(SPEC_SIGNATURE);
        // the prefix is optional, as in the reference libraries
        assertThat(WebhookSigner.signature(WebhookSigner.key(SPEC_SECRET.substring(6)), SPEC_ID, SPEC_TIMESTAMP, BODY)).isEqualTo(SPEC_SIGNATURE);
    }

    /** Verifies the three headers, with one signature per secret (rotation: old and new both sign), space-separated, in order. */
    @Test
    void signsWithEverySecret() {
        String second = WebhookSigner.newSecret();
        Map<String, String> headers = WebhookSigner.headers(List.of(WebhookSigner.key(SPEC_SECRET), WebhookSigner.key(second)), SPEC_ID,
                Instant.ofEpochSecond(SPEC_TIMESTAMP, 999_000_000), BODY);
        assertThat(headers).containsEntry("webhook-id", SPEC_ID).containsEntry("webhook-timestamp", "1614265330");
        String[] signatures = headers.get("webhook-signature").split(" ");
        assertThat(signatures).hasSize(2);
        assertThat(signatures[0]).isEqualTo(SPEC_SIGNATURE);
        assertThat(signatures[1]).startsWith("v1,").isNotEqualTo(SPEC_SIGNATURE);
    }

    /** Verifies that an expired secret no longer signs, and one expiring later still does. */
    @Test
    void expiredSecretsDoNotSign() {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");
        var subscription = CrmFixtures.subscription("acme", "crm", "https://crm.example/hook", List.of(
                CrmFixtures.secret("whsec_old", now.minusSeconds(86400), now.minusSeconds(1)),
                CrmFixtures.secret("whsec_rotating", now.minusSeconds(86400), now.plusSeconds(3600)),
                CrmFixtures.secret("whsec_new", now, null)), now);
        assertThat(WebhookSigner.activeSecrets(subscription, now)).containsExactly("whsec_rotating", "whsec_new");
    }

    /** Verifies that malformed secrets are refused without the secret in the message. */
    @Test
    void refusesMalformedSecretsWithoutShowingThem() {
        assertThatThrownBy(() -> WebhookSigner.key("whsec_not base64!")).isInstanceOf(WebhookSigner.InvalidSecret.class)
                .hasMessageNotContaining("not base64");
        assertThatThrownBy(() -> WebhookSigner.key("whsec_c2hvcnQ=")).hasMessageContaining("5 bytes").hasMessageNotContaining("c2hvcnQ");
        assertThatThrownBy(() -> WebhookSigner.key("")).isInstanceOf(WebhookSigner.InvalidSecret.class);
        assertThat(WebhookSigner.newSecret()).startsWith("whsec_").satisfies(s -> assertThat(WebhookSigner.key(s)).hasSize(32));
    }

    /** Verifies the receiver's check: any matching v1 signature passes; a changed body, an old timestamp or another secret fail. */
    @Test
    void verifiesAsAReceiverDoes() {
        Instant at = Instant.ofEpochSecond(SPEC_TIMESTAMP);
        String header = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + SPEC_SIGNATURE;
        Duration tolerance = Duration.ofMinutes(5);
        assertThat(WebhookSigner.verify(List.of(SPEC_SECRET), SPEC_ID, "1614265330", BODY, header, at, tolerance)).isTrue();
        assertThat(WebhookSigner.verify(List.of(SPEC_SECRET), SPEC_ID, "1614265330", "{}".getBytes(StandardCharsets.UTF_8), header, at, tolerance))
                .isFalse();
        assertThat(WebhookSigner.verify(List.of(SPEC_SECRET), SPEC_ID, "1614265330", BODY, header, at.plusSeconds(301), tolerance)).isFalse();
        assertThat(WebhookSigner.verify(List.of(WebhookSigner.newSecret()), SPEC_ID, "1614265330", BODY, header, at, tolerance)).isFalse();
        assertThat(WebhookSigner.verify(List.of(SPEC_SECRET), SPEC_ID, "soon", BODY, header, at, tolerance)).isFalse();
    }
}
