package io.ctistream.connector.broadworks.xsi;

import io.ctistream.connector.broadworks.Credentials;
import io.ctistream.connector.broadworks.codec.XsiMessage;
import io.ctistream.connector.broadworks.codec.XsiMessage.AcdCall;
import io.ctistream.connector.broadworks.codec.XsiMessage.AcdQueueState;
import io.ctistream.connector.broadworks.codec.XsiMessage.QueueEntry;
import io.ctistream.connector.core.Backoff;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.core.Failure;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueCallDisposition;
import io.ctistream.events.QueueProfile;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BroadWorks call-center queues over Xsi-Events as canonical {@code QueueEvent}s (issue #17, ADR
 * 019): one channel for the instance; a Call Center Queue subscription per queue this instance owns;
 * the subscription's ACDSubscriptionEvent (and every ACDSubscriptionResyncEvent) is the queue's full
 * state, compared with what was reported so that a call is entered once and a call that left while
 * the channel was down leaves as {@code OTHER} (never a guessed answer or abandon); after a channel is
 * lost, a new one is opened with backoff and every queue is subscribed again, which resyncs it.
 * Events are deduplicated by event id. Runs on the connector's context.
 *
 * <p>ADR 022: each queue is also subscribed to the Call Center Monitoring package, whose figures go
 * out as {@code QueueStatistics}; the queues are the roster's BroadWorks queues ({@code
 * platformQueueId} = call center user id) and those the settings name; the channel is
 * {@link XsiChannelSet}'s, on the most preferred Xsi server that answers, and every channel it opens
 * (after a loss, or back on the preferred server) has every queue subscribed on it again.
 */
public final class XsiQueueSource {
    public static final String CHANNEL_METRIC = "xsi-events";
    static final String QUEUE_PACKAGE = "Call Center Queue";
    static final String MONITORING_PACKAGE = "Call Center Monitoring";
    private static final Logger LOG = LoggerFactory.getLogger(XsiQueueSource.class);

    /** One package's subscription for a queue. */
    private static final class Sub {
        final String eventPackage;
        String id;
        long refreshTimer = -1;

        Sub(String eventPackage) {
            this.eventPackage = eventPackage;
        }
    }

    /** A queue followed: its call center, its subscriptions, and the calls reported waiting (canonical id to the entry). */
    private static final class Followed {
        final String queueId;
        final String tenant;
        final String callCenter;
        final Map<String, Sub> subs = new LinkedHashMap<>();
        final Map<String, QueueEntry> waiting = new LinkedHashMap<>();

        Followed(String queueId, String tenant, String callCenter, List<String> packages) {
            this.queueId = queueId;
            this.tenant = tenant;
            this.callCenter = callCenter;
            packages.forEach(p -> subs.put(p, new Sub(p)));
        }
    }

    /** Where a followed queue comes from: its tenant and call center. */
    private record Target(String tenant, String callCenter) {
    }

