package io.ctistream.connector.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.connector.core.testkit.RecordingSink;
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import io.ctistream.events.DndChanged;
import io.ctistream.events.LinkState;
import io.ctistream.events.Platform;
import io.ctistream.events.SubscriptionChanged;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Verifies the platform-neutral half of an agent session: only changes go out, links combine, a loss is told again in full. */
class AgentFactsTest {
    private static final AgentProfile AGENT = AgentProfile.newBuilder().setTenant("t").setAgentId("t/a1").setDisplayName("A1")
            .setTeamId("t/red").setQueues(List.of()).setPlatform(Platform.BROADWORKS).setPlatformUserId("a1@x.test").build();
    private RecordingSink sink;
    private AgentFacts facts;

    @BeforeEach
    void start() {
        sink = new RecordingSink();
        ConnectorContext ctx = new ConnectorContext(null, sink, new Events(Platform.BROADWORKS, "bw-1", Clock.systemUTC()), new ConnectorMetrics(),
                new QueueOwnership());
        facts = new AgentFacts(ctx, AGENT, List.of("hoteling", "feature"));
    }

    @Test
    void onlyChangesArePublished() {
        facts.state(AgentState.READY, null, null);
        facts.state(AgentState.READY, null, null);
        facts.state(AgentState.NOT_READY, "0012", "Lunch");
        facts.state(AgentState.NOT_READY, "0013", "Break");
        facts.dnd(true);
        facts.dnd(true);
        assertThat(described()).containsExactly("state READY -", "state NOT_READY 0012", "state NOT_READY 0013", "dnd true");
    }

    @Test
    void theLinkCombinesTheChannels() {
        assertThat(facts.link("hoteling", LinkState.ACTIVE, null)).as("the other channel is still starting").isNull();
        assertThat(facts.link("feature", LinkState.ACTIVE, null)).isEqualTo(LinkState.ACTIVE);
        assertThat(facts.link("feature", LinkState.LOST, "SIP_481")).isEqualTo(LinkState.LOST);
        assertThat(facts.link("hoteling", LinkState.TERMINATED, "TERMINATED_REJECTED")).as("a refusal outranks a loss").isEqualTo(LinkState.TERMINATED);
        assertThat(described()).containsExactly("link ACTIVE", "link LOST SIP_481", "link TERMINATED TERMINATED_REJECTED");
    }

    /** Verifies that after a loss everything still known is told again, and the link's ACTIVE comes last (the full state is in). */
    @Test
    void afterALossEverythingKnownIsToldAgainBeforeActive() {
        facts.link("hoteling", LinkState.ACTIVE, null);
        facts.link("feature", LinkState.ACTIVE, null);
        facts.guest("g@x.test");
        facts.state(AgentState.TALKING, null, null);
        facts.dnd(false);
        facts.call(call("c1", CallState.CONNECTED));
        int mark = sink.events.size();

        facts.link("feature", LinkState.LOST, "SIP_408");
        facts.link("feature", LinkState.ACTIVE, null);

        assertThat(described().subList(mark, sink.events.size())).containsExactly("link LOST SIP_408", "guest g@x.test", "dnd false",
                "state TALKING -", "call c1 CONNECTED", "link ACTIVE");
    }

    @Test
    void whatALostChannelCarriedIsNotToldAgainUntilSaid() {
        facts.link("hoteling", LinkState.ACTIVE, null);
        facts.link("feature", LinkState.ACTIVE, null);
        facts.state(AgentState.READY, null, null);
        facts.link("feature", LinkState.LOST, "SIP_408");
        facts.unknown(AgentFacts.Fact.STATE);
        int mark = sink.events.size();
        facts.link("feature", LinkState.ACTIVE, null);
        assertThat(described().subList(mark, sink.events.size())).containsExactly("link ACTIVE");
    }

    @Test
    void callsArePublishedOnChangeAndAFullListEndsTheMissingAsLastSeen() {
        facts.call(call("c0", CallState.ENDED)); // never seen starting: nothing to tell
        facts.call(call("c1", CallState.RINGING));
        facts.call(call("c1", CallState.RINGING));
        facts.call(call("c1", CallState.CONNECTED));
        facts.callsPresent(Set.of(), "gone from the full state");
        assertThat(described()).containsExactly("call c1 RINGING", "call c1 CONNECTED", "call c1 ENDED");
        AgentCallEvent end = (AgentCallEvent) sink.events.get(2).getPayload();
        assertThat(end.getQueueId()).isEqualTo("t/sales");
        assertThat(end.getRemoteParty()).isEqualTo("+4930123");
        assertThat(end.getCause()).isEqualTo("gone from the full state");
        assertThat(facts.calls()).isEmpty();
    }

