package io.ctistream.simulator.aes;

import static io.ctistream.simulator.aes.PeerFixture.GET_AGENT_STATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.codec.SafeXml;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies the peer's faults and its robustness: the CM link, canned errors, hostile bodies, lost framing, drops and restarts. */
@Timeout(60)
class FaultsTest {

    /** Verifies link down/up: SystemStatus as the peer's own request, answered and counted; no events and resourceOutOfService meanwhile. */
    @Test
    void linkDownAndUp() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.monitoring();
            DmccTestClient.Frame reg = c.request("<SystemRegister xmlns=\"E\"><requestTypes><systemStatus>true</systemStatus></requestTypes>"
                    + "<extensions><privateData><private><SystemRegisterPrivateData xmlns=\"V\"><switchName>CM1</switchName>"
                    + "<invertFilter>true</invertFilter></SystemRegisterPrivateData></private></privateData></extensions></SystemRegister>");
            String registerId = SafeXml.text(reg.root(), "sysStatRegisterID");
            assertThat(registerId).isNotNull();
            // WHEN the link goes down
            f.peer.linkDown();
            DmccTestClient.Frame down = c.take(fr -> fr.name().equals("SystemStatus"));
            assertThat(down.invokeId()).isNotEqualTo("9999");
            assertThat(SafeXml.text(down.root(), "systemStatus")).isEqualTo("disabled");
            assertThat(SafeXml.text(down.root(), "sysStatRegisterID")).isEqualTo(registerId);
            c.send(down.invokeId(), "<SystemStatusResponse xmlns=\"E\"/>");
            await().until(() -> f.peer.systemStatusAnswers() == 1);
            // THEN CM's services are out and no events flow
            assertThat(c.request(GET_AGENT_STATE).shape())
                    .isEqualTo("<CSTAErrorCode xmlns=\"E\"><systemResourceAvailibility>resourceOutOfService</systemResourceAvailibility></CSTAErrorCode>");
            f.peer.setAgentState("7001", "loggedOn", "manualIn", 0);
            c.expectNoEvent("AgentLoggedOnEvent", Duration.ofMillis(300));
            // WHEN it comes back
            f.peer.linkUp();
            assertThat(SafeXml.text(c.take(fr -> fr.name().equals("SystemStatus")).root(), "systemStatus")).isEqualTo("normal");
            assertThat(c.request(GET_AGENT_STATE).name()).isEqualTo("GetAgentStateResponse");
        }
    }

    /** Verifies failNext answers the next N requests of a kind with the given body, then normally again. */
    @Test
    void failNext() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.monitoring();
            String busy = "<CSTAErrorCode xmlns=\"http://www.ecma-international.org/standards/ecma-323/csta/ed3\">"
                    + "<systemResourceAvailibility>resourceBusy</systemResourceAvailibility></CSTAErrorCode>";
            f.peer.failNext("GetAgentState", busy, 2);
            assertThat(c.request(GET_AGENT_STATE).shape()).contains("resourceBusy");
            assertThat(c.request(GET_AGENT_STATE).shape()).contains("resourceBusy");
            assertThat(c.request(GET_AGENT_STATE).name()).isEqualTo("GetAgentStateResponse");
        }
    }

    /** Verifies that a DTD, malformed XML and an unknown request are answered with the request's id and the connection lives on. */
    @Test
    void hostileAndUnknownBodiesKeepTheConnection() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.monitoring();
            String bomb = "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><GetAgentState xmlns=\"E\">&b;</GetAgentState>";
            assertThat(c.request(bomb).shape()).isEqualTo("<CSTAErrorCode xmlns=\"E\"><operation>generic</operation></CSTAErrorCode>");
            assertThat(c.request("<GetAgentState xmlns=\"E\"><device>").shape()).contains("<operation>generic</operation>");
            String external = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><GetAgentState xmlns=\"E\"><device>&e;</device></GetAgentState>";
            assertThat(c.request(external).shape()).contains("<operation>generic</operation>");
            assertThat(c.request("<SnapshotDevice xmlns=\"E\"><snapshotObject>x</snapshotObject></SnapshotDevice>").shape())
                    .contains("<operation>serviceNotSupported</operation>");
            assertThat(c.request(GET_AGENT_STATE).name()).isEqualTo("GetAgentStateResponse");
            assertThat(c.closedByPeer()).isFalse();
        }
    }

    /** Verifies that a header that is not a DMCC header closes that connection only. */
    @Test
    void lostFramingClosesTheConnection() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient bad = f.monitoring();
            DmccTestClient good = f.monitoring();
            bad.sendBytes(new byte[] {1, 2, 0, 20, '0', '0', '0', '1'});
            await().until(bad::closedByPeer);
            DmccTestClient worse = f.client();
            worse.sendBytes(new byte[] {0, 0, 0, 20, 'a', 'b', 'c', 'd'});
            await().until(worse::closedByPeer);
            assertThat(good.request(GET_AGENT_STATE).name()).isEqualTo("GetAgentStateResponse");
        }
    }

    /** Verifies slow answers: the answer comes after the delay (measured, not slept). */
    @Test
    void answerDelay() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.monitoring();
            f.peer.answerDelay(Duration.ofMillis(400));
            long t0 = System.nanoTime();
            c.request(GET_AGENT_STATE);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(350));
        }
    }

    /** Verifies dropConnections with and without the sessions kept. */
    @Test
    void dropConnections() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.monitoring();
            f.peer.dropConnections(true);
            await().until(c::closedByPeer);
            assertThat(f.peer.sessions()).isEqualTo(1);
            assertThat(f.peer.monitors()).isEqualTo(1);
            DmccTestClient d = f.monitoring();
            f.peer.dropConnections(false);
            await().until(d::closedByPeer);
            assertThat(f.peer.sessions()).isZero();
            assertThat(f.peer.monitors()).isZero();
        }
    }

    /** Verifies an AES restart: sockets closed, state gone, nobody listening for a while, then the same port again. */
    @Test
    void restart() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.monitoring();
            int port = f.peer.port();
            f.peer.restart(Duration.ofSeconds(1));
            await().until(c::closedByPeer);
            assertThat(f.peer.sessions()).isZero();
            assertThat(f.peer.monitors()).isZero();
            assertThat(refused(port)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !refused(port));
            DmccTestClient back = f.client();
            assertThat(back.startSession(60)).matches("[0-9A-F]{32}-0");
            assertThat(f.peer.port()).isEqualTo(port);
        }
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
