package io.ctistream.simulator.finesse;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away Prosody for this module's integration tests: domain {@code localhost}, pubsub on
 * {@code pubsub.localhost}, c2s and WebSocket on free loopback ports, plain-text auth allowed
 * (loopback only), the publisher an admin so it may create nodes. Not the connector's harness
 * (test code is not shared between modules); kept to what the Smack publisher test needs.
 */
final class LocalProsody implements AutoCloseable {
    final int c2sPort;
    final int httpPort;
    private final Process process;
    private final Path dir;

    private LocalProsody(Path dir, int c2sPort, int httpPort, Process process) {
        this.dir = dir;
        this.c2sPort = c2sPort;
        this.httpPort = httpPort;
        this.process = process;
    }

    static boolean installed() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "prosody")) && Files.isExecutable(Path.of(d, "prosodyctl"))) {
                return true;
            }
        }
        return false;
    }

    /** Starts Prosody with these accounts (user → password); {@code admin} may create pubsub nodes. */
    static LocalProsody start(Path dir, String admin, Map<String, String> users) throws Exception {
        int c2s = freePort();
        int http = freePort();
        Path cfg = dir.resolve("prosody.cfg.lua");
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("certs"));
        Files.writeString(cfg, String.join("\n",
                "pidfile = \"" + dir.resolve("prosody.pid") + "\"",
                "data_path = \"" + dir.resolve("data") + "\"",
                "certificates = \"" + dir.resolve("certs") + "\"",
                "run_as_root = true",
                "admins = { \"" + admin + "@localhost\" }",
                "modules_enabled = { \"roster\"; \"saslauth\"; \"disco\"; \"ping\"; \"websocket\"; \"posix\" }",
                "modules_disabled = { \"s2s\"; \"tls\" }",
                "c2s_ports = { " + c2s + " }", "c2s_interfaces = { \"127.0.0.1\" }",
                "http_ports = { " + http + " }", "http_interfaces = { \"127.0.0.1\" }",
                "https_ports = {}", "s2s_ports = {}",
                "c2s_require_encryption = false", "allow_unencrypted_plain_auth = true", "consider_websocket_secure = true",
                "authentication = \"internal_plain\"", "storage = \"internal\"",
                "log = { info = \"" + dir.resolve("prosody.log") + "\" }",
                "VirtualHost \"localhost\"",
                "Component \"pubsub.localhost\" \"pubsub\"", ""), StandardCharsets.UTF_8);
        for (Map.Entry<String, String> u : users.entrySet()) {
            Process reg = new ProcessBuilder("prosodyctl", "--config", cfg.toString(), "register", u.getKey(), "localhost", u.getValue())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prosodyctl.log").toFile()).start();
            if (!reg.waitFor(30, TimeUnit.SECONDS) || reg.exitValue() != 0) {
                throw new IllegalStateException("prosodyctl register failed for " + u.getKey() + "; see " + dir.resolve("prosodyctl.log"));
            }
        }
        Process p = new ProcessBuilder("prosody", "--config", cfg.toString(), "-F").redirectErrorStream(true)
                .redirectOutput(dir.resolve("prosody.out").toFile()).start();
        LocalProsody prosody = new LocalProsody(dir, c2s, http, p);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> listening(c2s) && listening(http));
        return prosody;
    }

    String wsUrl() {
        return "ws://127.0.0.1:" + httpPort + "/xmpp-websocket";
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy(); // this Prosody's own process, by its handle
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "LocalProsody[dir=" + dir + ", c2s=" + c2sPort + ", http=" + httpPort + "]";
    }
}
