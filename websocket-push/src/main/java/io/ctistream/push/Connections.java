package io.ctistream.push;

import io.ctistream.push.Jwt.Principal;
import java.util.concurrent.ConcurrentHashMap;

/** Connections per principal (tenant and subject) on this instance, bounded. */
final class Connections {
    private final int max;
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();

    Connections(int max) {
        this.max = max;
    }

    boolean acquire(Principal p) {
        boolean[] ok = {false};
        held.compute(key(p), (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            ok[0] = true;
            return now + 1;
        });
        return ok[0];
    }

    void release(Principal p) {
        held.computeIfPresent(key(p), (k, n) -> n <= 1 ? null : n - 1);
    }

    private static String key(Principal p) {
        return p.tenant() + "\u0000" + p.subject();
    }
}
