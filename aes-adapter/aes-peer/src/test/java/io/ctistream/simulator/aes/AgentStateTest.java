package io.ctistream.simulator.aes;

import static io.ctistream.simulator.aes.PeerFixture.DEVICE;
import static io.ctistream.simulator.aes.PeerFixture.GET_AGENT_STATE;
import static io.ctistream.simulator.aes.PeerFixture.login;
import static io.ctistream.simulator.aes.PeerFixture.setState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.codec.SafeXml;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies agent control (§6): CM's rules, the events (TV7), GetAgentState (TV8), pending changes and the 6.2 mode. */
@Timeout(60)
class AgentStateTest {
    private static final String OK = "<SetAgentStateResponse xmlns=\"E\"/>";
    private static final String PREFIX = "<CSTAErrorCode xmlns=\"E\">";

    /** Verifies login with the hex password, ready, AUX with TV7's event, TV8, after-call work and logout, each with its event. */
    @Test
    void aDayOfStates() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.monitoring();
            // a wrong password: TV6's failure, nothing changes
            assertThat(c.request(login("7001", "31323335", "manualIn")).shape())
                    .isEqualTo(PREFIX + "<operation>invalidAgentPassword</operation></CSTAErrorCode>");
            // the PIN as plain digits is not hexBinary of "1234"
            assertThat(c.request(login("7001", "1234", "manualIn")).shape()).contains("invalidAgentPassword");
            assertThat(f.peer.agentState("7001").loggedOn()).isFalse();
            // TV6: login in manualIn
            assertThat(c.request(login("7001", "31323334", "manualIn")).shape()).isEqualTo(OK);
            assertThat(c.event("AgentLoggedOnEvent").shape()).isEqualTo("<AgentLoggedOnEvent xmlns=\"E\"><monitorCrossRefID>17</monitorCrossRefID>"
                    + "<agentDevice><deviceIdentifier>" + DEVICE + "</deviceIdentifier></agentDevice><agentID>7001</agentID></AgentLoggedOnEvent>");
            c.event("AgentReadyEvent");
            // TV7: AUX reason 3
            assertThat(c.request(setState("notReady", "auxWork", 3, true)).shape()).isEqualTo(OK);
            assertThat(c.event("AgentNotReadyEvent").shape()).isEqualTo("<AgentNotReadyEvent xmlns=\"E\"><monitorCrossRefID>17</monitorCrossRefID>"
                    + "<agentDevice><deviceIdentifier>5001:CM1:10.10.10.5:0</deviceIdentifier></agentDevice><agentID>7001</agentID><extensions>"
                    + "<privateData><private><ns1:AgentNotReadyEventPrivateData xmlns:ns1=\"V\"><ns1:reasonCode>3</ns1:reasonCode>"
                    + "</ns1:AgentNotReadyEventPrivateData></private></privateData></extensions></AgentNotReadyEvent>");
            // TV8
            assertThat(c.request(GET_AGENT_STATE).shape()).isEqualTo("<GetAgentStateResponse xmlns=\"E\"><agentStateList><agentStateEntry>"
                    + "<agentID>7001</agentID><loggedOnState>true</loggedOnState><agentInfo><agentInfoItem><agentState>agentNotReady</agentState>"
                    + "</agentInfoItem></agentInfo></agentStateEntry></agentStateList><extensions><privateData><private>"
                    + "<ns1:GetAgentStateResponsePrivateData xmlns:ns1=\"V\"><ns1:workMode>auxWork</ns1:workMode><ns1:talkState>idle</ns1:talkState>"
                    + "<ns1:reasonCode>3</ns1:reasonCode></ns1:GetAgentStateResponsePrivateData></private></privateData></extensions>"
                    + "</GetAgentStateResponse>");
            // ready in autoIn, ACW, logout
            c.request(setState("ready", "autoIn", null, null));
            c.event("AgentReadyEvent");
            assertThat(f.peer.agentState("7001")).isEqualTo(new AesPeer.AgentView(true, "agentReady", "autoIn", 0, null));
            c.request(setState("workingAfterCall", "afterCallWork", null, null));
            c.event("AgentWorkingAfterCallEvent");
            c.request(setState("loggedOff", null, null, null));
            c.event("AgentLoggedOffEvent");
            assertThat(SafeXml.text(SafeXml.path(c.request(GET_AGENT_STATE).root(), "agentStateList", "agentStateEntry", "agentInfo",
                    "agentInfoItem"), "agentState")).isEqualTo("agentNull");
            assertThat(f.peer.commandsReceived("7001")).isEqualTo(7);
        }
    }

    /** Verifies the requests CM refuses: ready while logged off, an unknown agent, a reason over 99, TSAPI mode names, an unknown device. */
    @Test
    void refusals() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.monitoring();
            assertThat(c.request(setState("ready", "manualIn", null, null)).shape())
                    .isEqualTo(PREFIX + "<operation>invalidAgentState</operation></CSTAErrorCode>");
            assertThat(c.request(login("7999", "31323334", "manualIn")).shape()).contains("invalidAgentIdentifier");
            c.request(login("7001", "31323334", "auxWork"));
            assertThat(c.request(setState("notReady", "auxWork", 100, null)).shape()).contains("valueOutOfRange");
            assertThat(c.request(setState("ready", "AUTO_IN", null, null)).shape()).contains("valueOutOfRange");
            assertThat(c.request(GET_AGENT_STATE.replace("5001:", "5999:")).shape())
                    .isEqualTo(PREFIX + "<operation>invalidDeviceID</operation></CSTAErrorCode>");
            assertThatThrownBy(() -> f.peer.setAgentState("7002", "ready", "manualIn", 0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("invalidAgentState");
        }
    }

    /** Verifies that during a call a change is refused without enablePending and held as pending with it, then applied at the call's end. */
    @Test
    void pendingWhileOnACall() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.monitoring();
            f.peer.setAgentState("7001", "loggedOn", "manualIn", 0);
            String call = f.peer.offerCall("5001", "3100", "0612345678");
            f.peer.answerCall("5001", call);
            assertThat(f.peer.agentState("7001").state()).isEqualTo("agentBusy");
            assertThat(c.request(setState("notReady", "auxWork", 5, false)).shape()).contains("invalidAgentState");
            // WHEN AUX 5 is asked with enablePending
            assertThat(c.request(setState("notReady", "auxWork", 5, true)).shape()).isEqualTo("<SetAgentStateResponse xmlns=\"E\">"
                    + "<pendingAgentState>agentNotReady</pendingAgentState><extensions><privateData><private>"
                    + "<ns1:SetAgentStateResponsePrivateData xmlns:ns1=\"V\"><ns1:isPending>true</ns1:isPending>"
                    + "</ns1:SetAgentStateResponsePrivateData></private></privateData></extensions></SetAgentStateResponse>");
            assertThat(f.peer.agentState("7001").pending()).isEqualTo("agentNotReady");
            assertThat(c.request(GET_AGENT_STATE).shape()).contains("<agentState>agentBusy</agentState><pendingAgentState>agentNotReady")
                    .contains("<ns1:talkState>onCall</ns1:talkState>").contains("<ns1:pendingReasonCode>5</ns1:pendingReasonCode>");
            // THEN at the call's end the agent goes to AUX 5, not to after-call work
            f.peer.hangUp("5001", call);
            assertThat(SafeXml.text(SafeXml.path(c.event("AgentNotReadyEvent").root(), "extensions", "privateData", "private",
                    "AgentNotReadyEventPrivateData"), "reasonCode")).isEqualTo("5");
            assertThat(f.peer.agentState("7001")).isEqualTo(new AesPeer.AgentView(true, "agentNotReady", "auxWork", 5, null));
            c.expectNoEvent("AgentWorkingAfterCallEvent", Duration.ofMillis(200));
        }
    }

    /** Verifies that with agentEvents off (AES 6.2) states change and GetAgentState tells, but no agent event is sent. */
    @Test
    void aes62SendsNoAgentEvents() throws Exception {
        try (PeerFixture f = new PeerFixture(AesPeer.Settings.loopback().withAgentEvents(false))) {
            DmccTestClient c = f.monitoring();
            c.request(login("7001", "31323334", "manualIn"));
            c.request(setState("notReady", "auxWork", 2, null));
            assertThat(c.request(GET_AGENT_STATE).shape()).contains("<agentState>agentNotReady</agentState>").contains("<ns1:reasonCode>2<");
            c.expectNone(fr -> fr.invokeId().equals("9999"), Duration.ofMillis(300));
        }
    }

    /** Verifies that a filter without the agent flags hears no agent events, and ignored commands change nothing. */
    @Test
    void filterAndIgnoredCommands() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.client();
            c.startSession(60);
            c.request(DmccTestClient.monitorStart(DEVICE).replaceAll("<logicalDeviceFeature>.*</logicalDeviceFeature>", ""));
            f.peer.ignoreCommands("7001", true);
            assertThat(c.request(login("7001", "31323334", "manualIn")).shape()).isEqualTo(OK);
            assertThat(f.peer.agentState("7001").loggedOn()).isFalse();
            assertThat(f.peer.commandsReceived("7001")).isEqualTo(1);
            f.peer.ignoreCommands("7001", false);
            c.request(login("7001", "31323334", "manualIn"));
            assertThat(f.peer.agentState("7001").loggedOn()).isTrue();
            c.expectNone(fr -> fr.invokeId().equals("9999"), Duration.ofMillis(300));
        }
    }
}
