package io.ctistream.connector.finesse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.settings.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the supervisor session's settings (ADR 023, docs/config/connector-finesse.md): the queue map and its supervisor. */
class FinesseQueueSettingsTest {

    /** Verifies that the queue map is read in order, and that a pair without a tenant-qualified queue id or named twice is refused by key. */
    @Test
    void theQueueMapIsFinesseIdToTenantQueue() {
        assertThat(FinessePlatform.queues(" 10=acme/sales , 11=acme/support,")).containsExactly(Map.entry("10", "acme/sales"),
                Map.entry("11", "acme/support"));
        assertThat(FinessePlatform.queues("")).isEmpty();
        for (String bad : new String[] {"10", "10=sales", "=acme/sales", "10=acme/", "10=/sales"}) {
            assertThatThrownBy(() -> FinessePlatform.queues(bad)).as(bad).isInstanceOf(ConfigSource.ConfigException.class)
                    .hasMessageContaining(FinessePlatform.QUEUES);
        }
        assertThatThrownBy(() -> FinessePlatform.queues("10=acme/a,10=acme/b")).hasMessageContaining("named twice");
    }

    /** Verifies that queues need a supervisor, and that the supervisor must be in the credentials file (checked at start, password never shown). */
    @Test
    void queuesNeedASupervisorWithASignIn(@TempDir Path dir) throws Exception {
        Path secrets = dir.resolve("finesse.properties");
        Files.writeString(secrets, "sup.loginId=1236\nsup.password=s3cret-sup\nhalf.loginId=1237\n");
        Map<String, String> env = new HashMap<>(Map.of(FinessePlatform.NODES, "https://fin-a.example.com:8445",
                FinessePlatform.CREDENTIALS_FILE, secrets.toString(), FinessePlatform.QUEUES, "10=acme/sales"));
        assertThatThrownBy(() -> new FinessePlatform().adapter(ConfigSource.from(env))).hasMessageContaining(FinessePlatform.SUPERVISOR_CREDENTIAL);

        env.put(FinessePlatform.SUPERVISOR_CREDENTIAL, "half");
        assertThatThrownBy(() -> new FinessePlatform().adapter(ConfigSource.from(env))).hasMessageContaining("[half]")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-sup"));

        env.put(FinessePlatform.SUPERVISOR_CREDENTIAL, "sup");
        assertThat(new FinessePlatform().adapter(ConfigSource.from(env))).isInstanceOf(FinesseAdapter.class);
    }
}
