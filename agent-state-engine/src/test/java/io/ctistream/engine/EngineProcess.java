package io.ctistream.engine;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * An engine in a process of its own, for tests that kill it with SIGKILL: {@code bootstrap registry
 * applicationId stateDir}. Says "engine running" on standard output once its stream threads run,
 * then runs until killed. Housekeeping is off (no wall-clock day rollover mid-test).
 */
public final class EngineProcess {
    static final String RUNNING = "engine running";

    private EngineProcess() {
    }

    public static void main(String[] args) throws Exception {
        EngineConfig config = EngineConfig.defaults(args[0], args[1]).withApplicationId(args[2]).withStateDir(args[3])
                .withHousekeepingInterval(Duration.ofHours(1));
        AgentStateEngine engine = AgentStateEngine.start(config, ValueSerdes.registry(args[1]), null);
        engine.awaitRunning(Duration.ofSeconds(120));
        System.out.println(RUNNING);
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** Starts one with this JVM's class path; its output goes to {@code log}. */
    static Process launch(String bootstrap, String registry, String applicationId, String stateDir, java.nio.file.Path log) throws java.io.IOException {
        ProcessBuilder b = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), EngineProcess.class.getName(), bootstrap, registry, applicationId, stateDir);
        b.redirectErrorStream(true).redirectOutput(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()));
        return b.start();
    }
}
