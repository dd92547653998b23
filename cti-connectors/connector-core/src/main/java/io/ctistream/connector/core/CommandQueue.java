package io.ctistream.connector.core;

import io.ctistream.events.AgentCommand;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One agent's commands, one at a time, for adapters whose platform answers a command
 * asynchronously (Finesse's 202 then a notification, AES's SetAgentState then an event): a command
 * starts when the one before it has its outcome; one whose deadline passed while it waited is
 * {@code TIMED_OUT} without touching the platform; once {@linkplain #release released}, what runs
 * and what waits is answered {@code FAILED OWNERSHIP_MOVED} once and nothing more starts. Runs on
 * the connector's context.
 */
public final class CommandQueue {

    /** Runs one command: completes {@code outcome} (once) when the platform has answered it. */
    @FunctionalInterface
    public interface Runner {
        void start(AgentCommand command, Promise<Outcome> outcome);
    }

    private record Queued(AgentCommand command, Promise<Outcome> outcome) {
    }

    private final Clock clock;
    private final Runner runner;
    private final Runnable afterEach;
    private final Deque<Queued> queued = new ArrayDeque<>();
    private Promise<Outcome> running;
    private String releasedWhy;

    /**
     * @param afterEach runs when a command has its outcome, before the next one starts (e.g. to
     *                  clear the command tagged as in flight)
     */
    public CommandQueue(Clock clock, Runner runner, Runnable afterEach) {
        this.clock = clock;
        this.runner = runner;
        this.afterEach = afterEach;
    }

    public Future<Outcome> execute(AgentCommand command) {
        Promise<Outcome> outcome = Promise.promise();
        if (releasedWhy != null) {
            outcome.complete(Outcome.failed("OWNERSHIP_MOVED", releasedWhy));
            return outcome.future();
        }
        queued.add(new Queued(command, outcome));
        next();
        return outcome.future();
    }

    private void next() {
        if (running != null || queued.isEmpty() || releasedWhy != null) {
            return;
        }
        Queued q = queued.poll();
        Promise<Outcome> outcome = q.outcome();
        running = outcome;
        outcome.future().onComplete(x -> {
            afterEach.run();
            running = null;
            next();
        });
        if (!clock.instant().isBefore(q.command().getDeadline())) {
            outcome.tryComplete(Outcome.timedOut("DEADLINE_PASSED", "the command's deadline passed while the agent's earlier command ran"));
            return;
        }
        runner.start(q.command(), outcome);
    }

    /** True once released: a runner between asynchronous steps checks this before it sends anything. */
    public boolean released() {
        return releasedWhy != null;
    }

    /** Why the queue was released, or null. */
    public String releasedWhy() {
        return releasedWhy;
    }

    /** The agent is released or the connector stops: what runs and waits is answered once, FAILED OWNERSHIP_MOVED. */
    public void release(String why) {
        releasedWhy = why;
        List<Promise<Outcome>> all = new ArrayList<>();
        if (running != null) {
            all.add(running);
        }
        while (!queued.isEmpty()) {
            all.add(queued.poll().outcome());
        }
        all.forEach(o -> o.tryComplete(Outcome.failed("OWNERSHIP_MOVED", why)));
    }
}
