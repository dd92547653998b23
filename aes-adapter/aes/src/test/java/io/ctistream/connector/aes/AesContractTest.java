package io.ctistream.connector.aes;

import io.ctistream.connector.aes.dmcc.DmccOptions;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.core.testkit.ConnectorContract;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.Platform;
import io.ctistream.simulator.aes.AesPeer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Verifies the connector contract on the AES adapter: DMCC to the AES peer on loopback. */
class AesContractTest extends ConnectorContract {
    private static final String STATION = "5001";
    private static final String AGENT_ID = "7001";
    private AesPeer peer;
    private AgentProfile agent;

    @Override
    protected PlatformAdapter newAdapter() {
        peer = AesPeer.start(AesPeer.Settings.loopback());
        peer.addStation(STATION, AGENT_ID, "1234");
        peer.setAgentState(AGENT_ID, "loggedOn", "auxWork", 0);
        agent = AgentProfile.newBuilder().setTenant("contract").setAgentId("contract/a1").setDisplayName("Agent a1")
                .setTeamId("contract/team").setQueues(List.of("contract/sales")).setPlatform(Platform.AES)
                .setPlatformUserId(STATION).setCredentialRef("a1").build();
        DmccOptions options = DmccOptions.defaults(List.of(new DmccOptions.Address("127.0.0.1", peer.port())), "ctiuser", "Secret#1")
                .withTls(false).withReconnect(Duration.ofMillis(50), Duration.ofMillis(500)).withRequestTimeout(Duration.ofSeconds(3));
        return new AesAdapter(AesConfig.defaults("CM1").withMonitorRate(100).withCommandTimeout(Duration.ofSeconds(1)), options,
                AesCredentials.of(Map.of("a1", new AesCredentials.Secret(AGENT_ID, "1234"))));
    }

    @Override
    protected AgentProfile agent() {
        return agent;
    }

    @Override
    protected int commandsAtThePlatform() {
        return peer.commandsReceived(AGENT_ID);
    }

    @Override
    protected void platformIgnoresCommands(boolean ignore) {
        peer.ignoreCommands(AGENT_ID, ignore);
    }

    @Override
    protected void platformSets(AgentState state) {
        switch (state) {
            case READY -> peer.setAgentState(AGENT_ID, "ready", "manualIn", 0);
            case NOT_READY -> peer.setAgentState(AGENT_ID, "notReady", "auxWork", 5);
            case WRAP_UP -> peer.setAgentState(AGENT_ID, "workingAfterCall", "afterCallWork", 0);
            case LOGGED_OUT -> peer.setAgentState(AGENT_ID, "loggedOff", null, 0);
            default -> throw new IllegalArgumentException("AES sets no " + state);
        }
    }

    @Override
    protected void platformRefusesTheLink() {
        // the station is removed from CM: the next session finds no device for it
        peer.failNext("GetDeviceId", "<CSTAErrorCode xmlns=\"http://www.ecma-international.org/standards/ecma-323/csta/ed3\"><operation>invalidDeviceID</operation></CSTAErrorCode>", 1);
        peer.dropConnections(false);
    }

    @Override
    protected void tearDownPlatform() {
        if (peer != null) {
            peer.close();
        }
    }
}
