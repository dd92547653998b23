package io.ctistream.connector.core;

import io.ctistream.events.CommandStatus;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a connector instance did, counted. Labels come from enums and fixed names, never an agent
 * or call id.
 */
public final class ConnectorMetrics {
    public static final String EVENTS_PUBLISHED = "ctistream_connector_events_published_total";
    public static final String COMMANDS = "ctistream_connector_commands_total";
    public static final String ALARMS = "ctistream_connector_alarms_total";
    public static final String MALFORMED = "ctistream_connector_malformed_messages_total";

    /** Receives one latency sample in nanoseconds. */
    @FunctionalInterface
    public interface LatencyRecorder {
        void record(long nanos);
    }

    private volatile LatencyRecorder platformToAck = nanos -> { };
    private final LongAdder published = new LongAdder();
    private final LongAdder publishFailures = new LongAdder();
    private final LongAdder duplicateCommands = new LongAdder();
    private final Map<CommandStatus, LongAdder> commands = new EnumMap<>(CommandStatus.class);
    private final Map<String, LongAdder> alarms = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> malformed = new ConcurrentHashMap<>();

    public ConnectorMetrics() {
        for (CommandStatus s : CommandStatus.values()) {
            commands.put(s, new LongAdder());
        }
    }

    /** Where "platform message in → event acknowledged by Kafka" samples go (a benchmark, a histogram). */
    public void onPlatformToAck(LatencyRecorder recorder) {
        this.platformToAck = recorder;
    }

    /** One sample: from the platform message's arrival to the broker's acknowledgement of the event it gave. */
    public void platformToAck(long nanos) {
        platformToAck.record(nanos);
    }

    public void published() {
        published.increment();
    }

    public void publishFailed() {
        publishFailures.increment();
    }

    public void duplicateCommand() {
        duplicateCommands.increment();
    }

    public void command(CommandStatus status) {
        commands.get(status).increment();
    }

    /** @param kind a fixed alarm name, e.g. {@code subscription_rejected} */
    public void alarm(String kind) {
        alarms.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** @param what a fixed message kind, e.g. the SIP event package */
    public void malformed(String what) {
        malformed.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    public long publishedTotal() {
        return published.sum();
    }

    public long publishFailures() {
        return publishFailures.sum();
    }

    public long duplicateCommands() {
        return duplicateCommands.sum();
    }

    public long commandsTotal(CommandStatus status) {
        return commands.get(status).sum();
    }

    public long alarmsTotal(String kind) {
        LongAdder a = alarms.get(kind);
        return a == null ? 0 : a.sum();
    }

    public long malformedTotal(String what) {
        LongAdder a = malformed.get(what);
        return a == null ? 0 : a.sum();
    }

    /** Malformed platform messages so far, by what they were (the event package). */
    public Map<String, Long> malformedByKind() {
        Map<String, Long> out = new java.util.TreeMap<>();
        malformed.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Alarms so far, by kind. */
    public Map<String, Long> alarmsByKind() {
        Map<String, Long> out = new java.util.TreeMap<>();
        alarms.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
