package io.ctistream.launcher;

import java.util.Arrays;
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
                       every topic created and every schema registered; state kept in
                       CTISTREAM_DATA_DIR (default ./.ctistream/data) across restarts
              demo     'all', plus a demo contact center roster (CTISTREAM_DEMO_AGENTS agents in
                       CTISTREAM_DEMO_TEAMS teams on CTISTREAM_DEMO_QUEUES queues)
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
        EmbeddedConfig config = EmbeddedConfig.from(ConfigSource.fromEnvironment());
        LOG.info("ctistream {} starting ({}), data in [{}]", version(), demo ? "demo" : "all", config.dataDir());
        long started = System.nanoTime();
        EmbeddedStack stack = EmbeddedStack.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping ctistream");
            stack.close();
            LOG.info("ctistream stopped");
            stopped.countDown();
        }, "ctistream-shutdown"));
        if (demo) {
            var roster = DemoRoster.build(config.demoAgents(), config.demoTeams(), config.demoQueues());
            DemoRoster.publish(roster, stack.bootstrapServers(), stack.registryUrl());
            LOG.info("demo roster: [{}] agents of tenant [{}] written to [cti.agents]", roster.size(), DemoRoster.TENANT);
        }
        LOG.info("ctistream ready after [{} ms]: kafka [{}], schema registry [{}], data [{}]{}",
                (System.nanoTime() - started) / 1_000_000, stack.bootstrapServers(), stack.registryUrl(), config.dataDir(),
                stack.reusedData() ? " (reused from an earlier run)" : "");
        LOG.info("press Ctrl-C to stop");
        stopped.await();
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
