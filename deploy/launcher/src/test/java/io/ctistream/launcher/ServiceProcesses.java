package io.ctistream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * ctistream services as real processes from the built jar, configured only by environment
 * variables, with their output kept for a failure message. {@link #kill} is {@code kill -9}:
 * no shutdown hook runs, nothing is flushed or said goodbye.
 */
final class ServiceProcesses implements AutoCloseable {
    static final Path JAR = Path.of("target/ctistream.jar");

    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private final Map<String, List<String>> outputs = new ConcurrentHashMap<>();

    /** Starts {@code ctistream <command…>} as {@code name} with only the given {@code CTISTREAM_*} settings. */
    Process launch(String name, Map<String, String> env, String... command) throws IOException {
        assertThat(JAR).as("the launcher jar is built in the package phase, before the ITs").exists();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-jar",
                JAR.toString()));
        cmd.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("CTISTREAM_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        running.put(name, process);
        List<String> output = outputs.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>());
        output.add("---- started " + String.join(" ", command));
        // every line is also kept in target/processes/<name>.log, for reading a failure after the fact
        Path log = Files.createDirectories(Path.of("target", "processes")).resolve(name + ".log");
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 java.io.Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                         java.nio.file.StandardOpenOption.APPEND)) {
                file.write("---- started " + String.join(" ", command) + "\n");
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.add(line);
                    file.write(line);
                    file.write('\n');
                    file.flush();
                }
            } catch (IOException e) {
                output.add("[output closed: " + e.getMessage() + "]");
            }
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    /** {@code kill -9} of the named process, waited for. */
    void kill(String name) throws InterruptedException {
        Process p = running.remove(name);
        if (p != null) {
            p.destroyForcibly(); // SIGKILL on Linux
            p.waitFor(30, TimeUnit.SECONDS);
            outputs.get(name).add("---- killed (SIGKILL)");
        }
    }

    /** True when the named process, since its latest start, printed a line containing {@code text}. */
    boolean printed(String name, String text) {
        List<String> lines = outputs.getOrDefault(name, List.of());
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (line.contains(text)) {
                return true;
            }
            if (line.startsWith("---- started")) {
                return false;
            }
        }
        return false;
    }

    /** True when a process started here has exited on its own. */
    boolean anyExited() {
        return running.values().stream().anyMatch(p -> !p.isAlive());
    }

    /** What the processes printed, newest lines of each, for an assertion message. */
    String outputs() {
        StringBuilder b = new StringBuilder();
        outputs.forEach((name, lines) -> {
            b.append("\n==== ").append(name).append('\n');
            lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> b.append(l).append('\n'));
        });
        return b.toString();
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        running.values().forEach(Process::destroyForcibly);
        running.clear();
    }
}
