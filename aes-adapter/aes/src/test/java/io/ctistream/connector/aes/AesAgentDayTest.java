package io.ctistream.connector.aes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.aes.dmcc.DmccOptions;
import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.ConnectorSettings;
import io.ctistream.connector.core.ConnectorVerticle;
import io.ctistream.connector.core.Events;
import io.ctistream.connector.core.testkit.ManualCommandSource;
import io.ctistream.connector.core.testkit.RecordingSink;
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import io.ctistream.events.CommandResult;
import io.ctistream.events.CommandStatus;
import io.ctistream.events.LinkState;
import io.ctistream.events.LogOff;
import io.ctistream.events.LogOn;
import io.ctistream.events.Platform;
import io.ctistream.events.Principal;
import io.ctistream.events.Role;
import io.ctistream.events.SetState;
import io.ctistream.events.SubscriptionChanged;
import io.ctistream.simulator.aes.AesPeer;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Verifies the AES connector end to end against the DMCC peer over real sockets: an agent's whole
 * day arrives in canonical terms and its commands complete on CM's word; the application session
 * recovers every way aes.md section 3 lists (re-attach, new session + transfer, new session, timer
 * expired, AES restart) with the agent LOST — never stale and LIVE — in between, and read again
 * before it is ACTIVE; the AES-CM link going down makes the agent LOST too.
 */
