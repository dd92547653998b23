package io.ctistream.launcher.roster;

import io.ctistream.admin.roster.RosterFormat;
import java.nio.file.Path;
import java.util.List;

/**
 * The command line of {@code ctistream roster}: {@code import FILE [--dry-run] [--remove-missing]
 * [--format csv|yaml]} or {@code export --tenant T [--format csv|yaml] [--out FILE]}.
 */
record RosterArgs(Action action, Path file, RosterFormat format, boolean dryRun, boolean removeMissing, String tenant) {
    static final String USAGE = """
            usage: ctistream roster import FILE [--dry-run] [--remove-missing] [--format csv|yaml]
                   ctistream roster export --tenant TENANT [--format csv|yaml] [--out FILE]

              import            makes cti.agents hold the agents of FILE (CSV or YAML, by its extension
                                or --format); every row is checked first, a bad one changes nothing
              --dry-run         prints what would change (+ added, ~ changed, - removed), writes nothing
              --remove-missing  removes agents of the file's tenants that are not in the file; without
                                it they are kept and listed as "not in file, kept"
              export            writes the roster of TENANT (CSV by default) to stdout or --out FILE
            Kafka and the registry: CTISTREAM_KAFKA_BOOTSTRAP, CTISTREAM_REGISTRY_URL (docs/roster.md)
            exit codes: 0 done, 1 Kafka or registry failed, 2 bad command line or settings, 3 file invalid
            """;

    enum Action { IMPORT, EXPORT }

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
            default -> throw new UsageException("unknown roster command [" + args.get(0) + "]");
        };
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
                default -> {
                    if (a.startsWith("--") || file != null) {
                        throw new UsageException("unexpected [" + a + "]");
                    }
                    file = Path.of(a);
                }
            }
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
            return new RosterArgs(action, in, format, dryRun, removeMissing, null);
        }
        if (file != null || dryRun || removeMissing) {
            throw new UsageException(file != null ? "export writes to --out FILE (or stdout), unexpected [" + file + "]"
                    : "--dry-run and --remove-missing are for import");
        }
        if (tenant == null) {
            throw new UsageException("export needs --tenant");
        }
        if (format == null) {
            format = out == null ? RosterFormat.CSV : RosterFormat.of(out).orElse(RosterFormat.CSV);
        }
        return new RosterArgs(action, out, format, false, false, tenant);
    }

    private static String value(List<String> args, int i, String option) throws UsageException {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }
}
