package io.ctistream.admin.roster;

import io.ctistream.events.Platform;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Turns the rows of a roster file into entries, or names every row that is wrong. All of a file
 * is checked before anything is written, so one bad row (of 2,000) changes nothing and the
 * operator sees every problem at once, not one per run.
 */
public final class RosterValidator {
    /** The platforms an agent can be on (the schema's enum also has CTISTREAM and OTHER, which are not telephony platforms). */
    static final Set<Platform> PLATFORMS = EnumSet.of(Platform.BROADWORKS, Platform.FINESSE, Platform.AES);
    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

    private RosterValidator() {
    }

    /** What a file gives: its entries in file order, or the problems (then the entries are not to be used). */
    public record Result(List<RosterEntry> entries, List<RosterProblem> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    public static Result validate(RosterRows file) {
        List<RosterProblem> problems = new ArrayList<>(file.problems());
        List<RosterEntry> entries = new ArrayList<>();
        Map<String, Integer> agentLines = new HashMap<>();
        Map<String, Integer> userLines = new HashMap<>();
        for (RosterRows.Row row : file.rows()) {
            Check c = new Check(file.source(), row, problems);
            String tenant = c.text(RosterField.TENANT);
            if (tenant != null && (tenant.contains("/") || tenant.chars().anyMatch(Character::isWhitespace))) {
                c.problem(RosterField.TENANT, "[" + tenant + "] is not a tenant id (no '/' and no spaces)");
                tenant = null;
            }
            String agentId = c.qualified(RosterField.AGENT_ID, tenant, c.text(RosterField.AGENT_ID));
            String teamId = c.qualified(RosterField.TEAM_ID, tenant, c.text(RosterField.TEAM_ID));
            List<String> queues = c.list(RosterField.QUEUES);
            Set<String> seenQueues = new HashSet<>();
            for (String q : queues) {
                c.qualified(RosterField.QUEUES, tenant, q);
                if (!seenQueues.add(q)) {
                    c.problem(RosterField.QUEUES, "queue [" + q + "] listed twice");
                }
            }
            Platform platform = c.platform();
            String user = c.text(RosterField.PLATFORM_USER_ID);
            String zone = c.text(RosterField.TIME_ZONE);
            if (zone != null && !ZONES.contains(zone)) {
                c.problem(RosterField.TIME_ZONE, "[" + zone + "] is not an IANA time zone (such as Europe/Berlin or America/New_York)");
            }
            Map<String, String> attributes = c.map(RosterField.ATTRIBUTES);
            if (attributes.keySet().stream().anyMatch(String::isBlank)) {
                c.problem(RosterField.ATTRIBUTES, "an attribute needs a name");
            }
            if (agentId != null) {
                Integer first = agentLines.putIfAbsent(agentId, row.line());
                if (first != null) {
                    c.problem(RosterField.AGENT_ID, "[" + agentId + "] is already on line " + first + "; each agent once");
                }
            }
            if (tenant != null && platform != null && user != null) {
                // two roster entries for one platform user would make two agents of one person on the wallboard
                Integer first = userLines.putIfAbsent(tenant + "\n" + platform + "\n" + user, row.line());
                if (first != null) {
                    c.problem(RosterField.PLATFORM_USER_ID, "[" + user + "] on " + platform + " is already the agent of line " + first);
                }
            }
            if (c.clean) {
                entries.add(new RosterEntry(tenant, agentId, c.text(RosterField.DISPLAY_NAME), teamId, queues, platform, user,
                        c.text(RosterField.HOTELING_GUEST_ADDRESS), c.text(RosterField.CREDENTIAL_REF),
                        c.text(RosterField.DEFAULT_NOT_READY_REASON), zone, attributes));
            }
        }
        return new Result(problems.isEmpty() ? entries : List.of(), problems);
    }

    /**
     * The checks a file alone cannot make, against the roster it is applied to (for a {@link Result#valid valid} file): a
     * platform user that is already an agent's of the same tenant and platform which stays on the roster (not in the file,
     * and not removed by {@code removeMissing}); and, where {@code knownTeam} / {@code knownQueue} are given, a team or
     * queue that does not exist. The admin API checks all of these; an import checks the platform users (teams and queues
     * cannot be put on their topics from a file yet, so it does not require them there).
     */
    public static List<RosterProblem> against(RosterRows file, Result valid, Map<String, RosterEntry> roster, boolean removeMissing,
                                              Predicate<String> knownTeam, Predicate<String> knownQueue) {
        List<RosterEntry> entries = valid.entries();
        Set<String> tenants = entries.stream().map(RosterEntry::tenant).collect(Collectors.toSet());
        Set<String> inFile = entries.stream().map(RosterEntry::agentId).collect(Collectors.toSet());
        Map<String, String> staying = new HashMap<>();
        for (RosterEntry e : roster.values()) {
            if (!inFile.contains(e.agentId()) && !(removeMissing && tenants.contains(e.tenant())) && e.platform() != null) {
                staying.put(userKey(e), e.agentId());
            }
        }
        List<RosterProblem> problems = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            RosterEntry e = entries.get(i);
            int line = file.rows().get(i).line();
            String other = staying.get(userKey(e));
            if (other != null) {
                problems.add(new RosterProblem(file.source(), line, RosterField.PLATFORM_USER_ID.key(),
                        "[" + e.platformUserId() + "] on " + e.platform() + " is already the agent " + other));
            }
            if (knownTeam != null && e.teamId() != null && !knownTeam.test(e.teamId())) {
                problems.add(new RosterProblem(file.source(), line, RosterField.TEAM_ID.key(),
                        "[" + e.teamId() + "] is not a team of tenant [" + e.tenant() + "]; create the team first"));
            }
            for (String q : e.queues()) {
                if (knownQueue != null && !knownQueue.test(q)) {
                    problems.add(new RosterProblem(file.source(), line, RosterField.QUEUES.key(),
                            "[" + q + "] is not a queue of tenant [" + e.tenant() + "]; create the queue first"));
                }
            }
        }
        return problems;
    }

