package io.ctistream.simulator.finesse;

import static io.ctistream.simulator.finesse.SimFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies the synchronous side of the REST API: SystemInfo, auth and its failures, lockout, GETs, malformed bodies. */
@Timeout(60)
class RestApiTest {
    private final SimFixture f = new SimFixture();

    @AfterEach
    void close() {
        f.close();
    }

    /** Verifies that SystemInfo answers without credentials with TV6's fields. */
    @Test
    void systemInfoNeedsNoCredentials() {
        HttpResponse<String> r = f.restA.get("/finesse/api/SystemInfo", null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/xml");
        assertThat(r.body()).contains("<deploymentType>UCCE</deploymentType>").contains("<status>IN_SERVICE</status>")
                .contains("<primaryNode><host>fin-a.example.com</host></primaryNode>")
                .contains("<secondaryNode><host>fin-b.example.com</host></secondaryNode>")
                .contains("<systemAuthMode>NON_SSO</systemAuthMode>").contains("<xmppDomain>fin-a.example.com</xmppDomain>")
                .contains("<xmppPubSubDomain>pubsub.fin-a.example.com</xmppPubSubDomain>");
        assertThat(f.restB.get("/finesse/api/SystemInfo", null, null).body()).contains("<status>OUT_OF_SERVICE</status>");
    }

    /** Verifies that a wrong password gets Cisco's HTML error page, not ApiErrors (§8.6), and that the knob switches to XML. */
    @Test
    void wrongPasswordGetsTheHtmlPageOrApiErrors() {
        HttpResponse<String> html = f.restA.get("/finesse/api/User/1234", "1234", "wrong");
        assertThat(html.statusCode()).isEqualTo(401);
        assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(html.body()).contains("HTTP Status 401").doesNotContain("ApiErrors");
        assertThat(f.restA.get("/finesse/api/User/1234", null, null).statusCode()).isEqualTo(401);

        f.sim.unauthorizedAsXml(true);
        HttpResponse<String> xml = f.restA.get("/finesse/api/User/1234", "1234", "wrong");
        assertThat(xml.statusCode()).isEqualTo(401);
        assertThat(xml.body()).contains("<ErrorType>Authorization Failure</ErrorType>");
    }

    /** Verifies TV5: acting for another user is 401 Invalid Authorization User Specified, as ApiErrors. */
    @Test
    void actingForAnotherUserIsRefused() {
        HttpResponse<String> r = f.restA.put("/finesse/api/User/1235", "1234", PASSWORD, "<User><state>READY</state></User>", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("<ErrorType>Invalid Authorization User Specified</ErrorType>").contains("<ErrorData>1235</ErrorData>");
    }

    /** Verifies that five wrong passwords lock the user for five minutes on the simulator's clock, right password or not. */
    @Test
    void fiveWrongPasswordsLockTheUserForFiveMinutes() {
        // GIVEN five wrong passwords
        for (int i = 0; i < 5; i++) {
            assertThat(f.restA.get("/finesse/api/User/1234", "1234", "wrong" + i).statusCode()).isEqualTo(401);
        }
        // THEN the right one is refused too, also over XMPP
        assertThat(f.restA.get("/finesse/api/User/1234", "1234", PASSWORD).statusCode()).isEqualTo(401);
        f.clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        assertThat(f.restA.get("/finesse/api/User/1234", "1234", PASSWORD).statusCode()).isEqualTo(401);
        // WHEN five minutes have passed THEN it works again
        f.clock.advance(Duration.ofSeconds(2));
        assertThat(f.restA.get("/finesse/api/User/1234", "1234", PASSWORD).statusCode()).isEqualTo(200);
        // AND the other users were never locked
        assertThat(f.restA.get("/finesse/api/User/1235", "1235", PASSWORD).statusCode()).isEqualTo(200);
    }

    /** Verifies that malformed and hostile bodies get 400 ApiErrors and the simulator keeps serving. */
    @Test
    void malformedAndHostileBodiesGet400() {
        String[] bodies = {"<User><state>READY</state>", "not xml at all",
            "<?xml version=\"1.0\"?><!DOCTYPE u [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><User><state>&x;</state></User>",
            "<User>" + "<a>".repeat(200) + "</a>".repeat(200) + "</User>", "<User><state>" + "x".repeat(70_000) + "</state></User>"};
        for (String body : bodies) {
            HttpResponse<String> r = f.restA.put("/finesse/api/User/1234", "1234", PASSWORD, body, null);
            assertThat(r.statusCode()).as(body.substring(0, Math.min(40, body.length()))).isEqualTo(400);
            assertThat(r.body()).contains("<ApiErrors>");
        }
        assertThat(f.restA.put("/finesse/api/User/1234", "1234", PASSWORD, "<User/>", null).body())
                .contains("<ErrorType>Parameter Missing</ErrorType>");
        assertThat(f.restA.put("/finesse/api/User/1234", "1234", PASSWORD, "<User><state>LOGIN</state></User>", null).statusCode())
                .isEqualTo(400);
        assertThat(f.restA.put("/finesse/api/User/1234", "1234", PASSWORD, "<User><state>TALKING</state></User>", null).body())
                .contains("<ErrorType>Invalid Input</ErrorType>");
        assertThat(f.restA.get("/finesse/api/User/1234", "1234", PASSWORD).statusCode()).isEqualTo(200);
    }

    /** Verifies the GETs: user by loginName, reason codes by category, queue statistics, team for its supervisor, 404s. */
    @Test
    void getsAnswerTheFinesseObjects() {
        assertThat(f.restA.get("/finesse/api/User/agent1234", "agent1234", PASSWORD).body()).contains("<loginId>1234</loginId>");
        HttpResponse<String> codes = f.restA.get("/finesse/api/User/1234/ReasonCodes?category=NOT_READY", "1234", PASSWORD);
        assertThat(codes.body()).startsWith("<ReasonCodes category=\"NOT_READY\">").contains("<label>Team Meeting</label>")
                .doesNotContain("End of Shift");
        assertThat(f.restA.get("/finesse/api/User/1234/ReasonCodes", "1234", PASSWORD).statusCode()).isEqualTo(400);
        f.sim.setAgentState("1234", "READY", -1);
        HttpResponse<String> queue = f.restA.get("/finesse/api/Queue/10", "1234", PASSWORD);
        assertThat(queue.body()).contains("<name>Sales</name>").contains("<callsInQueue>0</callsInQueue>")
                .contains("<agentsReady>1</agentsReady>").contains("<agentsLoggedOn>1</agentsLoggedOn>")
                .contains("<startTimeOfLongestCallInQueue></startTimeOfLongestCallInQueue>").contains("<agentsWrapUpReady>0</agentsWrapUpReady>");
        assertThat(f.restA.get("/finesse/api/User/1234/Queues", "1234", PASSWORD).body()).contains("<uri>/finesse/api/Queue/10</uri>");
        assertThat(f.restA.get("/finesse/api/Team/5005", "1236", PASSWORD).body()).contains("<loginId>1234</loginId>")
                .contains("<loginId>1235</loginId>").contains("<name>Sales</name>");
        assertThat(f.restA.get("/finesse/api/Team/5005", "1234", PASSWORD).statusCode()).isEqualTo(401);
        assertThat(f.restA.get("/finesse/api/User/1235", "1236", PASSWORD).statusCode()).isEqualTo(200);
        assertThat(f.restA.get("/finesse/api/Dialog/99", "1234", PASSWORD).statusCode()).isEqualTo(404);
        assertThat(f.restA.get("/finesse/api/User/9999", "1234", PASSWORD).statusCode()).isEqualTo(404);
        assertThat(f.restA.send("POST", "/finesse/api/Team/5005/Users", "1236", PASSWORD, "<x/>", null).statusCode()).isEqualTo(405);
    }
}
