package io.ctistream.benchmarks;

import org.slf4j.Logger;

/** What the drivers' {@code main}s share. */
final class Drivers {
    /** A driver's body: it may throw anything, which ends the run as failed. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private Drivers() {
    }

    /**
     * Runs {@code body} and exits the JVM: 0 when it returns, 1 with the failure logged when it
     * throws (the embedded broker and clients leave non-daemon threads behind either way).
     */
    static void runAndExit(Logger log, String name, Body body) {
        try {
            body.run();
            System.exit(0);
        } catch (Exception | Error e) {
            log.error(name + " failed", e);
            System.exit(1);
        }
    }
}
