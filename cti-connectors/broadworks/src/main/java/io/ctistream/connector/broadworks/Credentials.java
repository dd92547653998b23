package io.ctistream.connector.broadworks;

import java.util.Map;
import java.util.Optional;

/**
 * Resolves an agent profile's credential reference to its secrets. The profile on Kafka carries
 * only the reference; the secrets live with the connector (a file or a secret store mount).
 */
@FunctionalInterface
public interface Credentials {
    /**
     * @param sipUser the Digest user name for SUBSCRIBEs (null: the AOR's user part)
     * @param sipPassword the Digest password (null: SUBSCRIBEs are not answered when challenged)
     * @param guestPassword the hoteling guest's password, answered to the nonce challenge
     */
    record Secret(String sipUser, String sipPassword, String guestPassword) {
        @Override
        public String toString() {
            return "Secret[sipUser=" + sipUser + ", sipPassword=" + (sipPassword == null ? "none" : "***")
                    + ", guestPassword=" + (guestPassword == null ? "none" : "***") + "]";
        }
    }

    Optional<Secret> resolve(String reference);

    static Credentials none() {
        return ref -> Optional.empty();
    }

    static Credentials of(Map<String, Secret> secrets) {
        Map<String, Secret> copy = Map.copyOf(secrets);
        return ref -> ref == null ? Optional.empty() : Optional.ofNullable(copy.get(ref));
    }
}
