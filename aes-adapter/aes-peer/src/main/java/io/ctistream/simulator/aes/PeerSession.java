package io.ctistream.simulator.aes;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An application session (§3): its id, granted duration and re-attach window, the connection it is
 * attached to (null while detached: events are then lost, as on AES), its device ids, monitors and
 * system-status registration, and the two timers that can end it.
 */
final class PeerSession {
    final String id;
    final String protocolVersion;
    int duration;
    final int cleanupDelay;
    PeerConnection connection;
    final Set<String> deviceIds = new LinkedHashSet<>();
    final Map<Long, Monitor> monitors = new LinkedHashMap<>();
    /** The SystemRegister id, or -1 when the session did not register for link status. */
    long systemRegisterId = -1;
    long expiryTimer = -1;
    long cleanupTimer = -1;

    PeerSession(String id, String protocolVersion, int duration, int cleanupDelay) {
        this.id = id;
        this.protocolVersion = protocolVersion;
        this.duration = duration;
        this.cleanupDelay = cleanupDelay;
    }

    boolean attached() {
        return connection != null && !connection.closed();
    }
}
