package io.ctistream.benchmarks;

import io.ctistream.simulator.finesse.FinesseSimulator;
import io.ctistream.simulator.finesse.UserSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The Finesse simulator in a process of its own for {@link FinesseBenchmark}, so that the
 * benchmark's heap and thread counts are the connector's alone. Provisions {@code agents} users
 * (all signed in, NOT_READY with reason id 1) and answers on stdin, one command a line; replies
 * start with {@code @} (everything else on stdout is its log):
 * {@code s <loginId> <STATE> <reasonCodeId>} sets an agent's state as a supervisor or CCE would
 * (a User notification to the agent's sessions); {@code info} prints {@code @INFO <heap used after GC>
 * <available sessions>}; {@code quit} ends it.
 */
public final class FinesseSimulatorProcess {
    private FinesseSimulatorProcess() {
    }

    public static void main(String[] args) throws Exception {
        int agents = Integer.parseInt(args[0]);
        try (FinesseSimulator sim = FinesseSimulator.start(FinesseSimulator.Settings.loopback())) {
            for (int i = 0; i < agents; i++) {
                sim.addUser(UserSpec.agent(FinesseBenchmark.login(i), FinesseBenchmark.PASSWORD, FinesseBenchmark.extension(i),
                        "t" + (i % 100), "Team " + (i % 100)));
                sim.setAgentState(FinesseBenchmark.login(i), "NOT_READY", 1);
            }
            System.out.println("@SIM " + sim.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                String[] w = line.split(" ");
                if (w[0].equals("s")) {
                    sim.setAgentState(w[1], w[2], Integer.parseInt(w[3]));
                } else if (w[0].equals("info")) {
                    long sessions = 0;
                    for (int i = 0; i < agents; i++) {
                        sessions += sim.xmppSessions(FinesseSimulator.Side.A, FinesseBenchmark.login(i));
                    }
                    System.out.println("@INFO " + HeapProbe.usedAfterGc() + " " + sessions);
                    System.out.flush();
                }
            }
        }
        System.exit(0);
    }
}
