package io.ctistream.push;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What a pusher counts, in its Prometheus registry (names in docs/metrics.md). Labels come from
 * fixed sets (command status, error code), never from agent, team or queue ids.
 */
public final class PushMetrics {
    public static final String CONNECTIONS = "ctistream_push_connections";
    public static final String SUBSCRIPTIONS = "ctistream_push_subscriptions";
    static final List<String> SUBSCRIPTION_KINDS = List.of("agent", "team", "queue", "team/*", "queue/*", "events");
    public static final String CONFLATIONS = "ctistream_push_conflations_total";
    public static final String STATE_FRAMES = "ctistream_push_state_frames_total";
    public static final String COMMANDS = "ctistream_push_commands_total";
    public static final String ERRORS = "ctistream_push_errors_total";
    public static final String E2E_LAG = "ctistream_push_e2e_lag_seconds";
    public static final String MERGED = "ctistream_push_merged_updates_total";
    public static final String CLOSES = "ctistream_push_closes_total";
    public static final String LOOP_CONNECTIONS = "ctistream_push_loop_connections";

    private final Counter conflations;
    private final Counter stateFrames;
    private final Counter commands;
    private final Counter errors;
    private final Histogram e2eLag;
    private final Counter merged;
    private final Counter closes;

    public PushMetrics(PrometheusRegistry registry) {
        conflations = Counter.builder().name(CONFLATIONS).help("times a slow client's updates were merged to the newest value per topic")
                .register(registry);
        stateFrames = Counter.builder().name(STATE_FRAMES).help("state frames written to clients").register(registry);
        commands = Counter.builder().name(COMMANDS).help("command results delivered to the issuing connection, by status")
                .labelNames("status").register(registry);
        errors = Counter.builder().name(ERRORS).help("error frames sent, by code").labelNames("code").register(registry);
        closes = Counter.builder().name(CLOSES).help("connections the service closed, by WebSocket close code").labelNames("code").register(registry);
        merged = Counter.builder().name(MERGED).help("updates of a topic replaced by a newer one before a busy event loop took them")
                .register(registry);
        e2eLag = Histogram.builder().name(E2E_LAG)
                .help("platform event (or connector ingest when the platform gives no time) to the state frame written to a client socket")
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10).register(registry);
    }

    /** Counts nothing anywhere: for tests and embedded uses that do not export. */
    public static PushMetrics unregistered() {
        return new PushMetrics(new PrometheusRegistry());
    }

    void connections(PrometheusRegistry registry, IntSupplier open) {
        GaugeWithCallback.builder().name(CONNECTIONS).help("open WebSocket connections").callback(cb -> cb.call(open.getAsInt())).register(registry);
    }

    /** @param open the open connections of each event loop serving, by its index ({@code loop="0"} …), a fixed set (ADR 028) */
    void loopConnections(PrometheusRegistry registry, java.util.function.IntUnaryOperator open, int loops) {
        GaugeWithCallback.builder().name(LOOP_CONNECTIONS).help("open WebSocket connections by the event loop serving them").labelNames("loop")
                .callback(cb -> {
                    for (int i = 0; i < loops; i++) {
                        cb.call(open.applyAsInt(i), Integer.toString(i));
                    }
                }).register(registry);
    }

    /** @param follows topics followed now by kind; {@code events} is the agent event streams open */
    void subscriptions(PrometheusRegistry registry, Supplier<Map<String, Integer>> follows) {
        GaugeWithCallback.builder().name(SUBSCRIPTIONS).help("topics followed by connections now, by kind").labelNames("kind")
                .callback(cb -> {
                    Map<String, Integer> now = follows.get();
                    for (String kind : SUBSCRIPTION_KINDS) {
                        cb.call(now.getOrDefault(kind, 0), kind);
                    }
                }).register(registry);
    }

    void merged() {
        merged.inc();
    }

    void conflated() {
        conflations.inc();
    }

    void stateFrame() {
        stateFrames.inc();
    }

    void command(String status) {
        commands.labelValues(status).inc();
    }

    void closed(CloseCode code) {
        closes.labelValues(String.valueOf(code.code)).inc();
    }

    void error(String code) {
        errors.labelValues(code).inc();
    }

    void lag(long millis) {
        e2eLag.observe(Math.max(0, millis) / 1000.0);
    }
}
