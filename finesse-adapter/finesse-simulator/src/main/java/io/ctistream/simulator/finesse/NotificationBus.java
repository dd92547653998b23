package io.ctistream.simulator.finesse;

import io.ctistream.simulator.support.SimulatorLoop;
import java.util.Collection;

/**
 * Where one side of the simulated Finesse publishes its {@code <Update>} notifications: the
 * simulator's own XMPP-over-WebSocket subset ({@link BuiltInXmppServer}) or an external XMPP
 * server's pubsub service ({@link SmackPubSubBus}). Called on the simulator's event loop; an
 * implementation that blocks hands the work to its own thread.
 */
public interface NotificationBus extends AutoCloseable {

    /** What the bus tells the simulator about agents' XMPP sessions (presence-driven forced logout, §6). */
    interface Presence {
        /** A session of this agent became available (presence with priority ≥ 0). */
        void online(String loginId);

        /** An available session of this agent ended (closed, timed out, or presence unavailable). */
        void offline(String loginId);
    }

    /** What a bus may ask of the simulator: credentials for SASL and the nodes that exist. */
    interface Directory {
        /** True when the login id and password are right (and the user is not locked out). */
        boolean authenticate(String loginId, String password);

        /** True for a node a client may subscribe to explicitly (Team, Queue, the user's own nodes). */
        boolean nodeExists(String node);
    }

    /** Builds a side's bus. */
    @FunctionalInterface
    interface Factory {
        NotificationBus create(SideInfo side, Directory directory, Presence presence);
    }

    /** The side a bus serves. */
    record SideInfo(FinesseSimulator.Side side, String host, SimulatorLoop loop, FinesseSimulator.Settings settings) {
    }

    /** The XMPP domain SystemInfo names (the JIDs' domain). */
    String xmppDomain();

    /** The pubsub service's domain SystemInfo names. */
    String pubSubDomain();

    /** Where clients connect (a ws:// URL or host:port), for logs and the demo. */
    String endpoint();

    /**
     * A node the simulator will publish to, and the users that Finesse subscribes to it automatically
     * (User, Dialogs, SystemInfo nodes); nodes clients subscribe to themselves come with none.
     */
    void prepare(String node, Collection<String> autoSubscribers);

    /** Publishes one {@code <Update>} (unescaped XML) to a node. */
    void publish(String node, String update);

    /** Drops every client session (the notification service going away); subscriptions persist. */
    void dropSessions();

    /** Drops one user's sessions (an administrator's kick); a no-op where the bus cannot. */
    default void dropSessions(String loginId) {
    }

    /** Available sessions of one agent, or -1 when the bus cannot tell. */
    int sessions(String loginId);

    @Override
    void close();
}
