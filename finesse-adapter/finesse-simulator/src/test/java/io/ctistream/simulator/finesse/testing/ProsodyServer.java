package io.ctistream.simulator.finesse.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real XMPP server for the integration tests of the Finesse modules (the simulator's publisher, the
 * connector's XMPP client, the connector over the simulator; shared through this module's test-jar):
 * the Debian {@code prosody} package run as a child
 * process with its own config, data directory, log and free ports, so that tests never touch a
 * system-wide Prosody. Finesse-like: a virtual host, the {@code pubsub.<domain>} component,
 * WebSocket on plain HTTP (TLS is the tests' business elsewhere), SASL PLAIN allowed without TLS,
 * and {@code finesse@<domain>} as the pubsub admin, standing in for Finesse's own publisher.
 *
 * <p>Restartable: {@link #stop()} and {@link #start()} keep the ports and the data (accounts, nodes
 * and subscriptions persist, as on a real server restarted mid-day); {@link #kill()} is a crash,
 * {@link #freeze()} a hang with the sockets left open.
 */
public final class ProsodyServer implements AutoCloseable {
    public static final Path PROSODY = Path.of("/usr/bin/prosody");
    public static final Path PROSODYCTL = Path.of("/usr/bin/prosodyctl");
    /** The user that owns every pubsub node, as Finesse's {@code finesse} user does. */
    public static final String PUBLISHER = "finesse";
    public static final String PUBLISHER_PASSWORD = "publisher-secret";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final String domain;
    private final Path dir;
    private final Path config;
    private final Path log;
    private final int c2sPort;
    private final int httpPort;
    private Process process;

    private ProsodyServer(String domain, Path dir, int c2sPort, int httpPort) {
        this.domain = domain;
        this.dir = dir;
        this.config = dir.resolve("prosody.cfg.lua");
        this.log = dir.resolve("prosody.log");
        this.c2sPort = c2sPort;
        this.httpPort = httpPort;
    }

    /** Skips the calling test when Prosody is not installed ({@code apt-get install prosody}). */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(PROSODY) && Files.isExecutable(PROSODYCTL),
                "prosody is not installed (apt-get install -y --no-install-recommends prosody); skipping");
    }

    /** Writes a config for {@code domain} into a fresh temp directory and registers the publisher; not started yet. */
    public static ProsodyServer create(String domain) {
        assumeInstalled();
        try {
            Path dir = Files.createTempDirectory("prosody-");
            ProsodyServer server = new ProsodyServer(domain, dir, freePort(), freePort());
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("certs"));
            Files.writeString(server.config, server.configText(), StandardCharsets.UTF_8);
            server.register(PUBLISHER, PUBLISHER_PASSWORD);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The config this harness runs Prosody with (0.12). */
    public String configText() {
        String q = "\"";
        return String.join("\n",
                "-- written by ProsodyServer for one test run",
                "run_as_root = true -- tests may run as root in a container; Prosody otherwise refuses or switches user",
                "data_path = " + q + lua(dir.resolve("data")) + q,
                "pidfile = " + q + lua(dir.resolve("prosody.pid")) + q,
                "certificates = " + q + lua(dir.resolve("certs")) + q,
                "plugin_paths = { }",
                "admins = { " + q + PUBLISHER + "@" + domain + q + " }",
                "modules_enabled = { \"roster\"; \"saslauth\"; \"disco\"; \"ping\"; \"websocket\"; \"posix\" }",
                "modules_disabled = { \"s2s\"; \"offline\" }",
                "interfaces = { \"127.0.0.1\" }",
                "c2s_ports = { " + c2sPort + " }",
                "s2s_ports = { }",
                "http_ports = { " + httpPort + " }",
                "http_interfaces = { \"127.0.0.1\" }",
                "https_ports = { }",
                "consider_websocket_secure = true -- plain ws:// in tests; Finesse is wss://",
                "c2s_require_encryption = false",
                "allow_unencrypted_plain_auth = true",
                "authentication = \"internal_plain\"",
                "storage = \"internal\"",
                "log = { { levels = { min = \"debug\" }, to = \"file\", filename = " + q + lua(log) + q + " } }",
                "",
                "VirtualHost " + q + domain + q,
                "",
                "Component " + q + pubsubService() + q + " \"pubsub\"",
                "    autocreate_on_publish = true",
                "    pubsub_max_items = 64",
                "");
    }

    /** Adds an account (works whether or not the server runs). */
    public ProsodyServer register(String user, String password) {
        run(List.of(PROSODYCTL.toString(), "--config", config.toString(), "register", user, domain, password));
        return this;
    }

    /**
     * Adds many accounts at once by writing the files {@code prosodyctl register} writes for
     * {@code internal_plain} ({@code data/<host>/accounts/<user>.dat}): a process per account
     * would take minutes for a few thousand agents. Works while the server runs (accounts are read
     * at sign-in). Users and passwords must be plain ASCII without quotes.
     */
    public ProsodyServer registerMany(java.util.Map<String, String> passwordsByUser) {
        Path accounts = dir.resolve("data").resolve(encode(domain)).resolve("accounts");
        try {
            Files.createDirectories(accounts);
            for (var e : passwordsByUser.entrySet()) {
                if (!e.getKey().matches("[a-z0-9_.-]+") || !e.getValue().matches("[ -!#-&(-~]+")) {
                    throw new IllegalArgumentException("registerMany takes plain ASCII users and passwords: " + e.getKey());
                }
                Files.writeString(accounts.resolve(encode(e.getKey()) + ".dat"),
                        "return {\n\t[\"password\"] = \"" + e.getValue() + "\";\n};\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Prosody's file-name encoding of hosts and users: every character but a letter or digit as %xx. */
    private static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 128 && Character.isLetterOrDigit(c)) {
                b.append(c);
            } else {
                b.append('%').append(String.format("%02x", (int) c));
            }
        }
        return b.toString();
    }

    /** Starts Prosody in the foreground as a child process and waits until both ports answer. */
    public synchronized ProsodyServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            process = new ProcessBuilder(PROSODY.toString(), "--config", config.toString(), "-F")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        await("prosody listening on " + httpPort + " and " + c2sPort).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50))
                .failFast("prosody exited, see " + dir.resolve("stdout.log"), () -> !started.isAlive())
                .until(() -> listening(httpPort) && listening(c2sPort));
        return this;
    }

    /** Stops Prosody as an operator would (SIGTERM) and waits for it; data and ports are kept for {@link #start()}. */
    public synchronized void stop() {
        end(false);
    }

    /** A crash: SIGKILL; the kernel closes the sockets, so clients see the connection drop at once. */
    public synchronized void kill() {
        end(true);
    }

    /** The {@link io.ctistream.simulator.finesse.SmackPubSubBus} target for this server, publishing as {@link #PUBLISHER}. */
    public io.ctistream.simulator.finesse.SmackPubSubBus.Target publisherTarget() {
        return new io.ctistream.simulator.finesse.SmackPubSubBus.Target("127.0.0.1", c2sPort, domain, pubsubService(), PUBLISHER,
                PUBLISHER_PASSWORD, websocketUri().toString());
    }

    /** A hang: SIGSTOP; connections stay open, nothing answers. {@link #thaw()} undoes it. */
    public synchronized void freeze() {
        signal("-STOP");
    }

    public synchronized void thaw() {
        signal("-CONT");
    }

    public synchronized void restart() {
        stop();
        start();
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    public String domain() {
        return domain;
    }

    public String pubsubService() {
        return "pubsub." + domain;
    }

    public int c2sPort() {
        return c2sPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** Prosody's RFC 7395 endpoint (mod_websocket's default path). */
    public URI websocketUri() {
        return URI.create("ws://127.0.0.1:" + httpPort + "/xmpp-websocket");
    }

    public Path logFile() {
        return log;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    private void end(boolean forcibly) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        thaw(); // a frozen process ignores SIGTERM until continued
        if (forcibly) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal(String sig) {
        Process p = process;
        if (p != null && p.isAlive()) {
            run(List.of("kill", sig, Long.toString(p.pid())));
        }
    }

    private void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish: " + out);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command.get(0) + " failed (" + p.exitValue() + "): " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static String lua(Path p) {
        return p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
