package io.ctistream.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Event streams are bounded per principal and per tenant as well as per instance (issue #19 (2)); no broker needed to count. */
class EventStreamQuotaTest {
    private static final EventStreams.Listener NONE = new EventStreams.Listener() {
        @Override
        public void events(List<EventStreams.Event> batch) {
        }

        @Override
        public void trimmed(long earliest) {
        }
    };

    private static Jwt.Principal admin(String subject, String tenant) {
        return new Jwt.Principal(subject, tenant, Jwt.Role.ADMIN, null, Set.of(), Instant.EPOCH);
    }

    /** Verifies the per-principal, per-tenant and per-instance bounds, and that a closed stream frees its slot at once. */
    @Test
    void streamsAreBoundedPerPrincipalTenantAndInstance() {
        // an address nothing listens on: the streams never read, they only hold their slots
        try (EventStreams streams = new EventStreams("127.0.0.1:9", "http://127.0.0.1:9", 5)) {
            streams.limits(PushLimits.DEFAULTS.withEventStreams(2, 3));
            EventStreams.Opened a1 = streams.open(admin("a", "t1"), "t1/x", null, NONE);
            assertThat(streams.open(admin("a", "t1"), "t1/y", null, NONE).stream()).isNotNull();
            assertThat(streams.open(admin("a", "t1"), "t1/z", null, NONE).refusal()).isEqualTo(ErrorCode.TOO_MANY_EVENT_STREAMS);
            assertThat(streams.open(admin("b", "t1"), "t1/x", null, NONE).stream()).isNotNull();
            assertThat(streams.open(admin("c", "t1"), "t1/x", null, NONE).refusal()).isEqualTo(ErrorCode.TOO_MANY_EVENT_STREAMS);
            assertThat(streams.open(admin("a", "t2"), "t2/x", null, NONE).stream()).isNotNull();
            assertThat(streams.open(admin("b", "t2"), "t2/x", null, NONE).stream()).isNotNull();
            assertThat(streams.open(admin("c", "t2"), "t2/x", null, NONE).refusal()).isEqualTo(ErrorCode.UNAVAILABLE);
            a1.stream().close();
            assertThat(streams.open(admin("a", "t1"), "t1/z", null, NONE).stream()).isNotNull();
        }
    }
}
