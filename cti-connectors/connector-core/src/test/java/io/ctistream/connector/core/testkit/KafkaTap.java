package io.ctistream.connector.core.testkit;

import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentStateChanged;
import io.ctistream.events.CommandResult;
import io.ctistream.events.DndChanged;
import io.ctistream.events.ForwardingChanged;
import io.ctistream.events.HotelingChanged;
import io.ctistream.events.AgentCallEvent;
import io.ctistream.events.SubscriptionChanged;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads cti.agent-events and cti.command-results of one tenant in the background, for assertions. */
public final class KafkaTap implements AutoCloseable {
    private final String tenantPrefix;
    private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
    private final List<CommandResult> results = new CopyOnWriteArrayList<>();
    private final List<io.ctistream.events.ConnectorStatus> statuses = new CopyOnWriteArrayList<>();
    private final List<io.ctistream.events.QueueEvent> queueEvents = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public KafkaTap(String bootstrap, String registry, String tenant) {
        this.tenantPrefix = tenant + "/";
        KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "tap-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), CtiSerdes.<SpecificRecord>valueDeserializer(registry));
        consumer.subscribe(List.of(CtiTopics.AGENT_EVENTS.topicName(), CtiTopics.COMMAND_RESULTS.topicName(),
                CtiTopics.CONNECTOR_STATUS.topicName(), CtiTopics.QUEUE_EVENTS.topicName()));
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.value() instanceof io.ctistream.events.ConnectorStatus st && r.key() != null
                                && r.key().startsWith(tenant)) {
                            statuses.add(st);
                            continue;
                        }
                        if (r.key() == null || !r.key().startsWith(tenantPrefix)) {
                            continue;
                        }
                        if (r.value() instanceof AgentEvent e) {
                            events.add(e);
                        } else if (r.value() instanceof CommandResult c) {
                            results.add(c);
                        } else if (r.value() instanceof io.ctistream.events.QueueEvent q) {
                            queueEvents.add(q);
                        }
                    }
                }
            }
        }, "kafka-tap-" + tenant);
        thread.setDaemon(true);
        thread.start();
    }

    /** The agent's events rendered as short lines, e.g. "state NOT_READY 0012", "link LOST SIP_481". */
    public List<String> lines(String agentId) {
        List<String> out = new ArrayList<>();
        for (AgentEvent e : events) {
            if (e.getHeader().getAgentId().equals(agentId)) {
                out.add(render(e.getPayload()));
            }
        }
        return out;
    }

    public List<AgentEvent> events(String agentId) {
        return events.stream().filter(e -> e.getHeader().getAgentId().equals(agentId)).toList();
    }

    /** The agent's last event payload of {@code type}, or null. */
    public <T> T last(String agentId, Class<T> type) {
        T last = null;
        for (AgentEvent e : events(agentId)) {
            if (type.isInstance(e.getPayload())) {
                last = type.cast(e.getPayload());
            }
        }
        return last;
    }

    /** The agent's last state, or null. */
    public io.ctistream.events.AgentState lastState(String agentId) {
        io.ctistream.events.AgentStateChanged s = last(agentId, io.ctistream.events.AgentStateChanged.class);
        return s == null ? null : s.getState();
    }

    /** The agent's last link state, or null. */
    public io.ctistream.events.LinkState lastLink(String agentId) {
        io.ctistream.events.SubscriptionChanged s = last(agentId, io.ctistream.events.SubscriptionChanged.class);
        return s == null ? null : s.getLinkState();
    }

    /** The agent's last event about call {@code callId}, or null. */
    public io.ctistream.events.AgentCallEvent lastCall(String agentId, String callId) {
        io.ctistream.events.AgentCallEvent last = null;
        for (AgentEvent e : events(agentId)) {
            if (e.getPayload() instanceof io.ctistream.events.AgentCallEvent c && c.getCallId().equals(callId)) {
                last = c;
            }
        }
        return last;
    }

    /** How many of the agent's events said call {@code callId} is in {@code state}. */
    public long callEvents(String agentId, String callId, io.ctistream.events.CallState state) {
        return events(agentId).stream().filter(e -> e.getPayload() instanceof io.ctistream.events.AgentCallEvent c
                && c.getCallId().equals(callId) && c.getCallState() == state).count();
    }

    /** The tenant's queue events, in the order read (per queue: the order published). */
    public List<io.ctistream.events.QueueEvent> queueEvents() {
        return List.copyOf(queueEvents);
    }

    public List<io.ctistream.events.ConnectorStatus> statuses() {
        return List.copyOf(statuses);
    }

    public CommandResult result(String commandId) {
        return results.stream().filter(r -> r.getCommandId().equals(commandId)).findFirst().orElse(null);
    }

    public long resultCount(String commandId) {
        return results.stream().filter(r -> r.getCommandId().equals(commandId)).count();
    }

    public static String render(Object p) {
        if (p instanceof AgentStateChanged s) {
            return "state " + s.getState() + (s.getReasonCode() == null ? "" : " " + s.getReasonCode());
        } else if (p instanceof HotelingChanged h) {
            return "guest " + (h.getGuestAddress() == null ? "-" : h.getGuestAddress());
        } else if (p instanceof DndChanged d) {
            return "dnd " + d.getEnabled();
        } else if (p instanceof ForwardingChanged f) {
            return "fwd " + f.getRule().getKind() + " " + f.getRule().getEnabled()
                    + (f.getRule().getDestination() == null ? "" : " " + f.getRule().getDestination());
        } else if (p instanceof SubscriptionChanged s) {
            return "link " + s.getLinkState() + (s.getReason() == null ? "" : " " + s.getReason());
        } else if (p instanceof AgentCallEvent c) {
            return "call " + c.getCallState() + (c.getQueueId() == null ? "" : " " + c.getQueueId())
                    + (c.getRemoteParty() == null ? "" : " " + c.getRemoteParty());
        }
        return p.getClass().getSimpleName();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
