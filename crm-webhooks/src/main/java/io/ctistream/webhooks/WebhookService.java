package io.ctistream.webhooks;

import io.ctistream.events.AgentProfile;
import io.ctistream.events.WebhookSubscription;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.JsonTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CRM webhooks service (docs/crm.md, docs/adr/015): reads the roster and the webhook
 * subscriptions ({@code cti.webhook-subscriptions}, live: added, changed, disabled and removed ones
 * take effect without a restart), runs one {@link SubscriptionDelivery} per enabled subscription,
 * and, where enabled, the {@link CloudEventsPublisher} of {@code cti.cloudevents}.
 *
 * <pre>{@code
 * WebhookService webhooks = WebhookService.start(vertx, WebhookSettings.standalone(config), registry)
 *         .await(2, TimeUnit.MINUTES);
 * ... webhooks.health().toJson() ...
 * webhooks.close();
 * }</pre>
 * One service per {@link PrometheusRegistry} (its gauges are registered once).
 */
public final class WebhookService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);

    private final Vertx vertx;
    private final WebhookSettings settings;
    private final WebhookMetrics metrics;
    private final Clock clock;
    private final Admin admin;
    private final RecordWriter writer;
    private final Map<String, SubscriptionDelivery> running = new ConcurrentHashMap<>();
    private final Map<String, WebhookSubscription> disabled = new ConcurrentHashMap<>();
    private CompactedView<AgentProfile> roster;
    private CompactedView<WebhookSubscription> subscriptions;
    private CloudEventsPublisher publisher;
    private volatile boolean closed;

    private WebhookService(Vertx vertx, WebhookSettings settings, WebhookMetrics metrics, Clock clock) {
        this.vertx = vertx;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "webhooks-admin-" + settings.instanceId()));
        this.writer = new RecordWriter(settings.bootstrapServers(), settings.registryUrl(), "webhooks-writer-" + settings.instanceId());
    }

    /**
     * Starts the service: ensures {@code cti.cloudevents}, loads the roster and the subscriptions,
     * starts their deliveries and the topic writer. The future completes (on a worker; nothing here
     * blocks an event loop) when all of that is running, or fails naming what did not start.
     */
    public static Future<WebhookService> start(Vertx vertx, WebhookSettings settings, PrometheusRegistry registry) {
        return vertx.executeBlocking(() -> {
            WebhookService service = new WebhookService(vertx, settings, new WebhookMetrics(registry), Clock.systemUTC());
            try {
                service.startBlocking(registry);
                return service;
            } catch (Exception e) {
                service.close();
                throw e;
            }
        }, false);
    }

    private void startBlocking(PrometheusRegistry registry) throws Exception {
        Instant startedAt = clock.instant();
        if (settings.targets().allowsSomePrivate()) {
            LOG.warn("webhook targets on internal addresses are allowed ({}): {} lets subscriptions reach this network",
                    settings.targets().describe(), WebhookSettings.ALLOW_PRIVATE_TARGETS);
        }
        if (settings.cloudEventsTopic()) {
            ensureTopic();
        }
        roster = new CompactedView<>(settings.bootstrapServers(), settings.registryUrl(), CtiTopics.AGENTS.topicName(), AgentProfile.class,
                "webhooks-roster-" + settings.instanceId(), new CompactedView.Listener<>() { }).start();
        roster.loaded().get(2, TimeUnit.MINUTES);
        subscriptions = new CompactedView<>(settings.bootstrapServers(), settings.registryUrl(), CtiTopics.WEBHOOK_SUBSCRIPTIONS.topicName(),
                WebhookSubscription.class, "webhooks-subscriptions-" + settings.instanceId(), new CompactedView.Listener<>() {
                    @Override
                    public void loaded(Map<String, WebhookSubscription> current, Set<String> removed) {
                        current.forEach(WebhookService.this::apply);
                        removed.forEach(id -> forget(id, true));
                    }

                    @Override
                    public void changed(String key, WebhookSubscription value) {
                        apply(key, value);
                    }
                }).start();
        subscriptions.loaded().get(2, TimeUnit.MINUTES);
        if (settings.cloudEventsTopic()) {
            publisher = new CloudEventsPublisher(settings, roster::get, metrics, clock, startedAt).start();
        }
        metrics.gauges(registry, this::lags, this::states);
        LOG.info("webhooks service started [subscriptions running={}, disabled={}, cloudevents topic={}, targets: {}]", running.size(),
                disabled.size(), settings.cloudEventsTopic() ? "on" : "off", settings.targets().describe());
    }

    /** {@code cti.cloudevents} with as many partitions as {@code cti.agent-events}, so an agent keeps its partition number. */
    private void ensureTopic() throws Exception {
        String events = CtiTopics.AGENT_EVENTS.topicName();
        Map<String, org.apache.kafka.clients.admin.TopicDescription> described;
        try {
            described = admin.describeTopics(List.of(events)).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("[" + events + "] cannot be described (" + e.getCause().getMessage()
                    + "): the cti.* topics must exist before the webhooks service starts", e.getCause());
        }
        int partitions = described.get(events).partitions().size();
        int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        var plan = new TopicProvisioner.Plan(partitions, 1, (short) Math.min(3, Math.max(1, brokers)));
        new TopicProvisioner(admin, plan).ensure(JsonTopics.CLOUD_EVENTS);
    }

    /** A subscription as it is now (on the subscriptions view's thread, one change at a time). */
    private void apply(String key, WebhookSubscription s) {
        if (closed) {
            return;
        }
        if (s == null) {
            forget(key, true);
            return;
        }
        if (!s.getEnabled()) {
            forget(key, false);
            disabled.put(key, s);
            LOG.info("subscription disabled [subscription={}]", key);
            return;
        }
        disabled.remove(key);
        SubscriptionDelivery d = running.get(key);
        if (d != null) {
            d.update(s);
            LOG.info("subscription changed [subscription={}]", key);
            return;
        }
        SubscriptionDelivery delivery = new SubscriptionDelivery(new SubscriptionDelivery.Shared(vertx, settings, metrics, writer, clock,
                this::disableGone), s, roster::get);
        running.put(key, delivery.start());
        LOG.info("subscription started [subscription={}, group={}]", key, SubscriptionDelivery.groupId(key));
    }

    /** Stops a subscription's delivery; a removed one also loses its consumer group (its position) and its metrics. */
    private void forget(String key, boolean removed) {
        SubscriptionDelivery d = running.remove(key);
        if (d != null) {
            try {
                d.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("subscription did not stop cleanly [subscription={}]: {}", key, e.toString());
            }
        }
        if (removed) {
            disabled.remove(key);
            metrics.remove(key);
            admin.deleteConsumerGroups(List.of(SubscriptionDelivery.groupId(key))).all().whenComplete((v, e) -> {
                if (e == null) {
                    LOG.info("subscription removed, its consumer group deleted [subscription={}]", key);
                }
            });
        }
    }

    /** A 410 Gone: the subscription is written back disabled, and the change reaches every instance like any other. */
    private void disableGone(WebhookSubscription s) {
        if (!settings.disableOnGone()) {
            return;
        }
        WebhookSubscription off = WebhookSubscription.newBuilder(s).setEnabled(false).setUpdatedAt(clock.instant()).build();
        var context = vertx.getOrCreateContext();
        writer.send(context, CtiTopics.WEBHOOK_SUBSCRIPTIONS.topicName(), s.getSubscriptionId(), off).onFailure(e ->
                LOG.warn("the subscription could not be disabled after 410 Gone [subscription={}]: {}", s.getSubscriptionId(), e.toString()));
    }

    private Map<String, Long> lags() {
        Map<String, Long> lag = new HashMap<>();
        running.forEach((id, d) -> lag.put(id, d.lag()));
        return lag;
    }

    private Map<String, Integer> states() {
        return Map.of("running", running.size(), "disabled", disabled.size());
    }

    /** The service's readiness and each subscription's state. */
    public WebhookHealth health() {
        Map<String, WebhookHealth.Subscription> subs = new HashMap<>();
        running.forEach((id, d) -> subs.put(id, new WebhookHealth.Subscription("running", d.lag(), d.lastError())));
        disabled.forEach((id, s) -> subs.put(id, new WebhookHealth.Subscription("disabled", 0, null)));
        String topic = !settings.cloudEventsTopic() ? "off" : publisher != null && publisher.alive() ? "running" : "stopped";
        String failed = null;
        if (closed) {
            failed = "stopped";
        } else if (subscriptions == null || !subscriptions.loaded().isDone() || roster == null || !roster.loaded().isDone()) {
            failed = "starting";
        } else if (subscriptions.loaded().isCompletedExceptionally() || roster.loaded().isCompletedExceptionally()
                || "stopped".equals(topic) || running.values().stream().anyMatch(d -> !d.readerAlive())) {
            failed = "kafka";
        }
        return new WebhookHealth(failed == null, failed, subs, topic);
    }

    /** Test and operator view: the subscriptions delivering now. */
    Set<String> runningSubscriptions() {
        return Set.copyOf(running.keySet());
    }

    /** The subscription a delivery works with now, or null when it is not running. */
    WebhookSubscription current(String subscriptionId) {
        SubscriptionDelivery d = running.get(subscriptionId);
        return d == null ? null : d.subscription();
    }

    /** Records a subscription holds in memory now (0 when it is not running). */
    int buffered(String subscriptionId) {
        SubscriptionDelivery d = running.get(subscriptionId);
        return d == null ? 0 : d.buffered();
    }

    /** Completes when the subscription's consumer first got its partitions (for tests that must not race its start). */
    java.util.concurrent.CompletableFuture<Void> assigned(String subscriptionId) {
        SubscriptionDelivery d = running.get(subscriptionId);
        return d == null ? java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("not running: " + subscriptionId))
                : d.assigned();
    }

    java.util.concurrent.CompletableFuture<Void> publisherAssigned() {
        return publisher == null ? java.util.concurrent.CompletableFuture.completedFuture(null) : publisher.assigned();
    }

    WebhookMetrics metrics() {
        return metrics;
    }

    /** Stops everything; what was delivered is committed. Blocks: call it off the event loop (or use {@link #stop()}). */
    @Override
    public void close() {
        closed = true;
        if (subscriptions != null) {
            subscriptions.close();
        }
        running.keySet().forEach(key -> forget(key, false));
        if (publisher != null) {
            publisher.close();
        }
        if (roster != null) {
            roster.close();
        }
        writer.close();
        admin.close(java.time.Duration.ofSeconds(5));
        LOG.info("webhooks service stopped");
    }

    /** {@link #close()} on a worker. */
    public Future<Void> stop() {
        return vertx.executeBlocking(() -> {
            close();
            return null;
        }, false);
    }
}
