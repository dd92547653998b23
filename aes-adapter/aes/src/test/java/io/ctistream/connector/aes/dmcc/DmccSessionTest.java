package io.ctistream.connector.aes.dmcc;

import static io.ctistream.connector.aes.dmcc.Futures.failure;
import static io.ctistream.connector.aes.dmcc.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.aes.codec.DmccMessage;
import io.ctistream.connector.aes.codec.DmccMessage.CallEvent;
import io.ctistream.connector.aes.codec.DmccMessage.DeviceId;
import io.ctistream.connector.aes.codec.DmccRequests;
import io.ctistream.connector.aes.dmcc.DmccSession.Recovery;
import io.ctistream.connector.core.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verifies the DMCC session against {@link FakeDmccServer} over loopback sockets (protocols/aes.md
 * sections 1 and 3): the first start, requests matched by invoke id (timeouts, late answers, the
 * wrap at 9998), errors, keep-alives, every recovery path (re-attach, transfer, new), refused
 * credentials, AES's own requests, malformed bodies and broken framing, and the second address.
 */
@Timeout(60)
class DmccSessionTest {
    static final String DEVICE = "5001:CM1:10.10.10.5:0";

    Vertx vertx;
    FakeDmccServer server;
    RecordingListener listener;
    DmccSession session;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        server = FakeDmccServer.start(vertx);
        listener = new RecordingListener();
    }

    @AfterEach
    void tearDown() {
        if (session != null) {
            session.abort();
        }
        server.close();
        join(vertx.close());
    }

    /** Verifies that the first start brings a NEW session up with the id, version and duration AES gave, asking for every default version. */
    @Test
    void firstStartBringsANewSessionUp() {
        // WHEN the session starts against a reachable AES
        join(start(options()));
        // THEN it is up, NEW, with AES's session id and version, and the request named every default version
        await().until(() -> listener.ups.size() == 1);
        assertThat(listener.ups).containsExactly(Recovery.NEW);
        assertThat(session.up()).isTrue();
        assertThat(session.sessionId()).isEqualTo("FAKE1-0");
        assertThat(session.protocolVersion()).endsWith("/privC");
        String start = server.received("StartApplicationSession").get(0).xml();
        assertThat(start).contains("/privC</protocolVersion>", "/priv6</protocolVersion>").doesNotContain("sessionID");
        assertThat(server.received("StartApplicationSession").get(0).invokeId()).isEqualTo("0001");
        assertThat(listener.threads).allMatch(t -> t.startsWith("vert.x-eventloop"));
    }

    /** Verifies that a request is answered with the message AES sent under its invoke id. */
    @Test
    void requestIsAnswered() {
        server.handler = r -> r.root().equals("GetDeviceId")
                ? "<GetDeviceIdResponse xmlns=\"" + FakeDmccServer.V + "\"><device>" + DEVICE + "</device></GetDeviceIdResponse>" : null;
        up(options());

        DmccMessage answer = join(session.request(DmccRequests.getDeviceId("CM1", "5001")));

        assertThat(answer).isEqualTo(new DeviceId(DEVICE));
        assertThat(session.pending()).isZero();
    }

    /** Verifies that a request while no session is up fails at once, retriable dmcc-session-down. */
    @Test
    void requestWhileDownFailsAtOnce() {
        session = new DmccSession(vertx, options(), listener);

        Failure f = (Failure) failure(session.request(DmccRequests.getAgentState(DEVICE)));

        assertThat(f.code()).isEqualTo("dmcc-session-down");
        assertThat(f.retriable()).isTrue();
    }

    /** Verifies that an unanswered request fails retriable dmcc-timeout and that its late answer is dropped, the session carrying on. */
    @Test
    void timeoutThenLateAnswerIsDropped() {
        // GIVEN AES that does not answer GetAgentState
        up(options().withRequestTimeout(Duration.ofMillis(300)));
        // WHEN a request times out
        Failure f = (Failure) failure(session.request(DmccRequests.getAgentState(DEVICE)));
        assertThat(f.code()).isEqualTo("dmcc-timeout");
        assertThat(f.retriable()).isTrue();
        // AND its answer arrives late
        String id = server.received("GetAgentState").get(0).invokeId();
        server.send(id, "<GetAgentStateResponse xmlns=\"" + FakeDmccServer.E + "\"/>");
        // THEN it goes nowhere, and the session still answers requests
        server.handler = r -> "<MonitorStartResponse xmlns=\"" + FakeDmccServer.E + "\"><monitorCrossRefID>9</monitorCrossRefID></MonitorStartResponse>";
        assertThat(join(session.request(DmccRequests.monitorStart(DEVICE)))).isEqualTo(new DmccMessage.MonitorStarted("9"));
        assertThat(listener.events).isEmpty();
        assertThat(session.up()).isTrue();
        assertThat(session.pending()).isZero();
    }

    /** Verifies that invoke ids wrap from 9998 to 0001 (9999 is the events') and skip an id still pending. */
    @Test
    void invokeIdsWrapAndSkipPending() {
        // GIVEN AES that never answers a GetAgentState, and answers MonitorStop
        server.handler = r -> r.root().equals("MonitorStop") ? "<MonitorStopResponse xmlns=\"" + FakeDmccServer.E + "\"/>" : null;
        up(options());
        session.nextInvokeId(9997);
        // WHEN 9997 stays pending and the next ones are answered
        Future<DmccMessage> held = session.request(DmccRequests.getAgentState(DEVICE));
        join(session.request(DmccRequests.monitorStop("1")));
        join(session.request(DmccRequests.monitorStop("2")));
        // AND the counter comes round to 9997 again
        session.nextInvokeId(9997);
        join(session.request(DmccRequests.monitorStop("3")));
        // THEN the ids were 9997, 9998, 0001 and, skipping the pending 9997, 9998
        List<String> ids = new ArrayList<>();
        server.received.stream().filter(r -> !r.root().equals("StartApplicationSession")).forEach(r -> ids.add(r.invokeId()));
        assertThat(ids).containsExactly("9997", "9998", "0001", "9998");
        assertThat(held.isComplete()).isFalse();
        assertThat(session.pending()).isEqualTo(1);
    }

    /** Verifies that a CSTAErrorCode answer fails the request with a DmccRequestException carrying the error and a readable message. */
    @Test
    void cstaErrorIsADmccRequestException() {
        server.handler = r -> "<CSTAErrorCode xmlns=\"" + FakeDmccServer.E + "\"><operation>invalidAgentPassword</operation></CSTAErrorCode>";
        up(options());

        DmccRequestException e = (DmccRequestException) failure(session.request(DmccRequests.setAgentState(DEVICE,
                new DmccRequests.AgentRequest("loggedOn", "7001", "1234", "manualIn", null, false))));

        assertThat(e.cstaError().code()).isEqualTo("operation/invalidAgentPassword");
        assertThat(e.code()).isEqualTo("operation/invalidAgentPassword");
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).isEqualTo("the agent id or password was refused by Communication Manager [operation/invalidAgentPassword]");
    }

    /** Verifies the keep-alive cadence: a third of AES's actual duration, asking for the configured duration again. */
    @Test
    void keepAliveEveryThirdOfTheDuration() {
        // GIVEN AES that grants 3 s sessions
        server.actualDurationSeconds = 3;
        up(options().withSessionDurationSeconds(3));
        // WHEN three keep-alives have been sent
        await().atMost(Duration.ofSeconds(10)).until(() -> server.received("ResetApplicationSessionTimer").size() >= 3);
        // THEN they came about a second apart, for the session, and the session stayed up
        List<FakeDmccServer.Received> k = server.received("ResetApplicationSessionTimer");
        assertThat(server.millisBetween(k.get(0), k.get(2))).isBetween(1_500L, 4_000L);
        assertThat(k.get(0).xml()).contains("<sessionID>FAKE1-0</sessionID>", "<requestedSessionDuration>3</requestedSessionDuration>");
        assertThat(listener.downs).isEmpty();
    }

    /** Verifies that a refused keep-alive means the session is gone: down, then a NEW session without re-attach. */
    @Test
    void keepAliveRefusedGivesANewSession() {
        server.actualDurationSeconds = 3;
        server.refuseKeepAlive = true;
        up(options().withSessionDurationSeconds(3));

        await().atMost(Duration.ofSeconds(10)).until(() -> listener.ups.size() >= 2);

        assertThat(listener.calls.subList(0, 3)).containsExactly("up NEW", "down", "up NEW");
        assertThat(listener.downs.get(0)).contains("keep-alive refused");
        assertThat(server.received("StartApplicationSession").get(1).xml()).doesNotContain("sessionID");
        assertThat(session.sessionId()).isEqualTo("FAKE2-0");
    }

    /** Verifies that two keep-alives in a row unanswered mean the session is gone: down, then NEW. */
    @Test
    void keepAlivesUnansweredGiveANewSession() {
        server.actualDurationSeconds = 3;
        server.silentKeepAlive = true;
        up(options().withSessionDurationSeconds(3));

        await().atMost(Duration.ofSeconds(15)).until(() -> listener.ups.size() >= 2);

        assertThat(listener.calls.subList(0, 3)).containsExactly("up NEW", "down", "up NEW");
        assertThat(listener.downs.get(0)).contains("two keep-alives");
    }

    /** Verifies that a dropped connection fails the requests in flight, and the reconnect re-attaches the same session. */
    @Test
    void droppedConnectionReattaches() {
        up(options());
        String before = session.sessionId();
        Future<DmccMessage> inFlight = session.request(DmccRequests.getAgentState(DEVICE));
        await().until(() -> server.received("GetAgentState").size() == 1);
        // WHEN the connection drops
        server.drop();
        // THEN the request fails retriable, the session goes down and comes back REATTACHED with the same id
        assertThat(((Failure) failure(inFlight)).code()).isEqualTo("dmcc-session-down");
        await().until(() -> listener.ups.size() == 2);
        assertThat(listener.calls).containsExactly("up NEW", "down", "up REATTACHED");
        assertThat(session.sessionId()).isEqualTo(before);
        assertThat(server.received("StartApplicationSession").get(1).xml()).contains("<ns1:sessionID>" + before + "</ns1:sessionID>");
        assertThat(server.connections.get()).isEqualTo(2);
    }

    /** Verifies that when AES refuses the re-attach, a new session takes the old monitors over: TRANSFERRED. */
    @Test
    void reattachRefusedTransfers() {
        server.reattach = false;
        up(options());
        String old = session.sessionId();

        server.drop();
        await().until(() -> listener.ups.size() == 2);

        assertThat(listener.ups).containsExactly(Recovery.NEW, Recovery.TRANSFERRED);
        assertThat(session.sessionId()).isNotEqualTo(old);
        assertThat(server.received("TransferMonitorObjects").get(0).xml())
                .contains("<fromSessionID>" + old + "</fromSessionID><toSessionID>" + session.sessionId() + "</toSessionID>");
    }

    /** Verifies that when the transfer is refused too, the new session is NEW: the adapter re-creates everything. */
    @Test
    void transferRefusedIsNew() {
        server.reattach = false;
        server.refuseTransfer = true;
        up(options());

        server.drop();
        await().until(() -> listener.ups.size() == 2);

        assertThat(listener.ups).containsExactly(Recovery.NEW, Recovery.NEW);
    }

    /** Verifies that ApplicationSessionTerminated takes the session down and a new one (no re-attach) comes up. */
    @Test
    void sessionTerminatedGivesANewSession() {
        up(options());
        String old = session.sessionId();

        server.send("9999", "<ApplicationSessionTerminated xmlns=\"" + FakeDmccServer.A + "\"><sessionID>" + old
                + "</sessionID><sessionTermReason><definedTermReason>sessionTimerExpired</definedTermReason></sessionTermReason></ApplicationSessionTerminated>");
        await().until(() -> listener.ups.size() == 2);

        assertThat(listener.calls).containsExactly("up NEW", "down", "up NEW");
        assertThat(listener.downs.get(0)).contains("sessionTimerExpired");
        assertThat(server.received("StartApplicationSession").get(1).xml()).doesNotContain("sessionID");
    }

    /** Verifies that refused credentials are reported and retried only at reconnectMax pace, never hammered (accounts lock). */
    @Test
    void refusedCredentialsAreRetriedSlowly() {
        // GIVEN a wrong password and a quick backoff but a reconnectMax of 1.5 s
        DmccOptions wrong = new DmccOptions(List.of(address(server)), false, null, null, true, "ctistream", FakeDmccServer.USER, "wrong-pw", 60, 180,
                DmccOptions.DEFAULT_PROTOCOL_VERSIONS, Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(20), Duration.ofMillis(1500),
                65535);
        // WHEN the session starts
        join(start(wrong));
        // THEN start completed without a session, refused was told, and the second try came no sooner than reconnectMax
        assertThat(session.up()).isFalse();
        assertThat(listener.refused).hasSize(1);
        assertThat(listener.refused.get(0)).contains("invalidApplicationInfo").doesNotContain("wrong-pw");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.received("StartApplicationSession").size() >= 2);
        List<FakeDmccServer.Received> starts = server.received("StartApplicationSession");
        assertThat(server.millisBetween(starts.get(0), starts.get(1))).isGreaterThanOrEqualTo(1_400L);
        assertThat(listener.ups).isEmpty();
    }

    /** Verifies that a SystemStatus request from AES is answered under its invoke id and passed on. */
    @Test
    void systemStatusFromAesIsAnswered() {
        up(options());

        server.send("0042", "<SystemStatus xmlns=\"" + FakeDmccServer.E + "\"><systemStatus>disabled</systemStatus></SystemStatus>");

        await().until(() -> !server.received("SystemStatusResponse").isEmpty());
        assertThat(server.received("SystemStatusResponse").get(0).invokeId()).isEqualTo("0042");
        await().until(() -> listener.events.size() == 1);
        assertThat(listener.events).containsExactly(new DmccMessage.SystemStatus("disabled"));
    }

    /** Verifies that events are handed to the listener, read by the codec. */
    @Test
    void eventsArePassedOn() {
        up(options());

        server.send("9999", "<EstablishedEvent xmlns=\"" + FakeDmccServer.E + "\"><monitorCrossRefID>17</monitorCrossRefID><establishedConnection>"
                + "<callID>412</callID><deviceID>" + DEVICE + "</deviceID></establishedConnection></EstablishedEvent>");

        await().until(() -> listener.events.size() == 1);
        assertThat(((CallEvent) listener.events.get(0)).callId()).isEqualTo("412");
    }

    /** Verifies that a body the codec refuses is reported as malformed and the connection stays. */
    @Test
    void malformedBodyKeepsTheConnection() {
        up(options());

        server.send("9999", "<DeliveredEvent><unclosed>");
        server.send("9999", "<AgentReadyEvent xmlns=\"" + FakeDmccServer.E + "\"><agentID>7001</agentID></AgentReadyEvent>");

        await().until(() -> listener.events.size() == 1);
        assertThat(listener.malformed).containsExactly("dmcc");
        assertThat(session.up()).isTrue();
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(listener.downs).isEmpty();
    }

    /** Verifies that broken framing closes the connection and the session recovers on a new one (re-attached). */
    @Test
    void brokenFramingReconnects() {
        up(options());

        server.sendRaw("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        await().until(() -> listener.ups.size() == 2);
        assertThat(listener.calls).containsExactly("up NEW", "down", "up REATTACHED");
        assertThat(listener.downs.get(0)).contains("framing lost");
        assertThat(server.connections.get()).isEqualTo(2);
    }

    /** Verifies that when the first address is down the second is used (AES without a VIP). */
    @Test
    void secondAddressIsUsedWhenTheFirstIsDown() {
        // GIVEN a first address where nothing listens
        FakeDmccServer gone = FakeDmccServer.start(vertx);
        DmccOptions.Address dead = address(gone);
        gone.close();
        // WHEN the session starts
        session = new DmccSession(vertx, options().withAddresses(List.of(dead, address(server))), listener);
        join(session.start());
        // THEN it comes up on the second address
        await().until(() -> listener.ups.size() == 1);
        assertThat(server.connections.get()).isEqualTo(1);
    }

    /** Verifies that stop ends the session with AES and does not reconnect. */
    @Test
    void stopEndsTheSessionForGood() {
        up(options());

        join(session.stop());

        assertThat(server.received("StopApplicationSession")).hasSize(1);
        assertThat(server.received("StopApplicationSession").get(0).xml()).contains("<definedEndReason>normal</definedEndReason>");
        await().until(() -> server.closedConnections.get() == 1);
        assertThat(session.up()).isFalse();
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(listener.downs).isEmpty();
        session = null;
    }

    /** Verifies that abort closes at once without telling AES and does not reconnect. */
    @Test
    void abortClosesWithoutTellingAes() {
        up(options());

        session.abort();

        await().until(() -> server.closedConnections.get() == 1);
        assertThat(server.received("StopApplicationSession")).isEmpty();
        assertThat(server.connections.get()).isEqualTo(1);
        session = null;
    }

    private DmccOptions options() {
        return DmccOptions.defaults(List.of(address(server)), FakeDmccServer.USER, FakeDmccServer.PASSWORD).withTls(false)
                .withReconnect(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private Future<Void> start(DmccOptions o) {
        session = new DmccSession(vertx, o, listener);
        return session.start();
    }

    private void up(DmccOptions o) {
        join(start(o));
        await().until(() -> session.up());
    }

    static DmccOptions.Address address(FakeDmccServer s) {
        return new DmccOptions.Address("127.0.0.1", s.port());
    }
}
