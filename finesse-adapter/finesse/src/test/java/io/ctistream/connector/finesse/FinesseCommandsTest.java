package io.ctistream.connector.finesse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.connector.finesse.codec.FinesseState;
import io.ctistream.connector.finesse.codec.FinesseUser;
import io.ctistream.connector.finesse.codec.ReasonCode;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.CommandStatus;
import io.ctistream.events.LogOff;
import io.ctistream.events.LogOn;
import io.ctistream.events.Platform;
import io.ctistream.events.Principal;
import io.ctistream.events.Role;
import io.ctistream.events.SetDnd;
import io.ctistream.events.SetState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies canonical commands as Finesse User requests: the body, what confirms them, what Finesse cannot be asked. */
class FinesseCommandsTest {
    private final ReasonCodes reasons = new ReasonCodes();
    private final AgentProfile profile = AgentProfile.newBuilder().setTenant("t").setAgentId("t/a").setQueues(List.of())
            .setPlatform(Platform.FINESSE).setPlatformUserId("1234").setAttributes(Map.of("extension", "1001")).build();

    FinesseCommandsTest() {
        reasons.learn("NOT_READY", List.of(new ReasonCode("16", "10", "Team Meeting", "NOT_READY", true)));
        reasons.learn("LOGOUT", List.of(new ReasonCode("17", "20", "End of Shift", "LOGOUT", true)));
    }

    @Test
    void notReadyNamesTheFinesseIdOfTheReasonReportsShow() throws Exception {
        var r = FinesseCommands.of(command(SetState.newBuilder().setState(AgentState.NOT_READY).setReasonCode("10").build()), profile, reasons);
        assertThat(r.body()).isEqualTo("<User><state>NOT_READY</state><reasonCodeId>16</reasonCodeId></User>");
        assertThat(r.confirmedBy().test(user(FinesseState.NOT_READY, null, "16"))).isTrue();
        assertThat(r.confirmedBy().test(user(FinesseState.NOT_READY, null, "1"))).as("another reason").isFalse();
        assertThat(r.confirmedBy().test(user(FinesseState.TALKING, FinesseState.NOT_READY, null))).as("pending during a call").isTrue();
        assertThat(r.confirmedBy().test(user(FinesseState.READY, null, null))).isFalse();
    }

    @Test
    void aReasonTheListLacksIsSentAsGiven() throws Exception {
        var r = FinesseCommands.of(command(SetState.newBuilder().setState(AgentState.NOT_READY).setReasonCode("22").build()), profile, reasons);
        assertThat(r.body()).contains("<reasonCodeId>22</reasonCodeId>");
    }

    @Test
    void logOnSignsInOnTheProfilesExtensionThenAsksForTheInitialState() throws Exception {
        var r = FinesseCommands.of(command(LogOn.newBuilder().setInitialState(AgentState.READY).build()), profile, reasons);
        assertThat(r.body()).isEqualTo("<User><state>LOGIN</state><extension>1001</extension></User>");
        assertThat(r.confirmedBy().test(user(FinesseState.NOT_READY, null, null))).isTrue();
        assertThat(r.confirmedBy().test(user(FinesseState.LOGOUT, null, null))).isFalse();
        assertThat(r.then().body()).isEqualTo("<User><state>READY</state></User>");
    }

    @Test
    void logOnWithoutAnExtensionIsRejectedBeforeFinesseIsAsked() {
        AgentProfile none = AgentProfile.newBuilder(profile).setAttributes(Map.of()).build();
        assertThatThrownBy(() -> FinesseCommands.of(command(LogOn.newBuilder().build()), none, reasons))
                .isInstanceOfSatisfying(FinesseCommands.Refused.class, e -> {
                    assertThat(e.outcome.status()).isEqualTo(CommandStatus.REJECTED);
                    assertThat(e.outcome.code()).isEqualTo("NO_EXTENSION");
                });
    }

    @Test
    void logOffNamesTheLogoutReason() throws Exception {
        var r = FinesseCommands.of(command(LogOff.newBuilder().setReason("20").build()), profile, reasons);
        assertThat(r.body()).isEqualTo("<User><state>LOGOUT</state><reasonCodeId>17</reasonCodeId></User>");
        assertThat(r.confirmedBy().test(user(FinesseState.LOGOUT, null, "17"))).isTrue();
    }

    @Test
    void whatCallsDriveOrFinesseLacksIsRefused() {
        assertThatThrownBy(() -> FinesseCommands.of(command(SetState.newBuilder().setState(AgentState.WRAP_UP).build()), profile, reasons))
                .isInstanceOfSatisfying(FinesseCommands.Refused.class, e -> assertThat(e.outcome.code()).isEqualTo("NOT_SETTABLE"));
        assertThatThrownBy(() -> FinesseCommands.of(command(SetDnd.newBuilder().setEnabled(true).build()), profile, reasons))
                .isInstanceOfSatisfying(FinesseCommands.Refused.class, e -> assertThat(e.outcome.code()).isEqualTo("NOT_SUPPORTED"));
    }

    /** Regression (review): a sign-out's reason is looked up among LOGOUT codes, and a LogOn can only end NOT_READY or READY. */
    @Test
    void aSignOutsReasonIsALogoutCodeAndLogOnStatesAreChecked() throws Exception {
        assertThat(FinesseCommands.reasonCategory(command(SetState.newBuilder().setState(AgentState.LOGGED_OUT).setReasonCode("20").build())))
                .isEqualTo("LOGOUT");
        assertThat(FinesseCommands.reasonCategory(command(LogOff.newBuilder().build()))).isEqualTo("LOGOUT");
        assertThat(FinesseCommands.reasonCategory(command(SetState.newBuilder().setState(AgentState.NOT_READY).build()))).isEqualTo("NOT_READY");
        var r = FinesseCommands.of(command(SetState.newBuilder().setState(AgentState.LOGGED_OUT).setReasonCode("20").build()), profile, reasons);
        assertThat(r.body()).contains("<reasonCodeId>17</reasonCodeId>");
        assertThatThrownBy(() -> FinesseCommands.of(command(LogOn.newBuilder().setInitialState(AgentState.WRAP_UP).build()), profile, reasons))
                .isInstanceOfSatisfying(FinesseCommands.Refused.class, e -> assertThat(e.outcome.code()).isEqualTo("NOT_SETTABLE"));
    }

    private static FinesseUser user(FinesseState state, FinesseState pending, String reasonId) {
        return new FinesseUser("1234", "jsmith", "1001", state, pending, reasonId, null, null, "5005", "Sales", List.of());
    }

    private static AgentCommand command(Object c) {
        return AgentCommand.newBuilder().setCommandId("c-1").setTenant("t").setAgentId("t/a")
                .setPrincipal(Principal.newBuilder().setSubject("s").setRole(Role.AGENT).build())
                .setIssuedAt(Instant.EPOCH).setDeadline(Instant.EPOCH.plusSeconds(10)).setCommand(c).build();
    }
}
