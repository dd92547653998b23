package io.ctistream.connector.core;

import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentProfile;
import io.vertx.core.Future;

/**
 * What a platform connector implements. Every method is called on the connector's Vert.x context,
 * one at a time. The adapter reports facts through {@link ConnectorContext#sink()} and never talks
 * to Kafka itself.
 */
public interface PlatformAdapter {
    /** Opens the platform link machinery (sockets, stacks). Fails fast on bad configuration. */
    Future<Void> start(ConnectorContext context);

    /** This instance now owns the agent (or its profile changed): subscribe, snapshot, then stream. */
    void take(AgentProfile profile);

    /** This instance no longer owns the agent: unsubscribe and forget it. */
    void release(String agentId);

    /**
     * The queues this instance speaks for may have changed (a rebalance): a queue source follows
     * exactly the queues {@link ConnectorContext#queues()} owns now. Nothing to do for a platform
     * without one.
     */
    default void queuesChanged() {
    }

    /**
     * Runs one command for an owned agent. The future completes with how the platform ended it; the
     * connector answers TIMED_OUT itself if the command's deadline passes first.
     */
    Future<Outcome> execute(AgentCommand command, AgentProfile profile);

    /**
     * Re-reads the platform's full state for every owned agent and reports it in full, as after a
     * (re)connect: called when this instance could not deliver what it reported (Kafka was
     * unreachable), after a new run began. What was published before is no longer assumed known
     * downstream; corrections follow from the platform's answers.
     */
    void resync();

    /** Releases every agent and closes the platform link. */
    Future<Void> stop();

    /** Closes sockets at once without telling the platform, as a crashed process would. */
    void abort();

    /** True while the platform answers. */
    boolean platformUp();

    /** Agent links (subscriptions, sessions) that are active now. */
    int linksActive();

    /**
     * Agent links now, by channel (a SIP event package, an XMPP session, a DMCC monitor) and state;
     * every state of a channel in use, zeros included, so a dashboard sees zeros, not gaps. Read
     * from a scrape, off the adapter's context: a racy read is fine.
     */
    default java.util.Map<String, java.util.Map<String, Integer>> linksByChannelAndState() {
        return java.util.Map.of();
    }

    /**
     * Agents whose link the platform refused for good (no retry), by the platform's reason: told in
     * the connector's status and health without failing readiness (one refused agent is not a
     * broken connector). Called on the connector's context.
     */
    default java.util.Map<String, Integer> refusedLinks() {
        return java.util.Map.of();
    }
}