    private XsiConfig config;
    private final Credentials credentials;
    private final Clock clock;
    private final Random random;
    private final Map<String, Followed> followed = new LinkedHashMap<>();
    /** Event ids applied lately: an event delivered again is acknowledged and not applied again. */
    private final Map<String, Boolean> seen = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 4096;
        }
    };
    private ConnectorContext ctx;
    private Predicate<String> owns;
    private Backoff backoff;
    private XsiChannelSet channels;
    private boolean channelUp;

    public XsiQueueSource(XsiConfig config, Credentials credentials) {
        this(config, credentials, Clock.systemUTC(), new Random());
    }

    /** @param clock when a monitoring event was read (it carries no time); @param random the order among servers of equal priority */
    public XsiQueueSource(XsiConfig config, Credentials credentials, Clock clock, Random random) {
        this.config = config;
        this.credentials = credentials;
        this.clock = clock;
        this.random = random;
    }

    /** Starts following the queues {@code owns} accepts (in production the kit's {@code ctx.queues()::owns}). */
    public Future<Void> start(ConnectorContext ctx, Predicate<String> owns) {
        this.ctx = ctx;
        this.owns = owns;
        this.config = config.withChannelSet(config.channelSetId() + "-" + ctx.events().instanceId());
        if (credentials.resolve(config.credentialRef()).isEmpty()) {
            return Future.failedFuture(new IllegalArgumentException("no credentials for the Xsi credential reference " + config.credentialRef()));
        }
        backoff = Backoff.of(config.retryBase(), config.retryMax());
        channels = new XsiChannelSet(ctx.vertx(), config, credentials, random, ctx.metrics(), new XsiChannelSet.Owner() {
            @Override
            public void opened(XsiChannel channel) {
                channelOpened(channel);
            }

            @Override
            public void message(XsiMessage message) {
                handle(message);
            }

            @Override
            public void down() {
                channelLost();
            }
        });
        queuesChanged();
        return channels.start();
    }

    /**
     * Follows exactly the queues this instance owns now, of those the roster gives BroadWorks call
     * centers and those the settings name (which win for the same queue): subscribes new ones,
     * unsubscribes the rest. A queue whose call center changed is followed anew.
     */
    public void queuesChanged() {
        Map<String, Target> wanted = new LinkedHashMap<>();
        for (QueueProfile p : ctx.queues().roster().values()) {
            if (p.getPlatform() == Platform.BROADWORKS && p.getPlatformQueueId() != null && !p.getPlatformQueueId().isBlank()) {
                wanted.put(p.getQueueId(), new Target(p.getTenant(), p.getPlatformQueueId().strip()));
            }
        }
        config.callCenters().forEach((queue, callCenter) -> wanted.put(queue, new Target(config.tenant(), callCenter)));
        wanted.keySet().removeIf(q -> !owns.test(q));
        for (String q : Set.copyOf(followed.keySet())) {
            Target t = wanted.get(q);
            Followed f = followed.get(q);
            if (t == null || !t.callCenter().equals(f.callCenter) || !t.tenant().equals(f.tenant)) {
                followed.remove(q);
                f.subs.values().forEach(sub -> {
                    ctx.vertx().cancelTimer(sub.refreshTimer);
                    if (channelUp && sub.id != null) {
                        channels.current().unsubscribe(sub.id);
                    }
                });
            }
        }
        wanted.forEach((q, t) -> {
            if (!followed.containsKey(q)) {
                Followed f = new Followed(q, t.tenant(), t.callCenter(),
                        config.monitoring() ? List.of(QUEUE_PACKAGE, MONITORING_PACKAGE) : List.of(QUEUE_PACKAGE));
                followed.put(q, f);
                if (channelUp) {
                    subscribeAll(f);
                }
            }
        });
    }

    /** The call center each followed queue is subscribed to now, by queue id. */
    public Map<String, String> callCenters() {
        Map<String, String> out = new LinkedHashMap<>();
        followed.forEach((q, f) -> out.put(q, f.callCenter));
        return out;
    }

    /** The server the channel is on now, or null while there is none. */
    public XsiServer server() {
        return channels.server();
    }

    /**
     * Reports every followed queue in full again (after a Kafka loss began a new run): what was
     * reported is forgotten and each queue is subscribed again, whose ACDSubscriptionEvent enters
     * every waiting call anew (the engine counts a call once whatever it is told twice).
     */
    public void resync() {
        for (Followed f : followed.values()) {
            f.waiting.clear();
            if (channelUp) {
                subscribeAll(f);
            }
        }
    }

    public boolean channelUp() {
        return channelUp;
    }

    /** Channels opened so far (1 after start; one more after every loss). */
    public int channelsOpened() {
        return channels.channelsOpened();
    }

    /** Queues followed now. */
    public Set<String> queues() {
        return Set.copyOf(followed.keySet());
    }

    public Future<Void> stop() {
        cancelRefreshes();
        return channels.close();
    }

    public void abort() {
        cancelRefreshes();
        channels.abort();
    }

    private void cancelRefreshes() {
        followed.values().forEach(f -> f.subs.values().forEach(sub -> ctx.vertx().cancelTimer(sub.refreshTimer)));
    }

    /** True when the server refused this instance for good (credentials, permission). */
    public boolean refusedForGood() {
        return channels.refusedForGood();
    }

    /** A channel is open (after a loss, or back on the preferred server): every queue is subscribed on it, which resyncs it. */
    private void channelOpened(XsiChannel channel) {
        LOG.info("xsi queues subscribed on the channel [channel={}, server={}, queues={}]", channel.id(), channel.server().uri(), followed.size());
        channelUp = true;
        followed.values().forEach(f -> f.subs.values().forEach(sub -> sub.id = null));
        followed.values().forEach(this::subscribeAll);
    }

    private void channelLost() {
        channelUp = false;
        followed.values().forEach(f -> f.subs.values().forEach(sub -> {
            ctx.vertx().cancelTimer(sub.refreshTimer);
            sub.id = null; // subscribed again on the next channel, which resyncs the queue
        }));
    }

    private void subscribeAll(Followed f) {
        f.subs.values().forEach(sub -> {
            ctx.vertx().cancelTimer(sub.refreshTimer);
            subscribe(f, sub);
        });
    }

    private void subscribe(Followed f, Sub sub) {
        XsiChannel on = channels.current();
        on.subscribe(f.callCenter, sub.eventPackage).onSuccess(answer -> {
            if (channels.current() != on || followed.get(f.queueId) != f) {
                on.unsubscribe(answer.subscriptionId()); // the channel or the queue went meanwhile
                return;
            }
            sub.id = answer.subscriptionId();
            int granted = answer.expires() == null ? config.subscriptionExpires() : answer.expires();
            sub.refreshTimer = ctx.vertx().setTimer(Math.max(1_000, granted * 800L), id -> refresh(f, sub, on));
        }).onFailure(e -> {
            LOG.warn("xsi subscription failed [queue={}, callCenter={}, package={}, why={}]", f.queueId, f.callCenter, sub.eventPackage,
                    e.getMessage());
            if (e instanceof Failure failure && !failure.retriable()) {
                ctx.metrics().alarm("xsi_subscription_refused");
            } else if (channels.current() == on && channelUp && followed.get(f.queueId) == f) {
                sub.refreshTimer = ctx.vertx().setTimer(Math.max(1, backoff.delay(0).toMillis()), id -> subscribe(f, sub));
            }
        });
    }

    private void refresh(Followed f, Sub sub, XsiChannel on) {
        if (channels.current() != on || sub.id == null) {
            return;
        }
        on.refreshSubscription(sub.id).onSuccess(v -> sub.refreshTimer = ctx.vertx().setTimer(
                Math.max(1_000, config.subscriptionExpires() * 800L), id -> refresh(f, sub, on))).onFailure(e -> {
                    LOG.warn("xsi subscription refresh failed, subscribing again [queue={}, package={}, why={}]", f.queueId, sub.eventPackage,
                            e.getMessage());
                    sub.id = null;
                    subscribe(f, sub);
                });
    }

    private void handle(XsiMessage m) {
        String eventId = m.eventIdToAcknowledge();
        if (eventId != null && seen.putIfAbsent(eventId, Boolean.TRUE) != null) {
            return; // delivered again: already applied
        }
        if (m instanceof AcdQueueState s) {
            Followed f = queueOf(s.header());
            if (f != null) {
                state(f, s);
            }
        } else if (m instanceof AcdCall a) {
            Followed f = queueOf(a.header());
            if (f != null) {
                call(f, a);
            }
        } else if (m instanceof XsiMessage.QueueMonitoring q) {
            Followed f = queueOf(q.header());
            if (f != null) {
                long now = clock.millis();
                publish(f, "", XsiQueueTranslator.statistics(q, now), now, q.header().eventId());
            }
        } else if (m instanceof XsiMessage.SubscriptionTerminated t) {
            Followed f = queueOf(t.header());
            if (f != null && channelUp) {
                // the package whose subscription ended; when the id is not known, every package of the queue
                List<Sub> ended = f.subs.values().stream().filter(s -> t.header().subscriptionId() != null
                        && t.header().subscriptionId().equals(s.id)).toList();
                for (Sub sub : ended.isEmpty() ? List.copyOf(f.subs.values()) : ended) {
                    LOG.info("xsi subscription terminated by the server, subscribing again [queue={}, package={}]", f.queueId, sub.eventPackage);
                    ctx.vertx().cancelTimer(sub.refreshTimer);
                    sub.id = null;
                    subscribe(f, sub);
                }
            }
        }
    }

    /** The queue an event is about: by its subscription, else by its target (the call center). */
    private Followed queueOf(XsiMessage.Header h) {
        for (Followed f : followed.values()) {
            if (h.subscriptionId() != null && f.subs.values().stream().anyMatch(s -> h.subscriptionId().equals(s.id))) {
                return f;
            }
        }
        for (Followed f : followed.values()) {
            if (f.callCenter.equals(h.targetId())) {
                return f;
            }
        }
        return null;
    }

    /** The queue in full: calls not reported yet enter; calls reported that are gone left while we were not looking. */
    private void state(Followed f, AcdQueueState s) {
        Map<String, QueueEntry> now = new LinkedHashMap<>();
        for (QueueEntry e : s.entries()) {
            now.put(XsiQueueTranslator.callId(e), e);
        }
        // first what left while we were not looking, then what arrived, each in the server's order
        for (String gone : List.copyOf(f.waiting.keySet())) {
            if (!now.containsKey(gone)) {
                f.waiting.remove(gone);
                publish(f, gone, XsiQueueTranslator.left(QueueCallDisposition.OTHER, null), null, s.header().eventId());
            }
        }
        for (Map.Entry<String, QueueEntry> e : now.entrySet()) {
            if (!f.waiting.containsKey(e.getKey())) {
                f.waiting.put(e.getKey(), e.getValue());
                publish(f, e.getKey(), XsiQueueTranslator.entered(e.getValue()), e.getValue().addTime(), s.header().eventId());
            }
        }
        LOG.debug("xsi queue state [queue={}, waiting={}, resync={}]", f.queueId, f.waiting.size(), s.resync());
    }

    private void call(Followed f, AcdCall a) {
        String callId = XsiQueueTranslator.callId(a.entry());
        Object payload = XsiQueueTranslator.payload(a.kind(), a.entry(), config.agentsByUserId());
        if (payload == null) {
            return;
        }
        if (a.kind() == XsiMessage.AcdKind.ADDED) {
            if (f.waiting.putIfAbsent(callId, a.entry()) != null) {
                return; // already reported (by a queue state that overtook the event)
            }
        } else {
            f.waiting.remove(callId);
        }
        publish(f, callId, payload, XsiQueueTranslator.occurredAt(a.kind(), a.entry()), a.header().eventId());
    }

    private void publish(Followed f, String callId, Object payload, Long occurredAt, String platformEventId) {
        ctx.sink().publish(ctx.events().queueEvent(f.tenant, f.queueId, callId, payload, occurredAt, platformEventId))
                .onFailure(e -> LOG.warn("queue event not published [queue={}, why={}]", f.queueId, e.getMessage()));
    }
}
