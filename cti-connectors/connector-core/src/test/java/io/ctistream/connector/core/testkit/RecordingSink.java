package io.ctistream.connector.core.testkit;

import io.ctistream.connector.core.EventSink;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.CommandResult;
import io.ctistream.events.ConnectorStatus;
import io.ctistream.events.QueueEvent;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An event sink that keeps what it was given, for connector tests without a broker. It can be
 * made {@link #down(boolean) down}, as Kafka unreachable is: every publish fails and is not kept.
 */
public final class RecordingSink implements EventSink {
    public final List<AgentEvent> events = new CopyOnWriteArrayList<>();
    public final List<CommandResult> results = new CopyOnWriteArrayList<>();
    public final List<ConnectorStatus> statuses = new CopyOnWriteArrayList<>();
    public final List<QueueEvent> queueEvents = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    /** While down, every publish fails (nothing is kept) and the sink says it is not healthy. */
    public void down(boolean down) {
        this.down = down;
    }

    @Override
    public Future<Void> publish(AgentEvent event) {
        return keep(events, event);
    }

    @Override
    public Future<Void> publish(CommandResult result) {
        return keep(results, result);
    }

    @Override
    public Future<Void> publish(QueueEvent event) {
        return keep(queueEvents, event);
    }

    @Override
    public Future<Void> publish(ConnectorStatus status) {
        return keep(statuses, status);
    }

    @Override
    public boolean healthy() {
        return !down;
    }

    /** The events of one agent, in the order they were published. */
    public List<AgentEvent> events(String agentId) {
        return events.stream().filter(e -> e.getHeader().getAgentId().equals(agentId)).toList();
    }

    /** The results of one command. */
    public List<CommandResult> results(String commandId) {
        return results.stream().filter(r -> r.getCommandId().equals(commandId)).toList();
    }

    private <T> Future<Void> keep(List<T> into, T value) {
        if (down) {
            return Future.failedFuture(new IllegalStateException("kafka unreachable (test sink down)"));
        }
        into.add(value);
        return Future.succeededFuture();
    }
}
