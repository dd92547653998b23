package io.ctistream.simulator.finesse;

/**
 * A user provisioned on the simulated Finesse (UCCE).
 *
 * @param loginId the agent id (peripheral number): REST paths, the JID's local part
 * @param loginName the login name; {@code GET /User/<loginName>} and HTTP Basic accept it too
 * @param password the non-SSO password for REST (Basic) and XMPP (SASL PLAIN); never logged
 * @param extension the agent's device; a sign-in with any other extension fails with TV4
 * @param supervisor a supervisor may read its team and change its agents' states
 */
public record UserSpec(String loginId, String loginName, String password, String extension, String teamId, String teamName,
                       boolean supervisor) {
    public UserSpec {
        if (loginId == null || loginId.isBlank() || password == null) {
            throw new IllegalArgumentException("a user needs a loginId and a password");
        }
    }

    /** An agent with loginName {@code agent<loginId>}. */
    public static UserSpec agent(String loginId, String password, String extension, String teamId, String teamName) {
        return new UserSpec(loginId, "agent" + loginId, password, extension, teamId, teamName, false);
    }

    public UserSpec asSupervisor() {
        return new UserSpec(loginId, loginName, password, extension, teamId, teamName, true);
    }

    @Override
    public String toString() {
        return "UserSpec[loginId=" + loginId + ", loginName=" + loginName + ", extension=" + extension + ", teamId=" + teamId
                + ", supervisor=" + supervisor + "]"; // no password
    }
}
