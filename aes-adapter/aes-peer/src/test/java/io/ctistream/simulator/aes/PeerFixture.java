package io.ctistream.simulator.aes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** A peer with two stations (5001/agent 7001/PIN 1234, 5002/7002/5678) and VDN 3100 on skill 4001, closed with its clients. */
final class PeerFixture implements AutoCloseable {
    static final String DEVICE = "5001:CM1:10.10.10.5:0";
    static final String DEVICE2 = "5002:CM1:10.10.10.5:0";
    final AesPeer peer;
    private final List<DmccTestClient> clients = new ArrayList<>();

    PeerFixture() {
        this(AesPeer.Settings.loopback());
    }

    PeerFixture(AesPeer.Settings settings) {
        peer = AesPeer.start(settings);
        peer.addStation("5001", "7001", "1234");
        peer.addStation("5002", "7002", "5678");
        peer.addVdn("3100", "4001");
    }

    DmccTestClient client() {
        try {
            DmccTestClient c = DmccTestClient.connect(peer);
            clients.add(c);
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client with a session (cleanup delay 60 s) and a monitor on 5001. */
    DmccTestClient monitoring() throws IOException {
        DmccTestClient c = client();
        c.startSession(60);
        c.monitor("5001");
        return c;
    }

    /** TV6's request with this agent, hex password and work mode. */
    static String login(String agentId, String hexPassword, String workMode) {
        return "<SetAgentState xmlns=\"E\"><device>" + DEVICE + "</device><requestedAgentState>loggedOn</requestedAgentState><agentID>" + agentId
                + "</agentID><password>" + hexPassword + "</password><extensions><privateData><private><SetAgentStatePrivateData xmlns=\"V\">"
                + "<workMode>" + workMode + "</workMode></SetAgentStatePrivateData></private></privateData></extensions></SetAgentState>";
    }

    /** A SetAgentState on 5001 without agent or password (TV7's shape); {@code reason} and {@code pending} optional. */
    static String setState(String state, String workMode, Integer reason, Boolean pending) {
        return "<SetAgentState xmlns=\"E\"><device>" + DEVICE + "</device><requestedAgentState>" + state + "</requestedAgentState>"
                + "<extensions><privateData><private><SetAgentStatePrivateData xmlns=\"V\">" + (workMode == null ? "" : "<workMode>" + workMode + "</workMode>")
                + (reason == null ? "" : "<reasonCode>" + reason + "</reasonCode>") + (pending == null ? "" : "<enablePending>" + pending + "</enablePending>")
                + "</SetAgentStatePrivateData></private></privateData></extensions></SetAgentState>";
    }

    static final String GET_AGENT_STATE = "<GetAgentState xmlns=\"E\"><device>" + DEVICE + "</device></GetAgentState>";

    @Override
    public void close() {
        for (DmccTestClient c : clients) {
            try {
                c.close();
            } catch (IOException e) {
                // closing a test socket: nothing to do
            }
        }
        peer.close();
    }
}
