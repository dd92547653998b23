package io.ctistream.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Verifies that a change encoded once for every session of an event loop (issue #20, ADR 028) is the
 * {@code state} frame the WebSocket API documents: the full current value, its freshness as of the
 * pass that took the change, the lag only for a change a new platform event caused, and the
 * {@code removed} frame for a key that is gone.
 */
class FrameTest {
    private static final Instant UPDATED = Instant.parse("2026-03-02T09:15:00.250Z");

    @Test
    void aLiveFrameCarriesTheFullValueItsAgeAndItsLagAndIsEncodedOnce() {
        // GIVEN an agent value caused by a platform event 10 ms before it was updated
        JsonObject data = new JsonObject().put("agentId", "acme/u1").put("category", "AVAIL").put("version", 7)
                .put("updatedAt", UPDATED.toString()).put("freshness", "LIVE");
        StateView.Entry entry = new StateView.Entry("agent/acme/u1", "acme/u1", 7, data, UPDATED.toEpochMilli() - 10);

        // WHEN an event loop takes it 143 ms after the update
        Frame frame = new Frame(entry, UPDATED.toEpochMilli() + 143);
        JsonObject sent = new JsonObject(new String(frame.live(), StandardCharsets.UTF_8));

        // THEN the frame is the documented state frame, and every session of the loop gets the same bytes
        assertThat(sent.getString("type")).isEqualTo("state");
        assertThat(sent.getString("topic")).isEqualTo("agent/acme/u1");
        assertThat(sent.getString("key")).isEqualTo("acme/u1");
        assertThat(sent.getLong("version")).isEqualTo(7L);
        assertThat(sent.getJsonObject("data")).isEqualTo(data);
        assertThat(sent.getJsonObject("freshness")).isEqualTo(new JsonObject().put("ageMillis", 143).put("lagMillis", 153).put("live", true)
                .put("state", "LIVE"));
        assertThat(frame.live()).isSameAs(frame.live());
    }

    @Test
    void aChangeNoNewEventCausedHasNoLagAndAStaleValueSaysSo() {
        // GIVEN a value changed for another reason (no source time), not confirmed by its link
        JsonObject data = new JsonObject().put("agentId", "acme/u1").put("updatedAt", UPDATED.toString()).put("freshness", "STALE");
        StateView.Entry entry = new StateView.Entry("agent/acme/u1", "acme/u1", 8, data);

        // WHEN it is sent live
        JsonObject freshness = new JsonObject(new String(new Frame(entry, UPDATED.toEpochMilli() + 5).live(), StandardCharsets.UTF_8))
                .getJsonObject("freshness");

        // THEN lagMillis is present and null, and the frame is not live
        assertThat(freshness.containsKey("lagMillis")).isTrue();
        assertThat(freshness.getValue("lagMillis")).isNull();
        assertThat(freshness.getBoolean("live")).isFalse();
        assertThat(freshness.getString("state")).isEqualTo("STALE");
        assertThat(freshness.getLong("ageMillis")).isEqualTo(5L);
    }

    @Test
    void aKeyThatIsGoneIsSentAsRemoved() {
        // GIVEN a removed team
        StateView.Entry gone = new StateView.Entry("team/acme/red", "acme/red", Long.MAX_VALUE, null);

        // WHEN it is sent
        JsonObject sent = new JsonObject(new String(new Frame(gone, UPDATED.toEpochMilli()).live(), StandardCharsets.UTF_8));

        // THEN it is the removed frame, as the API documents it
        assertThat(sent).isEqualTo(new JsonObject().put("type", "state").put("topic", "team/acme/red").put("key", "acme/red").putNull("version")
                .putNull("data").put("removed", true));
    }
}
