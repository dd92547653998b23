package io.ctistream.engine;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * An engine in a process of its own, for tests that kill it with SIGKILL: {@code bootstrap registry
 * applicationId stateDir [commitIntervalMillis]}. Says "engine running" on standard output once its
 * stream threads run, then, every 200 ms, how many input records it found already applied
 * ({@code replayed N dropped D reordered R held-dropped H}), and runs until killed. Housekeeping is off (no wall-clock day rollover mid-test).
 */
public final class EngineProcess {
    static final String RUNNING = "engine running";
    static final String REPLAYED = "replayed ";

    private EngineProcess() {
    }

    public static void main(String[] args) throws Exception {
        EngineConfig config = EngineConfig.defaults(args[0], args[1]).withApplicationId(args[2]).withStateDir(args[3])
                .withHousekeepingInterval(Duration.ofHours(1));
        if (args.length > 4) {
            config = config.withCommitInterval(Duration.ofMillis(Long.parseLong(args[4])));
        }
        AgentStateEngine engine = AgentStateEngine.start(config, ValueSerdes.registry(args[1]), null);
        engine.awaitRunning(Duration.ofSeconds(120));
        System.out.println(RUNNING);
        System.out.flush();
        var reporter = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        reporter.scheduleAtFixedRate(() -> {
            System.out.println(REPLAYED + engine.metrics().total(EngineMetrics.Outcome.IGNORED_REPLAYED)
                    + " dropped " + engine.metrics().unconfirmedDropped() + " reordered " + engine.metrics().rosterReordered()
                    + " held-dropped " + engine.metrics().heldDropped());
            System.out.flush();
        }, 200, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        new CountDownLatch(1).await();
    }

    /** Starts one with this JVM's class path; its output goes to {@code log}. */
    static Process launch(String bootstrap, String registry, String applicationId, String stateDir, java.nio.file.Path log) throws java.io.IOException {
        return launch(bootstrap, registry, applicationId, stateDir, log, EngineConfig.DEFAULT_COMMIT_INTERVAL);
    }

    /** As {@link #launch(String, String, String, String, java.nio.file.Path)}, committing every {@code commitInterval}. */
    static Process launch(String bootstrap, String registry, String applicationId, String stateDir, java.nio.file.Path log,
                          Duration commitInterval) throws java.io.IOException {
        ProcessBuilder b = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), EngineProcess.class.getName(), bootstrap, registry, applicationId, stateDir,
                Long.toString(commitInterval.toMillis()));
        b.redirectErrorStream(true).redirectOutput(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()));
        return b.start();
    }
}
