package io.ctistream.connector.core.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a platform can list of its agents, for {@code ctistream roster discover}: the agents it
 * knows, to be shown to a person as a roster diff and applied by that person with
 * {@code ctistream roster import}. Discovery never writes the roster itself (issue #18).
 */
public interface AgentDiscovery extends AutoCloseable {

    /**
     * One agent as the platform lists it. {@code platformUserId} is what the roster's
     * {@code platformUserId} holds for this platform; {@code platformTeamId} and
     * {@code platformTeamName} name the team the platform puts it in (null when it has none);
     * {@code credentialRef} is the credential reference the connector would need for it, when the
     * platform signs in per agent (null otherwise); {@code attributes} are the profile attributes the
     * connector needs for it (Finesse: the {@code extension} it signs in on).
     */
    record Agent(String platformUserId, String displayName, String platformTeamId, String platformTeamName, String credentialRef,
                 Map<String, String> attributes) {
        public Agent {
            if (platformUserId == null || platformUserId.isBlank()) {
                throw new IllegalArgumentException("a discovered agent needs its platform user id");
            }
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }
    }

    /** Asks the platform; fails with a message a person can act on (never holding a secret). */
    List<Agent> discover(Duration timeout) throws Exception;

    @Override
    default void close() {
    }
}
