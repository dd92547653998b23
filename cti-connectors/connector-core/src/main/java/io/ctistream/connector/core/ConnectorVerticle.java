package io.ctistream.connector.core;

import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.CommandResult;
import io.ctistream.events.CommandStatus;
import io.ctistream.events.ConnectorState;
import io.ctistream.events.ConnectorStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running connector: joins agent ownership ({@link CommandSource}) to a platform
 * ({@link PlatformAdapter}), turns every command into exactly one {@code CommandResult}, and
 * publishes {@code ConnectorStatus} when it changes. Everything runs on this verticle's context.
 */
public final class ConnectorVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorVerticle.class);

    private final ConnectorSettings settings;
    private final PlatformAdapter adapter;
    private final CommandSource source;
    private final EventSink sink;
    private final Events events;
    private final ConnectorMetrics metrics;
    private final Map<String, AgentProfile> owned = new HashMap<>();
    private RecentIds seenCommands;
    /** The longest a connector stays without publishing its status. */
    public static final java.time.Duration STATUS_HEARTBEAT = java.time.Duration.ofSeconds(5);
    private long statusTimer = -1;
    private ConnectorStatus lastStatus;
    private volatile ConnectorState state = ConnectorState.STARTING;
    private final QueueOwnership queues = new QueueOwnership();
    /** An agent event of this run was not acknowledged: downstream no longer has what this run reported. */
    private boolean undelivered;

    public ConnectorVerticle(ConnectorSettings settings, PlatformAdapter adapter, CommandSource source, EventSink sink,
                             Events events, ConnectorMetrics metrics) {
        this.settings = settings;
        this.adapter = adapter;
        this.source = source;
        this.sink = sink;
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        seenCommands = new RecentIds(settings.commandMemory());
        Context ctx = context;
        CommandSource.Listener listener = new CommandSource.Listener() {
            @Override
            public void agentsGained(List<AgentProfile> profiles) {
                ctx.runOnContext(x -> gained(profiles));
            }

            @Override
            public void agentsLost(List<String> agentIds) {
                ctx.runOnContext(x -> lost(agentIds));
            }

            @Override
            public void command(AgentCommand command) {
                ctx.runOnContext(x -> onCommand(command));
            }

            @Override
            public void partitionsOwned(java.util.Set<Integer> partitions, int partitionCount) {
                queues.assign(partitions, partitionCount); // at once, on the directory's thread: never two owners of a queue
                ctx.runOnContext(x -> adapter.queuesChanged());
            }

            @Override
            public void queuesRostered(Map<String, io.ctistream.events.QueueProfile> rostered) {
                queues.roster(rostered);
                ctx.runOnContext(x -> adapter.queuesChanged());
            }
        };
        return adapter.start(new ConnectorContext(vertx, new TrackingSink(), events, metrics, queues))
                // joining the group may wait for metadata (up to 30 s): never on the event loop
                .compose(v -> vertx.executeBlocking(() -> {
                    source.start(listener);
                    return v;
                }).onFailure(e -> {
                    // the platform side is up but the connector will not run: close it as a crash would, nothing left behind
                    LOG.warn("connector did not start, closing the platform link [instance={}]: {}", settings.instanceId(), e.toString());
                    adapter.abort();
                }))
                .map(v -> {
                    state = ConnectorState.RUNNING;
                    statusTimer = vertx.setPeriodic(settings.statusInterval().toMillis(), id -> publishStatusIfChanged());
                    publishStatusIfChanged();
                    LOG.info("connector started [instance={}, platform={}]", settings.instanceId(), events.platform());
                    return v;
                });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(statusTimer);
        if (state == ConnectorState.FAILED) {
            return Future.succeededFuture();
        }
        // leaving the group joins the directory's thread: never on the event loop
        return vertx.executeBlocking(() -> {
            source.stop();
            return null;
        }).eventually(adapter::stop).eventually(() -> {
            state = ConnectorState.STOPPED;
            return sink.publish(status()).otherwiseEmpty();
        });
    }

    /** Dies as a killed process would: no unsubscribes, no group leave, no last status. */
    public void abort() {
        state = ConnectorState.FAILED;
        vertx.cancelTimer(statusTimer);
        source.abort();
        adapter.abort();
    }

    /** Ready when Kafka and the platform both answer. */
    public boolean ready() {
        return state == ConnectorState.RUNNING && sink.healthy() && source.healthy() && adapter.platformUp();
    }

    /** What keeps this instance from being ready: {@code starting}, {@code kafka} or {@code platform}; null when ready. */
    public String failedDependency() {
        if (state != ConnectorState.RUNNING) {
            return "starting";
        }
        if (!sink.healthy() || !source.healthy()) {
            return "kafka";
        }
        return adapter.platformUp() ? null : "platform";
    }

    /** {@code 2 agent links refused by the platform (TERMINATED_REJECTED: 2)}: what status and health say of refusals. */
    static String refusedDescription(java.util.Map<String, Integer> refused) {
        int total = refused.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder b = new StringBuilder().append(total).append(total == 1 ? " agent link" : " agent links").append(" refused by the platform (");
        new java.util.TreeMap<>(refused).forEach((reason, n) -> b.append(reason).append(": ").append(n).append(", "));
        b.setLength(b.length() - 2);
        return b.append(')').toString();
    }

    /** Agent links the platform refused for good, by reason (read from any thread: a racy read of the adapter's view). */
    public java.util.Map<String, Integer> refusedLinks() {
        return adapter.refusedLinks();
    }

    /** Agents this instance owns now (a copy; call on the context or accept a racy read). */
    public int agentsOwned() {
        return owned.size();
    }

    private void gained(List<AgentProfile> profiles) {
        for (AgentProfile p : profiles) {
            owned.put(p.getAgentId(), p);
            adapter.take(p);
        }
        LOG.info("agents taken [count={}, owned={}]", profiles.size(), owned.size());
    }

    private void lost(List<String> agentIds) {
        for (String id : agentIds) {
            if (owned.remove(id) != null) {
                adapter.release(id);
            }
        }
        LOG.info("agents released [count={}, owned={}]", agentIds.size(), owned.size());
    }

    private void onCommand(AgentCommand command) {
        AgentProfile profile = owned.get(command.getAgentId());
        if (profile == null) {
            return; // another platform's agent, or not ours: its owner answers
        }
        if (!seenCommands.firstTime(command.getCommandId())) {
            metrics.duplicateCommand();
            LOG.info("command seen before, not executed again [commandId={}, agentId={}]", command.getCommandId(),
                    command.getAgentId());
            return;
        }
        Instant now = events.clock().instant();
        if (!now.isBefore(command.getDeadline())) {
            answer(command, Outcome.timedOut("DEADLINE_PASSED", "the command's deadline had passed before it reached the platform"));
            return;
        }
        AtomicBoolean answered = new AtomicBoolean();
        long wait = Math.max(1, Duration.between(now, command.getDeadline()).toMillis());
        long timer = vertx.setTimer(wait, id -> {
            if (answered.compareAndSet(false, true)) {
                answer(command, Outcome.timedOut("DEADLINE_PASSED", "the platform did not confirm the command before its deadline"));
            }
        });
        Promise<Outcome> outcome = Promise.promise();
        try {
            adapter.execute(command, profile).onComplete(outcome);
        } catch (RuntimeException e) {
            outcome.fail(e);
        }
        outcome.future().onComplete(ar -> {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                answer(command, ar.result());
            } else if (ar.cause() instanceof Failure f) {
                answer(command, Outcome.failed(f.code(), f.getMessage()));
            } else {
                LOG.warn("command failed unexpectedly [commandId={}, agentId={}]", command.getCommandId(), command.getAgentId(), ar.cause());
                answer(command, Outcome.failed("INTERNAL", "the connector failed while running the command"));
            }
        });
    }

    private void answer(AgentCommand command, Outcome outcome) {
        metrics.command(outcome.status());
        CommandResult result = CommandResult.newBuilder()
                .setCommandId(command.getCommandId())
                .setTenant(command.getTenant())
                .setAgentId(command.getAgentId())
                .setStatus(outcome.status())
                .setCode(outcome.code())
                .setMessage(outcome.message())
                .setCompletedAt(events.clock().instant())
                .setConnectorInstance(settings.instanceId())
                .build();
        if (outcome.status() != CommandStatus.COMPLETED) {
            LOG.info("command ended [commandId={}, agentId={}, status={}, code={}]", command.getCommandId(),
                    command.getAgentId(), outcome.status(), outcome.code());
        }
        sink.publish(result).onFailure(e -> LOG.warn("command result not published [commandId={}]", command.getCommandId(), e));
    }

    private ConnectorStatus status() {
        boolean platformUp = adapter.platformUp();
        boolean kafkaUp = sink.healthy() && source.healthy();
        java.util.Map<String, Integer> refused = state == ConnectorState.RUNNING ? adapter.refusedLinks() : java.util.Map.of();
        ConnectorState s = state == ConnectorState.RUNNING && !(platformUp && kafkaUp && refused.isEmpty()) ? ConnectorState.DEGRADED : state;
        String detail = null;
        if (s == ConnectorState.DEGRADED) {
            detail = !kafkaUp ? "kafka unreachable" : !platformUp ? "platform link down" : null;
            if (!refused.isEmpty()) {
                String agents = refusedDescription(refused);
                detail = detail == null ? agents : detail + "; " + agents;
            }
        }
        return ConnectorStatus.newBuilder()
                .setInstanceId(settings.instanceId())
                .setPlatform(events.platform())
                .setState(s)
                .setKafkaUp(kafkaUp)
                .setPlatformUp(platformUp)
                .setAgentsOwned(owned.size())
                .setLinksActive(adapter.linksActive())
                .setDetail(detail)
                .setUpdatedAt(events.clock().instant())
                .setStartedAt(events.startedAt()) // the run: the engine tells a restart under the same instance id from a stall
                .build();
    }

    /**
     * Publishes the status when it changed, and at least every {@link #STATUS_HEARTBEAT} unchanged:
     * the engine takes a connector whose status stops being refreshed for dead and its agents for
     * unknown (its liveness window is a few heartbeats).
     */
    private void publishStatusIfChanged() {
        if (!sink.healthy() && state == ConnectorState.RUNNING) {
            interrupted("kafka unreachable"); // before the status: the probe that finds Kafka back names the new run
        }
        if (undelivered && sink.healthy() && state == ConnectorState.RUNNING) {
            // Kafka is back after losing events: the new run (begun at the loss) re-reads the platform's full state
            undelivered = false;
            LOG.warn("kafka is back after events were lost: re-reading the platform's state [instance={}, run={}, agents={}]",
                    settings.instanceId(), events.run(), owned.size());
            metrics.alarm("resync_after_kafka_loss");
            adapter.resync();
        }
        ConnectorStatus now = status();
        if (lastStatus != null && sameApartFromTime(lastStatus, now)
                && now.getUpdatedAt().toEpochMilli() - lastStatus.getUpdatedAt().toEpochMilli() < STATUS_HEARTBEAT.toMillis()) {
            return;
        }
        lastStatus = now;
        sink.publish(now).onFailure(e -> LOG.debug("connector status not published", e));
    }

    /** Which queues this instance speaks for now. */
    public QueueOwnership queues() {
        return queues;
    }

    /**
     * This run's delivery was interrupted (the sink went down and holds events, or lost one): a new run
     * at once, once per outage. Even the status that tells the engine Kafka is back must not vouch for
     * what the old run reported, or the engine gives the old states back live (ADR 009); what the
     * sink held arrives after it as the old run's history, and the new run re-reads the platform.
     */
    private void interrupted(String why) {
        if (!undelivered) {
            undelivered = true;
            events.newRun();
            LOG.warn("kafka unreachable, a new run begins [instance={}, newRun={}]: {}; the platform's state is read again when kafka is back",
                    settings.instanceId(), events.run(), why);
        }
    }

    /** Kafka went out of reach (the sink says so, from any thread): the new run begins now, on this verticle's context. */
    public void kafkaDown() {
        if (context != null) {
            context.runOnContext(v -> {
                if (state == ConnectorState.RUNNING) {
                    interrupted("kafka unreachable");
                }
            });
        }
    }

    /** The sink the adapter publishes through: notes an outage, once. */
    private final class TrackingSink implements EventSink {
        @Override
        public Future<Void> publish(io.ctistream.events.AgentEvent event) {
            return tracked(sink.publish(event));
        }

        @Override
        public Future<Void> publish(io.ctistream.events.QueueEvent event) {
            return tracked(sink.publish(event));
        }

        private Future<Void> tracked(Future<Void> sent) {
            if (!sink.healthy()) {
                interrupted("kafka unreachable, events held");
            }
            return sent.onFailure(e -> interrupted(e.toString()));
        }

        @Override
        public Future<Void> publish(CommandResult result) {
            return sink.publish(result);
        }

        @Override
        public Future<Void> publish(ConnectorStatus status) {
            return sink.publish(status);
        }

        @Override
        public boolean healthy() {
            return sink.healthy();
        }
    }

    /** Compared as both would be published (timestamps in millis: a builder's copy drops finer digits, issue #19). */
    private static boolean sameApartFromTime(ConnectorStatus a, ConnectorStatus b) {
        java.time.Instant at = java.time.Instant.EPOCH;
        return ConnectorStatus.newBuilder(a).setUpdatedAt(at).build().equals(ConnectorStatus.newBuilder(b).setUpdatedAt(at).build());
    }
}
