package io.ctistream.simulator.aes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.codec.SafeXml;
import io.ctistream.simulator.support.AcdPlan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies calls at a station (§7, TV9–TV11), the agent's state around them, and the shared ACD day. */
@Timeout(60)
class CallTest {

    /** Verifies an inbound ACD call through VDN 3100 event by event in the notes' shapes, and after-call work for manual-in. */
    @Test
    void tv9ToTv11() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.monitoring();
            f.peer.setAgentState("7001", "loggedOn", "manualIn", 0);
            // TV9
            String call = f.peer.offerCall("5001", "3100", "0612345678");
            assertThat(call).isEqualTo("412");
            String delivered = c.event("DeliveredEvent").shape();
            assertThat(delivered.replaceAll("<globallyUniqueCallLinkageID>\\d{20}<", "<globallyUniqueCallLinkageID>00001004121700000001<"))
                    .isEqualTo("<DeliveredEvent xmlns=\"E\"><monitorCrossRefID>17</monitorCrossRefID><connection><callID>412</callID><deviceID>"
                            + "5001:CM1:10.10.10.5:0</deviceID></connection><alertingDevice><deviceIdentifier>5001:CM1:10.10.10.5:0</deviceIdentifier>"
                            + "</alertingDevice><callingDevice><deviceIdentifier>0612345678:CM1::0</deviceIdentifier></callingDevice><calledDevice>"
                            + "<deviceIdentifier>3100:CM1::0</deviceIdentifier></calledDevice><lastRedirectionDevice><deviceIdentifier>3100:CM1::0"
                            + "</deviceIdentifier></lastRedirectionDevice><localConnectionInfo>alerting</localConnectionInfo><cause>newCall</cause>"
                            + "<callLinkageData><globalCallData><globalCallSwitchingSubDomainName>CM1</globalCallSwitchingSubDomainName>"
                            + "<globalCallLinkageID><globallyUniqueCallLinkageID>00001004121700000001</globallyUniqueCallLinkageID>"
                            + "</globalCallLinkageID></globalCallData></callLinkageData><extensions><privateData><private>"
                            + "<ns1:DeliveredEventPrivateData xmlns:ns1=\"V\"><ns1:acdGroup>4001:CM1::0</ns1:acdGroup><ns1:distributingVDN>"
                            + "<deviceIdentifier xmlns=\"E\">3100:CM1::0</deviceIdentifier></ns1:distributingVDN></ns1:DeliveredEventPrivateData>"
                            + "</private></privateData></extensions></DeliveredEvent>");
            // TV10
            f.peer.answerCall("5001", call);
            assertThat(c.event("EstablishedEvent").shape()).isEqualTo("<EstablishedEvent xmlns=\"E\"><monitorCrossRefID>17</monitorCrossRefID>"
                    + "<establishedConnection><callID>412</callID><deviceID>5001:CM1:10.10.10.5:0</deviceID></establishedConnection>"
                    + "<answeringDevice><deviceIdentifier>5001:CM1:10.10.10.5:0</deviceIdentifier></answeringDevice><callingDevice>"
                    + "<deviceIdentifier>0612345678:CM1::0</deviceIdentifier></callingDevice><localConnectionInfo>connected</localConnectionInfo>"
                    + "<cause>newCall</cause></EstablishedEvent>");
            assertThat(f.peer.agentState("7001").state()).isEqualTo("agentBusy");
            // hold and retrieve
            f.peer.holdCall("5001", call, true);
            assertThat(c.event("HeldEvent").shape()).contains("<localConnectionInfo>hold</localConnectionInfo>");
            f.peer.holdCall("5001", call, false);
            assertThat(c.event("RetrievedEvent").shape()).contains("<localConnectionInfo>connected</localConnectionInfo>");
            // TV11: the caller's leg, then ours
            f.peer.hangUp("5001", call);
            assertThat(c.event("ConnectionClearedEvent").shape()).isEqualTo("<ConnectionClearedEvent xmlns=\"E\"><monitorCrossRefID>17"
                    + "</monitorCrossRefID><droppedConnection><callID>412</callID><deviceID>0612345678:CM1::0</deviceID></droppedConnection>"
                    + "<releasingDevice><deviceIdentifier>0612345678:CM1::0</deviceIdentifier></releasingDevice><localConnectionInfo>connected"
                    + "</localConnectionInfo><cause>normalClearing</cause></ConnectionClearedEvent>");
            DmccTestClient.Frame own = c.event("ConnectionClearedEvent");
            assertThat(SafeXml.text(SafeXml.child(own.root(), "droppedConnection"), "deviceID")).isEqualTo(PeerFixture.DEVICE);
            assertThat(SafeXml.text(own.root(), "localConnectionInfo")).isEqualTo("null");
            // manual-in after an ACD call: after-call work, untimed by default
            c.event("AgentWorkingAfterCallEvent");
            assertThat(f.peer.agentState("7001").state()).isEqualTo("agentWorkingAfterCall");
            assertThat(f.peer.calls("5001")).isEmpty();
        }
    }

    /** Verifies the timed wrap-up: after it the agent is back in its ready mode; auto-in with no timer stays ready. */
    @Test
    void wrapUp() throws Exception {
        try (PeerFixture f = new PeerFixture(AesPeer.Settings.loopback().withWrapUp(Duration.ofMillis(300)))) {
            DmccTestClient c = f.monitoring();
            f.peer.setAgentState("7001", "loggedOn", "autoIn", 0);
            String call = f.peer.offerCall("5001", "3100", "0611111111");
            f.peer.answerCall("5001", call);
            f.peer.agentHangsUp("5001", call);
            c.event("AgentWorkingAfterCallEvent");
            c.event("AgentReadyEvent"); // the login's
            c.event("AgentReadyEvent"); // the wrap-up's end
            assertThat(f.peer.agentState("7001")).isEqualTo(new AesPeer.AgentView(true, "agentReady", "autoIn", 0, null));
        }
        try (PeerFixture f = new PeerFixture()) {
            f.peer.setAgentState("7001", "loggedOn", "autoIn", 0);
            String call = f.peer.offerCall("5001", "3100", "0611111111");
            f.peer.answerCall("5001", call);
            f.peer.hangUp("5001", call);
            assertThat(f.peer.agentState("7001").state()).isEqualTo("agentReady");
        }
    }

    /** Verifies that two sessions monitoring one station each get the events with their own cross-ref id, and a filter without delivered hears none. */
    @Test
    void severalMonitorsAndFilters() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient a = f.monitoring();
            DmccTestClient b = f.monitoring();
            DmccTestClient quiet = f.client();
            quiet.startSession(60);
            quiet.request(DmccTestClient.monitorStart(PeerFixture.DEVICE).replace("<delivered>true</delivered>", ""));
            assertThat(f.peer.monitorsOf("5001")).isEqualTo(3);
            f.peer.offerCall("5001", null, "5002");
            String xa = SafeXml.text(a.event("DeliveredEvent").root(), "monitorCrossRefID");
            String xb = SafeXml.text(b.event("DeliveredEvent").root(), "monitorCrossRefID");
            assertThat(xa).isNotEqualTo(xb);
            quiet.expectNoEvent("DeliveredEvent", Duration.ofMillis(300));
        }
    }

    /** Verifies transfer and conference events reach the stations' monitors. */
    @Test
    void transferAndConference() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient a = f.monitoring();
            a.monitor("5002");
            f.peer.setAgentState("7001", "loggedOn", "autoIn", 0);
            String call = f.peer.offerCall("5001", "3100", "0612345678");
            f.peer.answerCall("5001", call);
            f.peer.conference("5001", call, "5002");
            assertThat(a.event("ConferencedEvent").shape()).contains("<addedParty><deviceIdentifier>5002:CM1:10.10.10.5:0<");
            String moved = f.peer.transfer("5001", call, "5002");
            assertThat(a.event("TransferedEvent").shape()).contains("<transferredToDevice><deviceIdentifier>5002:CM1:10.10.10.5:0<");
            assertThat(SafeXml.text(SafeXml.child(a.event("EstablishedEvent").root(), "establishedConnection"), "callID")).isIn(call, moved);
            assertThat(f.peer.calls("5001")).isEmpty();
            assertThat(f.peer.calls("5002")).containsExactly(moved);
        }
    }

    /** Verifies the shared call-center day on the peer: calls through the VDN reach READY agents and end in wrap-up. */
    @Test
    void acdDay() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.monitoring();
            f.peer.setAgentState("7001", "loggedOn", "manualIn", 0);
            f.peer.setAgentState("7002", "loggedOn", "manualIn", 0);
            AcdPlan plan = new AcdPlan(Map.of("3100", List.of("7001", "7002")), 600, Duration.ofMillis(50), Duration.ofMillis(100),
                    Duration.ofMillis(100), Duration.ofMillis(200), 0, Duration.ofMillis(50), Duration.ofMillis(100), List.of("0003"), 0,
                    Duration.ofMillis(100), Duration.ofMillis(200));
            f.peer.startAcd(plan, 42);
            await().atMost(Duration.ofSeconds(20)).until(() -> f.peer.acdStats().wrapUps() >= 3);
            f.peer.stopAcd();
            assertThat(c.event("DeliveredEvent").shape()).contains("<ns1:acdGroup>4001:CM1::0</ns1:acdGroup>");
            c.event("EstablishedEvent");
            c.event("ConnectionClearedEvent");
        }
    }
}
