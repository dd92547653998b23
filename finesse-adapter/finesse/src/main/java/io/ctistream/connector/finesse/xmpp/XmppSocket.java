package io.ctistream.connector.finesse.xmpp;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's WebSocket: frames in through a {@link FrameAssembler}, one element per text frame
 * out, close and error signals back to the session. Logs under the session's logger name.
 */
final class XmppSocket {
    private static final Logger LOG = LoggerFactory.getLogger(XmppSession.class);

    private final WebSocket ws;
    private final XmppSession session;

    XmppSocket(WebSocket ws, XmppSession session, FrameAssembler.Sink sink) {
        this.ws = ws;
        this.session = session;
        FrameAssembler frames = new FrameAssembler(session.options().maxStanzaBytes());
        ws.frameHandler(f -> frames.accept(f, sink));
        ws.closeHandler(v -> session.socketClosed(this));
        ws.exceptionHandler(e -> LOG.debug("xmpp websocket error [session={}, error={}]", session, e.toString()));
    }

    /** True when the server agreed to speak XMPP (RFC 7395 §3.2). */
    boolean speaksXmpp() {
        return "xmpp".equals(ws.subProtocol());
    }

    void write(String frame) {
        if (!ws.isClosed()) {
            if (LOG.isTraceEnabled()) {
                LOG.trace("xmpp out [session={}, frame={}]", session, frame);
            }
            ws.writeFinalTextFrame(frame);
        }
    }

    /** Writes a frame that carries a secret: never logged, not even at trace. */
    void writeSecret(String frame) {
        if (!ws.isClosed()) {
            LOG.trace("xmpp out [session={}, frame=<auth mechanism=PLAIN> (not logged)]", session);
            ws.writeFinalTextFrame(frame);
        }
    }

    /** Closes the socket; the future completes when it is closed, whatever went wrong. */
    Future<Void> close() {
        return ws.isClosed() ? Future.succeededFuture() : ws.close().otherwiseEmpty();
    }

    String describeClose() {
        return "[status=" + ws.closeStatusCode() + ", reason=" + ws.closeReason() + "]";
    }
}
