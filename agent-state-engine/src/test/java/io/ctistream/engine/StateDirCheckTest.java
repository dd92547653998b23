package io.ctistream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;

/**
 * Verifies issue #13's corrupted-state check on RocksDB instances laid out as Kafka Streams lays
 * them out (two column families, a checkpoint beside them): a healthy task is kept whole; a store
 * whose files are overwritten or truncated, or a checkpoint that does not parse, gets its task
 * removed, and only that task.
 */
class StateDirCheckTest {
    private static final String APP = "engine-app";

    @TempDir
    Path stateDir;

    @Test
    void healthyTasksAreKept() throws Exception {
        Path task = task("0_0");
        assertThat(StateDirCheck.repair(stateDir, APP)).isEmpty();
        assertThat(files(task)).isNotEmpty();
        assertThat(StateDirCheck.taskProblem(task)).isNull();
    }

    @Test
    void aStoreWithGarbageInItsTablesIsRemovedWithItsTaskOnly() throws Exception {
        Path damaged = task("0_1");
        Path healthy = task("0_2");
        overwrite(damaged, name -> name.endsWith(".sst"));

        List<StateDirCheck.Damage> removed = StateDirCheck.repair(stateDir, APP);

        assertThat(removed).extracting(StateDirCheck.Damage::path).containsExactly(damaged);
        assertThat(removed.get(0).why()).contains("rocksdb/projections");
        assertThat(damaged).doesNotExist();
        assertThat(StateDirCheck.taskProblem(healthy)).isNull();
    }

    @Test
    void aStoreWithGarbageInItsManifestOrCurrentIsRemoved() throws Exception {
        Path manifest = task("1_0");
        Path current = task("1_1");
        overwrite(manifest, name -> name.startsWith("MANIFEST"));
        overwrite(current, name -> name.equals("CURRENT"));

        assertThat(StateDirCheck.repair(stateDir, APP)).extracting(StateDirCheck.Damage::path).containsExactly(manifest, current);
    }

    @Test
    void aTruncatedTableIsRemoved() throws Exception {
        Path task = task("2_0");
        for (Path sst : files(task).stream().filter(p -> p.toString().endsWith(".sst")).toList()) {
            byte[] all = Files.readAllBytes(sst);
            Files.write(sst, java.util.Arrays.copyOf(all, all.length / 2));
        }
        assertThat(StateDirCheck.repair(stateDir, APP)).extracting(StateDirCheck.Damage::path).containsExactly(task);
    }

    @Test
    void aCheckpointThatDoesNotParseIsRemovedWithItsTask() throws Exception {
        Path task = task("3_0");
        Files.writeString(task.resolve(StateDirCheck.CHECKPOINT), "0\n2\nctistream.agent-events 1 17\n\u0000\u0013garbage\n");
        assertThat(StateDirCheck.repair(stateDir, APP)).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo(task);
            assertThat(d.why()).contains(".checkpoint");
        });
    }

    @Test
    void aProcessFileThatDoesNotParseIsRemoved() throws Exception {
        task("4_0");
        Path process = stateDir.resolve(APP).resolve(StateDirCheck.PROCESS_FILE);
        Files.writeString(process, "{\"version\":1,\"processId\":\"6d2c62d1-7c8b-4f4e-b0a1-9d3e5b0d6c11\"}");
        assertThat(StateDirCheck.repair(stateDir, APP)).isEmpty();

        Files.write(process, new byte[] {0x7f, 0x01, 0x02});
        assertThat(StateDirCheck.repair(stateDir, APP)).extracting(StateDirCheck.Damage::path).containsExactly(process);
        assertThat(process).doesNotExist();
    }

    @Test
    void aStateDirectoryNotYetCreatedIsNothingToRepair() {
        assertThat(StateDirCheck.repair(stateDir.resolve("absent"), APP)).isEmpty();
    }

    /** A task directory as Kafka Streams writes it: a RocksDB store with two column families, flushed, and a checkpoint. */
    private Path task(String id) throws Exception {
        Path task = Files.createDirectories(stateDir.resolve(APP).resolve(id));
        Path store = Files.createDirectories(task.resolve("rocksdb").resolve("projections"));
        RocksDB.loadLibrary();
        List<ColumnFamilyDescriptor> families = List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                new ColumnFamilyDescriptor("keyValueWithTimestamp".getBytes(StandardCharsets.UTF_8)));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
             RocksDB db = RocksDB.open(options, store.toString(), families, handles);
             FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            for (int i = 0; i < 500; i++) {
                db.put(handles.get(1), ("tenant/agent-" + i).getBytes(StandardCharsets.UTF_8), ("state " + i).repeat(20).getBytes(StandardCharsets.UTF_8));
            }
            db.flush(flush, handles);
        } finally {
            handles.forEach(ColumnFamilyHandle::close);
        }
        Files.writeString(task.resolve(StateDirCheck.CHECKPOINT), "0\n1\nengine-app-projections-changelog 0 500\n");
        return task;
    }

    private static void overwrite(Path task, java.util.function.Predicate<String> which) throws IOException {
        List<Path> hit = files(task).stream().filter(p -> which.test(p.getFileName().toString())).toList();
        assertThat(hit).as("files to damage in " + task).isNotEmpty();
        java.util.Random random = new java.util.Random(13);
        for (Path p : hit) {
            byte[] garbage = new byte[(int) Math.max(64, Files.size(p))];
            random.nextBytes(garbage);
            Files.write(p, garbage);
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }
}