    private static String userKey(RosterEntry e) {
        return e.tenant() + "\n" + e.platform() + "\n" + e.platformUserId();
    }

    /** The checks of one row; {@code clean} until one of them finds a problem. */
    private static final class Check {
        private final String source;
        private final RosterRows.Row row;
        private final List<RosterProblem> problems;
        private final Set<RosterField> reported = EnumSet.noneOf(RosterField.class);
        private boolean clean = true;

        Check(String source, RosterRows.Row row, List<RosterProblem> problems) {
            this.source = source;
            this.row = row;
            this.problems = problems;
            clean = problems.stream().noneMatch(p -> p.source().equals(source) && p.line() == row.line()); // the reader's own
        }

        void problem(RosterField field, String message) {
            problems.add(new RosterProblem(source, row.line(), field.key(), message));
            reported.add(field);
            clean = false;
        }

        String text(RosterField f) {
            Object v = row.values().get(f);
            String s = v instanceof String t && !t.isBlank() ? t.strip() : null;
            if (s == null && f.required() && !reported.contains(f)) {
                problem(f, "required, and empty");
            }
            return s;
        }

        /** A tenant-qualified id ({@code tenant/name}) of the row's tenant; null (and a problem) otherwise. */
        String qualified(RosterField f, String tenant, String id) {
            if (id == null || tenant == null) {
                return id;
            }
            String prefix = tenant + "/";
            if (!id.startsWith(prefix) || id.length() == prefix.length() || id.chars().anyMatch(Character::isWhitespace)) {
                problem(f, "[" + id + "] must be tenant-qualified as " + prefix + "<name>, the row's tenant being [" + tenant + "]");
                return null;
            }
            return id;
        }

        Platform platform() {
            String name = text(RosterField.PLATFORM);
            if (name == null) {
                return null;
            }
            for (Platform p : PLATFORMS) {
                if (p.name().equalsIgnoreCase(name)) {
                    return p;
                }
            }
            problem(RosterField.PLATFORM, "[" + name + "] is not a platform; one of "
                    + PLATFORMS.stream().map(Enum::name).collect(Collectors.joining(", ")));
            return null;
        }

        @SuppressWarnings("unchecked")
        List<String> list(RosterField f) {
            Object v = row.values().get(f);
            return v instanceof List<?> l ? (List<String>) l : List.of();
        }

        @SuppressWarnings("unchecked")
        Map<String, String> map(RosterField f) {
            Object v = row.values().get(f);
            return v instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
        }
    }
}
