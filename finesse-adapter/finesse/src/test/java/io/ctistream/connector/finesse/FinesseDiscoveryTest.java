package io.ctistream.connector.finesse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ctistream.connector.core.runtime.AgentDiscovery;
import io.ctistream.simulator.finesse.FinesseSimulator;
import io.ctistream.simulator.finesse.UserSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ctistream roster discover finesse} against the Finesse simulator over real HTTP: the Team
 * API read as a supervisor lists the team's agents; a refused sign-in is reported once and never
 * retried; side B answers when side A is out of service (issue #18, discovery).
 */
class FinesseDiscoveryTest {
    private static final String PASSWORD = "s3cret-sup";
    private FinesseSimulator sim;

    @BeforeEach
    void start() {
        sim = FinesseSimulator.start(FinesseSimulator.Settings.loopback());
        sim.addUser(UserSpec.agent("5100", "agent-pw", "3100", "5005", "Sales East"));
        sim.addUser(UserSpec.agent("5101", "agent-pw", "3101", "5005", "Sales East"));
        sim.addUser(UserSpec.agent("5900", PASSWORD, "3900", "5005", "Sales East").asSupervisor());
        sim.addUser(UserSpec.agent("6100", "agent-pw", "4100", "6006", "Billing"));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private FinesseDiscovery discovery(String loginId, String password, String... teams) {
        FinesseConfig config = FinesseConfig.defaults(List.of(URI.create(sim.restUrl(FinesseSimulator.Side.A)),
                URI.create(sim.restUrl(FinesseSimulator.Side.B))));
        return new FinesseDiscovery(config, List.of(teams), "sup-5900", new FinesseCredentials.Secret(loginId, password));
    }

    @Test
    void aSupervisorListsItsTeamsAgentsWithTheExtensionsOfThoseSignedIn() throws Exception {
        sim.setAgentState("5100", "NOT_READY", -1); // signed in on its own device: Finesse shows an extension only then
        await().atMost(Duration.ofSeconds(10)).until(() -> "NOT_READY".equals(sim.agentState("5100")));

        List<AgentDiscovery.Agent> agents = discovery("5900", PASSWORD, "5005").discover(Duration.ofSeconds(10));

        assertThat(agents).extracting(AgentDiscovery.Agent::platformUserId).containsExactlyInAnyOrder("5100", "5101", "5900");
        AgentDiscovery.Agent a = agents.stream().filter(x -> x.platformUserId().equals("5100")).findFirst().orElseThrow();
        assertThat(a.platformTeamId()).isEqualTo("5005");
        assertThat(a.platformTeamName()).isEqualTo("Sales East");
        assertThat(a.displayName()).isEqualTo("Agent 5100"); // the simulator's firstName "Agent", lastName the id
        assertThat(a.attributes()).isEqualTo(Map.of("extension", "3100"));
        assertThat(a.credentialRef()).isEqualTo("finesse/5100");
        AgentDiscovery.Agent signedOut = agents.stream().filter(x -> x.platformUserId().equals("5101")).findFirst().orElseThrow();
        assertThat(signedOut.attributes()).as("no extension while signed out").isEmpty();
    }

    @Test
    void aRefusedSignInIsReportedOnceNamingTheReferenceNeverThePassword() {
        long before = sim.requestsReceived();

        assertThatThrownBy(() -> discovery("5900", "wrong-password", "5005").discover(Duration.ofSeconds(10)))
                .hasMessageContaining("[sup-5900]").hasMessageContaining("401").hasMessageContaining("not retried")
                .hasMessageNotContaining("wrong-password");
        assertThat(sim.requestsReceived() - before).as("requests made: a 401 is not tried again on either side").isEqualTo(1);
    }

    @Test
    void aTeamTheSupervisorDoesNotSuperviseIsRefused() {
        assertThatThrownBy(() -> discovery("5900", PASSWORD, "6006").discover(Duration.ofSeconds(10)))
                .hasMessageContaining("401").hasMessageContaining("supervisor of the team");
    }

    @Test
    void anUnknownTeamIsNamed() {
        assertThatThrownBy(() -> discovery("5900", PASSWORD, "7777").discover(Duration.ofSeconds(10)))
                .hasMessageContaining("no team [7777]");
    }

    @Test
    void sideBAnswersWhenSideAIsOutOfService() throws Exception {
        sim.failover();
        await().atMost(Duration.ofSeconds(30)).until(() -> "IN_SERVICE".equals(sim.status(FinesseSimulator.Side.B))
                && !"IN_SERVICE".equals(sim.status(FinesseSimulator.Side.A)));

        assertThat(discovery("5900", PASSWORD, "5005").discover(Duration.ofSeconds(10))).hasSize(3);
    }
}
