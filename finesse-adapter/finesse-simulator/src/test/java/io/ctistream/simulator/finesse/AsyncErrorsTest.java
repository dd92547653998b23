package io.ctistream.simulator.finesse;

import static io.ctistream.simulator.finesse.SimFixture.DIALOGS_NODE;
import static io.ctistream.simulator.finesse.SimFixture.USER_NODE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies that invalid requests are accepted (202) and then fail with an apiErrors notification, as Finesse does (§4). */
@Timeout(60)
class AsyncErrorsTest {
    private final SimFixture f = new SimFixture();

    @AfterEach
    void close() {
        f.close();
    }

    /** Verifies TV3: READY while signed out is 202, then apiErrors Invalid State CF_INVALID_OBJECT_STATE 22 in lowerCamel. */
    @Test
    void readyWhileSignedOutFailsAsynchronously() {
        XmppTestClient x = f.xmpp("1234");
        assertThat(f.putState("1234", "<User><state>READY</state></User>", "r-1")).isEqualTo(202);
        XmppTestClient.Update e = x.nextUpdate(USER_NODE);
        assertThat(e.field("errorType")).isEqualTo("Invalid State");
        assertThat(e.field("errorMessage")).isEqualTo("CF_INVALID_OBJECT_STATE");
        assertThat(e.field("errorData")).isEqualTo("22");
        assertThat(e.field("requestId")).isEqualTo("r-1");
        assertThat(e.field("source")).isEqualTo(USER_NODE);
        assertThat(f.sim.agentState("1234")).isEqualTo("LOGOUT");
    }

    /** Verifies TV4: a sign-in with someone else's extension fails with Invalid Device 260 / 10125. */
    @Test
    void signInWithABadExtensionFailsAsynchronously() {
        XmppTestClient x = f.xmpp("1234");
        assertThat(f.putState("1234", "<User><state>LOGIN</state><extension>1002</extension></User>", null)).isEqualTo(202);
        XmppTestClient.Update e = x.nextUpdate(USER_NODE);
        assertThat(e.field("errorType")).isEqualTo("Invalid Device");
        assertThat(e.field("errorMessage")).isEqualTo("CF_INVALID_LOGON_DEVICE_SPECIFIED");
        assertThat(e.field("errorData")).isEqualTo("260");
        assertThat(e.field("peripheralErrorCode")).isEqualTo("10125");
    }

    /** Verifies the UCCE rule that LOGOUT is allowed only from NOT_READY, and that READY → READY publishes nothing. */
    @Test
    void logoutFromReadyFailsAndReadyToReadyIsSilent() {
        // GIVEN a READY agent
        XmppTestClient x = f.xmpp("1234");
        f.putState("1234", "<User><state>LOGIN</state><extension>1001</extension></User>", null);
        f.putState("1234", "<User><state>READY</state></User>", null);
        x.nextUpdate(USER_NODE, u -> "READY".equals(u.field("state")));
        // WHEN it asks for READY again, then LOGOUT
        assertThat(f.putState("1234", "<User><state>READY</state></User>", "again")).isEqualTo(202);
        assertThat(f.putState("1234", "<User><state>LOGOUT</state></User>", "out")).isEqualTo(202);
        // THEN the next notification is the LOGOUT's error: the second READY published nothing
        XmppTestClient.Update e = x.nextUpdate(USER_NODE);
        assertThat(e.field("requestId")).isEqualTo("out");
        assertThat(e.field("errorType")).isEqualTo("Invalid State");
        assertThat(f.sim.agentState("1234")).isEqualTo("READY");
    }

    /** Verifies that a dialog action the participant does not allow fails with a Call Operation Failure on the dialog (TV10 shape). */
    @Test
    void aCallActionNotAllowedFailsAsynchronously() {
        XmppTestClient x = f.xmpp("1234");
        f.putState("1234", "<User><state>LOGIN</state><extension>1001</extension></User>", null);
        x.nextUpdate(USER_NODE);
        String dialogId = f.sim.offerCall("1234", "10", "5551234", Map.of());
        assertThat(f.dialogAction("1234", dialogId, "HOLD", "1001", "h-1")).isEqualTo(202);
        XmppTestClient.Update e = x.nextUpdate(DIALOGS_NODE, u -> u.has("apiErrors"));
        assertThat(e.field("errorType")).isEqualTo("Call Operation Failure");
        assertThat(e.field("source")).isEqualTo("/finesse/api/Dialog/" + dialogId);
        assertThat(e.field("requestId")).isEqualTo("h-1");
        assertThat(f.dialogAction("1234", dialogId, "ANSWER", "9999", null)).isEqualTo(400);
        assertThat(f.dialogAction("1234", dialogId, "TRANSFER_SST", "1001", null)).isEqualTo(400);
        assertThat(f.dialogAction("1235", dialogId, "ANSWER", "1002", null)).isEqualTo(401);
    }

    /** Verifies that NOT_READY during a call is pending, and applied at the drop through WORK, then NOT_READY with its reason (§5). */
    @Test
    void notReadyDuringACallIsPendingUntilTheDrop() {
        // GIVEN a TALKING agent
        XmppTestClient x = f.xmpp("1234");
        f.putState("1234", "<User><state>LOGIN</state><extension>1001</extension></User>", null);
        f.putState("1234", "<User><state>READY</state></User>", null);
        x.nextUpdate(USER_NODE, u -> "READY".equals(u.field("state")));
        String dialogId = f.sim.offerCall("1234", "10", "5551234", Map.of());
        f.sim.answerCall("1234", dialogId);
        x.nextUpdate(USER_NODE, u -> "TALKING".equals(u.field("state")));
        // WHEN it asks for NOT_READY with a reason
        assertThat(f.putState("1234", "<User><state>NOT_READY</state><reasonCodeId>2</reasonCodeId></User>", null)).isEqualTo(202);
        // THEN it stays TALKING with the pending state shown
        XmppTestClient.Update pending = x.nextUpdate(USER_NODE);
        assertThat(pending.field("state")).isEqualTo("TALKING");
        assertThat(pending.field("pendingState")).isEqualTo("NOT_READY");
        // WHEN the caller hangs up THEN WORK (wrap-up), and NOT_READY with reason 2 when wrap-up ends
        f.sim.hangUp("1234", dialogId);
        XmppTestClient.Update work = x.nextUpdate(USER_NODE);
        assertThat(work.field("state")).isEqualTo("WORK");
        assertThat(work.field("pendingState")).isEmpty();
        f.sim.endWrapUp("1234");
        XmppTestClient.Update after = x.nextUpdate(USER_NODE);
        assertThat(after.field("state")).isEqualTo("NOT_READY");
        assertThat(after.field("reasonCodeId")).isEqualTo("2");
    }
}
