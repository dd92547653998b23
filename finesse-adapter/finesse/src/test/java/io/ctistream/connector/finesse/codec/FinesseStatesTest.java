package io.ctistream.connector.finesse.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.connector.finesse.codec.FinesseDialog.ParticipantState;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Verifies the Finesse-to-canonical mapping (protocols/finesse.md section 5) and the named system reason codes. */
class FinesseStatesTest {

    /** Verifies the agent state table, every Finesse state included. */
    @ParameterizedTest
    @CsvSource({"LOGOUT,LOGGED_OUT", "LOGIN,NOT_READY", "NOT_READY,NOT_READY", "READY,READY", "RESERVED,RESERVED",
        "RESERVED_OUTBOUND,RESERVED", "RESERVED_OUTBOUND_PREVIEW,RESERVED", "TALKING,TALKING", "HOLD,HOLD", "WORK,WRAP_UP",
        "WORK_READY,WRAP_UP", "UNKNOWN,UNKNOWN"})
    void agentStates(FinesseState finesse, AgentState canonical) {
        assertThat(FinesseStates.agentState(finesse)).isEqualTo(canonical);
    }

    /** Verifies the table covers every state the enum has (a new constant must be mapped on purpose). */
    @ParameterizedTest
    @EnumSource(FinesseState.class)
    void everyFinesseStateIsMapped(FinesseState s) {
        assertThat(FinesseStates.agentState(s)).isNotNull();
    }

    /** Verifies the participant state table: the agent's own participant decides its call state. */
    @ParameterizedTest
    @CsvSource({"ALERTING,OFFERED", "ACTIVE,CONNECTED", "HELD,HELD", "INITIATING,DIALING", "INITIATED,DIALING", "FAILED,FAILED",
        "DROPPED,ENDED", "WRAP_UP,ENDED", "ACCEPTED,CONNECTED", "UNKNOWN,UNKNOWN"})
    void participantStates(ParticipantState finesse, CallState canonical) {
        assertThat(FinesseStates.callState(finesse)).isEqualTo(canonical);
    }

    /** Verifies the text readers: any case, blank is null, unknown text is UNKNOWN rather than an exception. */
    @Test
    void statesAreReadLeniently() {
        assertThat(FinesseState.of(" talking ")).isEqualTo(FinesseState.TALKING);
        assertThat(FinesseState.of("")).isNull();
        assertThat(FinesseState.of("ON_BREAK")).isEqualTo(FinesseState.UNKNOWN);
        assertThat(ParticipantState.of("held")).isEqualTo(ParticipantState.HELD);
        assertThat(ParticipantState.of(null)).isEqualTo(ParticipantState.UNKNOWN);
        assertThat(FinesseDialog.State.of("Dropped")).isEqualTo(FinesseDialog.State.DROPPED);
        assertThat(FinesseUpdate.Event.of("delete")).isEqualTo(FinesseUpdate.Event.DELETE);
        assertThat(SystemInfo.Status.of("out_of_service")).isEqualTo(SystemInfo.Status.OUT_OF_SERVICE);
    }

    /** Verifies the system reason codes, which the ReasonCode API does not list, per deployment type. */
    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "50006,UCCE,CALL_STARTED_FROM_READY", "50006,null,CALL_STARTED_FROM_READY", "50006,UCCX,UCCX_SYSTEM",
        "999,UCCE,SUPERVISOR_NOT_READY", "999,PCCE,SUPERVISOR_NOT_READY", "999,UCCX,null",
        "33,UCCX,SUPERVISOR_NOT_READY_UCCX", "33,null,SUPERVISOR_NOT_READY_UCCX", "33,UCCE,null",
        "255,UCCE,FORCED_LOGOUT", "255,UCCX,FORCED_LOGOUT", "255,null,FORCED_LOGOUT",
        "32760,UCCX,UCCX_SYSTEM", "32767,uccx,UCCX_SYSTEM", "32759,UCCX,null", "32760,UCCE,null",
        "12,null,null", "-1,null,null", "abc,null,null", "99999999999,null,null", "null,null,null"})
    void systemReasons(String code, String deployment, SystemReason expected) {
        assertThat(SystemReason.of(code, deployment)).isEqualTo(expected);
    }

    /** Verifies that Finesse's own label wins over a system label, and a label-less system code is named. */
    @Test
    void reasonLabels() {
        FinesseUser forced = user(null, new ReasonCode(null, "255", "Forced by supervisor", "LOGOUT", null));
        assertThat(FinesseStates.reason(forced, null)).isEqualTo(new FinesseStates.Reason("255", "Forced by supervisor"));
        FinesseUser bare = user(null, new ReasonCode("3", "255", null, "LOGOUT", null));
        assertThat(FinesseStates.reason(bare, null)).isEqualTo(new FinesseStates.Reason("255", "Forced logout"));
        FinesseUser idOnly = user("16", null);
        assertThat(FinesseStates.reason(idOnly, "UCCE")).isEqualTo(new FinesseStates.Reason("16", null));
        assertThat(FinesseStates.reason(user(null, null), "UCCE")).isNull();
    }

    /** Verifies that a dialog without the agent's participant falls back to the dialog state, and no extension gives UNKNOWN direction. */
    @Test
    void dialogFallbacks() {
        FinesseDialog d = new FinesseDialog("1", null, "5551234", "7000", FinesseDialog.State.ALERTING, null, null, null, null, null, null,
                java.util.Map.of(), List.of());
        assertThat(FinesseStates.agentCallState(d, "1001")).isEqualTo(CallState.OFFERED);
        assertThat(FinesseStates.direction(d, null)).isEqualTo(io.ctistream.events.CallDirection.UNKNOWN);
        assertThat(FinesseStates.remoteParty(d, "1001")).isEqualTo("5551234");
    }

    private static FinesseUser user(String reasonCodeId, ReasonCode rc) {
        return new FinesseUser("1234", null, "1001", FinesseState.NOT_READY, null, reasonCodeId, rc, null, null, null, List.of());
    }
}
