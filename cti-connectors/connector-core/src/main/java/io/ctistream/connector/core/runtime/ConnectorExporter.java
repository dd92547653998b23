package io.ctistream.connector.core.runtime;

import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.events.CommandStatus;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;

/**
 * A connector's metrics in a process's Prometheus registry, the same names for every platform
 * (docs/metrics.md): counters and gauges read when scraped, the platform-to-ack latency as a
 * histogram. Labels are fixed names — a link's {@code channel} (a SIP event package, an XMPP
 * session, a DMCC monitor) and its {@code state} — never an agent or call id.
 */
public final class ConnectorExporter {
    public static final String LINKS_ACTIVE = "ctistream_connector_links_active";
    public static final String LINKS = "ctistream_connector_links";
    public static final String AGENTS_OWNED = "ctistream_connector_agents_owned";
    public static final String PLATFORM_TO_ACK = "ctistream_connector_platform_to_ack_seconds";

    private final Histogram platformToAck;

    private ConnectorExporter(Histogram platformToAck) {
        this.platformToAck = platformToAck;
    }

    /** Registers a connector's metrics once per process; {@code current} may change (a restarted connector in the demo). */
    public static ConnectorExporter register(PrometheusRegistry registry, Supplier<ConnectorRuntime> current) {
        Supplier<ConnectorMetrics> metrics = () -> current.get() == null ? null : current.get().metrics();
        CounterWithCallback.builder().name(ConnectorMetrics.EVENTS_PUBLISHED).help("canonical events acknowledged by Kafka")
                .callback(cb -> cb.call(metrics.get() == null ? 0 : metrics.get().publishedTotal())).register(registry);
        CounterWithCallback.builder().name(ConnectorMetrics.COMMANDS).help("command results, one per command").labelNames("status")
                .callback(cb -> {
                    ConnectorMetrics m = metrics.get();
                    for (CommandStatus s : CommandStatus.values()) {
                        cb.call(m == null ? 0 : m.commandsTotal(s), s.name());
                    }
                }).register(registry);
        CounterWithCallback.builder().name(ConnectorMetrics.ALARMS).help("permanent platform refusals; events Kafka did not take").labelNames("kind")
                .callback(cb -> {
                    ConnectorMetrics m = metrics.get();
                    if (m != null) {
                        m.alarmsByKind().forEach((k, v) -> cb.call(v, k));
                    }
                }).register(registry);
        CounterWithCallback.builder().name(ConnectorMetrics.MALFORMED).help("platform messages refused by the codecs (answered, nothing changed)")
                .labelNames("channel").callback(cb -> {
                    ConnectorMetrics m = metrics.get();
                    if (m != null) {
                        m.malformedByKind().forEach((k, v) -> cb.call(v, k));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name(LINKS_ACTIVE).help("agent links (subscriptions, sessions, monitors) active now, all channels")
                .callback(cb -> cb.call(current.get() == null ? 0 : current.get().linksActive())).register(registry);
        GaugeWithCallback.builder().name(LINKS).help("agent links now, by channel and state")
                .labelNames("channel", "state").callback(cb -> {
                    ConnectorRuntime c = current.get();
                    if (c != null) {
                        c.adapter().linksByChannelAndState().forEach((channel, byState) -> byState.forEach((state, n) -> cb.call(n, channel, state)));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name(AGENTS_OWNED).help("agents this instance serves now (its share of cti.agents)")
                .callback(cb -> cb.call(current.get() == null ? 0 : current.get().agentsOwned())).register(registry);
        return new ConnectorExporter(Histogram.builder().name(PLATFORM_TO_ACK).help("platform message in to its event acknowledged by Kafka")
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1).register(registry));
    }

    /** Sends a connector's platform-to-ack samples to this process's histogram. */
    public void observe(ConnectorRuntime connector) {
        connector.metrics().onPlatformToAck(nanos -> platformToAck.observe(nanos / 1e9));
    }
}
