package io.ctistream.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The latest event ids an agent's projection applied or judged, kept in the projection itself
 * (ADR 034): 16 bytes per id, oldest first, at most a configured number. An id in canonical UUID
 * form (what connectors send) is kept as its 128 bits; any other id as the name-based UUID of its
 * UTF-8 bytes. Buffers are never changed in place: {@link #with} returns a new one, so a projection
 * copied field by field may share its buffer.
 */
final class RecentEventIds {
    static final int BYTES = 16;
    static final ByteBuffer NONE = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private RecentEventIds() {
    }

    /** True when {@code ring} holds {@code eventId}. */
    static boolean contains(ByteBuffer ring, String eventId) {
        if (ring == null || ring.remaining() < BYTES) {
            return false;
        }
        long high = high(eventId);
        long low = low(eventId, high);
        int end = ring.limit() - BYTES;
        for (int i = ring.position(); i <= end; i += BYTES) {
            if (ring.getLong(i + 8) == low && ring.getLong(i) == high) {
                return true;
            }
        }
        return false;
    }

    /** {@code ring} with {@code eventId} added last, the oldest dropped beyond {@code capacity}. */
    static ByteBuffer with(ByteBuffer ring, String eventId, int capacity) {
        int have = ring == null ? 0 : ring.remaining() / BYTES;
        int keep = Math.min(have, capacity - 1);
        ByteBuffer out = ByteBuffer.allocate((keep + 1) * BYTES);
        if (keep > 0) {
            ByteBuffer old = ring.duplicate();
            old.position(old.position() + (have - keep) * BYTES);
            old.limit(old.position() + keep * BYTES);
            out.put(old);
        }
        long high = high(eventId);
        out.putLong(high).putLong(low(eventId, high));
        return out.flip();
    }

    /** How many ids {@code ring} holds. */
    static int size(ByteBuffer ring) {
        return ring == null ? 0 : ring.remaining() / BYTES;
    }

    private static long high(String id) {
        return canonical(id) ? hex(id, 0, 8) << 32 | hex(id, 9, 13) << 16 | hex(id, 14, 18) : nameBased(id).getMostSignificantBits();
    }

    private static long low(String id, long high) {
        return canonical(id) ? hex(id, 19, 23) << 48 | hex(id, 24, 36) : nameBased(id).getLeastSignificantBits();
    }

    private static UUID nameBased(String id) {
        return UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
    }

    /** 8-4-4-4-12 lower-case hex digits: one string per 128 bits, so the bits stand for the id exactly. */
    static boolean canonical(String id) {
        if (id.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static long hex(String s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            v = v << 4 | (c <= '9' ? c - '0' : c - 'a' + 10);
        }
        return v;
    }
}
