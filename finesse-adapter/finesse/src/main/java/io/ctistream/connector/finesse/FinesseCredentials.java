package io.ctistream.connector.finesse;

import java.util.Map;
import java.util.Optional;

/**
 * Resolves an agent profile's credential reference to the agent's Finesse sign-in (non-SSO: HTTP
 * Basic on REST and SASL PLAIN on XMPP with the same loginId and password). The profile on Kafka
 * carries only the reference; the secrets live with the connector.
 */
@FunctionalInterface
public interface FinesseCredentials {
    /** @param loginId the Finesse loginId (null: the profile's platformUserId) */
    record Secret(String loginId, String password) {
        @Override
        public String toString() {
            return "Secret[loginId=" + loginId + ", password=" + (password == null ? "none" : "***") + "]";
        }
    }

    Optional<Secret> resolve(String reference);

    static FinesseCredentials of(Map<String, Secret> secrets) {
        Map<String, Secret> copy = Map.copyOf(secrets);
        return ref -> ref == null ? Optional.empty() : Optional.ofNullable(copy.get(ref));
    }
}
