package io.ctistream.webhooks;

import io.ctistream.events.DeadLetter;
import io.ctistream.events.WebhookSubscription;
import io.ctistream.schemas.CtiTopics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one webhook subscription: its own consumer group over {@code cti.agent-events} (an
 * {@link AgentEventReader} on its own thread), and per partition one lane on a Vert.x context that
 * sends one event at a time, in log order, through its {@link WebhookSender}. A failing event holds
 * back the later events of its partition (so of its agents) for this subscription only, and is
 * retried per {@link RetryPolicy}, then dead-lettered; other partitions go on. Offsets are committed
 * only past events that were delivered, filtered out or dead-lettered. At most
 * {@code maxBuffered} events are held; a partition's consumer pauses when its share is full.
 * Nothing here blocks the event loop: name resolution and the producer's send run on workers.
 */
final class SubscriptionDelivery implements AgentEventReader.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionDelivery.class);

    /** What the delivery needs from the service. */
    record Shared(Vertx vertx, WebhookSettings settings, WebhookMetrics metrics, RecordWriter writer, Clock clock,
                  Consumer<WebhookSubscription> onGone) {
    }

    private final Shared shared;
    private final String id;
    private final Context context;
    private final WebhookSender sender;
    private final AgentEventReader reader;
    private volatile WebhookSubscription subscription;
    private volatile String lastError;
    private volatile boolean gone;

    // shared between the reader thread and the context
    private final Map<TopicPartition, AtomicInteger> buffered = new ConcurrentHashMap<>();
    private final Map<TopicPartition, AgentEventReader.Progress> progress = new ConcurrentHashMap<>();
    private volatile int perPartition;

    // the context's own
    private final Map<TopicPartition, Lane> lanes = new HashMap<>();
    private boolean stopped;

    /** One partition's ordered queue: one event in flight at a time. */
    private static final class Lane {
        final TopicPartition partition;
        final long generation;
        final ArrayDeque<AgentEventReader.Mapped> queue = new ArrayDeque<>();
        int index;
        boolean busy;
        long timer = -1;
        int failures;
        Instant firstAttempt;
        byte[] body;

        Lane(TopicPartition partition, long generation) {
            this.partition = partition;
            this.generation = generation;
        }
    }

    SubscriptionDelivery(Shared shared, WebhookSubscription subscription, java.util.function.Function<String, io.ctistream.events.AgentProfile> roster) {
        this.shared = shared;
        this.id = subscription.getSubscriptionId();
        this.subscription = subscription;
        this.context = shared.vertx().getOrCreateContext();
        this.sender = new WebhookSender(shared.vertx(), id, sanitize(id), shared.settings(), shared.clock());
        this.perPartition = shared.settings().maxBuffered();
        // the start of a subscription without a stored position: its last change (creation, or being enabled again)
        Instant startAt = subscription.getUpdatedAt() != null ? subscription.getUpdatedAt() : subscription.getCreatedAt();
        this.reader = new AgentEventReader(shared.settings().bootstrapServers(), shared.settings().registryUrl(),
                new AgentEventReader.Setup(groupId(id), "webhooks-" + sanitize(id) + "-" + shared.settings().instanceId(), startAt,
                        shared.settings().stateLookback(), Math.min(500, shared.settings().maxBuffered())),
                roster, this, shared.metrics(), shared.clock());
    }

    SubscriptionDelivery start() {
        reader.start();
        return this;
    }

    String id() {
        return id;
    }

    /** The subscription's consumer group: {@code ctistream-webhooks-<tenant>-<id>}, sanitised and made unambiguous. */
    static String groupId(String subscriptionId) {
        int slash = subscriptionId.indexOf('/');
        String tenant = slash < 0 ? "" : subscriptionId.substring(0, slash);
        String local = slash < 0 ? subscriptionId : subscriptionId.substring(slash + 1);
        String name = "ctistream-webhooks-" + sanitize(tenant) + "-" + sanitize(local);
        // "-" also separates tenant and id, and sanitising merges characters: then a hash of the exact id keeps groups apart
        boolean ambiguous = tenant.contains("-") || !sanitize(tenant).equals(tenant) || !sanitize(local).equals(local);
        return ambiguous ? name + "-" + shortHash(subscriptionId) : name;
    }

    private static String sanitize(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String shortHash(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A changed subscription (URL, secrets, filters): used from the next attempt on. */
    void update(WebhookSubscription changed) {
        this.subscription = changed;
    }

    WebhookSubscription subscription() {
        return subscription;
    }

    long lag() {
        return reader.lag();
    }

    /** Records held in memory now (queued or in flight), over all partitions. */
    int buffered() {
        return buffered.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    String lastError() {
        return lastError;
    }

    boolean readerAlive() {
        return reader.alive();
    }

    java.util.concurrent.CompletableFuture<Void> assigned() {
        return reader.assigned();
    }

    // ---- reader side (reader thread) ----

    @Override
    public void assigned(TopicPartition partition, long generation, long start) {
        buffered.put(partition, new AtomicInteger());
        progress.put(partition, new AgentEventReader.Progress(generation, start));
        perPartition = Math.max(1, shared.settings().maxBuffered() / Math.max(1, buffered.size()));
        context.runOnContext(v -> {
            Lane old = lanes.put(partition, new Lane(partition, generation));
            if (old != null) {
                cancel(old);
            }
        });
    }

    @Override
    public void revoked(Collection<TopicPartition> partitions) {
        List<TopicPartition> gone = List.copyOf(partitions);
        gone.forEach(buffered::remove);
        perPartition = Math.max(1, shared.settings().maxBuffered() / Math.max(1, buffered.size()));
        context.runOnContext(v -> gone.forEach(tp -> {
            Lane lane = lanes.remove(tp);
            if (lane != null) {
                cancel(lane);
            }
        }));
    }

    @Override
    public void accept(AgentEventReader.Mapped record) {
        AtomicInteger n = buffered.get(record.partition());
        if (n != null) {
            n.incrementAndGet();
        }
        context.runOnContext(v -> {
            Lane lane = lanes.get(record.partition());
            if (lane == null || lane.generation != record.generation() || stopped) {
                return;
            }
            lane.queue.addLast(record);
            pump(lane);
        });
    }

    @Override
    public boolean full(TopicPartition partition) {
        AtomicInteger n = buffered.get(partition);
        return n != null && n.get() >= perPartition;
    }

    @Override
    public Map<TopicPartition, AgentEventReader.Progress> progress() {
        return progress;
    }

    // ---- lanes (context) ----

    private void pump(Lane lane) {
        while (!lane.busy && !stopped && !gone && lanes.get(lane.partition) == lane) {
            AgentEventReader.Mapped m = lane.queue.peekFirst();
            if (m == null) {
                return;
            }
            if (lane.index >= m.events().size()) {
                finish(lane, m);
                continue;
            }
            if (!subscription.getEnabled()) {
                return; // being stopped: nothing more is sent, nothing more is committed
            }
            CrmEvent e = m.events().get(lane.index);
            if (!SubscriptionFilter.accepts(subscription, e)) {
                lane.index++;
                continue;
            }
            lane.busy = true;
            lane.failures = 0;
            lane.firstAttempt = shared.clock().instant();
            lane.body = e.structuredJson();
            attempt(lane, m, e);
        }
    }

    /** The record is finished: its offset may be committed. */
    private void finish(Lane lane, AgentEventReader.Mapped m) {
        lane.queue.pollFirst();
        lane.index = 0;
        progress.put(lane.partition, new AgentEventReader.Progress(lane.generation, m.offset() + 1));
        AtomicInteger n = buffered.get(lane.partition);
        if (n != null) {
            n.decrementAndGet();
        }
    }

    /** The current event is finished (delivered or dead-lettered): on to the next. */
    private void next(Lane lane) {
        lane.busy = false;
        lane.index++;
        lane.body = null;
        pump(lane);
    }

    private boolean current(Lane lane) {
        return !stopped && lanes.get(lane.partition) == lane;
    }

    private void attempt(Lane lane, AgentEventReader.Mapped m, CrmEvent e) {
        lane.timer = -1;
        if (!current(lane) || gone) {
            return;
        }
        WebhookSubscription s = subscription;
        if (!SubscriptionFilter.accepts(s, e)) {
            next(lane); // the filters changed while this event waited for a retry
            return;
        }
        sender.send(s, e, lane.body).onComplete(ar -> {
            DeliveryOutcome outcome = ar.succeeded() ? ar.result() : DeliveryOutcome.ofFailure(ar.cause());
            if (outcome.kind() == DeliveryOutcome.Kind.DELIVERED) {
                shared.metrics().delivered(id); // counted even when stopping: the endpoint has it
            }
            if (!current(lane)) {
                return;
            }
            switch (outcome.kind()) {
                case DELIVERED -> {
                    lastError = null;
                    next(lane);
                }
                case REFUSED -> deadLetter(lane, m, e, outcome.label(), outcome.reason());
                case GONE -> {
                    if (shared.settings().disableOnGone()) {
                        gone(lane, m, e);
                    } else {
                        failed(lane, m, e, new DeliveryOutcome(DeliveryOutcome.Kind.RETRY, outcome.reason(), "http_4xx"));
                    }
                }
                case RETRY -> failed(lane, m, e, outcome);
            }
        });
    }

    private void failed(Lane lane, AgentEventReader.Mapped m, CrmEvent e, DeliveryOutcome outcome) {
        lane.failures++;
        lastError = outcome.reason();
        Instant now = shared.clock().instant();
        var delay = shared.settings().retry().next(lane.failures, lane.firstAttempt, now, () -> ThreadLocalRandom.current().nextDouble());
        if (delay.isEmpty()) {
            deadLetter(lane, m, e, outcome.label(), "gave up after " + lane.failures + " attempts over "
                    + shared.settings().retry().period() + "; last: " + outcome.reason());
            return;
        }
        shared.metrics().retried(id, outcome.label());
        if (lane.failures == 1) {
            LOG.info("delivery failed, retrying [subscription={}, event={}]: {}", id, e.id(), outcome.reason());
        }
        lane.timer = shared.vertx().setTimer(delay.get().toMillis(), t -> {
            if (current(lane)) {
                attempt(lane, m, e);
            }
        });
    }

    private void gone(Lane lane, AgentEventReader.Mapped m, CrmEvent e) {
        LOG.warn("the endpoint answered 410 Gone: the subscription is disabled [subscription={}]", id);
        deadLetter(lane, m, e, "gone", "HTTP 410 Gone: the endpoint wants no more events; the subscription was disabled");
        gone = true;
        shared.onGone().accept(subscription);
    }

    private void deadLetter(Lane lane, AgentEventReader.Mapped m, CrmEvent e, String label, String reason) {
        lastError = reason;
        DeadLetter letter = DeadLetter.newBuilder()
                .setOriginalTopic(m.partition().topic())
                .setOriginalPartition(m.partition().partition())
                .setOriginalOffset(m.offset())
                .setOriginalKey(m.key())
                .setOriginalValue(m.raw() == null ? null : ByteBuffer.wrap(m.raw()))
                .setReason("webhook subscription [" + id + "], event [" + e.id() + "] (" + e.type().type() + "): " + reason)
                .setComponent("crm-webhooks/" + shared.settings().instanceId())
                .setFailedAt(shared.clock().instant())
                .build();
        shared.writer().send(context, CtiTopics.DEAD_LETTER.topicName(), m.key(), letter).onComplete(ar -> {
            if (ar.succeeded()) {
                shared.metrics().deadLettered(id, label); // counted even when stopping: the dead letter is written
                LOG.warn("event dead-lettered [subscription={}, event={}, reason={}]: {}", id, e.id(), label, reason);
            }
            if (!current(lane)) {
                return;
            }
            if (ar.succeeded()) {
                next(lane);
            } else {
                LOG.warn("dead letter not written, trying again [subscription={}, event={}]: {}", id, e.id(), ar.cause().toString());
                lane.timer = shared.vertx().setTimer(1000, t -> {
                    if (current(lane)) {
                        deadLetter(lane, m, e, label, reason);
                    }
                });
            }
        });
    }

    private void cancel(Lane lane) {
        if (lane.timer >= 0) {
            shared.vertx().cancelTimer(lane.timer);
            lane.timer = -1;
        }
        lane.queue.clear();
    }

    /** Stops delivering: lanes dropped, the reader commits what is finished and leaves the group. */
    Future<Void> stop() {
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        context.runOnContext(v -> {
            stopped = true;
            lanes.values().forEach(this::cancel);
            lanes.clear();
            context.executeBlocking(() -> {
                reader.close();
                return null;
            }, false).onComplete(ar -> sender.close().onComplete(v2 -> done.complete()));
        });
        return done.future();
    }
}