class AesAgentDayTest {
    static final String STATION = "5001";
    static final String AGENT_ID = "7001";
    static final String PASSWORD = "1234";
    private Vertx vertx;
    private AesPeer peer;
    private RecordingSink sink;
    private ManualCommandSource source;
    private ConnectorMetrics metrics;
    private String deployment;
    private final AgentProfile agent = AgentProfile.newBuilder().setTenant("acme").setAgentId("acme/a1").setDisplayName("Agent a1")
            .setTeamId("acme/team").setQueues(List.of("acme/sales")).setPlatform(Platform.AES).setPlatformUserId(STATION)
            .setCredentialRef("a1").build();

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        if (peer != null) {
            peer.close();
        }
    }

    /** Verifies the day: log on, ready, an ACD call offered/answered/held/retrieved/ended, after-call work, AUX with a reason, log off. */
    @Test
    void anAgentsDayArrivesInCanonicalTerms() throws Exception {
        start(AesPeer.Settings.loopback(), AesConfig.defaults("CM1"));

        assertThat(run(LogOn.newBuilder().setInitialState(AgentState.NOT_READY).build())).isEqualTo(CommandStatus.COMPLETED);
        awaitState(AgentState.NOT_READY);
        assertThat(peer.agentState(AGENT_ID).loggedOn()).isTrue();
        assertThat(run(SetState.newBuilder().setState(AgentState.READY).build())).isEqualTo(CommandStatus.COMPLETED);
        awaitState(AgentState.READY);

        // an ACD call through VDN 3100 to skill 4001, which the connector names acme/sales
        String call = peer.offerCall(STATION, "3100", "0612345678");
        awaitCall(call, CallState.OFFERED);
        assertThat(lastCall(call).getQueueId()).isEqualTo("acme/sales");
        assertThat(lastCall(call).getDirection()).isEqualTo(CallDirection.INBOUND);
        assertThat(lastCall(call).getRemoteParty()).isEqualTo("0612345678");
        // the screen pop's call data: the VDN the caller dialled, and CM's 20-digit UCID
        assertThat(lastCall(call).getDialledNumber()).isEqualTo("3100");
        assertThat(lastCall(call).getCallData()).containsOnlyKeys("ucid");
        assertThat(lastCall(call).getCallData().get("ucid")).matches("\\d{20}");
        peer.answerCall(STATION, call);
        awaitCall(call, CallState.CONNECTED);
        peer.holdCall(STATION, call, true);
        awaitCall(call, CallState.HELD);
        peer.holdCall(STATION, call, false);
        awaitCall(call, CallState.CONNECTED);
        peer.hangUp(STATION, call);
        awaitCall(call, CallState.ENDED);
        // manual-in: CM puts the agent into after-call work when the ACD call ends
        awaitState(AgentState.WRAP_UP);

        assertThat(run(SetState.newBuilder().setState(AgentState.NOT_READY).setReasonCode("3").build())).isEqualTo(CommandStatus.COMPLETED);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            AgentStateChanged s = last(AgentStateChanged.class);
            assertThat(s.getState()).isEqualTo(AgentState.NOT_READY);
            assertThat(s.getReasonCode()).isEqualTo("3");
            assertThat(s.getReasonLabel()).isEqualTo("Lunch");
        });
        assertThat(run(LogOff.newBuilder().build())).isEqualTo(CommandStatus.COMPLETED);
        awaitState(AgentState.LOGGED_OUT);
        assertThat(peer.agentState(AGENT_ID).loggedOn()).isFalse();
    }

    /** Verifies that a call the agent transfers away ends for the agent as TRANSFERRED (CM's TransferedEvent, misspelt). */
    @Test
    void aTransferredCallEndsForTheAgent() throws Exception {
        start(AesPeer.Settings.loopback(), AesConfig.defaults("CM1"));
        peer.addStation("5002", "7002", "9999");
        loggedOnReady();
        String call = peer.offerCall(STATION, "3100", "0612345678");
        peer.answerCall(STATION, call);
        awaitCall(call, CallState.CONNECTED);
        peer.transfer(STATION, call, "5002");
        awaitCall(call, CallState.TRANSFERRED);
    }

    /** Verifies that an agent released (a rebalance) has its monitor stopped and device id released at AES: no licence held for nothing. */
    @Test
    void aReleasedAgentsMonitorIsStopped() throws Exception {
        start(AesPeer.Settings.loopback(), AesConfig.defaults("CM1"));
        assertThat(peer.monitorsOf(STATION)).isEqualTo(1);
        source.lose(agent.getAgentId());
        await().atMost(Duration.ofSeconds(10)).until(() -> peer.monitorsOf(STATION) == 0);
        assertThat(peer.sessions()).as("the session stays for the instance's other agents").isEqualTo(1);
    }

    /** Verifies that CM's refusals reach the softphone in words a person can act on, and refusals before AES is asked. */
    @Test
    void refusalsAreAnsweredWithAReason() throws Exception {
        start(AesPeer.Settings.loopback(), AesConfig.defaults("CM1"));
        peer.addStation("5002", "7002", "9999");
        // READY while logged off: CM refuses
        CommandResult notOn = result(SetState.newBuilder().setState(AgentState.READY).build());
        assertThat(notOn.getStatus()).isEqualTo(CommandStatus.REJECTED);
        assertThat(notOn.getCode()).isEqualTo("INVALID_STATE");
        // a reason that is not one of CM's numbers never reaches AES
        int before = peer.commandsReceived(AGENT_ID);
        CommandResult badReason = result(SetState.newBuilder().setState(AgentState.NOT_READY).setReasonCode("lunch").build());
        assertThat(badReason.getStatus()).isEqualTo(CommandStatus.REJECTED);
        assertThat(badReason.getCode()).isEqualTo("BAD_REASON");
        assertThat(peer.commandsReceived(AGENT_ID)).isEqualTo(before);
        assertThat(badReason.getMessage()).doesNotContain(PASSWORD);
    }

    /** Verifies that a wrong ACD password is REJECTED BAD_CREDENTIALS and the password appears nowhere in the result. */
    @Test
    void aWrongPasswordIsRejectedWithoutShowingIt() throws Exception {
        start(AesPeer.Settings.loopback(), AesConfig.defaults("CM1"), "4321");
        CommandResult r = result(LogOn.newBuilder().setInitialState(AgentState.NOT_READY).build());
        assertThat(r.getStatus()).isEqualTo(CommandStatus.REJECTED);
        assertThat(r.getCode()).isEqualTo("BAD_CREDENTIALS");
        assertThat(r.getMessage()).doesNotContain("4321").doesNotContain("34333231");
    }

    /** Verifies a re-attach: the socket drops, the session (and its monitor) survive, the agent is LOST, read again, then ACTIVE with what changed meanwhile. */
    @Test
    void aDroppedSocketReattachesAndRereadsTheAgent() throws Exception {
        start(AesPeer.Settings.loopback(), AesConfig.defaults("CM1"));
        loggedOnReady();
        String session = peer.sessionIds().get(0);
        int from = sink.events(agent.getAgentId()).size();

        peer.dropConnections(true);
        awaitLink(from, LinkState.LOST);
        awaitLink(from, LinkState.ACTIVE);

        assertThat(peer.sessionIds()).containsExactly(session);
        assertThat(peer.monitorsOf(STATION)).as("the monitor survived the re-attach").isEqualTo(1);
        assertThat(linksAfter(from)).containsExactly(LinkState.LOST, LinkState.ACTIVE);
    }

    /** Verifies that when AES refuses the re-attach, a new session takes the monitors over (TransferMonitorObjects). */
    @Test
    void aRefusedReattachTransfersTheMonitorsToANewSession() throws Exception {
        start(AesPeer.Settings.loopback(), AesConfig.defaults("CM1"));
        loggedOnReady();
        String old = peer.sessionIds().get(0);
        peer.refuseReattach(true);
        int from = sink.events(agent.getAgentId()).size();

        peer.dropConnections(true);
        // the agent changes at the phone while the connector is away: events in the gap are lost on AES
        await().atMost(Duration.ofSeconds(10)).until(() -> linksAfter(from).contains(LinkState.LOST));
        peer.setAgentState(AGENT_ID, "notReady", "auxWork", 2);
        awaitLink(from, LinkState.ACTIVE);

        // the old session lingers detached until its cleanup delay ends, without its monitor
        assertThat(peer.sessionIds()).hasSize(2).contains(old);
        assertThat(peer.monitorsOf(STATION)).as("the monitor moved, not doubled").isEqualTo(1);
        assertThat(last(AgentStateChanged.class).getState()).as("read again before ACTIVE").isEqualTo(AgentState.NOT_READY);
        assertThat(last(AgentStateChanged.class).getReasonCode()).isEqualTo("2");
    }

    /** Verifies that with the session gone (sessions dropped), every device id and monitor is made anew. */
    @Test
    void aLostSessionRecreatesTheMonitors() throws Exception {
        start(AesPeer.Settings.loopback(), AesConfig.defaults("CM1"));
        loggedOnReady();
        int from = sink.events(agent.getAgentId()).size();
        peer.dropConnections(false);
        awaitLink(from, LinkState.ACTIVE);
        assertThat(linksAfter(from)).first().isEqualTo(LinkState.LOST);
        assertThat(peer.monitorsOf(STATION)).isEqualTo(1);
        assertThat(peer.sessions()).isEqualTo(1);
        assertCommandsStillWork();
    }

    /** Verifies that missed keep-alives end the session (AES's timer) and the connector recovers with a new one. */
    @Test
    void missedKeepAlivesEndTheSessionAndItIsRecovered() throws Exception {
        start(AesPeer.Settings.loopback().withMaxSessionDuration(3), AesConfig.defaults("CM1"));
        loggedOnReady();
        String old = peer.sessionIds().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> peer.keepAlivesReceived() > 0);
        int from = sink.events(agent.getAgentId()).size();

        peer.ignoreKeepAlives(true);
        await().atMost(Duration.ofSeconds(15)).until(() -> linksAfter(from).contains(LinkState.LOST));
        peer.ignoreKeepAlives(false);
        awaitLink(from, LinkState.ACTIVE);
        assertThat(peer.sessionIds()).doesNotContain(old).hasSize(1);
        assertThat(peer.monitorsOf(STATION)).isEqualTo(1);
    }

    /** Verifies that an AES restart (every socket, session and monitor gone) is recovered: LOST, then the agent linked and read anew. */
    @Test
    void anAesRestartIsRecovered() throws Exception {
        start(AesPeer.Settings.loopback(), AesConfig.defaults("CM1"));
        loggedOnReady();
        int from = sink.events(agent.getAgentId()).size();
        peer.restart(Duration.ofSeconds(1));
        awaitLink(from, LinkState.ACTIVE);
        assertThat(linksAfter(from)).first().isEqualTo(LinkState.LOST);
        assertThat(last(AgentStateChanged.class).getState()).isEqualTo(AgentState.READY);
        assertCommandsStillWork();
    }

    /** Verifies that while AES reports its link to CM down, the agent is LOST (UNKNOWN downstream), and read again when it is back. */
    @Test
    void theCmLinkDownMakesTheAgentLost() throws Exception {
        start(AesPeer.Settings.loopback(), AesConfig.defaults("CM1"));
        loggedOnReady();
        await().atMost(Duration.ofSeconds(10)).until(this::connectorPlatformUp);
        int from = sink.events(agent.getAgentId()).size();
        peer.linkDown();
        awaitLink(from, LinkState.LOST);
        assertThat(last(SubscriptionChanged.class).getReason()).contains("AES_CM_LINK_DOWN");
        assertThat(metrics.alarmsTotal("aes_cm_link_down")).isEqualTo(1);
        peer.linkUp();
        awaitLink(from, LinkState.ACTIVE);
    }

    /** Verifies polling for AES releases without agent events (6.2): a change at the phone is seen, commands complete on a read. */
    @Test
    void withoutAgentEventsTheStateIsPolled() throws Exception {
        start(AesPeer.Settings.loopback().withAgentEvents(false), AesConfig.defaults("CM1").withAgentEvents(false, Duration.ofMillis(500)));
        assertThat(run(LogOn.newBuilder().setInitialState(AgentState.READY).build())).isEqualTo(CommandStatus.COMPLETED);
        awaitState(AgentState.READY);
        peer.setAgentState(AGENT_ID, "notReady", "auxWork", 7);
        await().atMost(Duration.ofSeconds(10)).until(() -> "7".equals(last(AgentStateChanged.class).getReasonCode()));
        assertThat(last(AgentStateChanged.class).getState()).isEqualTo(AgentState.NOT_READY);
    }

    /** Verifies that hostile and malformed bodies are counted and dropped while the link and its events go on. */
    @Test
    void hostileBodiesAreDroppedAndTheLinkLives() throws Exception {
        start(AesPeer.Settings.loopback(), AesConfig.defaults("CM1"));
        loggedOnReady();
        int from = sink.events(agent.getAgentId()).size();
        peer.sendRaw(frame("9999", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><AgentReadyEvent>&e;</AgentReadyEvent>"));
        peer.sendRaw(frame("9999", "<AgentReadyEvent xmlns=\"http://www.ecma-international.org/standards/ecma-323/csta/ed3\"><monitorCross"));
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.malformedTotal(AesAgent.CHANNEL) >= 2);
        peer.setAgentState(AGENT_ID, "notReady", "auxWork", 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> "4".equals(last(AgentStateChanged.class).getReasonCode()));
        assertThat(linksAfter(from)).as("the link never dropped").isEmpty();
    }

    private static byte[] frame(String invokeId, String xml) {
        byte[] body = xml.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = new byte[8 + body.length];
        out[2] = (byte) ((out.length >> 8) & 0xff);
        out[3] = (byte) (out.length & 0xff);
        System.arraycopy(invokeId.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, out, 4, 4);
        System.arraycopy(body, 0, out, 8, body.length);
        return out;
    }

    private boolean connectorPlatformUp() {
        return sink.statuses.stream().reduce((a, b) -> b).map(s -> s.getState().name().equals("RUNNING")).orElse(false);
    }

    private void assertCommandsStillWork() {
        assertThat(run(SetState.newBuilder().setState(AgentState.NOT_READY).setReasonCode("1").build())).isEqualTo(CommandStatus.COMPLETED);
        awaitState(AgentState.NOT_READY);
    }

    private void loggedOnReady() {
        assertThat(run(LogOn.newBuilder().setInitialState(AgentState.READY).build())).isEqualTo(CommandStatus.COMPLETED);
        awaitState(AgentState.READY);
    }

    private void start(AesPeer.Settings settings, AesConfig config) throws Exception {
        start(settings, config, PASSWORD);
    }

    private void start(AesPeer.Settings settings, AesConfig config, String password) throws Exception {
        peer = AesPeer.start(settings);
        peer.addStation(STATION, AGENT_ID, PASSWORD);
        peer.addVdn("3100", "4001");
        DmccOptions options = DmccOptions.defaults(List.of(new DmccOptions.Address("127.0.0.1", peer.port())), "ctiuser", "Secret#1")
                .withTls(false).withReconnect(Duration.ofMillis(50), Duration.ofMillis(500)).withRequestTimeout(Duration.ofSeconds(3));
        vertx = Vertx.vertx();
        sink = new RecordingSink();
        source = new ManualCommandSource();
        Events events = new Events(Platform.AES, "aes-" + UUID.randomUUID().toString().substring(0, 8), Clock.systemUTC());
        metrics = new ConnectorMetrics();
        AesAdapter adapter = new AesAdapter(config.withMonitorRate(100).withCommandTimeout(Duration.ofSeconds(2))
                .withQueues(Map.of("4001", "sales")).withReasonLabels(Map.of("3", "Lunch")), options,
                AesCredentials.of(Map.of("a1", new AesCredentials.Secret(AGENT_ID, password))));
        ConnectorVerticle connector = new ConnectorVerticle(new ConnectorSettings(events.instanceId(), Duration.ofMillis(200), 100),
                adapter, source, sink, events, metrics);
        deployment = vertx.deployVerticle(connector).await(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(source::started);
        source.gain(agent);
        await().atMost(Duration.ofSeconds(20)).until(() -> sink.events(agent.getAgentId()).stream()
                .anyMatch(e -> e.getPayload() instanceof SubscriptionChanged s && s.getLinkState() == LinkState.ACTIVE));
        assertThat(last(AgentStateChanged.class).getState()).as("the snapshot before ACTIVE").isEqualTo(AgentState.LOGGED_OUT);
    }

    private CommandStatus run(Object command) {
        return result(command).getStatus();
    }

    private CommandResult result(Object command) {
        AgentCommand c = AgentCommand.newBuilder().setCommandId(UUID.randomUUID().toString()).setTenant(agent.getTenant()).setAgentId(agent.getAgentId())
                .setPrincipal(Principal.newBuilder().setSubject("a1").setRole(Role.AGENT).build()).setIssuedAt(Instant.now())
                .setDeadline(Instant.now().plusSeconds(15)).setCommand(command).build();
        source.command(c);
        await().atMost(Duration.ofSeconds(15)).until(() -> !sink.results(c.getCommandId()).isEmpty());
        return sink.results(c.getCommandId()).get(0);
    }

    private List<LinkState> linksAfter(int from) {
        List<AgentEvent> all = sink.events(agent.getAgentId());
        return all.subList(from, all.size()).stream().filter(e -> e.getPayload() instanceof SubscriptionChanged)
                .map(e -> ((SubscriptionChanged) e.getPayload()).getLinkState()).toList();
    }

    private void awaitLink(int from, LinkState state) {
        await().atMost(Duration.ofSeconds(20)).until(() -> linksAfter(from).contains(state));
    }

    private void awaitState(AgentState state) {
        await().atMost(Duration.ofSeconds(10)).until(() -> last(AgentStateChanged.class) != null && last(AgentStateChanged.class).getState() == state);
    }

    private void awaitCall(String id, CallState state) {
        await().atMost(Duration.ofSeconds(10)).until(() -> lastCall(id) != null && lastCall(id).getCallState() == state);
    }

    private AgentCallEvent lastCall(String id) {
        AgentCallEvent last = null;
        for (AgentEvent e : sink.events(agent.getAgentId())) {
            if (e.getPayload() instanceof AgentCallEvent c && c.getCallId().equals(id)) {
                last = c;
            }
        }
        return last;
    }

    private <T> T last(Class<T> type) {
        T last = null;
        for (AgentEvent e : sink.events(agent.getAgentId())) {
            if (type.isInstance(e.getPayload())) {
                last = type.cast(e.getPayload());
            }
        }
        return last;
    }
}
