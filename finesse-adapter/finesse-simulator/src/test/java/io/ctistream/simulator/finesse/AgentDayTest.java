package io.ctistream.simulator.finesse;

import static io.ctistream.simulator.finesse.SimFixture.DIALOGS_NODE;
import static io.ctistream.simulator.finesse.SimFixture.PASSWORD;
import static io.ctistream.simulator.finesse.SimFixture.USER_NODE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies a whole agent day over REST and the built-in XMPP server: sign-in to log-out, one call with hold and wrap-up. */
@Timeout(60)
class AgentDayTest {
    private final SimFixture f = new SimFixture(s -> s.withTimings(Duration.ofMillis(10), Duration.ofMillis(200), Duration.ofSeconds(60),
            Duration.ofMillis(300), Duration.ofMillis(200)));

    @AfterEach
    void close() {
        f.close();
    }

    /** Verifies that sign-in, ready, a call offered, answered, held, retrieved and dropped, wrap-up, not-ready and log-out each publish what Finesse does. */
    @Test
    void theWholeAgentDayIsPublished() {
        // GIVEN agent 1234 with a notification session
        XmppTestClient x = f.xmpp("1234");

        // WHEN it signs in with a requestId
        HttpResponse<String> login = f.restA.put("/finesse/api/User/1234", "1234", PASSWORD,
                "<User><state>LOGIN</state><extension>1001</extension></User>", "7f1c-01");
        // THEN 202 with the requestId and an empty body, then the User notification (TV1)
        assertThat(login.statusCode()).isEqualTo(202);
        assertThat(login.headers().firstValue("requestId")).hasValue("7f1c-01");
        assertThat(login.body()).isEmpty();
        XmppTestClient.Update signedIn = x.nextUpdate(USER_NODE);
        assertThat(signedIn.field("state")).isEqualTo("NOT_READY");
        assertThat(signedIn.field("requestId")).isEqualTo("7f1c-01");
        assertThat(signedIn.field("extension")).isEqualTo("1001");
        assertThat(signedIn.field("source")).isEqualTo(USER_NODE);
        assertThat(signedIn.xml()).contains("<user>").contains("<event>PUT</event>");

        // WHEN it goes READY and a routed call arrives
        assertThat(f.putState("1234", "<User><state>READY</state></User>", "7f1c-02")).isEqualTo(202);
        assertThat(x.nextUpdate(USER_NODE).field("state")).isEqualTo("READY");
        String dialogId = f.sim.offerCall("1234", "10", "5551234", Map.of("callVariable1", "ACC-42"));
        // THEN a Dialogs POST with the ALERTING call (TV7) and the agent RESERVED
        XmppTestClient.Update offered = x.nextUpdate(DIALOGS_NODE);
        assertThat(offered.field("event")).isEqualTo("POST");
        assertThat(offered.field("source")).isEqualTo(DIALOGS_NODE);
        assertThat(offered.root().getElementsByTagName("Dialog").getLength()).isEqualTo(1);
        assertThat(offered.field("id")).isEqualTo(dialogId);
        assertThat(offered.field("action")).isEqualTo("ANSWER");
        assertThat(offered.field("callType")).isEqualTo("ACD_IN");
        assertThat(offered.xml()).contains("<value>ACC-42</value>").contains("<queueNumber>10</queueNumber>");
        assertThat(x.nextUpdate(USER_NODE).field("state")).isEqualTo("RESERVED");

        // WHEN the agent answers (TV8)
        assertThat(f.dialogAction("1234", dialogId, "ANSWER", "1001", "7f1c-03")).isEqualTo(202);
        XmppTestClient.Update answered = x.nextUpdate(DIALOGS_NODE);
        assertThat(answered.field("source")).isEqualTo("/finesse/api/Dialog/" + dialogId);
        assertThat(answered.field("requestId")).isEqualTo("7f1c-03");
        assertThat(answered.xml()).contains("<dialog>").contains("<action>HOLD</action>");
        assertThat(x.nextUpdate(USER_NODE).field("state")).isEqualTo("TALKING");

        // WHEN it holds and retrieves
        assertThat(f.dialogAction("1234", dialogId, "HOLD", "1001", null)).isEqualTo(202);
        assertThat(x.nextUpdate(DIALOGS_NODE).xml()).contains("<state>HELD</state>").contains("<action>RETRIEVE</action>");
        assertThat(x.nextUpdate(USER_NODE).field("state")).isEqualTo("HOLD");
        assertThat(f.dialogAction("1234", dialogId, "RETRIEVE", "1001", null)).isEqualTo(202);
        assertThat(x.nextUpdate(USER_NODE).field("state")).isEqualTo("TALKING");

        // WHEN it drops the call
        assertThat(f.dialogAction("1234", dialogId, "DROP", "1001", "7f1c-04")).isEqualTo(202);
        // THEN the dialog is removed, the agent wraps up and the wrap-up timer makes it READY
        XmppTestClient.Update dropped = x.nextUpdate(DIALOGS_NODE, u -> "DELETE".equals(u.field("event")));
        assertThat(dropped.field("requestId")).isEqualTo("7f1c-04");
        assertThat(x.nextUpdate(USER_NODE).field("state")).isEqualTo("WORK_READY");
        assertThat(x.nextUpdate(USER_NODE).field("state")).isEqualTo("READY");
        assertThat(f.restA.get("/finesse/api/User/1234/Dialogs", "1234", PASSWORD).body()).isEqualTo("<Dialogs/>");

        // WHEN it goes NOT_READY with a reason (TV2) and signs out
        assertThat(f.putState("1234", "<User><state>NOT_READY</state><reasonCodeId>16</reasonCodeId></User>", null)).isEqualTo(202);
        XmppTestClient.Update notReady = x.nextUpdate(USER_NODE);
        assertThat(notReady.field("reasonCodeId")).isEqualTo("16");
        assertThat(notReady.field("label")).isEqualTo("Team Meeting");
        assertThat(notReady.field("requestId")).isEmpty();
        assertThat(f.putState("1234", "<User><state>LOGOUT</state><reasonCodeId>17</reasonCodeId></User>", null)).isEqualTo(202);
        // THEN the agent is signed out, as the GET also says
        assertThat(x.nextUpdate(USER_NODE).field("state")).isEqualTo("LOGOUT");
        HttpResponse<String> user = f.restA.get("/finesse/api/User/1234", "1234", PASSWORD);
        assertThat(user.statusCode()).isEqualTo(200);
        assertThat(user.body()).startsWith("<User>").contains("<state>LOGOUT</state>").contains("<reasonCodeId>17</reasonCodeId>")
                .contains("<stateChangeTime>2024-03-01T17:58:21.123Z</stateChangeTime>");
    }

