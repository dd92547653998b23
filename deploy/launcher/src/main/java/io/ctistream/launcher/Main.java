package io.ctistream.launcher;

import io.ctistream.settings.ConfigSource;
import io.ctistream.connector.core.PlatformAdapter;
import io.ctistream.connector.core.runtime.ConnectorPlatform;
import io.ctistream.connector.core.runtime.ConnectorPlatforms;
import io.ctistream.connector.core.runtime.RuntimeSettings;
import io.ctistream.launcher.roster.RosterCommand;
import io.vertx.core.Vertx;
import java.io.PrintStream;
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
                       every topic created and every schema registered, the agent-state engine
                       with its read API, the push service, the admin API and the CRM webhooks;
                       state kept in CTISTREAM_DATA_DIR (default ./.ctistream/data) across
                       restarts; prints the wallboard and admin API links with tokens of the
                       tenant CTISTREAM_TENANT (default demo)
              demo     'all', plus a live demo contact center: CTISTREAM_DEMO_AGENTS agents in
                       CTISTREAM_DEMO_TEAMS teams on CTISTREAM_DEMO_QUEUES queues on a BroadWorks
                       AS simulator, a Finesse simulator (the last team) and an AES peer (the
                       one before), each with its real connector, and a continuous ACD day;
                       and a demo CRM that receives agent001's calls as signed webhooks;
                       prints the wallboard, agent panel, admin API and demo CRM links
              kafka    the embedded Kafka broker and schema registry alone (as in 'all', same
                       settings and data directory), for the separate services on one machine
              engine   the agent-state engine alone, against the Kafka cluster and Apicurio
                       Registry named by CTISTREAM_KAFKA_BOOTSTRAP and CTISTREAM_REGISTRY_URL
              connector <platform>
                       a platform connector alone, against the same Kafka and registry;
                       platforms found on the class path: broadworks (SIP to the AS named
                       by CTISTREAM_BW_OUTBOUND_PROXY), finesse (REST + XMPP to
                       CTISTREAM_FINESSE_NODES), aes (DMCC to CTISTREAM_AES_ADDRESSES)
              push     the WebSocket push service (wallboard, agent panel, /ws) alone, against
                       the same; tokens verified with CTISTREAM_PUSH_JWT_SECRET or
                       CTISTREAM_PUSH_JWKS_URL
              admin    the admin REST API (agents, teams, queues, webhook subscriptions; OpenAPI
                       at /api/v1/openapi.json) alone, on CTISTREAM_ADMIN_PORT (8086), against
                       the same; admin tokens verified with CTISTREAM_ADMIN_JWT_SECRET or
                       CTISTREAM_ADMIN_JWKS_URL (else the push service's settings)
              webhooks the CRM webhooks service alone (signed CloudEvents to each subscription,
                       and the cti.cloudevents topic), against the same; health and metrics on
                       CTISTREAM_WEBHOOKS_HTTP_PORT (8087)
              roster import FILE [--dry-run] [--remove-missing]
              roster export --tenant TENANT [--format csv|yaml] [--out FILE]
              roster discover PLATFORM --tenant TENANT [--team-map ID=TEAM,...] [--out FILE]
                       put agents on the roster (cti.agents) from a CSV or YAML file, or write a
                       tenant's roster as one; every row is checked before anything is written,
                       --dry-run prints the diff; discover asks a platform (finesse, broadworks) for its
                       agents and prints the diff, writing only --out FILE for import; against
                       the same Kafka and registry (docs/roster.md; 'ctistream roster help')
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
                case "kafka" -> runKafka();
                case "engine" -> runEngine();
                case "push" -> runPush();
                case "admin" -> runAdmin();
                case "webhooks" -> runWebhooks();
                case "connector" -> runConnector(args.length > 1 ? args[1] : "");
                case "roster" -> runRoster(args);
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
        LOG.info("ctistream {} starting ({}), data in [{}]", version(), demo ? "demo" : "all", EmbeddedConfig.from(source).dataDir());
        Deque<AutoCloseable> running = new ArrayDeque<>();
        CountDownLatch stopped = stopOnShutdown(running);
        AllInOne all = AllInOne.start(source, demo);
        running.push(all);
        // printed, not logged: the links carry tokens
        System.out.println(all.links());
        LOG.info("press Ctrl-C to stop");
        stopped.await();
    }

    private static void runRoster(String[] args) {
        PrintStream out = System.out;
        // the console log writes to System.out, and an export to stdout must be the file alone: the log goes to stderr
        System.setOut(System.err);
        // a command, not a service: the client's reconnect warnings would repeat every second while it waits,
        // and the command's own message names the failure (Kafka not answering, topic missing)
        if (LoggerFactory.getLogger("org.apache.kafka") instanceof ch.qos.logback.classic.Logger kafka) {
            kafka.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
        int code = RosterCommand.onKafka(out, System.err).run(List.of(args).subList(1, args.length), ConfigSource.fromEnvironment());
        out.flush();
        System.exit(code);
    }

    private static void runKafka() throws Exception {
        EmbeddedConfig config = EmbeddedConfig.from(ConfigSource.fromEnvironment());
        LOG.info("ctistream {} starting (kafka), data in [{}]", version(), config.dataDir());
        Deque<AutoCloseable> running = new ArrayDeque<>();
        CountDownLatch stopped = stopOnShutdown(running);
        EmbeddedStack stack = EmbeddedStack.start(config);
        running.push(stack);
        LOG.info("ctistream kafka ready: bootstrap [{}], registry [{}]", stack.bootstrapServers(), stack.registryUrl());
        stopped.await();
    }

    private static void runConnector(String name) throws Exception {
        ConnectorPlatform platform = ConnectorPlatforms.named(name);
        ConfigSource config = ConfigSource.fromEnvironment();
        RuntimeSettings settings = RuntimeSettings.from(config, platform.name());
        PlatformAdapter adapter = platform.adapter(config);
        LOG.info("ctistream {} starting (connector {}), instance [{}], kafka [{}], registry [{}], group [{}]", version(), platform.name(),
                settings.connector().instanceId(), settings.kafka().bootstrapServers(), settings.kafka().registryUrl(), settings.kafka().groupId());
        Deque<AutoCloseable> running = new ArrayDeque<>();
        CountDownLatch stopped = stopOnShutdown(running);
        Vertx vertx = Vertx.vertx();
        running.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        try {
            ConnectorService connector = ConnectorService.start(vertx, platform, settings, adapter, new ProcessMetrics(), true);
            running.push(connector);
            LOG.info("ctistream connector {} ready: health and metrics [http://{}:{}/]", platform.name(), settings.httpHost(), connector.httpPort());
        } catch (Exception | Error e) {
            closeAll(running);
            throw e;
        }
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
            PushService push = PushService.start(vertx, settings, new ProcessMetrics());
            running.push(push);
            LOG.info("ctistream push ready: wallboard [http://{}:{}/], websocket [/ws]", settings.push().host(), push.port());
        } catch (Exception | Error e) {
            closeAll(running);
            throw e;
        }
        stopped.await();
    }

    private static void runAdmin() throws Exception {
        ConfigSource config = ConfigSource.fromEnvironment();
        io.ctistream.admin.AdminSettings settings = AdminService.standalone(config);
        String bootstrap = EngineSettings.bootstrap(config);
        String registry = EngineSettings.registry(config);
        LOG.info("ctistream {} starting (admin), kafka [{}], registry [{}]", version(), bootstrap, registry);
        Deque<AutoCloseable> running = new ArrayDeque<>();
        CountDownLatch stopped = stopOnShutdown(running);
        Vertx vertx = Vertx.vertx();
        running.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        try {
            io.ctistream.admin.AdminApi admin = AdminService.start(vertx, settings, bootstrap, registry, new ProcessMetrics());
            running.push(admin);
            LOG.info("ctistream admin ready: api [http://{}:{}/api/v1], document [/api/v1/openapi.json]", settings.host(), admin.port());
        } catch (Exception | Error e) {
            closeAll(running);
            throw e;
        }
        stopped.await();
    }

    private static void runWebhooks() throws Exception {
        ConfigSource config = ConfigSource.fromEnvironment();
        io.ctistream.webhooks.WebhookSettings settings = io.ctistream.webhooks.WebhookSettings.standalone(config);
        WebhooksService.Http http = WebhooksService.Http.from(config);
        LOG.info("ctistream {} starting (webhooks), instance [{}], kafka [{}], registry [{}]", version(), settings.instanceId(),
                settings.bootstrapServers(), settings.registryUrl());
        Deque<AutoCloseable> running = new ArrayDeque<>();
        CountDownLatch stopped = stopOnShutdown(running);
        Vertx vertx = Vertx.vertx();
        running.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        try {
            WebhooksService webhooks = WebhooksService.start(vertx, settings, new ProcessMetrics(), http);
            running.push(webhooks);
            LOG.info("ctistream webhooks ready: [{}] subscriptions, health and metrics [http://{}:{}/]", webhooks.health().subscriptions().size(),
                    http.host(), webhooks.httpPort());
        } catch (Exception | Error e) {
            closeAll(running);
            throw e;
        }
        stopped.await();
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
        AllInOne.closeAll(running);
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
