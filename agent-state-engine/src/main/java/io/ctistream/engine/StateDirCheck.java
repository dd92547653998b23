package io.ctistream.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Checks an engine's local state before Kafka Streams opens it, and removes what cannot be read, so
 * a damaged state directory is rebuilt from the changelogs instead of crashing stream threads
 * (issue #13: a corrupted directory used to recover only through two thread crashes, +25 s).
 *
 * <p>A task's directory is removed whole when any of its RocksDB instances does not open read-only
 * or fails its checksums, or its {@code .checkpoint} file does not parse; Kafka Streams then
 * restores that task from its changelog as it does for a new instance. The process-id file of the
 * application is removed when it does not parse (Streams writes a new one). Nothing else is
 * touched: a healthy task keeps its state and its checkpoint.
 */
final class StateDirCheck {
    /** Streams' file of the process id, in the application's directory. */
    static final String PROCESS_FILE = "kafka-streams-process-metadata";
    static final String CHECKPOINT = ".checkpoint";

    /** A task directory (or file) found unreadable, and why. */
    record Damage(Path path, String why) {
    }

    private StateDirCheck() {
    }

    /** Checks {@code <stateDir>/<applicationId>} and removes what is damaged; returns what was removed. */
    static List<Damage> repair(Path stateDir, String applicationId) {
        Path app = stateDir.resolve(applicationId);
        if (!Files.isDirectory(app)) {
            return List.of();
        }
        List<Damage> removed = new ArrayList<>();
        Path process = app.resolve(PROCESS_FILE);
        if (Files.isRegularFile(process)) {
            String why = processFileProblem(process);
            if (why != null) {
                delete(process);
                removed.add(new Damage(process, why));
            }
        }
        try (Stream<Path> tasks = Files.list(app)) {
            for (Path task : tasks.filter(Files::isDirectory).sorted().toList()) {
                String why = taskProblem(task);
                if (why != null) {
                    delete(task);
                    removed.add(new Damage(task, why));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the engine's state directory " + app, e);
        }
        return removed;
    }

    /** Why a task directory cannot be trusted, or null when every store and checkpoint in it reads. */
    static String taskProblem(Path task) {
        try (Stream<Path> files = Files.walk(task)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && name.equals(CHECKPOINT)) {
                    String why = checkpointProblem(p);
                    if (why != null) {
                        return task.relativize(p) + ": " + why;
                    }
                }
                if (Files.isDirectory(p) && Files.exists(p.resolve("CURRENT"))) {
                    String why = rocksDbProblem(p);
                    if (why != null) {
                        return task.relativize(p) + ": " + why;
                    }
                }
            }
            return null;
        } catch (IOException | UncheckedIOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    /**
     * Kafka's offset checkpoint: a version line ({@code 0}), a count, then that many lines of
     * {@code topic partition offset}.
     */
    static String checkpointProblem(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return null; // Streams writes nothing for a task with no logged store
            }
            if (!lines.get(0).strip().equals("0")) {
                return "checkpoint version is not 0";
            }
            int count = Integer.parseInt(lines.get(1).strip());
            if (count < 0 || lines.size() < 2 + count) {
                return "checkpoint announces " + count + " offsets but has " + (lines.size() - 2);
            }
            for (int i = 2; i < 2 + count; i++) {
                String[] parts = lines.get(i).strip().split(" ");
                if (parts.length != 3) {
                    return "checkpoint line " + (i + 1) + " is not 'topic partition offset'";
                }
                Integer.parseInt(parts[1]);
                Long.parseLong(parts[2]);
            }
            return null;
        } catch (IOException e) {
            return "checkpoint unreadable: " + e.getMessage();
        } catch (RuntimeException e) { // NumberFormatException, IndexOutOfBounds, malformed input
            return "checkpoint does not parse";
        }
    }

    /** Opens one RocksDB instance read-only with all its column families and verifies every checksum. */
    static String rocksDbProblem(Path dir) {
        RocksDB.loadLibrary();
        String path = dir.toString();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (Options options = new Options(); DBOptions dbOptions = new DBOptions().setParanoidChecks(true)) {
            List<byte[]> families = RocksDB.listColumnFamilies(options, path);
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] f : families) {
                descriptors.add(new ColumnFamilyDescriptor(f));
            }
            if (descriptors.isEmpty()) {
                descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
            }
            try (RocksDB db = RocksDB.openReadOnly(dbOptions, path, descriptors, handles)) {
                db.verifyChecksum();
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
            return null;
        } catch (RocksDBException e) {
            return "store does not open: " + e.getMessage();
        }
    }

    static String processFileProblem(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            // a small JSON object naming the process id; anything else is what Streams would fail on
            return text.startsWith("{") && text.endsWith("}") && text.contains("processId") ? null : "process file does not parse";
        } catch (IOException | RuntimeException e) {
            return "process file unreadable";
        }
    }

    private static void delete(Path path) {
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the damaged state " + path, e);
        }
    }
}
