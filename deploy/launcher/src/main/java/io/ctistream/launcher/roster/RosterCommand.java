package io.ctistream.launcher.roster;

import io.ctistream.admin.roster.RosterDiff;
import io.ctistream.admin.roster.RosterEntry;
import io.ctistream.admin.roster.RosterProblem;
import io.ctistream.admin.roster.RosterRows;
import io.ctistream.admin.roster.RosterStore;
import io.ctistream.admin.roster.RosterTopic;
import io.ctistream.admin.roster.RosterValidator;
import io.ctistream.connector.core.runtime.AgentDiscovery;
import io.ctistream.connector.core.runtime.ConnectorPlatform;
import io.ctistream.connector.core.runtime.ConnectorPlatforms;
import io.ctistream.settings.ConfigSource;
import io.ctistream.settings.KafkaEndpoints;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * {@code ctistream roster import|export|discover}: the operator's way to put agents on {@code cti.agents}
 * without writing Avro. Prints to the streams it is given (the diff and results to {@code out},
 * problems to {@code err}) and answers an exit code instead of exiting, so tests run it whole.
 */
public final class RosterCommand {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int INVALID_FILE = 3;
    /** Problems printed at most; a file broken throughout (wrong delimiter) says so in the count, not in 2,000 lines. */
    static final int MAX_PROBLEMS = 50;
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private final Function<ConfigSource, RosterStore> stores;
    private final PrintStream out;
    private final PrintStream err;

    public RosterCommand(Function<ConfigSource, RosterStore> stores, PrintStream out, PrintStream err) {
        this.stores = stores;
        this.out = out;
        this.err = err;
    }

    /** For the launcher: the roster on the Kafka cluster and registry the settings name. */
    public static RosterCommand onKafka(PrintStream out, PrintStream err) {
        return new RosterCommand(config -> new RosterTopic(KafkaEndpoints.bootstrap(config), KafkaEndpoints.registry(config), KAFKA_TIMEOUT),
                out, err);
    }

    /** Runs {@code args} (after {@code roster}) and answers the exit code. */
    public int run(List<String> args, ConfigSource config) {
        if (!args.isEmpty() && List.of("help", "-h", "--help").contains(args.get(0))) {
            out.print(RosterArgs.USAGE);
            return OK;
        }
        RosterArgs parsed;
        try {
            parsed = RosterArgs.parse(args);
        } catch (RosterArgs.UsageException e) {
            err.println("ctistream roster: " + e.getMessage());
            err.print(RosterArgs.USAGE);
            return USAGE;
        }
        try {
            return switch (parsed.action()) {
                case IMPORT -> importFile(parsed, config);
                case EXPORT -> export(parsed, config);
                case DISCOVER -> discover(parsed, config);
            };
        } catch (ConfigSource.ConfigException e) {
            boolean kafka = String.valueOf(e.getMessage()).matches("(?s).*CTISTREAM_(KAFKA|REGISTRY).*");
            err.println("configuration error: " + e.getMessage() + (kafka ? "\n  on one machine: run 'ctistream kafka' (or all) and set "
                    + "CTISTREAM_KAFKA_BOOTSTRAP=127.0.0.1:9092 CTISTREAM_REGISTRY_URL=http://127.0.0.1:8081/apis/registry/v3" : ""));
            return USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("ctistream roster: interrupted");
            return FAILED;
        } catch (Exception e) {
            err.println("ctistream roster " + args.get(0) + " failed: " + message(e));
            return FAILED;
        }
    }

    private int importFile(RosterArgs args, ConfigSource config) throws Exception {
        String source = args.file().toString();
        RosterRows rows;
        try (Reader in = Files.newBufferedReader(args.file(), StandardCharsets.UTF_8)) {
            rows = args.format().read(in, source);
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("ctistream roster: no file [" + source + "]");
            return USAGE;
        } catch (IOException e) {
            err.println("ctistream roster: cannot read [" + source + "]: " + message(e));
            return USAGE;
        }
        // the whole file is checked before Kafka is asked anything: a bad file fails the same with or without a broker
        RosterValidator.Result result = RosterValidator.validate(rows);
        if (!result.valid()) {
            return invalid(source, result.problems());
        }
        try (RosterStore store = stores.apply(config)) {
            Map<String, RosterEntry> current = store.current();
            // what the file alone cannot show: a platform user that an agent staying on the topic has already
            List<RosterProblem> conflicts = RosterValidator.against(rows, result, current, args.removeMissing(), null, null);
            if (!conflicts.isEmpty()) {
                return invalid(source, conflicts);
            }
            RosterDiff diff = RosterDiff.between(current, result.entries(), args.removeMissing());
            String mode = args.dryRun() ? "dry run" : "import";
            out.println("roster " + mode + " of " + source + " (" + result.entries().size() + " agents) against cti.agents:");
            diff.lines().forEach(line -> out.println("  " + line));
            if (diff.noChanges()) {
                out.println("no changes");
            } else if (args.dryRun()) {
                out.println("dry run: nothing written (" + diff.writes().size() + " records would be)");
            } else {
                List<RosterDiff.Write> writes = diff.writes();
                store.apply(diff); // each change audited on cti.admin-audit (actor roster-import), as the admin API's are
                out.println("wrote " + writes.size() + " records to cti.agents (" + diff.added().size() + " added, " + diff.changed().size()
                        + " changed, " + diff.removed().size() + " removed), every one acknowledged");
            }
            return OK;
        }
    }

