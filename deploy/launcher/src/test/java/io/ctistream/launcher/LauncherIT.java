package io.ctistream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.LoopbackPorts;
import io.ctistream.schemas.CtiTopics;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Verifies the runnable as a user runs it: {@code java -jar ctistream.jar all} in its own process
 * reaches ready with every topic created and every schema registered, serves the admin API with the
 * admin token it prints for {@code CTISTREAM_TENANT}, stops cleanly on SIGTERM (what Ctrl-C and
 * container runtimes send), and a second run reuses the data directory.
 */
class LauncherIT {
    private static final Path JAR = Path.of("target/ctistream.jar");
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private Path dataDir;

    @BeforeEach
    void setUp() throws IOException {
        dataDir = Files.createTempDirectory("ctistream-launcher-");
    }

    @AfterEach
    void tearDown() throws IOException {
        processes.forEach(Process::destroyForcibly);
        try (Stream<Path> walk = Files.walk(dataDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void allReachesReadyStopsCleanlyAndReusesItsDataOnTheNextRun() throws Exception {
        int[] ports = LoopbackPorts.free(5); // kafka, registry, engine, push, admin
        int registryPort = ports[1];
        int engineHttpPort = ports[2];
        int adminPort = ports[4];
        String registry = "http://127.0.0.1:" + registryPort + "/apis/registry/v3";

        // GIVEN a first run on an empty data directory
        Launched first = launch("all", ports);
        first.awaitLine("ctistream ready");

        // THEN every topic exists and every value schema is registered
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + ports[0]))) {
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(topics).containsAll(Arrays.stream(CtiTopics.values()).map(CtiTopics::topicName).collect(Collectors.toSet()));
        }
        String eventsSchema = get(registry + "/groups/default/artifacts/cti.agent-events-value/versions/branch%3Dlatest");
        for (CtiTopics t : CtiTopics.values()) {
            assertThat(get(registry + "/groups/default/artifacts/" + t.valueArtifactId() + "/versions/1")).contains("\"globalId\"");
        }
        // AND the agent-state engine runs and answers
        assertThat(get("http://127.0.0.1:" + engineHttpPort + "/health/ready")).contains("\"UP\"");
        assertThat(first.output()).anyMatch(l -> l.contains("ctistream ready") && l.contains("engine [http://127.0.0.1:" + engineHttpPort + "]"));
        // AND the admin API runs (issue #18): its OpenAPI document without a token, the tenant's resources with the token printed for it
        String admin = "http://127.0.0.1:" + adminPort + "/api/v1";
        assertThat(new io.vertx.core.json.JsonObject(get(admin + "/openapi.json")).getString("openapi")).startsWith("3.");
        String token = printed(first, "admin token:");
        assertThat(send(admin + "/tenants/acme/agents", null).statusCode()).as("no token").isEqualTo(401);
        HttpResponse<String> agents = send(admin + "/tenants/acme/agents", token);
        assertThat(agents.statusCode()).as(agents.body()).isEqualTo(200);
        assertThat(new io.vertx.core.json.JsonObject(agents.body()).getJsonArray("items")).isNotNull();
        assertThat(send(admin + "/tenants/demo/agents", token).statusCode()).as("the token is bound to CTISTREAM_TENANT").isEqualTo(404);
        assertThat(first.output()).anyMatch(l -> l.contains("admin API:") && l.contains("/tenants/acme/agents"));
        assertThat(get("http://127.0.0.1:" + adminPort + "/metrics")).contains("ctistream_admin_requests_total", "ctistream_webhooks_subscriptions");
        // AND a clean start prints no ERROR (issue #19, item 12: known-harmless broker chatter read as "it is broken")
        assertThat(first.output()).as("ERROR lines on a clean start").noneMatch(l -> l.contains(" ERROR "));

        // WHEN it is stopped the way Ctrl-C or a container runtime stops it
        first.process().toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its stdout
        assertThat(first.awaitExit()).isTrue();
        assertThat(first.output()).anyMatch(l -> l.contains("ctistream stopped"));

        // AND started again on the same data directory
        Launched second = launch("all", ports);
        second.awaitLine("ctistream ready");

        // THEN it reuses the topics and keeps the schema ids
        assertThat(second.output()).anyMatch(l -> l.contains("reused from an earlier run"));
        assertThat(get(registry + "/groups/default/artifacts/cti.agent-events-value/versions/branch%3Dlatest")).isEqualTo(eventsSchema);

        // AND a concurrent run on the same data directory refuses with a message a person can act on
        Launched intruder = launch("all", LoopbackPorts.free(5));
        assertThat(intruder.awaitExit()).isTrue();
        assertThat(intruder.process().exitValue()).isEqualTo(1);
        assertThat(intruder.output()).anyMatch(l -> l.contains("is in use by another ctistream or kafka process"));

        second.process().toHandle().destroy();
        assertThat(second.awaitExit()).isTrue();
        assertThat(second.output()).anyMatch(l -> l.contains("ctistream stopped"));
    }

