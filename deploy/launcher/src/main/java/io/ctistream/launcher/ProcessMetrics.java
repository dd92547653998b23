package io.ctistream.launcher;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** One Prometheus registry per process: JVM metrics, and whatever each service adds (names in docs/metrics.md). */
final class ProcessMetrics {

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
}
