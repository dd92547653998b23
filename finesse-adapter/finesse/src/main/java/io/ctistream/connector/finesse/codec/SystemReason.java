package io.ctistream.connector.finesse.codec;

/**
 * Reason codes the platform applies itself, which the ReasonCode API does not list
 * (protocols/finesse.md sections 3, 5 and 8), so their labels are named here.
 */
public enum SystemReason {
    /** UCCE 12.5(1)+: an agent made a call from READY; CCE sets NOT_READY with 50006. */
    CALL_STARTED_FROM_READY("Call started from READY"),
    /** UCCE: a supervisor set the agent NOT_READY (code 999). */
    SUPERVISOR_NOT_READY("Supervisor not ready"),
    /** UCCX: a supervisor set the agent NOT_READY (code 33). */
    SUPERVISOR_NOT_READY_UCCX("Supervisor not ready"),
    /** A forced logout (code 255): a supervisor's, or Finesse's after the agent's XMPP presence was lost. */
    FORCED_LOGOUT("Forced logout"),
    /** UCCX system codes, 32760 and above. */
    UCCX_SYSTEM("System");

    private static final int UCCX_SYSTEM_FROM = 32760;

    public final String label;

    SystemReason(String label) {
        this.label = label;
    }

    /**
     * The system reason for a reason code ({@code ReasonCode.code}), or null when it is not one.
     * 999 and 50006 are UCCE's, 33 and 32760+ UCCX's: with the deployment type known
     * ({@link SystemInfo#deploymentType()}, "UCCX" or a UCCE/PCCE one), only that platform's codes
     * count; with it null, both do (UCCE's first).
     */
    public static SystemReason of(String code, String deploymentType) {
        Integer n = number(code);
        if (n == null) {
            return null;
        }
        if (n == 255) {
            return FORCED_LOGOUT;
        }
        boolean uccx = "UCCX".equalsIgnoreCase(deploymentType);
        if (!uccx) {
            if (n == 999) {
                return SUPERVISOR_NOT_READY;
            }
            if (n == 50006) {
                return CALL_STARTED_FROM_READY;
            }
        }
        if (uccx || deploymentType == null) {
            if (n == 33) {
                return SUPERVISOR_NOT_READY_UCCX;
            }
            if (n >= UCCX_SYSTEM_FROM && n <= 65535) {
                return UCCX_SYSTEM;
            }
        }
        return null;
    }

    private static Integer number(String code) {
        if (code == null) {
            return null;
        }
        String t = code.strip();
        if (t.isEmpty() || t.length() > 9) {
            return null;
        }
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return null;
            }
        }
        return Integer.valueOf(t);
    }
}