    private int invalid(String source, List<RosterProblem> problems) {
        problems.stream().limit(MAX_PROBLEMS).forEach(err::println);
        if (problems.size() > MAX_PROBLEMS) {
            err.println("... and " + (problems.size() - MAX_PROBLEMS) + " more");
        }
        err.println(source + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "; nothing was written");
        return INVALID_FILE;
    }

    /**
     * {@code discover}: asks the platform for its agents, merges them into the tenant's roster
     * ({@link RosterDiscovery}) and prints the diff that importing the result would make. Writes
     * nothing to Kafka; {@code --out} saves the proposed roster for {@code roster import}, so the
     * person who reviewed the diff is the one who applies it.
     */
    private int discover(RosterArgs args, ConfigSource config) throws Exception {
        ConnectorPlatform platform = ConnectorPlatforms.named(args.platform());
        List<AgentDiscovery.Agent> found;
        try (AgentDiscovery discovery = platform.discovery(config).orElse(null)) {
            if (discovery == null) {
                err.println("ctistream roster: " + platform.name() + " cannot list its agents; write its agents in a file for 'roster import'");
                return USAGE;
            }
            found = discovery.discover(KAFKA_TIMEOUT);
        }
        try (RosterStore store = stores.apply(config)) {
            Map<String, RosterEntry> current = store.current();
            RosterDiscovery.Proposal proposal = RosterDiscovery.propose(args.tenant(), platform.platform(), current.values(), found,
                    args.teamMap());
            StringWriter text = new StringWriter();
            args.format().write(proposal.entries(), text);
            // the proposal is read back as the file it will be: what import will see, checked the same way
            String source = args.file() == null ? "discovered roster" : args.file().toString();
            RosterRows rows = args.format().read(new StringReader(text.toString()), source);
            RosterValidator.Result result = RosterValidator.validate(rows);
            List<RosterProblem> problems = result.valid()
                    ? RosterValidator.against(rows, result, current, false, null, null) : result.problems();
            out.println("roster discovery on " + platform.name() + " for tenant [" + args.tenant() + "]: " + proposal.listed()
                    + " agents listed; against cti.agents:");
            proposal.notes().forEach(n -> out.println("  note: " + n));
            if (!problems.isEmpty()) {
                return invalid(source, problems);
            }
            RosterDiff diff = RosterDiff.between(current, result.entries(), false);
            diff.lines().forEach(line -> out.println("  " + line));
            proposal.notListed().forEach(e -> out.println("  ? " + e.agentId() + " (" + platform.name() + " user " + e.platformUserId()
                    + "): not listed by " + platform.name() + ", kept"));
            if (diff.noChanges()) {
                out.println("no changes");
            }
            if (args.file() != null) {
                Files.writeString(args.file(), text.toString(), StandardCharsets.UTF_8);
                out.println("nothing written to cti.agents; the proposed roster of [" + args.tenant() + "] (" + proposal.entries().size()
                        + " agents) is in " + args.file() + ": review it, then 'ctistream roster import " + args.file() + "'");
            } else {
                out.println("nothing written to cti.agents; add --out FILE to save the proposed roster for 'ctistream roster import'");
            }
            return OK;
        }
    }

    private int export(RosterArgs args, ConfigSource config) throws Exception {
        List<RosterEntry> entries;
        try (RosterStore store = stores.apply(config)) {
            entries = store.current().values().stream().filter(e -> args.tenant().equals(e.tenant()))
                    .sorted(Comparator.comparing(RosterEntry::agentId)).toList();
        }
        StringWriter text = new StringWriter();
        args.format().write(entries, text); // all of it before the target is touched: a failure leaves an old file whole
        if (args.file() == null) {
            out.print(text);
            out.flush();
        } else {
            Files.writeString(args.file(), text.toString(), StandardCharsets.UTF_8);
        }
        if (entries.isEmpty()) {
            err.println("no agents of tenant [" + args.tenant() + "] on cti.agents");
        }
        // the count on stderr: stdout is the file itself
        err.println("exported " + entries.size() + " agents of tenant [" + args.tenant() + "] as " + args.format().name().toLowerCase()
                + (args.file() == null ? "" : " to " + args.file()));
        return OK;
    }

    private static String message(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
