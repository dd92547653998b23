package io.ctistream.connector.finesse;

import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.core.testkit.ConnectorContract;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.Platform;
import io.ctistream.simulator.finesse.FinesseSimulator;
import io.ctistream.simulator.finesse.UserSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Verifies the connector contract on the Finesse adapter: REST and XMPP over WebSocket to the
 * Finesse simulator on loopback (its own XMPP subset; the Prosody-backed tests are ITs).
 */
class FinesseContractTest extends ConnectorContract {
    private static final String LOGIN = "1234";
    private static final String PASSWORD = "contract-secret";
    private FinesseSimulator sim;
    private AgentProfile agent;

    @Override
    protected PlatformAdapter newAdapter() {
        sim = FinesseSimulator.start(FinesseSimulator.Settings.loopback());
        sim.addUser(UserSpec.agent(LOGIN, PASSWORD, "1001", "5005", "Sales"));
        sim.setAgentState(LOGIN, "NOT_READY", 1);
        agent = AgentProfile.newBuilder().setTenant("contract").setAgentId("contract/a1").setDisplayName("Agent a1")
                .setTeamId("contract/team").setQueues(List.of("contract/sales")).setPlatform(Platform.FINESSE)
                .setPlatformUserId(LOGIN).setCredentialRef("a1").setAttributes(Map.of(FinesseCommands.EXTENSION, "1001")).build();
        FinesseConfig config = FinesseConfig.defaults(List.of(URI.create(sim.restUrl())))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)).withRetry(Duration.ofMillis(100), Duration.ofSeconds(1))
                .withSignInRate(100);
        return FinesseAdapter.overXmpp(config, FinesseCredentials.of(Map.of("a1", new FinesseCredentials.Secret(LOGIN, PASSWORD))), 100);
    }

    @Override
    protected AgentProfile agent() {
        return agent;
    }

    @Override
    protected int commandsAtThePlatform() {
        return sim.commandsReceived(LOGIN);
    }

    @Override
    protected void platformIgnoresCommands(boolean ignore) {
        sim.ignoreCommands(LOGIN, ignore);
    }

    @Override
    protected void platformSets(AgentState state) {
        switch (state) {
            case READY -> sim.setAgentState(LOGIN, "READY", -1);
            case NOT_READY -> sim.setAgentState(LOGIN, "NOT_READY", 16);
            case WRAP_UP -> sim.setAgentState(LOGIN, "WORK", -1);
            case LOGGED_OUT -> sim.setAgentState(LOGIN, "LOGOUT", -1);
            default -> throw new IllegalArgumentException("finesse sets no " + state);
        }
    }

    @Override
    protected void platformRefusesTheLink() {
        sim.changePassword(LOGIN, "changed-by-the-administrator");
        sim.dropSessions(LOGIN);
    }

    @Override
    protected void tearDownPlatform() {
        if (sim != null) {
            sim.close();
        }
    }
}
