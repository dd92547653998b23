package io.ctistream.connector.finesse.xmpp;

import io.ctistream.connector.core.Failure;

/**
 * What an {@link XmppSession} tells its owner, always on the session's context. One listener may
 * serve many sessions: each call names its session. A listener that throws is logged and the
 * session carries on.
 */
public interface XmppSessionListener {
    /**
     * One {@code <message>} stanza as it arrived (one WebSocket message), not parsed beyond its root
     * element's name: Finesse's pubsub events, escaped {@code <Update>} included. Only while the
     * session is established or closing.
     */
    void message(XmppSession session, String stanza);

    /** Authenticated, bound and present with priority 0; subscriptions may be made now. */
    default void established(XmppSession session) {
    }

    /**
     * An established session ended without {@link XmppSession#close()}: the server closed it, the
     * connection broke, pings went unanswered or a stream error arrived. {@code reason.retriable()}
     * says whether a new session is worth a try. A session that never got established reports its
     * failure through the {@link XmppSession#connect()} future instead, not here.
     */
    default void lost(XmppSession session, Failure reason) {
    }

    /** {@link XmppSession#close()} or {@link XmppSession#abort()} finished. */
    default void closed(XmppSession session) {
    }

    /**
     * A stanza was dropped: not well-formed, over the size limit, a binary frame, or deeper than the
     * parser allows. The session goes on; count it.
     */
    default void malformed(XmppSession session, String why) {
    }

    /** Every state change, for health checks and gauges. */
    default void stateChanged(XmppSession session, XmppSession.State from, XmppSession.State to) {
    }
}
