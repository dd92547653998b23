package io.ctistream.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushLimitsTest {

    /** Verifies the issue #19 settings: defaults when absent, read when set, and a bad value refused naming its setting. */
    @Test
    void settingsAreReadAndValidated() {
        assertThat(PushLimits.read(name -> null)).isEqualTo(PushLimits.DEFAULTS);
        Map<String, String> env = Map.of(PushLimits.MAX_ARRAY_ITEMS, "32", PushLimits.AUTH_DEADLINE, "2s",
                PushLimits.MAX_EVENT_STREAMS_PER_PRINCIPAL, "3", PushLimits.MAX_EVENT_STREAMS_PER_TENANT, "30");
        PushLimits l = PushLimits.read(env::get);
        assertThat(l.maxArrayItems()).isEqualTo(32);
        assertThat(l.authDeadline()).isEqualTo(Duration.ofSeconds(2));
        assertThat(l.maxEventStreamsPerPrincipal()).isEqualTo(3);
        assertThatThrownBy(() -> PushLimits.read(Map.of(PushLimits.MAX_ARRAY_ITEMS, "many")::get)).hasMessageContaining(PushLimits.MAX_ARRAY_ITEMS);
        assertThatThrownBy(() -> PushLimits.read(Map.of(PushLimits.MAX_RESUME_ENTRIES, "0")::get)).hasMessageContaining(PushLimits.MAX_RESUME_ENTRIES);
        assertThatThrownBy(() -> PushLimits.read(Map.of(PushLimits.MAX_EVENT_STREAMS_PER_PRINCIPAL, "500")::get))
                .hasMessageContaining(PushLimits.MAX_EVENT_STREAMS_PER_TENANT);
        assertThatThrownBy(() -> PushLimits.read(Map.of(PushLimits.AUTH_DEADLINE, "soon")::get)).hasMessageContaining(PushLimits.AUTH_DEADLINE);
    }

    /** Verifies one error frame lists what a request was refused, bounded however many items it named (issue #19 (1)). */
    @Test
    void refusalsMakeOneBoundedFrame() {
        Refusals r = new Refusals();
        for (int i = 0; i < 10_000; i++) {
            r.add("x".repeat(1000) + i, ErrorCode.BAD_TOPIC, "not a topic");
        }
        io.vertx.core.json.JsonObject frame = r.into(new io.vertx.core.json.JsonObject().put("code", r.code().name()));
        assertThat(frame.getInteger("refusedCount")).isEqualTo(10_000);
        assertThat(frame.getJsonArray("refused")).hasSize(Refusals.LISTED);
        assertThat(frame.encode().length()).isLessThan(16 * 1024);
    }
}
