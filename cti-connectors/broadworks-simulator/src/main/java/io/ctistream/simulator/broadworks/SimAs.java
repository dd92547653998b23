package io.ctistream.simulator.broadworks;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The simulated AS's tables: its users, the subscription dialogs it serves, and the one executor
 * thread that guards them. Every collaborator reads and changes them on that thread only; the
 * outage flag is the exception, read on the SIP stack's threads as well.
 */
final class SimAs {
    private static final SecureRandom RANDOM = new SecureRandom();

    final BroadWorksSimulator.Settings settings;
    final ScheduledExecutorService exec;
    final Map<String, SimUser> users = new LinkedHashMap<>();
    final Map<String, SimSubscription> subscriptions = new LinkedHashMap<>();
    /** An outage: nothing is answered and nothing is sent (a crashed AS, a cut network). */
    volatile boolean down;

    SimAs(BroadWorksSimulator.Settings settings) {
        this.settings = settings;
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bw-simulator");
            t.setDaemon(true);
            return t;
        });
    }

    SimUser user(String user) {
        SimUser u = users.get(user);
        if (u == null) {
            throw new IllegalArgumentException("no such simulated user: " + user);
        }
        return u;
    }

    static SimCall findCall(SimUser u, String callId) {
        return u.calls.stream().filter(c -> c.callId.equals(callId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no call " + callId + " at " + u.user));
    }

    void track(SimSubscription s) {
        subscriptions.put(s.key, s);
        s.user.subscriptions.add(s);
    }

    SimSubscription untrack(String key) {
        SimSubscription s = subscriptions.remove(key);
        if (s != null) {
            s.user.subscriptions.remove(s);
        }
        return s;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** {@code bytes} random bytes in hex: tags, nonces, call ids. */
    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
