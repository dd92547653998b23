package io.ctistream.connector.finesse.codec;

import java.util.Locale;

/**
 * {@code GET /finesse/api/SystemInfo} or its notification. Strings may be null; {@code status} is
 * {@link Status#UNKNOWN} when absent or not known.
 */
public record SystemInfo(Status status, String deploymentType, String primaryNode, String secondaryNode, String xmppDomain,
        String xmppPubSubDomain, String systemAuthMode) implements UpdateData {

    /** Finesse's service status; only IN_SERVICE accepts requests (the others answer 503). */
    public enum Status {
        IN_SERVICE, OUT_OF_SERVICE, PARTIAL_SERVICE, UNKNOWN;

        public static Status of(String text) {
            if (text != null) {
                String t = text.strip().toUpperCase(Locale.ROOT);
                for (Status s : values()) {
                    if (s.name().equals(t)) {
                        return s;
                    }
                }
            }
            return UNKNOWN;
        }
    }

    /** True when the node serves requests. */
    public boolean inService() {
        return status == Status.IN_SERVICE;
    }

    /** True on a Unified CCX deployment (reason codes, HOLD and pending states differ from UCCE). */
    public boolean uccx() {
        return "UCCX".equalsIgnoreCase(deploymentType);
    }
}
