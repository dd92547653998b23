package io.ctistream.connector.broadworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.core.testkit.Roster;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.core.testkit.ConnectorContract;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Verifies the connector contract on the BroadWorks adapter, over SIP to the AS simulator on loopback. */
class BroadWorksContractTest extends ConnectorContract {
    private static final String USER = "contract-a1";
    private static final int GRANTED = 120;
    private BroadWorksSimulator sim;
    private AgentProfile agent;

    /** Regression for issue #19 (11): commands in the subscription dialog asked for Expires 3600 after the AS had granted less. */
    @Test
    void commandsAskForTheExpiryTheAsGranted() {
        takeAgent();
        AgentCommand ready = command(AgentState.READY, Instant.now().plusSeconds(10));
        source.command(ready);
        await().atMost(Duration.ofSeconds(15)).until(() -> !sink.results(ready.getCommandId()).isEmpty());
        assertThat(sim.lastCommandExpires(USER)).isEqualTo(GRANTED);
    }

    @Override
    protected PlatformAdapter newAdapter() {
        sim = BroadWorksSimulator.start(BroadWorksSimulator.Settings.loopback(0).withExpires(GRANTED, 10)); // less than the 3600 s asked for
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
    protected void platformRefusesTheLink() {
        sim.terminate(USER, BroadWorksSimulator.FEATURE, "rejected", null);
    }

    @Override
    protected void tearDownPlatform() {
        if (sim != null) {
            sim.close();
        }
    }
}
