package io.ctistream.connector.core;

import io.ctistream.connector.core.testkit.ConnectorContract;
import io.ctistream.connector.core.testkit.FakePlatformAdapter;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.Platform;
import java.util.List;

/** Verifies the connector contract on core's connector with the smallest adapter that keeps it. */
class FakeAdapterContractTest extends ConnectorContract {
    private static final AgentProfile AGENT = AgentProfile.newBuilder().setTenant("contract").setAgentId("contract/a1").setDisplayName("A1")
            .setTeamId("contract/red").setQueues(List.of()).setPlatform(Platform.BROADWORKS).setPlatformUserId("a1@fake.test").build();
    private FakePlatformAdapter adapter;

    @Override
    protected PlatformAdapter newAdapter() {
        adapter = new FakePlatformAdapter();
        adapter.platform.put(AGENT.getAgentId(), AgentState.LOGGED_OUT);
        return adapter;
    }

    @Override
    protected AgentProfile agent() {
        return AGENT;
    }

    @Override
    protected int commandsAtThePlatform() {
        return adapter.executed.size();
    }

    @Override
    protected void platformIgnoresCommands(boolean ignore) {
        adapter.ignoreCommands(ignore);
    }

    @Override
    protected void platformSets(AgentState state) {
        adapter.platformSets(AGENT.getAgentId(), state);
    }

    @Override
    protected void platformRefusesTheLink() {
        adapter.refuse(AGENT.getAgentId(), "LICENCE_REFUSED");
    }

    @Override
    protected void tearDownPlatform() {
    }
}
