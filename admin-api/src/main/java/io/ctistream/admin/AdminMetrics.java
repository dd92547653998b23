package io.ctistream.admin;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The admin service's metrics (docs/metrics.md): requests by operation and status, and changes written by resource and action. */
final class AdminMetrics {
    static final String REQUESTS = "ctistream_admin_requests_total";
    static final String CHANGES = "ctistream_admin_changes_total";

    private final Counter requests;
    private final Counter changes;

    AdminMetrics(PrometheusRegistry registry) {
        requests = Counter.builder().name(REQUESTS).help("admin API requests answered, by OpenAPI operation (none: unmatched or refused before routing) and HTTP status")
                .labelNames("operation", "status").register(registry);
        changes = Counter.builder().name(CHANGES).help("changes written to the resource topics and audited, by resource and action")
                .labelNames("resource", "action").register(registry);
    }

    void request(String operation, int status) {
        requests.labelValues(operation, Integer.toString(status)).inc();
    }

    void change(String resource, String action) {
        changes.labelValues(resource, action).inc();
    }
}
