package io.ctistream.launcher;

import io.ctistream.connector.broadworks.BroadWorksConnector;
import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.events.CommandStatus;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** One Prometheus registry per process: JVM metrics, and whatever each service adds (names in docs/metrics.md). */
final class ProcessMetrics {
    static final String CONNECTOR_LINKS_ACTIVE = "ctistream_connector_links_active";
    static final String CONNECTOR_AGENTS_OWNED = "ctistream_connector_agents_owned";
    static final String CONNECTOR_SUBSCRIPTIONS = "ctistream_connector_subscriptions";
    static final String CONNECTOR_PLATFORM_TO_ACK = "ctistream_connector_platform_to_ack_seconds";

    private final PrometheusRegistry registry = new PrometheusRegistry();

    static final String KAFKA_CLIENT = "ctistream_kafka_client";

    ProcessMetrics() {
        JvmMetrics.builder().register(registry);
        kafkaClients();
    }

    /**
     * A fixed set of the Kafka clients' own metrics, for every client in this process (connector
     * sink and roster consumer, pusher's state view and command relay, the engine's in demo), read
     * from the MBeans the clients register (Kafka's default JMX reporter): rates and totals summed
     * over clients, lag, averages and maxima as the largest.
     */
    private void kafkaClients() {
        GaugeWithCallback.builder().name(KAFKA_CLIENT).help("selected Kafka client metrics of this process (name = the client metric)")
                .labelNames("group", "name").callback(cb -> kafkaClientMetrics().forEach((k, v) -> cb.call(v, k[0], k[1]))).register(registry);
    }

    private static final String[][] KAFKA_ATTRIBUTES = {
            {"kafka.producer", "producer-metrics", "record-send-rate"}, {"kafka.producer", "producer-metrics", "request-latency-avg"},
            {"kafka.producer", "producer-metrics", "record-error-rate"}, {"kafka.consumer", "consumer-fetch-manager-metrics", "records-lag-max"},
            {"kafka.consumer", "consumer-fetch-manager-metrics", "records-consumed-rate"},
            {"kafka.consumer", "consumer-coordinator-metrics", "rebalance-total"}};

    static java.util.Map<String[], Double> kafkaClientMetrics() {
        java.util.Map<String, Double> sums = new java.util.TreeMap<>();
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        for (String[] a : KAFKA_ATTRIBUTES) {
            try {
                for (javax.management.ObjectName name : server.queryNames(new javax.management.ObjectName(a[0] + ":type=" + a[1] + ",client-id=*"), null)) {
                    Object v = server.getAttribute(name, a[2]);
                    if (v instanceof Number n && !Double.isNaN(n.doubleValue()) && !Double.isInfinite(n.doubleValue())) {
                        boolean max = a[2].endsWith("-max") || a[2].endsWith("-avg");
                        sums.merge(a[1] + "/" + a[2], n.doubleValue(), max ? Math::max : Double::sum);
                    }
                }
            } catch (javax.management.JMException e) {
                // a client that closed while being read: skipped this time
            }
        }
        java.util.Map<String[], Double> out = new java.util.LinkedHashMap<>();
        sums.forEach((k, v) -> out.put(k.split("/", 2), v));
        return out;
    }

    PrometheusRegistry registry() {
        return registry;
    }

    String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException("metrics could not be written", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A BroadWorks connector's counters and gauges, read when scraped; its platform-to-ack latency as a histogram. */
    void connector(Supplier<BroadWorksConnector> current) {
        CounterWithCallback.builder().name(ConnectorMetrics.EVENTS_PUBLISHED).help("canonical events acknowledged by Kafka")
                .callback(cb -> cb.call(metricsOf(current) == null ? 0 : metricsOf(current).publishedTotal())).register(registry);
        CounterWithCallback.builder().name(ConnectorMetrics.COMMANDS).help("command results, one per command").labelNames("status")
                .callback(cb -> {
                    ConnectorMetrics m = metricsOf(current);
                    for (CommandStatus s : CommandStatus.values()) {
                        cb.call(m == null ? 0 : m.commandsTotal(s), s.name());
                    }
                }).register(registry);
        CounterWithCallback.builder().name(ConnectorMetrics.ALARMS).help("permanent platform refusals (no retry)").labelNames("kind")
                .callback(cb -> {
                    ConnectorMetrics m = metricsOf(current);
                    if (m != null) {
                        m.alarmsByKind().forEach((k, v) -> cb.call(v, k));
                    }
                }).register(registry);
        CounterWithCallback.builder().name(ConnectorMetrics.MALFORMED).help("platform messages refused by the codecs (answered, nothing changed)")
                .labelNames("package").callback(cb -> {
                    ConnectorMetrics m = metricsOf(current);
                    if (m != null) {
                        m.malformedByKind().forEach((k, v) -> cb.call(v, k));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name(CONNECTOR_LINKS_ACTIVE).help("SIP subscriptions active now (all packages)")
                .callback(cb -> cb.call(current.get() == null ? 0 : current.get().linksActive())).register(registry);
        GaugeWithCallback.builder().name(CONNECTOR_SUBSCRIPTIONS).help("SIP subscriptions now, by event package and state")
                .labelNames("package", "state").callback(cb -> {
                    BroadWorksConnector c = current.get();
                    if (c != null) {
                        c.subscriptionsByState().forEach((pkg, byState) -> byState.forEach((state, n) -> cb.call(n, pkg, state)));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name(CONNECTOR_AGENTS_OWNED).help("agents this instance serves now (its share of cti.agents)")
                .callback(cb -> cb.call(current.get() == null ? 0 : current.get().agentsOwned())).register(registry);
    }

    /** The histogram a connector's platform-to-ack samples go to (register once per process). */
    Histogram platformToAck() {
        return Histogram.builder().name(CONNECTOR_PLATFORM_TO_ACK).help("platform message in to its event acknowledged by Kafka")
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1).register(registry);
    }

    private static ConnectorMetrics metricsOf(Supplier<BroadWorksConnector> current) {
        BroadWorksConnector c = current.get();
        return c == null ? null : c.metrics();
    }
}
