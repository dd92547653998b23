package io.ctistream.simulator.aes;

import static io.ctistream.simulator.aes.DmccTestClient.startSession;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.codec.SafeXml;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies the session service (§3): start, refusal, keep-alive, expiry, re-attach, transfer, stop. */
@Timeout(60)
class SessionTest {

    /** Verifies that TV1 is answered in TV2's shape: a 32-hex-digit id with "-0", the requested version and duration. */
    @Test
    void startAnswersLikeTv2() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            // WHEN TV1 is sent
            DmccTestClient c = f.client();
            DmccTestClient.Frame r = c.request(startSession("ctiuser", "Secret#1", 60, null, "E/priv7", 180));
            // THEN TV2, with the peer's id
            String id = SafeXml.text(r.root(), "sessionID");
            assertThat(id).matches("[0-9A-F]{32}-0");
            assertThat(r.shape()).isEqualTo("<StartApplicationSessionPosResponse xmlns=\"A\"><sessionID>" + id
                    + "</sessionID><actualProtocolVersion>E/priv7</actualProtocolVersion><actualSessionDuration>180</actualSessionDuration>"
                    + "</StartApplicationSessionPosResponse>");
            assertThat(f.peer.sessionIds()).containsExactly(id);
        }
    }

    /** Verifies that a wrong password, an unknown version and an over-long duration are handled as AES does. */
    @Test
    void refusalsAndGrants() throws Exception {
        try (PeerFixture f = new PeerFixture(AesPeer.Settings.loopback().withMaxSessionDuration(120))) {
            DmccTestClient c = f.client();
            // wrong password: TV2's failure
            assertThat(c.request(startSession("ctiuser", "wrong", 60, null, "E/priv7", 180)).shape()).isEqualTo(
                    "<StartApplicationSessionNegResponse xmlns=\"A\"><errorCode><definedError>invalidApplicationInfo</definedError></errorCode>"
                            + "</StartApplicationSessionNegResponse>");
            // only AES 4.x versions offered
            assertThat(SafeXml.text(SafeXml.child(c.request(startSession("ctiuser", "Secret#1", 60, null, "E/priv3", 180)).root(), "errorCode"),
                    "definedError")).isEqualTo("requestedProtocolVersionNotSupported");
            // a duration over the maximum is cut to it
            DmccTestClient.Frame ok = c.request(startSession("ctiuser", "Secret#1", 60, null, "E/privC", 600));
            assertThat(SafeXml.text(ok.root(), "actualSessionDuration")).isEqualTo("120");
            assertThat(SafeXml.text(ok.root(), "actualProtocolVersion")).isEqualTo(DmccTestClient.E + "/privC");
            assertThat(f.peer.sessions()).isEqualTo(1);
        }
    }

    /** Verifies that the keep-alive is answered as TV3 and keeps a short session alive past its duration. */
    @Test
    void keepAliveKeepsTheSession() throws Exception {
        try (PeerFixture f = new PeerFixture(AesPeer.Settings.loopback().withMaxSessionDuration(1))) {
            DmccTestClient c = f.client();
            String id = c.startSession(60);
            long started = System.nanoTime();
            // WHEN keep-alives come every 300 ms for 2 s
            while (System.nanoTime() - started < 2_000_000_000L) {
                DmccTestClient.Frame r = c.request("<ResetApplicationSessionTimer xmlns=\"A\"><sessionID>" + id
                        + "</sessionID><requestedSessionDuration>180</requestedSessionDuration></ResetApplicationSessionTimer>");
                assertThat(r.shape()).isEqualTo("<ResetApplicationSessionTimerPosResponse xmlns=\"A\"><actualSessionDuration>1</actualSessionDuration>"
                        + "</ResetApplicationSessionTimerPosResponse>");
                c.expectNoEvent("ApplicationSessionTerminated", Duration.ofMillis(300));
            }
            // THEN the session lives, and an unknown id gets the Neg response
            assertThat(f.peer.sessionIds()).containsExactly(id);
            assertThat(f.peer.keepAlivesReceived()).isGreaterThanOrEqualTo(4);
            assertThat(c.request("<ResetApplicationSessionTimer xmlns=\"A\"><sessionID>nope</sessionID></ResetApplicationSessionTimer>").name())
                    .isEqualTo("ResetApplicationSessionTimerNegResponse");
        }
    }

    /** Verifies that ignored keep-alives let the session expire with TV12's ApplicationSessionTerminated, its monitors gone. */
    @Test
    void ignoredKeepAlivesExpireTheSession() throws Exception {
        try (PeerFixture f = new PeerFixture(AesPeer.Settings.loopback().withMaxSessionDuration(1))) {
            DmccTestClient c = f.client();
            String id = c.startSession(60);
            c.monitor("5001");
            f.peer.ignoreKeepAlives(true);
            assertThat(c.request("<ResetApplicationSessionTimer xmlns=\"A\"><sessionID>" + id + "</sessionID></ResetApplicationSessionTimer>")
                    .name()).isEqualTo("ResetApplicationSessionTimerPosResponse");
            assertThat(c.event("ApplicationSessionTerminated").shape()).isEqualTo("<ApplicationSessionTerminated xmlns=\"A\"><sessionID>" + id
                    + "</sessionID><sessionTermReason><definedTermReason>sessionTimerExpired</definedTermReason></sessionTermReason>"
                    + "</ApplicationSessionTerminated>");
            assertThat(f.peer.sessions()).isZero();
            assertThat(f.peer.monitors()).isZero();
        }
    }

    /** Verifies that expireSessions ends every session at once, with the event. */
    @Test
    void expireSessionsKnob() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient a = f.monitoring();
            DmccTestClient b = f.monitoring();
            f.peer.expireSessions();
            a.event("ApplicationSessionTerminated");
            b.event("ApplicationSessionTerminated");
            assertThat(f.peer.sessions()).isZero();
            assertThat(f.peer.monitorsOf("5001")).isZero();
        }
    }

    /** Verifies that within the cleanup delay a re-attach gets the same id and monitors, and events of the gap are lost. */
    @Test
    void reattachWithinTheWindow() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            // GIVEN a session monitoring 5001, and its socket lost
            DmccTestClient c = f.client();
            String id = c.startSession(60);
            String xref = c.monitor("5001");
            c.close();
            await().until(() -> f.peer.sessions() == 1 && f.peer.monitors() == 1);
            // WHEN an agent logs on in the gap, and the client comes back with the old id
            f.peer.setAgentState("7001", "loggedOn", "manualIn", 0);
            DmccTestClient back = f.client();
            DmccTestClient.Frame r = back.request(startSession("ctiuser", "Secret#1", 60, id, "E/priv7", 180));
            // THEN the same session, its monitor still delivering, and nothing of the gap replayed
            assertThat(SafeXml.text(r.root(), "sessionID")).isEqualTo(id);
            assertThat(f.peer.monitorsOf("5001")).isEqualTo(1);
            back.expectNoEvent("AgentLoggedOnEvent", Duration.ofMillis(300));
            f.peer.setAgentState("7001", "notReady", "auxWork", 2);
            assertThat(SafeXml.text(back.event("AgentNotReadyEvent").root(), "monitorCrossRefID")).isEqualTo(xref);
        }
    }

    /** Verifies that after the window the session and its monitors are gone and a re-attach is refused. */
    @Test
    void reattachRefusedAfterTheWindow() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.client();
            String id = c.startSession(1);
            c.monitor("5001");
            c.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> f.peer.sessions() == 0);
            assertThat(f.peer.monitors()).isZero();
            DmccTestClient back = f.client();
            assertThat(back.request(startSession("ctiuser", "Secret#1", 60, id, "E/priv7", 180)).name())
                    .isEqualTo("StartApplicationSessionNegResponse");
        }
    }

    /** Verifies §3's recovery step 2: a refused re-attach, a new session, and TransferMonitorObjects moving the monitors over. */
    @Test
    void refusedReattachThenTransfer() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.client();
            String old = c.startSession(60);
            String xref = c.monitor("5001");
            f.peer.refuseReattach(true);
            c.close();
            DmccTestClient back = f.client();
            assertThat(back.request(startSession("ctiuser", "Secret#1", 60, old, "E/priv7", 180)).name())
                    .isEqualTo("StartApplicationSessionNegResponse");
            String fresh = back.startSession(60);
            assertThat(back.request("<TransferMonitorObjects xmlns=\"V\"><fromSessionID>" + old + "</fromSessionID><toSessionID>" + fresh
                    + "</toSessionID></TransferMonitorObjects>").name()).isEqualTo("TransferMonitorObjectsResponse");
            f.peer.setAgentState("7001", "loggedOn", "auxWork", 0);
            assertThat(SafeXml.text(back.event("AgentLoggedOnEvent").root(), "monitorCrossRefID")).isEqualTo(xref);
        }
    }

    /** Verifies that StopApplicationSession ends the session and its monitors, and an unknown id gets the Neg response. */
    @Test
    void stop() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.client();
            String id = c.startSession(60);
            c.monitor("5001");
            assertThat(c.request("<StopApplicationSession xmlns=\"A\"><sessionID>" + id
                    + "</sessionID><sessionEndReason><definedEndReason>normal</definedEndReason></sessionEndReason></StopApplicationSession>").name())
                    .isEqualTo("StopApplicationSessionPosResponse");
            assertThat(f.peer.sessions()).isZero();
            assertThat(f.peer.monitors()).isZero();
            assertThat(c.request("<StopApplicationSession xmlns=\"A\"><sessionID>" + id + "</sessionID></StopApplicationSession>").name())
                    .isEqualTo("StopApplicationSessionNegResponse");
        }
    }
}