    @Test
    void badSettingStopsWithTheKeyAndTheReason() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(javaBin(), "-jar", JAR.toString(), "all").redirectErrorStream(true);
        builder.environment().put(EmbeddedConfig.KAFKA_PORT, "ninety-two");
        Launched bad = start(builder);
        assertThat(bad.awaitExit()).isTrue();
        assertThat(bad.process().exitValue()).isEqualTo(2);
        assertThat(bad.output()).anyMatch(l -> l.contains("CTISTREAM_KAFKA_PORT must be a port number") && l.contains("[ninety-two]"));
    }

    @Test
    void engineWithoutKafkaSaysWhichSettingIsMissing() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(javaBin(), "-jar", JAR.toString(), "engine").redirectErrorStream(true);
        builder.environment().remove("CTISTREAM_KAFKA_BOOTSTRAP");
        Launched bad = start(builder);
        assertThat(bad.awaitExit()).isTrue();
        assertThat(bad.process().exitValue()).isEqualTo(2);
        assertThat(bad.output()).anyMatch(l -> l.contains("CTISTREAM_KAFKA_BOOTSTRAP must name the Kafka bootstrap servers"));
    }

    /** Starts {@code command} on the ports kafka, registry, engine, push, admin, for tenant acme. */
    private Launched launch(String command, int[] ports) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(javaBin(), "-Xmx768m", "-jar", JAR.toString(), command).redirectErrorStream(true);
        builder.environment().put(EmbeddedConfig.DATA_DIR, dataDir.toString());
        builder.environment().put(EmbeddedConfig.KAFKA_PORT, Integer.toString(ports[0]));
        builder.environment().put(EmbeddedConfig.REGISTRY_PORT, Integer.toString(ports[1]));
        builder.environment().put(EmbeddedConfig.AGENT_PARTITIONS, "2");
        builder.environment().put("CTISTREAM_ENGINE_HTTP_PORT", Integer.toString(ports[2]));
        builder.environment().put("CTISTREAM_PUSH_PORT", Integer.toString(ports[3]));
        builder.environment().put("CTISTREAM_ADMIN_PORT", Integer.toString(ports[4]));
        builder.environment().put(EmbeddedConfig.TENANT, "acme");
        return start(builder);
    }

    private Launched start(ProcessBuilder builder) throws IOException {
        assertThat(JAR).as("the launcher jar is built in the package phase, before this IT").exists();
        Process process = builder.start();
        processes.add(process);
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(output::add);
            } catch (IOException e) {
                output.add("[output closed: " + e.getMessage() + "]");
            }
        }, "launcher-output");
        reader.setDaemon(true);
        reader.start();
        return new Launched(process, output, reader);
    }

    private record Launched(Process process, List<String> output, Thread reader) {
        /** Waits for the process to exit and for its last lines to be read. */
        boolean awaitExit() throws InterruptedException {
            boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            reader.join(Duration.ofSeconds(10).toMillis());
            return exited;
        }

        void awaitLine(String marker) {
            await().atMost(Duration.ofSeconds(90)).failFast("launcher exited: " + output, () -> !process.isAlive())
                    .until(() -> output.stream().anyMatch(l -> l.contains(marker)));
        }
    }

    /** The value printed after {@code label} (the links block is printed after "ctistream ready"). */
    private static String printed(Launched launched, String label) {
        await().atMost(Duration.ofSeconds(30)).until(() -> launched.output().stream().anyMatch(l -> l.contains(label)));
        String line = launched.output().stream().filter(l -> l.contains(label)).findFirst().orElseThrow();
        return line.substring(line.indexOf(label) + label.length()).strip();
    }

    private static HttpResponse<String> send(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
