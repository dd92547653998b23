package io.ctistream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Verifies the agent's memory of its latest event ids (ADR 034): exact, bounded, never changed in place. */
class RecentEventIdsTest {

    /** Verifies that a kept id is found and others are not, canonical UUIDs and other ids alike. */
    @Test
    void findsWhatItKeptAndNothingElse() {
        String uuid = UUID.randomUUID().toString();
        ByteBuffer ring = RecentEventIds.with(RecentEventIds.with(null, uuid, 8), "bw-1:4711", 8);

        assertThat(RecentEventIds.contains(ring, uuid)).isTrue();
        assertThat(RecentEventIds.contains(ring, "bw-1:4711")).isTrue();
        assertThat(RecentEventIds.contains(ring, UUID.randomUUID().toString())).isFalse();
        assertThat(RecentEventIds.contains(ring, "bw-1:4712")).isFalse();
        assertThat(RecentEventIds.contains(RecentEventIds.NONE, uuid)).isFalse();
        assertThat(RecentEventIds.contains(null, uuid)).isFalse();
    }

    /** Verifies that a canonical UUID is kept as its own 128 bits: the bits are the id's, not a hash's. */
    @Test
    void aCanonicalUuidIsKeptAsItsBits() {
        UUID id = UUID.randomUUID();
        ByteBuffer ring = RecentEventIds.with(null, id.toString(), 4);

        assertThat(ring.remaining()).isEqualTo(RecentEventIds.BYTES);
        assertThat(ring.getLong(0)).isEqualTo(id.getMostSignificantBits());
        assertThat(ring.getLong(8)).isEqualTo(id.getLeastSignificantBits());
    }

    /** Verifies that ids which differ as strings stay apart, though {@code UUID.fromString} reads them as one UUID. */
    @Test
    void idsThatDifferAsStringsStayApart() {
        String canonical = "00000000-0000-0000-0000-000000000001";
        String upper = "ABCDEF00-0000-0000-0000-000000000001";
        ByteBuffer ring = RecentEventIds.with(RecentEventIds.with(null, canonical, 4), upper, 4);

        assertThat(UUID.fromString("0-0-0-0-1")).isEqualTo(UUID.fromString(canonical));
        assertThat(RecentEventIds.contains(ring, "0-0-0-0-1")).isFalse();
        assertThat(RecentEventIds.contains(ring, upper.toLowerCase())).isFalse();
        assertThat(RecentEventIds.contains(ring, upper)).isTrue();
    }

    /** Verifies that it keeps the latest ids up to its capacity, oldest dropped first, in order. */
    @Test
    void keepsTheLatestUpToItsCapacity() {
        ByteBuffer ring = null;
        String[] ids = new String[5];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = UUID.randomUUID().toString();
            ring = RecentEventIds.with(ring, ids[i], 3);
        }

        assertThat(RecentEventIds.size(ring)).isEqualTo(3);
        assertThat(RecentEventIds.contains(ring, ids[0])).isFalse();
        assertThat(RecentEventIds.contains(ring, ids[1])).isFalse();
        assertThat(RecentEventIds.contains(ring, ids[2])).isTrue();
        assertThat(RecentEventIds.contains(ring, ids[4])).isTrue();
        assertThat(ring.getLong(ring.limit() - RecentEventIds.BYTES)).isEqualTo(UUID.fromString(ids[4]).getMostSignificantBits());
        // a smaller capacity than the ring holds (the setting lowered) keeps the latest
        ByteBuffer smaller = RecentEventIds.with(ring, ids[0], 2);
        assertThat(RecentEventIds.size(smaller)).isEqualTo(2);
        assertThat(RecentEventIds.contains(smaller, ids[4])).isTrue();
        assertThat(RecentEventIds.contains(smaller, ids[3])).isFalse();
    }

    /** Verifies that adding leaves the given buffer as it was (projections copied field by field share it), wherever its position is. */
    @Test
    void neverChangesTheBufferItWasGiven() {
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        ByteBuffer padded = ByteBuffer.allocate(3 + 2 * RecentEventIds.BYTES);
        padded.position(3);
        padded.put(RecentEventIds.with(RecentEventIds.with(null, a, 4), b, 4));
        padded.position(3);
        ByteBuffer copy = padded.duplicate();

        ByteBuffer next = RecentEventIds.with(padded, UUID.randomUUID().toString(), 2);

        assertThat(padded).isEqualTo(copy);
        assertThat(padded.position()).isEqualTo(3);
        assertThat(RecentEventIds.contains(padded, a)).isTrue();
        assertThat(RecentEventIds.contains(next, a)).isFalse();
        assertThat(RecentEventIds.contains(next, b)).isTrue();
    }
}
