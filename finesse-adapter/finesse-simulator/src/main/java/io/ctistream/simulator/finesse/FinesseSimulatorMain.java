package io.ctistream.simulator.finesse;

import io.ctistream.simulator.support.AcdPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a simulator by hand: {@code FinesseSimulatorMain [portA] [portB] [agents]}. Agents 1001…
 * (password {@code secret}, extensions 2001…) are in team 5005 and queue 10, signed in, READY and
 * taking ACD calls. Wiring only; the behaviour is {@link FinesseSimulator}'s.
 */
public final class FinesseSimulatorMain {
    private FinesseSimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int portA = args.length > 0 ? Integer.parseInt(args[0]) : 8445;
        int portB = args.length > 1 ? Integer.parseInt(args[1]) : 8446;
        int agents = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        FinesseSimulator sim = FinesseSimulator.start(FinesseSimulator.Settings.loopback().withPorts(portA, portB));
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= agents; i++) {
            String id = String.valueOf(1000 + i);
            sim.addUser(UserSpec.agent(id, "secret", String.valueOf(2000 + i), "5005", "Finesse Team"));
            sim.setAgentState(id, "READY", -1);
            ids.add(id);
        }
        sim.addQueue(new QueueSpec("10", "Sales", ids));
        sim.startAcd(AcdPlan.plausible(Map.of("10", ids), 6), System.nanoTime());
        org.slf4j.LoggerFactory.getLogger(FinesseSimulatorMain.class).info("finesse simulator: REST [{}] / [{}], XMPP [{}]", sim.restUrl(),
                sim.restUrl(FinesseSimulator.Side.B), sim.wsUrl());
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        new CountDownLatch(1).await();
    }
}
