package io.ctistream.connector.broadworks;

import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.core.testkit.ConnectorContract;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Verifies the connector contract on the BroadWorks adapter, over SIP to the AS simulator on loopback. */
class BroadWorksContractTest extends ConnectorContract {
    private static final String USER = "contract-a1";
    private BroadWorksSimulator sim;
    private AgentProfile agent;

    @Override
    protected PlatformAdapter newAdapter() {
        sim = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0));
        sim.addUser(new BroadWorksSimulator.UserSpec(USER, false, Map.of(), null));
        sim.setAgentState(USER, "notReady", "0001");
        agent = Roster.agent("contract", "a1", USER, sim.domain(), null);
        BroadWorksConfig config = BroadWorksConfig.defaults("127.0.0.1", "127.0.0.1:" + sim.port())
                .withTimings(3600, Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(2));
        return new BroadWorksAdapter(config, ref -> Optional.empty());
    }

    @Override
    protected AgentProfile agent() {
        return agent;
    }

    @Override
    protected int commandsAtThePlatform() {
        return sim.commandsReceived(USER);
    }

    @Override
    protected void platformIgnoresCommands(boolean ignore) {
        sim.ignoreCommands(USER, ignore);
    }

    @Override
    protected void platformSets(AgentState state) {
        switch (state) {
            case READY -> sim.setAgentState(USER, "ready", null);
            case NOT_READY -> sim.setAgentState(USER, "notReady", "0042");
            case WRAP_UP -> sim.setAgentState(USER, "workingAfterCall", null);
            case LOGGED_OUT -> sim.setAgentState(USER, "loggedOff", null);
            default -> throw new IllegalArgumentException("the AS sets no " + state);
        }
    }

    @Override
    protected void tearDownPlatform() {
        if (sim != null) {
            sim.close();
        }
    }
}
