package io.ctistream.launcher;

import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ctistream <command>}: the one runnable of ctistream. Wiring only; each command
 * assembles collaborators that live in the modules.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    static final String USAGE = """
            usage: ctistream <command>

            commands:
              all      the single-machine default: embedded Kafka broker and schema registry,
                       every topic created and every schema registered, and the agent-state
                       engine with its read API; state kept in CTISTREAM_DATA_DIR
                       (default ./.ctistream/data) across restarts
              demo     'all', plus a demo contact center roster (CTISTREAM_DEMO_AGENTS agents in
                       CTISTREAM_DEMO_TEAMS teams on CTISTREAM_DEMO_QUEUES queues)
              engine   the agent-state engine alone, against the Kafka cluster and Apicurio
                       Registry named by CTISTREAM_KAFKA_BOOTSTRAP and CTISTREAM_REGISTRY_URL
              push     the WebSocket push service (wallboard, agent panel, /ws) alone, against
                       the same; tokens verified with CTISTREAM_PUSH_JWT_SECRET or
                       CTISTREAM_PUSH_JWKS_URL
              version  print the version
              help     print this text

            settings are environment variables, documented in docs/config/; Ctrl-C stops cleanly.
            """;

    private Main() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        try {
            switch (command) {
                case "all" -> runUntilStopped(false);
                case "demo" -> runUntilStopped(true);
                case "engine" -> runEngine();
                case "push" -> runPush();
                case "version" -> System.out.println("ctistream " + version());
                case "help", "-h", "--help" -> System.out.print(USAGE);
                default -> {
                    System.err.println("unknown command [" + command + "] " + Arrays.toString(Arrays.copyOfRange(args, 1, args.length)));
                    System.err.print(USAGE);
                    System.exit(2);
                }
            }
        } catch (ConfigSource.ConfigException e) {
            LOG.error("configuration error: {}", e.getMessage());
            System.exit(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(130);
        } catch (IllegalStateException e) {
            // our own failures carry a message a person can act on; the stack trace is for debugging
            LOG.error("ctistream {} failed to start: {}", command, e.getMessage());
            LOG.debug("failure detail", e);
            System.exit(1);
        } catch (Exception e) {
            LOG.error("ctistream {} failed to start: {}", command, e.getMessage(), e);
            System.exit(1);
        }
    }

    private static void runUntilStopped(boolean demo) throws Exception {
        ConfigSource source = ConfigSource.fromEnvironment();
        EmbeddedConfig config = EmbeddedConfig.from(source);
        LOG.info("ctistream {} starting ({}), data in [{}]", version(), demo ? "demo" : "all", config.dataDir());
        long started = System.nanoTime();
        Deque<AutoCloseable> running = new ArrayDeque<>();
        CountDownLatch stopped = stopOnShutdown(running);
        try {
            EmbeddedStack stack = EmbeddedStack.start(config);
            running.push(stack);
            if (demo) {
                var roster = DemoRoster.build(config.demoAgents(), config.demoTeams(), config.demoQueues());
                DemoRoster.publish(roster, stack.bootstrapServers(), stack.registryUrl());
                LOG.info("demo roster: [{}] agents of tenant [{}] written to [cti.agents]", roster.size(), DemoRoster.TENANT);
            }
            EngineSettings engineSettings = EngineSettings.embedded(source, stack.bootstrapServers(), stack.registryUrl(), config.dataDir());
            Vertx vertx = Vertx.vertx();
            running.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
            EngineService engine = EngineService.start(vertx, engineSettings);
            running.push(engine);
            PushSettings pushSettings = PushSettings.embedded(source, stack.bootstrapServers(), stack.registryUrl(), config.dataDir());
            PushService push = PushService.start(vertx, pushSettings);
            running.push(push);
            LOG.info("ctistream ready after [{} ms]: kafka [{}], schema registry [{}], engine [{}], data [{}]{}",
                    (System.nanoTime() - started) / 1_000_000, stack.bootstrapServers(), stack.registryUrl(), engine.url(engineSettings),
                    config.dataDir(), stack.reusedData() ? " (reused from an earlier run)" : "");
            printLinks(pushSettings, push.port(), demo ? DemoRoster.teamIds(config.demoTeams()) : List.of(), demo ? DemoRoster.TENANT + "/agent001" : null);
        } catch (Exception | Error e) {
            closeAll(running);
            throw e;
        }
        LOG.info("press Ctrl-C to stop");
        stopped.await();
    }

    private static void runEngine() throws Exception {
        EngineSettings settings = EngineSettings.standalone(ConfigSource.fromEnvironment());
        LOG.info("ctistream {} starting (engine), kafka [{}], registry [{}], application id [{}]", version(),
                settings.engine().bootstrapServers(), settings.engine().registryUrl(), settings.engine().applicationId());
        Deque<AutoCloseable> running = new ArrayDeque<>();
        CountDownLatch stopped = stopOnShutdown(running);
        Vertx vertx = Vertx.vertx();
        running.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        try {
            EngineService engine = EngineService.start(vertx, settings);
            running.push(engine);
            LOG.info("ctistream engine ready: read api [{}]", engine.url(settings));
        } catch (Exception | Error e) {
            closeAll(running);
            throw e;
        }
        stopped.await();
    }

    private static void runPush() throws Exception {
        PushSettings settings = PushSettings.standalone(ConfigSource.fromEnvironment());
        LOG.info("ctistream {} starting (push), kafka [{}], registry [{}], {}", version(), settings.bootstrapServers(), settings.registryUrl(), settings.push());
        Deque<AutoCloseable> running = new ArrayDeque<>();
        CountDownLatch stopped = stopOnShutdown(running);
        Vertx vertx = Vertx.vertx();
        running.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        try {
            PushService push = PushService.start(vertx, settings);
            running.push(push);
            LOG.info("ctistream push ready: wallboard [http://{}:{}/], websocket [/ws]", settings.push().host(), push.port());
        } catch (Exception | Error e) {
            closeAll(running);
            throw e;
        }
        stopped.await();
    }

    /**
     * The single-machine run's entry points, with tokens signed by the data directory's secret: a
     * wallboard for a supervisor of every demo team (an admin of the tenant without the demo) and an
     * agent panel. Tokens sit in the URL fragment, which browsers never send to the server.
     */
    private static void printLinks(PushSettings settings, int port, List<String> teams, String agentId) {
        if (settings.push().jwtSecret() == null) {
            return;
        }
        io.ctistream.push.Jwt jwt = new io.ctistream.push.Jwt(settings.push().jwtSecret(), 0);
        long exp = java.time.Instant.now().plus(java.time.Duration.ofHours(12)).getEpochSecond();
        String base = "http://localhost:" + port;
        var supervisor = new io.vertx.core.json.JsonObject().put("sub", teams.isEmpty() ? "admin" : "supervisor").put("tenant", DemoRoster.TENANT)
                .put("role", teams.isEmpty() ? "admin" : "supervisor").put("teams", new io.vertx.core.json.JsonArray(teams)).put("exp", exp);
        StringBuilder out = new StringBuilder("\n  wallboard:   ").append(base).append("/\n  ").append(teams.isEmpty() ? "admin:       " : "supervisor:  ")
                .append(base).append("/#token=")
                .append(jwt.sign(supervisor));
        if (agentId != null) {
            var agent = new io.vertx.core.json.JsonObject().put("sub", agentId).put("tenant", DemoRoster.TENANT).put("role", "agent")
                    .put("agentId", agentId).put("exp", exp);
            out.append("\n  agent:       ").append(base).append("/agent#token=").append(jwt.sign(agent));
        }
        // printed, not logged: the links carry tokens (valid 12 hours, for this machine's data directory)
        System.out.println(out.append("\n"));
    }

    /** Closes what is running, newest first, when the JVM is asked to stop (Ctrl-C, SIGTERM). */
    private static CountDownLatch stopOnShutdown(Deque<AutoCloseable> running) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!running.isEmpty()) {
                LOG.info("stopping ctistream");
                closeAll(running);
                LOG.info("ctistream stopped");
            }
            stopped.countDown();
        }, "ctistream-shutdown"));
        return stopped;
    }

    private static synchronized void closeAll(Deque<AutoCloseable> running) {
        while (!running.isEmpty()) {
            AutoCloseable c = running.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("could not stop [{}] cleanly: {}", c.getClass().getSimpleName(), e.getMessage());
            }
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
