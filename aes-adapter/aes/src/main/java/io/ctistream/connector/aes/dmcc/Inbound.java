package io.ctistream.connector.aes.dmcc;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.aes.codec.DmccFrame;
import io.ctistream.connector.aes.codec.DmccMessage;
import io.ctistream.connector.aes.codec.DmccMessages;
import io.ctistream.connector.aes.codec.DmccRequests;
import io.ctistream.connector.core.Failure;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a session's incoming frames go: events (invoke id 9999) to the listener; answers to the
 * request waiting under their id; requests AES sends us (a non-event id nobody waits for, such as
 * SystemStatus) answered when we know how and passed on; late answers dropped. A body the codec
 * refuses is one WARN line and {@code malformed("dmcc")}: the connection stays.
 */
final class Inbound {
    private static final Logger LOG = LoggerFactory.getLogger(DmccSession.class);

    private final DmccSession session;
    private final InvokeIds invokeIds;
    private final DmccSession.Listener listener;

    Inbound(DmccSession session, InvokeIds invokeIds, DmccSession.Listener listener) {
        this.session = session;
        this.invokeIds = invokeIds;
        this.listener = listener;
    }

    /** @param stopping only the answer to StopApplicationSession matters now; everything else is dropped */
    void frame(DmccConnection from, DmccFrame frame, boolean stopping) {
        if (stopping && (frame.event() || !invokeIds.waiting(frame.invokeId()))) {
            return;
        }
        DmccMessage m;
        try {
            m = DmccMessages.parse(frame.body());
        } catch (MalformedBodyException e) {
            LOG.warn("dmcc body refused as malformed [invokeId={}, reason={}, prefix={}]", frame.invokeId(), e.getMessage(), prefix(frame.body()));
            invokeIds.fail(frame.invokeId(), Failure.retriable("dmcc-malformed", "the answer was malformed: " + e.getMessage()));
            session.tell(() -> listener.malformed("dmcc"));
            return;
        }
        if (m instanceof DmccMessage.SessionTerminated t && !stopping) {
            session.terminated(t.reason());
        } else if (frame.event()) {
            session.tell(() -> listener.event(m));
        } else if (!invokeIds.answer(frame.invokeId(), m)) {
            fromAes(from, frame.invokeId(), m);
        }
    }

    /** A non-event frame nobody waits for: a request AES sends us, or an answer after its request timed out. */
    private void fromAes(DmccConnection from, String invokeId, DmccMessage m) {
        if (m instanceof DmccMessage.SystemStatus) {
            from.write(invokeId, DmccRequests.systemStatusResponse());
            session.tell(() -> listener.event(m));
        } else if (m instanceof DmccMessage.Unknown u) {
            // section 1: log requests we do not know and keep the connection
            LOG.info("dmcc request from AES not understood, passed on [invokeId={}, root={}]", invokeId, u.localName());
            session.tell(() -> listener.event(m));
        } else {
            LOG.debug("dmcc answer after its request timed out, dropped [invokeId={}, message={}]", invokeId, m.getClass().getSimpleName());
        }
    }

    /** A short printable prefix of a refused body for the log line, never more. */
    private static String prefix(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 48), StandardCharsets.UTF_8);
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
