package io.ctistream.webhooks;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the webhooks service counts (names in docs/metrics.md). The {@code subscription} label is
 * a webhook subscription id: subscriptions are few and made by operators, and a removed
 * subscription's series are removed with it. Other labels come from fixed sets; never an agent,
 * call, team or queue id.
 */
public final class WebhookMetrics {
    public static final String DELIVERED = "ctistream_webhooks_delivered_total";
    public static final String RETRIES = "ctistream_webhooks_retries_total";
    public static final String DEAD_LETTERED = "ctistream_webhooks_dead_lettered_total";
    public static final String LAG = "ctistream_webhooks_lag";
    public static final String SUBSCRIPTIONS = "ctistream_webhooks_subscriptions";
    public static final String PUBLISHED = "ctistream_webhooks_cloudevents_published_total";
    public static final String UNREADABLE = "ctistream_webhooks_unreadable_records_total";

    /** Values of the {@code reason} label of retries and dead letters. */
    public static final List<String> REASONS = List.of("http_3xx", "http_4xx", "http_5xx", "http_1xx", "timeout", "connection", "gone",
            "refused_target", "invalid_secret");

    private final Counter delivered;
    private final Counter retries;
    private final Counter deadLettered;
    private final Counter published;
    private final Counter unreadable;

    public WebhookMetrics(PrometheusRegistry registry) {
        delivered = Counter.builder().name(DELIVERED).help("events a subscription's endpoint accepted (2xx)").labelNames("subscription")
                .register(registry);
        retries = Counter.builder().name(RETRIES).help("failed delivery attempts that will be retried, by reason")
                .labelNames("subscription", "reason").register(registry);
        deadLettered = Counter.builder().name(DEAD_LETTERED)
                .help("events given up on and written to cti.dead-letter, by reason (refused_target: the SSRF guard)")
                .labelNames("subscription", "reason").register(registry);
        published = Counter.builder().name(PUBLISHED).help("CloudEvents written to cti.cloudevents and acknowledged").register(registry);
        unreadable = Counter.builder().name(UNREADABLE).help("cti.agent-events records that could not be decoded, skipped").register(registry);
    }

    /** Counts nothing anywhere: for tests and embedded uses that do not export. */
    public static WebhookMetrics unregistered() {
        return new WebhookMetrics(new PrometheusRegistry());
    }

    /**
     * The gauges read at scrape time.
     *
     * @param lag    per subscription, cti.agent-events records not yet delivered, filtered out or dead-lettered
     * @param states subscriptions known now by state ({@code running}, {@code disabled})
     */
    void gauges(PrometheusRegistry registry, Supplier<Map<String, Long>> lag, Supplier<Map<String, Integer>> states) {
        GaugeWithCallback.builder().name(LAG).help("cti.agent-events records a subscription has not finished (delivered, filtered out or dead-lettered)")
                .labelNames("subscription").callback(cb -> lag.get().forEach((id, n) -> cb.call(n, id))).register(registry);
        GaugeWithCallback.builder().name(SUBSCRIPTIONS).help("webhook subscriptions known now, by state").labelNames("state")
                .callback(cb -> {
                    Map<String, Integer> now = states.get();
                    for (String state : List.of("running", "disabled")) {
                        cb.call(now.getOrDefault(state, 0), state);
                    }
                }).register(registry);
    }

    void delivered(String subscription) {
        delivered.labelValues(subscription).inc();
    }

    void retried(String subscription, String reason) {
        retries.labelValues(subscription, reason).inc();
    }

    void deadLettered(String subscription, String reason) {
        deadLettered.labelValues(subscription, reason).inc();
    }

    void published(int n) {
        published.inc(n);
    }

    void unreadable() {
        unreadable.inc();
    }

    /** Forgets a removed subscription's series. */
    void remove(String subscription) {
        delivered.remove(subscription);
        for (String reason : REASONS) {
            retries.remove(subscription, reason);
            deadLettered.remove(subscription, reason);
        }
    }

    /** For tests: a counter's value now. */
    double value(String name, String... labels) {
        Counter c = switch (name) {
            case DELIVERED -> delivered;
            case RETRIES -> retries;
            case DEAD_LETTERED -> deadLettered;
            case PUBLISHED -> published;
            case UNREADABLE -> unreadable;
            default -> throw new IllegalArgumentException(name);
        };
        return labels.length == 0 ? c.get() : c.labelValues(labels).get();
    }
}
