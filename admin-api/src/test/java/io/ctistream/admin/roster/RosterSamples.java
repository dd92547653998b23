package io.ctistream.admin.roster;

import io.ctistream.events.Platform;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rosters for tests, written by hand (not by the writer under test) where a reader is tested. Public, in
 * this module's test jar: the launcher's roster command tests use the same rosters.
 */
public final class RosterSamples {
    public static final String HEADER = "tenant,agentId,displayName,teamId,queues,platform,platformUserId,hotelingGuestAddress,credentialRef,"
            + "defaultNotReadyReason,timeZone,attributes";

    private RosterSamples() {
    }

    /** A CSV of {@code agents} agents of {@code tenant}, the header on line 1 and agent i on line i + 1; some names need quoting. */
    public static String csv(String tenant, int agents) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (int i = 1; i <= agents; i++) {
            csv.append(csvRow(tenant, i)).append('\n');
        }
        return csv.toString();
    }

    public static String csvRow(String tenant, int i) {
        String name = i % 7 == 0 ? "\"Okafor, Femi \"\"Fem\"\" " + i + "\"" : "Agent " + i;
        return switch (i % 3) {
            case 0 -> String.join(",", tenant, tenant + "/a" + i, name, tenant + "/sales", tenant + "/sales;" + tenant + "/general",
                    "BROADWORKS", "a" + i + "@as.example.com", i % 10 == 0 ? "acd-a" + i + "@as.example.com" : "", "bw/a" + i, "0",
                    "Europe/Berlin", "");
            case 1 -> String.join(",", tenant, tenant + "/a" + i, name, tenant + "/support", tenant + "/support", "FINESSE",
                    Integer.toString(10000 + i), "", "", "", "America/New_York", "extension=" + (70000 + i));
            default -> String.join(",", tenant, tenant + "/a" + i, name, tenant + "/billing", "", "AES", Integer.toString(50000 + i),
                    "", "", "", "", "acdAgentId=" + (60000 + i) + ";skill=billing");
        };
    }

    /** The entry {@link #csvRow} describes. */
    public static RosterEntry entry(String tenant, int i) {
        String name = i % 7 == 0 ? "Okafor, Femi \"Fem\" " + i : "Agent " + i;
        return switch (i % 3) {
            case 0 -> new RosterEntry(tenant, tenant + "/a" + i, name, tenant + "/sales", List.of(tenant + "/sales", tenant + "/general"),
                    Platform.BROADWORKS, "a" + i + "@as.example.com", i % 10 == 0 ? "acd-a" + i + "@as.example.com" : null, "bw/a" + i, "0",
                    "Europe/Berlin", Map.of());
            case 1 -> new RosterEntry(tenant, tenant + "/a" + i, name, tenant + "/support", List.of(tenant + "/support"), Platform.FINESSE,
                    Integer.toString(10000 + i), null, null, null, "America/New_York", Map.of("extension", Integer.toString(70000 + i)));
            default -> new RosterEntry(tenant, tenant + "/a" + i, name, tenant + "/billing", List.of(), Platform.AES,
                    Integer.toString(50000 + i), null, null, null, null, Map.of("acdAgentId", Integer.toString(60000 + i), "skill", "billing"));
        };
    }

    public static List<RosterEntry> entries(String tenant, int agents) {
        List<RosterEntry> entries = new ArrayList<>();
        for (int i = 1; i <= agents; i++) {
            entries.add(entry(tenant, i));
        }
        return entries;
    }

    public static RosterValidator.Result readCsv(String text) {
        return RosterValidator.validate(RosterCsv.read(new StringReader(text), "roster.csv"));
    }

    public static RosterValidator.Result readYaml(String text) {
        return RosterValidator.validate(RosterYaml.read(new StringReader(text), "roster.yaml"));
    }

    public static String write(RosterFormat format, List<RosterEntry> entries) {
        StringWriter out = new StringWriter();
        format.write(entries, out);
        return out.toString();
    }
}
