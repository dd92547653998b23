package io.ctistream.simulator.aes;

/**
 * A device monitor: its cross-ref id, the session that owns it (moved by TransferMonitorObjects),
 * the monitored station's extension (null for a session monitor with an empty deviceObject) and
 * what it asked to hear.
 */
final class Monitor {
    final long crossRefId;
    final String extension;
    final MonitorFilter filter;
    PeerSession session;

    Monitor(long crossRefId, String extension, MonitorFilter filter, PeerSession session) {
        this.crossRefId = crossRefId;
        this.extension = extension;
        this.filter = filter;
        this.session = session;
    }
}