    /** Verifies that a MAKE_CALL from READY sets NOT_READY 50006, rings, connects and leaves the agent NOT_READY after it. */
    @Test
    void makeCallFromReady() {
        // GIVEN agent 1234 READY with a notification session
        XmppTestClient x = f.xmpp("1234");
        f.putState("1234", "<User><state>LOGIN</state><extension>1001</extension></User>", null);
        f.putState("1234", "<User><state>READY</state></User>", null);
        x.nextUpdate(USER_NODE, u -> "READY".equals(u.field("state")));
        // WHEN it makes a call
        HttpResponse<String> r = f.restA.post("/finesse/api/User/1234/Dialogs", "1234", PASSWORD,
                "<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>1001</fromAddress><toAddress>5550100</toAddress></Dialog>", "mc-1");
        // THEN CCE's NOT_READY 50006, the INITIATED dialog, TALKING, then ACTIVE when the far end answers
        assertThat(r.statusCode()).isEqualTo(202);
        XmppTestClient.Update nr = x.nextUpdate(USER_NODE);
        assertThat(nr.field("state")).isEqualTo("NOT_READY");
        assertThat(nr.field("reasonCodeId")).isEqualTo("50006");
        XmppTestClient.Update initiated = x.nextUpdate(DIALOGS_NODE);
        assertThat(initiated.field("event")).isEqualTo("POST");
        assertThat(initiated.field("requestId")).isEqualTo("mc-1");
        assertThat(initiated.xml()).contains("<state>INITIATED</state>").contains("<callType>OUT</callType>");
        assertThat(x.nextUpdate(USER_NODE).field("state")).isEqualTo("TALKING");
        assertThat(x.nextUpdate(DIALOGS_NODE).field("event")).isEqualTo("PUT");
        String dialogId = f.sim.dialogs("1234").get(0);
        f.sim.hangUp("1234", dialogId);
        XmppTestClient.Update after = x.nextUpdate(USER_NODE);
        assertThat(after.field("state")).isEqualTo("NOT_READY");
        assertThat(after.field("reasonCodeId")).isEqualTo("50006");
    }
}
