package io.ctistream.launcher.roster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.admin.roster.RosterEntry;
import io.ctistream.admin.roster.RosterFormat;
import io.ctistream.admin.roster.RosterSamples;
import io.ctistream.admin.roster.RosterTopic;
import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AdminAction;
import io.ctistream.events.AdminAudit;
import io.ctistream.events.AgentProfile;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.settings.ConfigSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ctistream roster} against a real broker and the real Apicurio serde: import, a dry run
 * of a changed file and its printed diff, apply, re-apply (nothing written), export and its
 * round trip, a broken file (nothing written); and the same command from the built jar.
 * Each run has its own tenant, so a shared or external broker's other agents do not matter.
 */
@ExtendWith(CtiKafkaExtension.class)
class RosterImportIT {
    @TempDir
    Path dir;
    private final String tenant = "rit" + UUID.randomUUID().toString().substring(0, 8);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private TestKafka kafka;

    @BeforeEach
    void topics(TestKafka kafka) throws Exception {
        this.kafka = kafka;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
    }

    /** Verifies the operator's round: import, dry run of a change, apply, apply again, export, a broken file. */
    @Test
    void importDryRunApplyReapplyExportAndABrokenFile() throws Exception {
        // GIVEN a file of 60 agents, imported
        Path first = Files.writeString(dir.resolve("roster.csv"), RosterSamples.csv(tenant, 60));
        assertThat(run("import", first.toString())).as(err()).isEqualTo(RosterCommand.OK);
        assertThat(out()).contains("60 added, 0 changed, 0 removed", "wrote 60 records to cti.agents");
        assertThat(onTopic()).isEqualTo(byId(RosterSamples.entries(tenant, 60)));
        // each agent added is audited by roster-import, as a change through the admin API is (ADR 016)
        assertThat(auditOfTenant()).hasSize(60).allSatisfy(a -> {
            assertThat(a.getActor()).isEqualTo(RosterTopic.ACTOR);
            assertThat(a.getAction()).isEqualTo(AdminAction.CREATED);
        });

        // WHEN a changed file (agent 2 moved to sales, agent 60 gone, agent 61 new) is dry-run with --remove-missing
        List<RosterEntry> changed = new ArrayList<>(RosterSamples.entries(tenant, 61));
        changed.remove(59);
        RosterEntry moved = RosterSamples.entry(tenant, 2);
        changed.set(1, new RosterEntry(tenant, moved.agentId(), moved.displayName(), tenant + "/sales", moved.queues(), moved.platform(),
                moved.platformUserId(), null, null, null, null, moved.attributes()));
        Path second = Files.writeString(dir.resolve("changed.yaml"), RosterSamples.write(RosterFormat.YAML, changed));
        int records = recordsOfTenant();
        assertThat(run("import", second.toString(), "--dry-run", "--remove-missing")).as(err()).isEqualTo(RosterCommand.OK);

        // THEN the diff is printed and nothing is written
        assertThat(out()).contains("+ " + tenant + "/a61  \"Agent 61\", team " + tenant + "/support, FINESSE 10061",
                "~ " + tenant + "/a2  teamId: \"" + tenant + "/billing\" -> \"" + tenant + "/sales\"",
                "- " + tenant + "/a60  removed (not in file, --remove-missing)",
                "1 added, 1 changed, 1 removed, 0 not in file (kept), 58 unchanged", "dry run: nothing written (3 records would be)");
        assertThat(recordsOfTenant()).isEqualTo(records);

        // WHEN applied: the topic holds the changed roster, agent 60 as a tombstone
        assertThat(run("import", second.toString(), "--remove-missing")).as(err()).isEqualTo(RosterCommand.OK);
        assertThat(out()).contains("wrote 3 records to cti.agents (1 added, 1 changed, 1 removed), every one acknowledged");
        assertThat(onTopic()).isEqualTo(byId(changed));
        assertThat(recordsOfTenant()).isEqualTo(records + 3);

        // WHEN applied again: no changes, nothing written
        assertThat(run("import", second.toString(), "--remove-missing")).as(err()).isEqualTo(RosterCommand.OK);
        assertThat(out()).contains("no changes");
        assertThat(recordsOfTenant()).isEqualTo(records + 3);

        // WHEN exported: the same roster, sorted by agent id, and importing the export changes nothing
        Path export = dir.resolve("export.csv");
        assertThat(run("export", "--tenant", tenant, "--out", export.toString())).as(err()).isEqualTo(RosterCommand.OK);
        assertThat(err()).contains("exported 60 agents of tenant [" + tenant + "] as csv");
        assertThat(byId(RosterSamples.readCsv(Files.readString(export)).entries())).isEqualTo(byId(changed));
        assertThat(run("import", export.toString(), "--remove-missing")).as(err()).isEqualTo(RosterCommand.OK);
        assertThat(out()).contains("60 unchanged", "no changes");

        // WHEN a file with one bad row (agent 61's platform user taken by agent 5) is imported
        Path broken = Files.writeString(dir.resolve("broken.csv"), RosterSamples.csv(tenant, 61)
                .replace(RosterSamples.csvRow(tenant, 61), RosterSamples.csvRow(tenant, 61).replace("10061", "10004")));
        assertThat(run("import", broken.toString(), "--remove-missing")).isEqualTo(RosterCommand.INVALID_FILE);

        // THEN the row is named and nothing is written
        assertThat(err()).contains(broken + ":62: platformUserId: [10004] on FINESSE is already the agent of line 5", "nothing was written");
        assertThat(recordsOfTenant()).isEqualTo(records + 3);
        assertThat(onTopic()).isEqualTo(byId(changed));
    }

