package io.ctistream.benchmarks;

import io.ctistream.embedded.LoopbackPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How long {@code ctistream all} takes, as a user runs it, from process start to the
 * "ctistream ready" line: cold (a new data directory: format, create topics, register schemas) and
 * warm (the same directory again: replay the registry journal, find the topics).
 *
 * <p>Method: each round is a new JVM started with {@code java -Xmx768m -jar ctistream.jar all};
 * the clock starts just before {@link ProcessBuilder#start()} and stops when the ready line is read
 * from its output. The process is then stopped with SIGTERM and awaited before the next round.
 *
 * <p>Run: {@code mvn -B -q package -DskipTests -pl benchmarks -am && java -cp
 * "benchmarks/target/classes:benchmarks/target/lib/*" io.ctistream.benchmarks.AllInOneStartup
 * deploy/launcher/target/ctistream.jar 5}
 */
public final class AllInOneStartup {
    private AllInOneStartup() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "deploy/launcher/target/ctistream.jar");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        if (!Files.isRegularFile(jar)) {
            System.err.println("no launcher jar at [" + jar + "]: build it first (mvn -B -q package -DskipTests)");
            System.exit(2);
        }
        List<Long> cold = new ArrayList<>();
        List<Long> warm = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            Path dir = Files.createTempDirectory("ctistream-bench-");
            try {
                cold.add(timeToReady(jar, dir));
                warm.add(timeToReady(jar, dir));
            } finally {
                delete(dir);
            }
        }
        System.out.printf("machine: %d cores, %s %s, java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
        System.out.println("ctistream all, process start to \"ctistream ready\", " + rounds + " rounds");
        System.out.println("cold (new data directory): " + summary(cold));
        System.out.println("warm (reused data directory): " + summary(warm));
    }

    private static long timeToReady(Path jar, Path dataDir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-jar", jar.toString(), "all").redirectErrorStream(true);
        builder.environment().put("CTISTREAM_DATA_DIR", dataDir.toString());
        int[] ports = LoopbackPorts.free(2);
        builder.environment().put("CTISTREAM_KAFKA_PORT", Integer.toString(ports[0]));
        builder.environment().put("CTISTREAM_REGISTRY_PORT", Integer.toString(ports[1]));
        long started = System.nanoTime();
        Process process = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.contains("ctistream ready")) {
                    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    process.toHandle().destroy();
                    while (out.readLine() != null) {
                        // drain until it exits so the next round starts on a quiet machine
                    }
                    process.waitFor(60, TimeUnit.SECONDS);
                    return elapsed;
                }
            }
        } finally {
            process.destroyForcibly();
        }
        throw new IllegalStateException("ctistream exited before it was ready, exit code " + process.waitFor());
    }

    private static String summary(List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        return String.format("median %d ms, min %d ms, max %d ms, all %s", sorted.get(sorted.size() / 2), sorted.get(0),
                sorted.get(sorted.size() - 1), millis);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
