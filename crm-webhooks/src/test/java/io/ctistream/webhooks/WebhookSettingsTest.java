package io.ctistream.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.settings.ConfigSource;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the typed settings: defaults, every key read, and a bad value named with its key (never a secret's value). */
class WebhookSettingsTest {

    /** Verifies the defaults, and that a separate service needs Kafka named. */
    @Test
    void defaultsNeedOnlyKafkaAndTheRegistry() {
        WebhookSettings s = WebhookSettings.standalone(ConfigSource.from(Map.of("CTISTREAM_KAFKA_BOOTSTRAP", "k:9092",
                "CTISTREAM_REGISTRY_URL", "http://r:8080/apis/registry/v3")));
        assertThat(s.retry()).isEqualTo(new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(24)));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxBuffered()).isEqualTo(1000);
        assertThat(s.targets().allowsSomePrivate()).isFalse();
        assertThat(s.disableOnGone()).isTrue();
        assertThat(s.cloudEventsTopic()).isTrue();
        assertThat(s.stateLookback()).isEqualTo(Duration.ofMinutes(15));
        assertThatThrownBy(() -> WebhookSettings.standalone(ConfigSource.from(Map.of()))).hasMessageContaining("CTISTREAM_KAFKA_BOOTSTRAP");
    }

    /** Verifies that every CTISTREAM_WEBHOOKS_* key is read into the record. */
    @Test
    void everyKeyIsRead() throws Exception {
        WebhookSettings s = WebhookSettings.embedded(ConfigSource.from(Map.ofEntries(
                Map.entry("CTISTREAM_WEBHOOKS_RETRY_PERIOD", "2h"), Map.entry("CTISTREAM_WEBHOOKS_RETRY_INITIAL_DELAY", "500ms"),
                Map.entry("CTISTREAM_WEBHOOKS_RETRY_MAX_DELAY", "1m"), Map.entry("CTISTREAM_WEBHOOKS_REQUEST_TIMEOUT", "3s"),
                Map.entry("CTISTREAM_WEBHOOKS_CONNECT_TIMEOUT", "2s"), Map.entry("CTISTREAM_WEBHOOKS_MAX_BUFFERED", "50"),
                Map.entry("CTISTREAM_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "127.0.0.0/8"), Map.entry("CTISTREAM_WEBHOOKS_DISABLE_ON_GONE", "false"),
                Map.entry("CTISTREAM_WEBHOOKS_CLOUDEVENTS_TOPIC", "false"), Map.entry("CTISTREAM_WEBHOOKS_STATE_LOOKBACK", "0s"),
                Map.entry("CTISTREAM_WEBHOOKS_INSTANCE_ID", "wh-2"))), "k:9092", "http://r/apis/registry/v3");
        assertThat(s.retry()).isEqualTo(new RetryPolicy(Duration.ofMillis(500), Duration.ofMinutes(1), Duration.ofHours(2)));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.maxBuffered()).isEqualTo(50);
        assertThat(s.targets().refusal(InetAddress.getByName("127.0.0.1"))).isEmpty();
        assertThat(s.targets().refusal(InetAddress.getByName("10.0.0.1"))).isPresent();
        assertThat(s.disableOnGone()).isFalse();
        assertThat(s.cloudEventsTopic()).isFalse();
        assertThat(s.stateLookback()).isZero();
        assertThat(s.instanceId()).isEqualTo("wh-2");
    }

    /** Verifies that a malformed value stops the start with a message naming its key. */
    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> embedded("CTISTREAM_WEBHOOKS_RETRY_PERIOD", "forever")).hasMessageContaining("CTISTREAM_WEBHOOKS_RETRY_PERIOD");
        assertThatThrownBy(() -> embedded("CTISTREAM_WEBHOOKS_REQUEST_TIMEOUT", "0s")).hasMessageContaining("CTISTREAM_WEBHOOKS_REQUEST_TIMEOUT");
        assertThatThrownBy(() -> embedded("CTISTREAM_WEBHOOKS_RETRY_MAX_DELAY", "100ms")).hasMessageContaining("CTISTREAM_WEBHOOKS_RETRY_MAX_DELAY");
        assertThatThrownBy(() -> embedded("CTISTREAM_WEBHOOKS_MAX_BUFFERED", "0")).hasMessageContaining("CTISTREAM_WEBHOOKS_MAX_BUFFERED");
        assertThatThrownBy(() -> embedded("CTISTREAM_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "yes please"))
                .hasMessageContaining("CTISTREAM_WEBHOOKS_ALLOW_PRIVATE_TARGETS");
        assertThatThrownBy(() -> embedded("CTISTREAM_WEBHOOKS_DISABLE_ON_GONE", "maybe")).hasMessageContaining("CTISTREAM_WEBHOOKS_DISABLE_ON_GONE");
    }

    private static WebhookSettings embedded(String key, String value) {
        return WebhookSettings.embedded(ConfigSource.from(Map.of(key, value)), "k:9092", "http://r/apis/registry/v3");
    }
}
