package io.ctistream.connector.finesse;

import io.vertx.core.Future;

/**
 * One agent's notification session with Finesse (XMPP over WebSocket, RFC 7395, under the agent's
 * own JID: Finesse logs an agent out when its presence is gone), as the agent logic sees it. Runs
 * on the connector's context.
 */
interface Notifications {
    /** What the session tells its agent. */
    interface Listener {
        /** Authenticated, bound, present: the User and Dialogs nodes now reach this session. */
        void established();

        /** One stanza as received (a pubsub event message, or anything else the server sent). */
        void stanza(String text);

        /** The session is gone; {@code permanent} when retrying cannot help (bad credentials). */
        void lost(String reason, boolean permanent);
    }

    /** Connects, authenticates and makes the session present; completes when {@link Listener#established()} was told. */
    Future<Void> open(Listener listener);

    /** XEP-0060 subscription of this session's full JID to a node (Team and Queue nodes; the others are automatic). */
    Future<Void> subscribe(String node);

    /** XEP-0060 unsubscription of a node this session subscribed (a queue now owned by another instance). */
    Future<Void> unsubscribe(String node);

    /** Unsubscribes what it subscribed, closes the stream and the socket. */
    Future<Void> close();

    /** Closes the socket without a word, as a crashed process would. */
    void abort();

    /** Makes one session for an agent. */
    @FunctionalInterface
    interface Factory {
        Notifications create(java.net.URI node, String xmppDomain, FinesseCredentials.Secret secret, String resource);

        /** Releases what the sessions share (a WebSocket client): after every session is closed. */
        default void close() {
        }
    }
}
