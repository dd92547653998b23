package io.ctistream.connector.broadworks.xsi;

import io.ctistream.connector.broadworks.Credentials;
import io.ctistream.connector.broadworks.codec.XsiMessage;
import io.ctistream.connector.broadworks.codec.XsiMessage.AcdCall;
import io.ctistream.connector.broadworks.codec.XsiMessage.AcdQueueState;
import io.ctistream.connector.broadworks.codec.XsiMessage.QueueEntry;
import io.ctistream.connector.core.Backoff;
import io.ctistream.connector.core.ConnectorContext;
import io.ctistream.connector.core.Failure;
import io.ctistream.events.QueueCallDisposition;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
 */
public final class XsiQueueSource {
    public static final String CHANNEL_METRIC = "xsi-events";
    static final String QUEUE_PACKAGE = "Call Center Queue";
    private static final Logger LOG = LoggerFactory.getLogger(XsiQueueSource.class);

    /** A queue followed: its call center, its subscription, and the calls reported waiting (canonical id to the entry). */
    private static final class Followed {
        final String queueId;
        final String callCenter;
        String subscriptionId;
        long refreshTimer = -1;
        final Map<String, QueueEntry> waiting = new LinkedHashMap<>();

        Followed(String queueId, String callCenter) {
            this.queueId = queueId;
            this.callCenter = callCenter;
        }
    }

    private XsiConfig config;
    private final Credentials credentials;
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
    private HttpClientAgent client;
    private Backoff backoff;
    private XsiChannel channel;
    private boolean channelUp;
    private boolean stopped;
    private boolean refusedForGood;
    private int attempt;
    private long retryTimer = -1;
    private int channelsOpened;

    public XsiQueueSource(XsiConfig config, Credentials credentials) {
        this.config = config;
        this.credentials = credentials;
    }

