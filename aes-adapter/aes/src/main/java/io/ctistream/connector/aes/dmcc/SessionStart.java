package io.ctistream.connector.aes.dmcc;

import io.ctistream.connector.aes.codec.DmccMessage;
import io.ctistream.connector.aes.codec.DmccMessage.SessionStarted;
import io.ctistream.connector.aes.codec.DmccRequests;
import io.ctistream.connector.core.Failure;
import io.vertx.core.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting the application session on a fresh connection (protocols/aes.md section 3): a new
 * session, or recovery of the old one — StartApplicationSession with the old sessionID (the same
 * id back: re-attached, monitors and device ids survive); refused, a new session and
 * TransferMonitorObjects from the old one (acknowledged: transferred; otherwise new, and the
 * adapter re-creates every device id and monitor).
 */
final class SessionStart {
    private static final Logger LOG = LoggerFactory.getLogger(DmccSession.class);

    /** A session that is up, and how it came up. */
    record Started(String sessionId, String protocolVersion, int durationSeconds, DmccSession.Recovery how) {
    }

    private final DmccOptions options;
    private final Function<String, Future<DmccMessage>> send;

    /** @param send writes a request on the new connection and waits for its answer (errors fail as {@link DmccRequestException}) */
    SessionStart(DmccOptions options, Function<String, Future<DmccMessage>> send) {
        this.options = options;
        this.send = send;
    }

    /**
     * Starts a session, re-attaching {@code oldSessionId} when not null. Fails with a
     * {@link DmccRequestException} when AES refuses a new session (credentials, versions, capacity),
     * else with what the request failed with.
     */
    Future<Started> start(String oldSessionId) {
        if (oldSessionId == null) {
            return startApplicationSession(null).map(s -> started(s, DmccSession.Recovery.NEW));
        }
        return startApplicationSession(oldSessionId).transform(ar -> {
            if (ar.succeeded()) {
                SessionStarted s = ar.result();
                return s.sessionId().equals(oldSessionId) ? Future.succeededFuture(started(s, DmccSession.Recovery.REATTACHED))
                        : transfer(oldSessionId, s);
            }
            if (ar.cause() instanceof DmccRequestException refused) {
                // past the cleanup delay, or another AES without a VIP: a new session, then ask for the old monitors
                LOG.info("dmcc session not re-attached, starting a new one [oldSessionId={}, reason={}]", oldSessionId, refused.getMessage());
                return startApplicationSession(null).compose(s -> transfer(oldSessionId, s));
            }
            return Future.failedFuture(ar.cause());
        });
    }

    private Future<Started> transfer(String oldSessionId, SessionStarted now) {
        return send.apply(DmccRequests.transferMonitorObjects(oldSessionId, now.sessionId())).transform(ar -> {
            if (ar.succeeded() && ar.result() instanceof DmccMessage.Ack) {
                return Future.succeededFuture(started(now, DmccSession.Recovery.TRANSFERRED));
            }
            LOG.info("dmcc monitors not transferred from the old session, device ids and monitors must be re-created [oldSessionId={}, reason={}]",
                    oldSessionId, ar.failed() ? ar.cause().getMessage() : ar.result());
            return Future.succeededFuture(started(now, DmccSession.Recovery.NEW));
        });
    }

    private Future<SessionStarted> startApplicationSession(String oldSessionId) {
        String xml = DmccRequests.startApplicationSession(options.applicationId(), options.user(), options.password(), options.cleanupDelaySeconds(),
                oldSessionId, options.protocolVersions(), options.sessionDurationSeconds());
        return send.apply(xml).compose(m -> m instanceof SessionStarted s ? Future.succeededFuture(s)
                : Future.failedFuture(Failure.retriable("dmcc-unexpected", "StartApplicationSession answered with " + m)));
    }

    /** Uses AES's actual duration; falls back to the requested one when AES leaves it out. */
    private Started started(SessionStarted s, DmccSession.Recovery how) {
        int duration = s.durationSeconds() > 0 ? s.durationSeconds() : options.sessionDurationSeconds();
        return new Started(s.sessionId(), s.protocolVersion(), duration, how);
    }
}
