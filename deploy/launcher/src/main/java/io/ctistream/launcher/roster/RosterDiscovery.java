package io.ctistream.launcher.roster;

import io.ctistream.admin.roster.RosterEntry;
import io.ctistream.connector.core.runtime.AgentDiscovery;
import io.ctistream.events.Platform;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code ctistream roster discover} proposes: a tenant's roster with what a platform listed
 * merged in — a roster file a person reviews and applies with {@code ctistream roster import}.
 * <ul>
 *   <li>an agent the roster has (same platform, same platform user id) keeps its id, queues, time
 *   zone and credential reference; its name, its team (through the team map) and the attributes
 *   the platform gave are taken from the platform;</li>
 *   <li>an agent the roster lacks is added as {@code <tenant>/<platform>-<user id>}, in the team the
 *   map names for its platform team (else one named after the platform team), with the credential
 *   reference the platform suggests;</li>
 *   <li>the tenant's other agents stay as they are, and the ones on this platform that it did not
 *   list are named (not removed: a team that was not asked for does not list them).</li>
 * </ul>
 * Pure: no Kafka, no platform.
 */
final class RosterDiscovery {
    /** The proposed roster of the tenant, by agent id, and what the platform did not list. */
    record Proposal(List<RosterEntry> entries, List<RosterEntry> notListed, int listed, List<String> notes) {
    }

    private RosterDiscovery() {
    }

    /**
     * @param current every tenant's roster (agent ids are unique across tenants on {@code cti.agents})
     * @param teamMap platform team id to roster team (a name, qualified with the tenant when it is not)
     */
    static Proposal propose(String tenant, Platform platform, Collection<RosterEntry> current, List<AgentDiscovery.Agent> found,
                            Map<String, String> teamMap) {
        Map<String, RosterEntry> tenantRoster = new TreeMap<>();
        Map<String, RosterEntry> byUser = new LinkedHashMap<>();
        Set<String> takenIds = new HashSet<>();
        for (RosterEntry e : current) {
            takenIds.add(e.agentId());
            if (tenant.equals(e.tenant())) {
                tenantRoster.put(e.agentId(), e);
                if (e.platform() == platform) {
                    byUser.put(e.platformUserId(), e);
                }
            }
        }
        List<String> notes = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (AgentDiscovery.Agent a : found) {
            if (!listed.add(a.platformUserId())) {
                notes.add(platform.name().toLowerCase(Locale.ROOT) + " listed user [" + a.platformUserId() + "] twice (team "
                        + a.platformTeamId() + "); the first listing is used");
                continue;
            }
            String team = team(tenant, platform, a, teamMap);
            RosterEntry known = byUser.get(a.platformUserId());
            if (known != null) {
                Map<String, String> attributes = new TreeMap<>(known.attributes());
                attributes.putAll(a.attributes());
                tenantRoster.put(known.agentId(), new RosterEntry(tenant, known.agentId(),
                        a.displayName() != null ? a.displayName() : known.displayName(), team != null ? team : known.teamId(),
                        known.queues(), platform, known.platformUserId(), known.hotelingGuestAddress(),
                        known.credentialRef() != null ? known.credentialRef() : a.credentialRef(), known.defaultNotReadyReason(),
                        known.timeZone(), attributes));
            } else {
                String id = freeId(tenant + "/" + platform.name().toLowerCase(Locale.ROOT) + "-" + slug(a.platformUserId()), takenIds);
                takenIds.add(id);
                tenantRoster.put(id, new RosterEntry(tenant, id, a.displayName(), team, List.of(), platform, a.platformUserId(), null,
                        a.credentialRef(), null, null, a.attributes()));
            }
        }
        List<RosterEntry> notListed = byUser.values().stream().filter(e -> !listed.contains(e.platformUserId()))
                .sorted(Comparator.comparing(RosterEntry::agentId)).toList();
        return new Proposal(List.copyOf(tenantRoster.values()), notListed, listed.size(), notes);
    }

    private static String team(String tenant, Platform platform, AgentDiscovery.Agent a, Map<String, String> teamMap) {
        if (a.platformTeamId() == null) {
            return null;
        }
        String mapped = teamMap.get(a.platformTeamId());
        if (mapped != null) {
            return mapped.startsWith(tenant + "/") ? mapped : tenant + "/" + mapped;
        }
        String name = a.platformTeamName() == null ? null : slug(a.platformTeamName());
        return tenant + "/" + (name == null || name.isEmpty() ? platform.name().toLowerCase(Locale.ROOT) + "-team-" + slug(a.platformTeamId()) : name);
    }

    /** Lower case letters, digits, '-', '_' and '.'; anything else becomes '-'. */
    static String slug(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
    }

    private static String freeId(String id, Set<String> taken) {
        String candidate = id;
        for (int n = 2; taken.contains(candidate); n++) {
            candidate = id + "-" + n;
        }
        return candidate;
    }
}