    @Test
    void theCommandInFlightNamesWhatItCaused() {
        facts.commandInFlight("cmd-1");
        facts.state(AgentState.READY, null, null);
        facts.call(call("c1", CallState.RINGING));
        facts.commandInFlight(null);
        facts.state(AgentState.NOT_READY, "0001", null);
        assertThat(sink.events).extracting(e -> e.getHeader().getCorrelationId()).containsExactly("cmd-1", "c1", null);
    }

    /**
     * Verifies the snapshot-then-stream step (issue #14): changes reported while a full state is
     * read are held and applied after it, unless the snapshot already has something newer; what the
     * snapshot corrects goes out, and nothing that did not change.
     */
    @Test
    void changesDuringASnapshotAreHeldAndAppliedAfterItUnlessOlder() {
        java.time.Instant t0 = java.time.Instant.EPOCH.plusSeconds(36_000); // any instant: nothing here reaches a broker
        facts.state(AgentState.READY, null, null, t0);
        facts.call(call("c1", CallState.RINGING));
        int mark = sink.events.size();

        facts.snapshotBegins();
        facts.state(AgentState.TALKING, null, null, t0.plusSeconds(5)); // before the GET was read: older than the snapshot's
        facts.call(call("c1", CallState.RINGING)); // a step behind the snapshot's CONNECTED
        facts.call(call("c2", CallState.RINGING)); // after the GET was read: the snapshot lacks it
        facts.state(AgentState.NOT_READY, "0010", "Meeting", t0.plusSeconds(20)); // newer than the snapshot's
        assertThat(sink.events).as("nothing goes out while the snapshot is read").hasSize(mark);

        facts.snapshot(AgentState.TALKING, null, null, t0.plusSeconds(10), List.of(call("c1", CallState.CONNECTED)), "gone");

        assertThat(described().subList(mark, sink.events.size())).containsExactly("state TALKING -", "call c1 CONNECTED", "call c2 RINGING",
                "state NOT_READY 0010");
        assertThat(facts.snapshotting()).isFalse();
    }

    /** Verifies that a re-read agreeing with what was published publishes nothing, and one that disagrees publishes the correction. */
    @Test
    void aReReadPublishesOnlyItsCorrections() {
        facts.state(AgentState.READY, null, null);
        facts.call(call("c1", CallState.CONNECTED));
        int mark = sink.events.size();
        facts.snapshotBegins();
        facts.snapshot(AgentState.READY, null, null, null, List.of(call("c1", CallState.CONNECTED)), "gone");
        assertThat(sink.events).hasSize(mark);

        facts.snapshotBegins();
        facts.snapshot(AgentState.NOT_READY, "0001", null, null, List.of(), "not in the re-read");
        assertThat(described().subList(mark, sink.events.size())).containsExactly("state NOT_READY 0001", "call c1 ENDED");
    }

    private static AgentCallEvent call(String id, CallState state) {
        return AgentCallEvent.newBuilder().setCallId(id).setDirection(CallDirection.INBOUND).setCallState(state).setQueueId("t/sales")
                .setRemoteParty("+4930123").build();
    }

    private List<String> described() {
        return sink.events.stream().map(AgentFactsTest::describe).toList();
    }

    private static String describe(AgentEvent e) {
        Object p = e.getPayload();
        if (p instanceof AgentStateChanged s) {
            return "state " + s.getState() + " " + (s.getReasonCode() == null ? "-" : s.getReasonCode());
        } else if (p instanceof SubscriptionChanged s) {
            return "link " + s.getLinkState() + (s.getReason() == null ? "" : " " + s.getReason());
        } else if (p instanceof DndChanged d) {
            return "dnd " + d.getEnabled();
        } else if (p instanceof AgentCallEvent c) {
            return "call " + c.getCallId() + " " + c.getCallState();
        } else if (p instanceof io.ctistream.events.HotelingChanged h) {
            return "guest " + h.getGuestAddress();
        }
        return p.toString();
    }
}
