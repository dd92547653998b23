package io.ctistream.launcher.roster;

import io.ctistream.admin.roster.RosterFormat;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@code ctistream roster}: {@code import FILE [--dry-run] [--remove-missing]
 * [--format csv|yaml]}, {@code export --tenant T [--format csv|yaml] [--out FILE]} or {@code discover
 * PLATFORM --tenant T [--team-map ID=TEAM,...] [--format csv|yaml] [--out FILE]}.
 */
record RosterArgs(Action action, Path file, RosterFormat format, boolean dryRun, boolean removeMissing, String tenant, String platform,
                  Map<String, String> teamMap) {
    static final String USAGE = """
            usage: ctistream roster import FILE [--dry-run] [--remove-missing] [--format csv|yaml]
                   ctistream roster export --tenant TENANT [--format csv|yaml] [--out FILE]
                   ctistream roster discover PLATFORM --tenant TENANT [--team-map ID=TEAM,...] [--out FILE]

              import            makes cti.agents hold the agents of FILE (CSV or YAML, by its extension
                                or --format); every row is checked first, a bad one changes nothing
              --dry-run         prints what would change (+ added, ~ changed, - removed), writes nothing
              --remove-missing  removes agents of the file's tenants that are not in the file; without
                                it they are kept and listed as "not in file, kept"
              export            writes the roster of TENANT (CSV by default) to stdout or --out FILE
              discover          asks PLATFORM (finesse, broadworks) for its agents and prints the diff its roster
                                would bring; writes nothing to Kafka. --out FILE saves the proposed
                                roster of TENANT for 'roster import FILE'. --team-map maps platform
                                team ids to roster teams (docs/roster.md)
            Kafka and the registry: CTISTREAM_KAFKA_BOOTSTRAP, CTISTREAM_REGISTRY_URL (docs/roster.md)
            exit codes: 0 done, 1 Kafka or registry failed, 2 bad command line or settings, 3 file invalid
            """;

    enum Action { IMPORT, EXPORT, DISCOVER }

    /** Thrown for a command line that cannot be run; its message says why. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** {@code args} without the leading {@code roster}. */
    static RosterArgs parse(List<String> args) throws UsageException {
        if (args.isEmpty()) {
            throw new UsageException("roster needs import or export");
        }
        Action action = switch (args.get(0)) {
            case "import" -> Action.IMPORT;
            case "export" -> Action.EXPORT;
            case "discover" -> Action.DISCOVER;
            default -> throw new UsageException("unknown roster command [" + args.get(0) + "]");
        };
        Map<String, String> teamMap = new LinkedHashMap<>();
        Path file = null;
        Path out = null;
        RosterFormat format = null;
        boolean dryRun = false;
        boolean removeMissing = false;
        String tenant = null;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--dry-run" -> dryRun = true;
                case "--remove-missing" -> removeMissing = true;
                case "--format" -> {
                    String name = value(args, ++i, a);
                    format = RosterFormat.named(name).orElseThrow(() -> new UsageException("--format is csv or yaml, not [" + name + "]"));
                }
                case "--tenant" -> tenant = value(args, ++i, a);
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--team-map" -> {
                    for (String pair : value(args, ++i, a).split(",")) {
                        int eq = pair.indexOf('=');
                        if (eq <= 0 || eq == pair.length() - 1) {
                            throw new UsageException("--team-map takes PLATFORM_TEAM_ID=TEAM pairs, not [" + pair + "]");
                        }
                        teamMap.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                    }
                }
                default -> {
                    if (a.startsWith("--") || file != null) {
                        throw new UsageException("unexpected [" + a + "]");
                    }
                    file = Path.of(a);
                }
            }
        }
        if (!teamMap.isEmpty() && action != Action.DISCOVER) {
            throw new UsageException("--team-map is for discover");
        }
        if (action == Action.IMPORT) {
            if (file == null) {
                throw new UsageException("import needs the FILE to read");
            }
            if (tenant != null || out != null) {
                throw new UsageException("--tenant and --out are for export (import takes the tenants from the file)");
            }
            Path in = file;
            format = format != null ? format : RosterFormat.of(in).orElseThrow(() -> new UsageException("cannot tell the format of ["
                    + in + "] from its name: give --format csv or --format yaml"));
            return new RosterArgs(action, in, format, dryRun, removeMissing, null, null, Map.of());
        }
        String platform = null;
        if (action == Action.DISCOVER) {
            if (file == null) {
                throw new UsageException("discover needs the PLATFORM to ask (finesse, broadworks)");
            }
            platform = file.toString(); // the positional argument
            file = null;
        }
        if (file != null || dryRun || removeMissing) {
            throw new UsageException(file != null ? "export writes to --out FILE (or stdout), unexpected [" + file + "]"
                    : action == Action.DISCOVER ? "discover never writes the roster: it is a dry run already; apply its --out FILE with import"
                    : "--dry-run and --remove-missing are for import");
        }
        if (tenant == null) {
            throw new UsageException(action.name().toLowerCase() + " needs --tenant");
        }
        if (format == null) {
            format = out == null ? RosterFormat.CSV : RosterFormat.of(out).orElse(RosterFormat.CSV);
        }
        return new RosterArgs(action, out, format, false, false, tenant, platform, Map.copyOf(teamMap));
    }

    private static String value(List<String> args, int i, String option) throws UsageException {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }
}
