package io.ctistream.connector.aes;

import java.util.Map;
import java.util.Optional;

/**
 * Resolves an agent profile's credential reference to the agent's ACD login on Communication
 * Manager (agent id and password, which SetAgentState loggedOn sends). The profile on Kafka
 * carries only the reference; the secrets live with the connector.
 */
@FunctionalInterface
public interface AesCredentials {
    record Secret(String agentId, String password) {
        @Override
        public String toString() {
            return "Secret[agentId=" + agentId + ", password=" + (password == null ? "none" : "***") + "]";
        }
    }

    Optional<Secret> resolve(String reference);

    static AesCredentials of(Map<String, Secret> secrets) {
        Map<String, Secret> copy = Map.copyOf(secrets);
        return ref -> ref == null ? Optional.empty() : Optional.ofNullable(copy.get(ref));
    }
}
