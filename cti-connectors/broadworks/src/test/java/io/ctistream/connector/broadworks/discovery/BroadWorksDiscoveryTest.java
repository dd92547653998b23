package io.ctistream.connector.broadworks.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.connector.broadworks.BroadWorksPlatform;
import io.ctistream.connector.broadworks.Credentials;
import io.ctistream.connector.core.runtime.AgentDiscovery;
import io.ctistream.connector.core.runtime.AgentDiscovery.Agent;
import io.ctistream.settings.ConfigSource;
import io.ctistream.simulator.broadworks.xsi.actions.XsiActionsServer;
import io.ctistream.simulator.broadworks.xsi.actions.XsiActionsServer.SimAgent;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies BroadWorks agent discovery (issue #18, ADR 020) against the Xsi-Actions simulator over
 * real HTTP: the call centers' agents listed once each with their call center as team, a refused
 * sign-in asked exactly once and never shown with its password, 403 and 404 named, a 503 tried once
 * more, and an answer that is not an agent list or too long failing the whole discovery clearly.
 */
class BroadWorksDiscoveryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String PASSWORD = "sup-s3cret";
    @TempDir
    Path dir;
    private XsiActionsServer xsi;

    @BeforeEach
    void start() {
        xsi = XsiActionsServer.start(XsiActionsServer.Settings.loopback("sup@as.example", PASSWORD));
        xsi.addAgent("sales-cc@as.example", new SimAgent("alice@as.example", "Alice", "Adams", "+1-2401003211", "3211"));
        xsi.addAgent("sales-cc@as.example", new SimAgent("bob@as.example", "Bob", "Brown", null, null));
        xsi.addAgent("support-cc@as.example", new SimAgent("bob@as.example", "Bob", "Brown", null, null));
        xsi.addAgent("support-cc@as.example", new SimAgent("cara@as.example", "Cara", "Chen", null, "3213"));
    }

    @AfterEach
    void stop() {
        xsi.close();
    }

    private BroadWorksDiscovery discovery(String password, int maxBytes, String... callCenters) {
        return new BroadWorksDiscovery(new BroadWorksDiscovery.Settings(URI.create(xsi.baseUrl()), List.of(callCenters), "xsi-sup",
                new Credentials.Secret("sup@as.example", password, null), true, null, maxBytes));
    }

    private BroadWorksDiscovery discovery(String... callCenters) {
        return discovery(PASSWORD, BroadWorksDiscovery.DEFAULT_MAX_BYTES, callCenters);
    }

    /** Verifies each call center is asked once and each agent listed once, with the first call center that lists it as its team. */
    @Test
    void agentsAreListedOnceWithTheirCallCenterAsTeam() throws Exception {
        List<Agent> agents = discovery("sales-cc@as.example", "support-cc@as.example").discover(TIMEOUT);

        assertThat(agents).containsExactly(
                new Agent("alice@as.example", "Alice Adams", "sales-cc@as.example", null, "bw/alice@as.example",
                        Map.of("extension", "3211", "number", "+1-2401003211")),
                new Agent("bob@as.example", "Bob Brown", "sales-cc@as.example", null, "bw/bob@as.example", Map.of()),
                new Agent("cara@as.example", "Cara Chen", "support-cc@as.example", null, "bw/cara@as.example", Map.of("extension", "3213")));
        assertThat(xsi.requests()).containsExactly(
                "GET /com.broadsoft.xsi-actions/v2.0/user/sup%40as.example/directories/Agents?callCenter=sales-cc%40as.example",
                "GET /com.broadsoft.xsi-actions/v2.0/user/sup%40as.example/directories/Agents?callCenter=support-cc%40as.example");
    }

    /** Verifies a refused sign-in fails after exactly one request, naming the credential reference and 401, never the password. */
    @Test
    void aRefusedSignInIsAskedOnceAndNeverShowsThePassword() {
        assertThatThrownBy(() -> discovery("wrong-pw", BroadWorksDiscovery.DEFAULT_MAX_BYTES, "sales-cc@as.example", "support-cc@as.example")
                .discover(TIMEOUT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("[xsi-sup]").hasMessageContaining("401")
                .hasMessageContaining("not retried").hasMessageNotContaining("wrong-pw").hasMessageNotContaining(PASSWORD);
        assertThat(xsi.requests()).hasSize(1);
    }

    /** Verifies a call center the supervisor does not supervise is a 403, not retried, and an unknown one a 404 naming it. */
    @Test
    void notSupervisedAndUnknownCallCentersAreNamed() {
        xsi.addForeignCallCenter("billing-cc@as.example");
        assertThatThrownBy(() -> discovery("billing-cc@as.example").discover(TIMEOUT))
                .hasMessageContaining("403").hasMessageContaining("does not supervise billing-cc@as.example");
        assertThat(xsi.requests()).hasSize(1);

        assertThatThrownBy(() -> discovery("nowhere-cc@as.example").discover(TIMEOUT))
                .hasMessageContaining("no call center [nowhere-cc@as.example]").hasMessageContaining("404");
    }

    /** Verifies an Xsi server answering 503 is asked once more: it then answers, or the failure gives both answers. */
    @Test
    void anUnavailableServerIsAskedOnceMore() throws Exception {
        xsi.unavailable(1);
        assertThat(discovery("sales-cc@as.example").discover(TIMEOUT)).extracting(Agent::platformUserId)
                .containsExactly("alice@as.example", "bob@as.example");
        assertThat(xsi.requests()).hasSize(2);

        xsi.unavailable(5);
        assertThatThrownBy(() -> discovery("sales-cc@as.example").discover(TIMEOUT))
                .hasMessageContaining("answered 503: [Error 110003] Service temporarily unavailable; answered 503");
        assertThat(xsi.requests()).hasSize(4);
    }

    /** Verifies an answer that is not an agent list (a proxy's page, an agent without user id) fails the whole discovery with the reason. */
    @Test
    void aMalformedAnswerFailsClearly() {
        xsi.serveRaw("<html><body>Please sign in</body></html>");
        assertThatThrownBy(() -> discovery("sales-cc@as.example").discover(TIMEOUT))
                .hasMessageContaining("call center [sales-cc@as.example]").hasMessageContaining("not an agent list")
                .hasMessageContaining("<html>");
        xsi.serveRaw("<Agents xmlns=\"http://schema.broadsoft.com/xsi\"><agentList><agentDetails><firstName>X</firstName></agentDetails>"
                + "</agentList></Agents>");
        assertThatThrownBy(() -> discovery("sales-cc@as.example").discover(TIMEOUT)).hasMessageContaining("has no userId");
        assertThat(xsi.requests()).as("a broken answer is not asked again").hasSize(2);
    }

    /**
     * Verifies an answer longer than the limit is not read, whether its Content-Length says so or it
     * comes chunked: the discovery fails naming the limit, and is not asked again.
     */
    @Test
    void anOversizedAnswerIsNotRead() {
        xsi.padTo(300_000); // chunked
        assertThatThrownBy(() -> discovery(PASSWORD, 64 * 1024, "sales-cc@as.example").discover(TIMEOUT))
                .hasMessageContaining("call center [sales-cc@as.example]").hasMessageContaining("longer than 65536 bytes");
        xsi.padTo(0);
        xsi.serveRaw("<Agents xmlns=\"http://schema.broadsoft.com/xsi\"><agentList>" + "<agentDetails><userId>x@as.example</userId></agentDetails>"
                .repeat(2_000) + "</agentList></Agents>"); // with a Content-Length
        assertThatThrownBy(() -> discovery(PASSWORD, 64 * 1024, "sales-cc@as.example").discover(TIMEOUT))
                .hasMessageContaining("longer than 65536 bytes");
        assertThat(xsi.requests()).hasSize(2);
    }

    /** Verifies the settings: the Xsi URL and credential serve when no discovery ones are given, and a missing one is named. */
    @Test
    void settingsFromTheEnvironment() throws Exception {
        Path secrets = Files.writeString(dir.resolve("bw.properties"), "xsi-sup.sipUser=sup@as.example\nxsi-sup.sipPassword=" + PASSWORD + "\n");
        Map<String, String> settings = Map.of(BroadWorksPlatform.XSI_URL, xsi.baseUrl(), BroadWorksPlatform.XSI_CREDENTIAL, "xsi-sup",
                BroadWorksPlatform.CREDENTIALS_FILE, secrets.toString(), BroadWorksPlatform.DISCOVERY_CALL_CENTERS, "support-cc@as.example, ");
        try (AgentDiscovery d = new BroadWorksPlatform().discovery(ConfigSource.from(settings)).orElseThrow()) {
            assertThat(d.discover(TIMEOUT)).extracting(Agent::platformUserId).containsExactly("bob@as.example", "cara@as.example");
        }
        assertThatThrownBy(() -> new BroadWorksPlatform().discovery(ConfigSource.from(Map.of(BroadWorksPlatform.XSI_ACTIONS_URL, xsi.baseUrl()))))
                .isInstanceOf(ConfigSource.ConfigException.class).hasMessageContaining(BroadWorksPlatform.DISCOVERY_CALL_CENTERS);
        assertThatThrownBy(() -> new BroadWorksPlatform().discovery(ConfigSource.from(Map.of(BroadWorksPlatform.XSI_ACTIONS_URL, xsi.baseUrl(),
                BroadWorksPlatform.DISCOVERY_CALL_CENTERS, "a@as.example", BroadWorksPlatform.DISCOVERY_CREDENTIAL, "nobody",
                BroadWorksPlatform.CREDENTIALS_FILE, secrets.toString()))))
                .isInstanceOf(ConfigSource.ConfigException.class).hasMessageContaining("[nobody]").hasMessageNotContaining(PASSWORD);
        String doc = Files.readString(Path.of("../../docs/config/connector-broadworks.md"));
        for (String key : List.of(BroadWorksPlatform.XSI_ACTIONS_URL, BroadWorksPlatform.DISCOVERY_CALL_CENTERS, BroadWorksPlatform.DISCOVERY_CREDENTIAL)) {
            assertThat(doc).as("documented: " + key).contains("| `" + key + "` |");
        }
    }
}