    /** Starts following the queues {@code owns} accepts (in production the kit's {@code ctx.queues()::owns}). */
    public Future<Void> start(ConnectorContext ctx, Predicate<String> owns) {
        this.ctx = ctx;
        this.owns = owns;
        this.config = config.withChannelSet(config.channelSetId() + "-" + ctx.events().instanceId());
        if (credentials.resolve(config.credentialRef()).isEmpty()) {
            return Future.failedFuture(new IllegalArgumentException("no credentials for the Xsi credential reference " + config.credentialRef()));
        }
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int) config.requestTimeout().toMillis())
                .setVerifyHost(config.verifyHost());
        client = ctx.vertx().createHttpClient(options, new PoolOptions().setHttp1MaxSize(8));
        backoff = Backoff.of(config.retryBase(), config.retryMax());
        if (config.tls() && !config.verifyHost()) {
            LOG.warn("xsi host name verification is off: anyone between here and the Xsi server can read the queue events");
        }
        queuesChanged();
        openChannel();
        return Future.succeededFuture();
    }

    /** Follows exactly the configured queues this instance owns now: subscribes new ones, unsubscribes the rest. */
    public void queuesChanged() {
        Set<String> wanted = new LinkedHashSet<>();
        config.callCenters().keySet().stream().filter(owns).forEach(wanted::add);
        for (String q : Set.copyOf(followed.keySet())) {
            if (!wanted.contains(q)) {
                Followed f = followed.remove(q);
                ctx.vertx().cancelTimer(f.refreshTimer);
                if (channelUp && f.subscriptionId != null) {
                    channel.unsubscribe(f.subscriptionId);
                }
            }
        }
        for (String q : wanted) {
            if (!followed.containsKey(q)) {
                Followed f = new Followed(q, config.callCenters().get(q));
                followed.put(q, f);
                if (channelUp) {
                    subscribe(f);
                }
            }
        }
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
                ctx.vertx().cancelTimer(f.refreshTimer);
                subscribe(f);
            }
        }
    }

    public boolean channelUp() {
        return channelUp;
    }

    /** Channels opened so far (1 after start; one more after every loss). */
    public int channelsOpened() {
        return channelsOpened;
    }

    /** Queues followed now. */
    public Set<String> queues() {
        return Set.copyOf(followed.keySet());
    }

    public Future<Void> stop() {
        stopped = true;
        ctx.vertx().cancelTimer(retryTimer);
        followed.values().forEach(f -> ctx.vertx().cancelTimer(f.refreshTimer));
        Future<Void> closed = channel == null ? Future.succeededFuture() : channel.close();
        return closed.eventually(() -> client.close());
    }

    public void abort() {
        stopped = true;
        ctx.vertx().cancelTimer(retryTimer);
        followed.values().forEach(f -> ctx.vertx().cancelTimer(f.refreshTimer));
        if (channel != null) {
            channel.abort();
        }
        client.close();
    }

    private void openChannel() {
        if (stopped) {
            return;
        }
        Credentials.Secret secret = credentials.resolve(config.credentialRef()).orElse(null);
        if (secret == null) {
            permanent(Failure.permanent("XSI_NO_CREDENTIALS", "no credentials for the Xsi credential reference " + config.credentialRef()));
            return;
        }
        XsiChannel c = new XsiChannel(ctx.vertx(), client, config, secret, new XsiChannel.Listener() {
            @Override
            public void opened(String channelId, int expires) {
                channelOpened(channelId, expires);
            }

            @Override
            public void message(XsiMessage message) {
                handle(message);
            }

            @Override
            public void refused(XsiMessage.Refused refused) {
                ctx.metrics().malformed(CHANNEL_METRIC);
                LOG.warn("xsi event refused, the channel goes on [why={}, acknowledged={}]", refused.reason(), refused.eventId() != null);
            }

            @Override
            public void lost(Failure why) {
                channelLost(why);
            }
        });
        channel = c;
        channelsOpened++;
        c.open().onFailure(e -> {
            if (channel == c) {
                channelLost(e instanceof Failure f ? f : Failure.retriable("XSI", e.getMessage()));
            }
        });
    }

    private void channelOpened(String channelId, int expires) {
        LOG.info("xsi channel open [channel={}, expires={}s, queues={}]", channelId, expires, followed.size());
        channelUp = true;
        attempt = 0;
        followed.values().forEach(this::subscribe);
    }

    private void channelLost(Failure why) {
        channelUp = false;
        followed.values().forEach(f -> {
            ctx.vertx().cancelTimer(f.refreshTimer);
            f.subscriptionId = null; // subscribed again on the next channel, which resyncs the queue
        });
        if (stopped) {
            return;
        }
        if (!why.retriable()) {
            permanent(why);
            return;
        }
        long delay = backoff.delay(attempt++).toMillis();
        LOG.warn("xsi channel lost, opening a new one [why={}, in={}ms]", why.getMessage(), delay);
        retryTimer = ctx.vertx().setTimer(Math.max(1, delay), id -> openChannel());
    }

    private void permanent(Failure why) {
        refusedForGood = true;
        ctx.metrics().alarm("xsi_channel_refused");
        LOG.error("xsi channel refused for good, not retrying [code={}, why={}]", why.code(), why.getMessage());
    }

    /** True when the server refused this instance for good (credentials, permission). */
    public boolean refusedForGood() {
        return refusedForGood;
    }

    private void subscribe(Followed f) {
        XsiChannel on = channel;
        on.subscribe(f.callCenter, QUEUE_PACKAGE).onSuccess(answer -> {
            if (channel != on || followed.get(f.queueId) != f) {
                on.unsubscribe(answer.subscriptionId()); // the channel or the queue went meanwhile
                return;
            }
            f.subscriptionId = answer.subscriptionId();
            int granted = answer.expires() == null ? config.subscriptionExpires() : answer.expires();
            f.refreshTimer = ctx.vertx().setTimer(Math.max(1_000, granted * 800L), id -> refresh(f, on));
        }).onFailure(e -> {
            LOG.warn("xsi subscription failed [queue={}, callCenter={}, why={}]", f.queueId, f.callCenter, e.getMessage());
            if (e instanceof Failure failure && !failure.retriable()) {
                ctx.metrics().alarm("xsi_subscription_refused");
            } else if (channel == on && channelUp) {
                f.refreshTimer = ctx.vertx().setTimer(Math.max(1, backoff.delay(0).toMillis()), id -> subscribe(f));
            }
        });
    }

    private void refresh(Followed f, XsiChannel on) {
        if (channel != on || f.subscriptionId == null) {
            return;
        }
        on.refreshSubscription(f.subscriptionId).onSuccess(v -> f.refreshTimer = ctx.vertx().setTimer(
                Math.max(1_000, config.subscriptionExpires() * 800L), id -> refresh(f, on))).onFailure(e -> {
                    LOG.warn("xsi subscription refresh failed, subscribing again [queue={}, why={}]", f.queueId, e.getMessage());
                    f.subscriptionId = null;
                    subscribe(f);
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
        } else if (m instanceof XsiMessage.SubscriptionTerminated t) {
            Followed f = queueOf(t.header());
            if (f != null && channelUp) {
                LOG.info("xsi subscription terminated by the server, subscribing again [queue={}]", f.queueId);
                ctx.vertx().cancelTimer(f.refreshTimer);
                f.subscriptionId = null;
                subscribe(f);
            }
        }
    }

    /** The queue an event is about: by its subscription, else by its target (the call center). */
    private Followed queueOf(XsiMessage.Header h) {
        for (Followed f : followed.values()) {
            if (h.subscriptionId() != null && h.subscriptionId().equals(f.subscriptionId)) {
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
        ctx.sink().publish(ctx.events().queueEvent(config.tenant(), f.queueId, callId, payload, occurredAt, platformEventId))
                .onFailure(e -> LOG.warn("queue event not published [queue={}, why={}]", f.queueId, e.getMessage()));
    }
}
