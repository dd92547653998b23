package io.ctistream.launcher;

import io.ctistream.settings.ConfigSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.LoopbackPorts;
import io.ctistream.push.Browser;
import io.ctistream.simulator.broadworks.BroadWorksSimulator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real chain end to end: BroadWorks AS simulator → SIP → the BroadWorks connector → Kafka →
 * the engine → the pusher → headless Chromium, started as {@code ctistream demo} starts it (in
 * this JVM, so the test can drive the simulator and kill the connector). The agent panel logs a
 * hot-desking agent on and sets READY; the wallboard shows it AVAIL; a queue call rings, is
 * talked and wrapped up, with the team tile following; killing the connector abruptly greys the
 * agent out (UNKNOWN) within the liveness window, and a restarted connector brings back the true
 * state, including a change made while it was down. The ringing call is a screen pop in the demo
 * CRM, delivered as a signed webhook of the subscription the demo made through the admin API.
 */
class DemoEndToEndIT {
    private static final String AGENT = DemoRoster.TENANT + "/agent001";
    private static final String TEAM = DemoRoster.TENANT + "/sales";
    private static AllInOne demo;
    private static Browser wallboard;
    private static Browser panel;
    private static Path dataDir;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Browser.find().isPresent(), "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        dataDir = Files.createTempDirectory("ctistream-e2e-");
        int[] ports = LoopbackPorts.free(6);
        demo = AllInOne.start(ConfigSource.from(Map.of(
                EmbeddedConfig.DATA_DIR, dataDir.toString(),
                EmbeddedConfig.KAFKA_PORT, Integer.toString(ports[0]),
                EmbeddedConfig.REGISTRY_PORT, Integer.toString(ports[1]),
                EmbeddedConfig.AGENT_PARTITIONS, "2",
                EmbeddedConfig.DEMO_CALLS_PER_MINUTE, "0", // no ACD day: the test places the calls
                "CTISTREAM_ENGINE_HTTP_PORT", Integer.toString(ports[2]),
                "CTISTREAM_ENGINE_CONNECTOR_LIVENESS", "12s", // the connector refreshes its status every 5 s
                "CTISTREAM_PUSH_PORT", Integer.toString(ports[3]),
                "CTISTREAM_ADMIN_PORT", Integer.toString(ports[4]),
                EmbeddedConfig.DEMO_CRM_PORT, Integer.toString(ports[5]))), true);
        wallboard = Browser.start();
        panel = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (panel != null) {
            panel.close();
        }
        if (wallboard != null) {
            wallboard.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void anAgentsDayOnTheRealChainAndAConnectorThatDies() throws Exception {
        String base = "http://127.0.0.1:" + demo.pushPort();
        wallboard.open(base + "/#token=" + demo.token("supervisor", "supervisor", null, DemoRoster.teamIds(5), Duration.ofHours(1)));
        panel.open(base + "/agent#token=" + demo.token(AGENT, "agent", AGENT, List.of(), Duration.ofHours(1)));
        String row = "tr[data-agent='" + AGENT + "']";
        String tile = "section[data-team='" + TEAM + "']";
        awaitOn(panel, () -> "LOGGED_OUT".equals(panel.attribute("#state", "data-state")), "the panel shows agent001 logged out");
        awaitOn(wallboard, () -> "OFF".equals(wallboard.attribute(row, "data-category")), "the wallboard shows agent001 OFF");

        // the onboarding team runs on Finesse, beside the BroadWorks teams: one canonical model on one board (issue #15)
        String finesseRow = "tr[data-agent='" + DemoRoster.TENANT + "/agent005']";
        awaitOn(wallboard, () -> "OFF".equals(wallboard.attribute(finesseRow, "data-category")), "the wallboard shows Finesse agent005 OFF");
        demo.demo().finesseSimulator().setAgentState("1005", "READY", -1);
        awaitOn(wallboard, () -> "AVAIL".equals(wallboard.attribute(finesseRow, "data-category")), "the wallboard shows Finesse agent005 AVAIL");
        // and the retention team on AES (issue #16): agent004 logs on at station 5004 and goes ready, as CM reports it over DMCC
        String aesRow = "tr[data-agent='" + DemoRoster.TENANT + "/agent004']";
        awaitOn(wallboard, () -> "OFF".equals(wallboard.attribute(aesRow, "data-category")), "the wallboard shows AES agent004 OFF");
        demo.demo().aesPeer().setAgentState("6004", "loggedOn", "manualIn", 0);
        demo.demo().aesPeer().setAgentState("6004", "ready", "manualIn", 0);
        awaitOn(wallboard, () -> "AVAIL".equals(wallboard.attribute(aesRow, "data-category")), "the wallboard shows AES agent004 AVAIL");
        // the engine works throughout: the board must never be greyed for a silent engine (checked at the end)
        wallboard.script("window.engineSilentSeen = false; new MutationObserver(() => { if (document.body.classList.contains('engine-silent'))"
                + " window.engineSilentSeen = true; }).observe(document.body, { attributes: true, attributeFilter: ['class'] });");

        // the agent signs in as a hoteling guest at the hot desk, then goes READY
        panel.script("const g = document.getElementById('guest'); g.value = arguments[0]; g.dispatchEvent(new Event('input'));",
                "acd-agent001@" + DemoRoster.DOMAIN);
        panel.click("#logon");
        awaitOn(panel, () -> "COMPLETED".equals(panel.attribute("#message", "data-status")), "the log-on completes");
        awaitOn(panel, () -> "NOT_READY".equals(panel.attribute("#state", "data-state")), "logged on, not ready");
        assertThat(demo.demo().simulator().guest("agent001")).isEqualTo("acd-agent001@" + DemoRoster.DOMAIN);
        panel.click("#ready");
        awaitOn(panel, () -> "READY".equals(panel.attribute("#state", "data-state")), "READY on the panel");
        awaitOn(wallboard, () -> "AVAIL".equals(wallboard.attribute(row, "data-category")), "AVAIL on the wallboard");
        awaitOn(wallboard, () -> "1".equals(wallboard.text(tile + " [data-count='AVAIL'] b")), "the team counts one AVAIL");

        // a queue call: offered (RING), answered (ACD), hung up into wrap-up (ACW), then READY again (AVAIL)
        BroadWorksSimulator sim = demo.demo().simulator();
        String call = sim.offerCall("agent001", DemoContactCenter.queueAddress(DemoRoster.TENANT + "/sales"), "sip:+15550100@pstn.example", "A Caller");
        awaitOn(wallboard, () -> "RING".equals(wallboard.attribute(row, "data-category")), "RING");
        awaitOn(wallboard, () -> "1".equals(wallboard.text(tile + " [data-count='RING'] b")), "the team counts one RING");
        // the CRM pops the call (issue #18): cti.agent-events -> the webhooks service -> a signed CloudEvent -> the demo CRM, which
        // shows it only when the signature verifies with the secret the admin API made for its subscription
        String crm = "http://127.0.0.1:" + demo.demoCrmPort();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() ->
                assertThat(new JsonArray(http(crm + "/screen-pops.json", null).body())).anySatisfy(pop -> {
                    assertThat(((JsonObject) pop).getString("agentId")).isEqualTo(AGENT);
                    assertThat(((JsonObject) pop).getString("queueId")).isEqualTo(DemoRoster.TENANT + "/sales");
                    assertThat(((JsonObject) pop).getString("callerNumber")).contains("15550100");
                }));
        assertThat(http(crm + "/", null).body()).contains("Demo CRM", AGENT, "15550100");
        HttpResponse<String> subscription = http("http://127.0.0.1:" + demo.adminPort() + "/api/v1/tenants/" + DemoRoster.TENANT
                + "/webhook-subscriptions/crm", demo.adminToken(Duration.ofMinutes(5)));
        assertThat(subscription.statusCode()).as("the subscription is the admin API's").isEqualTo(200);
        assertThat(new JsonObject(subscription.body()).getString("url")).isEqualTo(crm + "/webhooks");
        sim.answerCall("agent001", call);
        awaitOn(wallboard, () -> "ACD".equals(wallboard.attribute(row, "data-category")), "ACD");
        awaitOn(wallboard, () -> "1".equals(wallboard.text(tile + " [data-count='ACD'] b")), "the team counts one ACD");
        assertThat(wallboard.text(tile + " [data-count='AVAIL'] b")).isEqualTo("0");
        sim.hangUp("agent001", call, true);
        awaitOn(wallboard, () -> "ACW".equals(wallboard.attribute(row, "data-category")), "ACW");
        awaitOn(panel, () -> "WRAP_UP".equals(panel.attribute("#state", "data-state")), "the panel shows wrap-up");
        panel.screenshot(Path.of("target", "screenshots", "e2e-agent-panel.png"));
        panel.click("#ready");
        awaitOn(wallboard, () -> "AVAIL".equals(wallboard.attribute(row, "data-category")), "AVAIL again");
        awaitOn(wallboard, () -> "1".equals(wallboard.text(tile + " [data-count='AVAIL'] b")), "the team counts one AVAIL again");
        wallboard.screenshot(Path.of("target", "screenshots", "e2e-wallboard.png"));

        // the connector dies without a word: the agent is greyed out, not shown AVAIL
        demo.demo().killConnector();
        awaitOn(wallboard, () -> String.valueOf(wallboard.attribute(row, "class")).contains("stale"), "agent001 greyed out");
        assertThat(wallboard.attribute(row, "data-category")).isEqualTo("UNKNOWN");
        awaitOn(panel, () -> panel.element("#stale-warning") != null && panel.element("#stale-warning").isDisplayed(), "the panel warns");
        wallboard.screenshot(Path.of("target", "screenshots", "e2e-wallboard-connector-down.png"));

        // the truth moves on while nobody listens; a restarted connector re-subscribes and reports it
        sim.setAgentState("agent001", "notReady", "0012");
        demo.demo().restartConnector(demo.vertx());
        awaitOn(wallboard, () -> "AUX".equals(wallboard.attribute(row, "data-category")), "back, with the change made meanwhile");
        awaitOn(wallboard, () -> !String.valueOf(wallboard.attribute(row, "class")).contains("stale"), "live again");
        assertThat(wallboard.text(row + " [data-field='reason']")).as("the code named by the reason list").contains("Lunch");
        assertThat(wallboard.script("return window.engineSilentSeen")).as("a healthy engine was never called silent").isEqualTo(false);
    }

    private static HttpResponse<String> http(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitOn(Browser b, Callable<Boolean> condition, String what) {
        try {
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String text = String.valueOf(b.script("return document.body ? document.body.innerText : '(no body)'"));
            throw new AssertionError("never saw: " + what + "\npage text:\n" + text, e);
        }
    }
}
