package io.ctistream.launcher.roster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.admin.roster.RosterEntry;
import io.ctistream.connector.core.runtime.AgentDiscovery;
import io.ctistream.events.Platform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a platform's listing merges into a tenant's roster: known agents keep their id, new ones are added, nothing is removed. */
class RosterDiscoveryTest {
    private static RosterEntry finesse(String tenant, String id, String user, String name, String team, String ref, Map<String, String> attrs) {
        return new RosterEntry(tenant, tenant + "/" + id, name, team == null ? null : tenant + "/" + team, List.of(tenant + "/q1"),
                Platform.FINESSE, user, null, ref, "meeting", "Europe/Paris", attrs);
    }

    private static AgentDiscovery.Agent listed(String user, String name, String team, String teamName, String ext) {
        return new AgentDiscovery.Agent(user, name, team, teamName, "finesse/" + user, ext == null ? Map.of() : Map.of("extension", ext));
    }

    @Test
    void aKnownAgentKeepsItsIdQueuesZoneAndCredentialAndTakesNameTeamAndExtensionFromThePlatform() {
        RosterEntry known = finesse("t1", "alice", "5100", "Alice Old", "support", "vault/alice", Map.of("extension", "3000", "site", "lyon"));

        RosterDiscovery.Proposal p = RosterDiscovery.propose("t1", Platform.FINESSE, List.of(known),
                List.of(listed("5100", "Alice New", "5005", "Sales East", "3100")), Map.of("5005", "sales"));

        assertThat(p.entries()).singleElement().isEqualTo(new RosterEntry("t1", "t1/alice", "Alice New", "t1/sales", List.of("t1/q1"),
                Platform.FINESSE, "5100", null, "vault/alice", "meeting", "Europe/Paris", Map.of("extension", "3100", "site", "lyon")));
        assertThat(p.notListed()).isEmpty();
    }

    @Test
    void aNewAgentIsAddedUnderAFreeIdInTheMappedOrNamedTeam() {
        RosterEntry taken = new RosterEntry("other", "t1/finesse-5101", null, null, List.of(), Platform.AES, "9", null, null, null, null, Map.of());

        RosterDiscovery.Proposal p = RosterDiscovery.propose("t1", Platform.FINESSE, List.of(taken),
                List.of(listed("5101", "Bob", "5005", "Sales East", "3101"), listed("6100", null, "6006", "Billing & Co", null),
                        listed("7100", null, "7007", null, null)),
                Map.of("5005", "t1/sales"));

        assertThat(p.entries()).extracting(RosterEntry::agentId, RosterEntry::teamId, RosterEntry::credentialRef)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("t1/finesse-5101-2", "t1/sales", "finesse/5101"), // the id is taken in another tenant
                        org.assertj.core.groups.Tuple.tuple("t1/finesse-6100", "t1/billing-co", "finesse/6100"),
                        org.assertj.core.groups.Tuple.tuple("t1/finesse-7100", "t1/finesse-team-7007", "finesse/7100"));
        assertThat(p.entries().get(0).attributes()).isEqualTo(Map.of("extension", "3101"));
    }

    @Test
    void otherAgentsStayAndTheUnlistedOnesOfThisPlatformAreNamedNotRemoved() {
        RosterEntry bw = new RosterEntry("t1", "t1/carol", "Carol", "t1/sales", List.of(), Platform.BROADWORKS, "carol@as", null, null, null,
                null, Map.of());
        RosterEntry gone = finesse("t1", "dave", "5199", "Dave", "sales", "vault/dave", Map.of());
        RosterEntry otherTenant = finesse("t2", "erin", "5100", "Erin", "sales", null, Map.of());

        RosterDiscovery.Proposal p = RosterDiscovery.propose("t1", Platform.FINESSE, List.of(bw, gone, otherTenant),
                List.of(listed("5100", "Alice", "5005", "Sales", null), listed("5100", "Alice", "5006", "Other", null)), Map.of());

        assertThat(p.entries()).extracting(RosterEntry::agentId).containsExactly("t1/carol", "t1/dave", "t1/finesse-5100");
        assertThat(p.notListed()).containsExactly(gone);
        assertThat(p.listed()).isEqualTo(1);
        assertThat(p.notes()).singleElement().asString().contains("listed user [5100] twice");
    }
}