    /** Verifies the command from the built jar: the export alone on stdout, and a broken file's exit code 3. */
    @Test
    void theLaunchersCommandFromTheJar() throws Exception {
        Path csv = Files.writeString(dir.resolve("roster.csv"), RosterSamples.csv(tenant, 5));
        assertThat(run("import", csv.toString())).as(err()).isEqualTo(RosterCommand.OK);

        Launched export = launch("roster", "export", "--tenant", tenant);
        assertThat(export.code()).as(export.stderr()).isZero();
        assertThat(RosterSamples.readCsv(export.stdout()).entries()).isEqualTo(RosterSamples.entries(tenant, 5));
        assertThat(export.stderr()).contains("exported 5 agents");

        Path broken = Files.writeString(dir.resolve("broken.csv"), RosterSamples.csv(tenant, 5).replace("AES", "ASE"));
        Launched refused = launch("roster", "import", broken.toString());
        assertThat(refused.code()).isEqualTo(RosterCommand.INVALID_FILE);
        assertThat(refused.stderr()).contains(broken + ":3: platform: [ASE] is not a platform");

        Launched noSettings = launchWith(Map.of(), "roster", "import", csv.toString());
        assertThat(noSettings.code()).isEqualTo(RosterCommand.USAGE);
        assertThat(noSettings.stderr()).contains("CTISTREAM_KAFKA_BOOTSTRAP");
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        RosterCommand command = RosterCommand.onKafka(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return command.run(List.of(args), ConfigSource.from(settings()));
    }

    private Map<String, String> settings() {
        return Map.of("CTISTREAM_KAFKA_BOOTSTRAP", kafka.bootstrapServers(), "CTISTREAM_REGISTRY_URL", kafka.registryUrl());
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, RosterEntry> byId(List<RosterEntry> entries) {
        Map<String, RosterEntry> map = new HashMap<>();
        entries.forEach(e -> map.put(e.agentId(), e));
        return map;
    }

    /** This tenant's agents on the topic, read by a consumer of the test's own: the latest value per key, tombstones removing. */
    private Map<String, RosterEntry> onTopic() {
        Map<String, RosterEntry> roster = new HashMap<>();
        for (ConsumerRecord<String, AgentProfile> r : recordsOfThisTenant()) {
            if (r.value() == null) {
                roster.remove(r.key());
            } else {
                roster.put(r.key(), RosterEntry.of(r.value()));
            }
        }
        return roster;
    }

    /** This tenant's records on cti.admin-audit (committed ones: the import writes each change with its audit in one transaction). */
    private List<AdminAudit> auditOfTenant() {
        List<AdminAudit> audit = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, AdminAudit>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), CtiSerdes.<AdminAudit>valueDeserializer(kafka.registryUrl()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(CtiTopics.ADMIN_AUDIT.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, AdminAudit> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && r.key().startsWith(tenant + "/")) {
                        audit.add(r.value());
                    }
                }
            }
        }
        return audit;
    }

    private int recordsOfTenant() {
        return recordsOfThisTenant().size();
    }

    private List<ConsumerRecord<String, AgentProfile>> recordsOfThisTenant() {
        List<ConsumerRecord<String, AgentProfile>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, AgentProfile>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringDeserializer(), CtiSerdes.<AgentProfile>valueDeserializer(kafka.registryUrl()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(CtiTopics.AGENTS.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, AgentProfile> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && r.key().startsWith(tenant + "/")) {
                        records.add(r);
                    }
                }
            }
        }
        return records;
    }

    private record Launched(int code, String stdout, String stderr) {
    }

    private Launched launch(String... command) throws Exception {
        return launchWith(settings(), command);
    }

    /** {@code java -jar target/ctistream.jar command…} with only {@code env} of the CTISTREAM_* settings; stdout and stderr apart. */
    private Launched launchWith(Map<String, String> env, String... command) throws Exception {
        Path jar = Path.of("target/ctistream.jar");
        assertThat(jar).as("the launcher jar is built in the package phase, before the ITs").exists();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                jar.toString()));
        cmd.addAll(List.of(command));
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("CTISTREAM_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ctistream " + String.join(" ", command) + " did not end within 120 s: " + Files.readString(stderr));
        }
        return new Launched(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }
}
