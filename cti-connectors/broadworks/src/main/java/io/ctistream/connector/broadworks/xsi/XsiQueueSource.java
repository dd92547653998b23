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
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PfxOptions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * platformQueueId} = call center user id) and those the settings name; the channel lives on the
 * most preferred Xsi server that answers, moves down the list when it is lost, and returns to the
 * preferred server (a new channel there first, then the old one closed) when that answers again.
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
    private HttpClientAgent client;
    private Backoff backoff;
    private XsiChannel channel;
    /** A channel opened on a more preferred server while {@link #channel} carries on; it replaces it once open. */
    private XsiChannel returning;
    private List<XsiServer> order;
    private int at;
    private long failbackTimer = -1;
    private boolean channelUp;
    private boolean stopped;
    private boolean refusedForGood;
    private int attempt;
    private long retryTimer = -1;
    private int channelsOpened;

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
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int) config.requestTimeout().toMillis())
                .setVerifyHost(config.verifyHost()).setTrustAll(false);
        if (config.trustStore() != null) {
            String password = config.trustStoreCredentialRef() == null ? null
                    : credentials.resolve(config.trustStoreCredentialRef()).map(Credentials.Secret::sipPassword).orElse(null);
            if (config.trustStoreCredentialRef() != null && password == null) {
                return Future.failedFuture(new IllegalArgumentException("no password for the Xsi trust store under the credential reference "
                        + config.trustStoreCredentialRef()));
            }
            boolean jks = config.trustStore().toLowerCase(Locale.ROOT).endsWith(".jks");
            options.setTrustOptions(jks ? new JksOptions().setPath(config.trustStore()).setPassword(password)
                    : new PfxOptions().setPath(config.trustStore()).setPassword(password));
        }
        client = ctx.vertx().createHttpClient(options, new PoolOptions().setHttp1MaxSize(8));
        backoff = Backoff.of(config.retryBase(), config.retryMax());
        if (config.anyTls() && !config.verifyHost()) {
            LOG.warn("xsi host name verification is off: anyone between here and the Xsi server can read the queue events");
        }
        order = XsiServer.order(config.servers(), random);
        at = 0;
        queuesChanged();
        openChannel();
        return Future.succeededFuture();
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
                        channel.unsubscribe(sub.id);
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
        return channelUp ? channel.server() : null;
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
        return channelsOpened;
    }

    /** Queues followed now. */
    public Set<String> queues() {
        return Set.copyOf(followed.keySet());
    }

    public Future<Void> stop() {
        stopTimers();
        if (returning != null) {
            returning.abort();
        }
        Future<Void> closed = channel == null ? Future.succeededFuture() : channel.close();
        return closed.eventually(() -> client.close());
    }

    public void abort() {
        stopTimers();
        if (returning != null) {
            returning.abort();
        }
        if (channel != null) {
            channel.abort();
        }
        client.close();
    }

    private void stopTimers() {
        stopped = true;
        ctx.vertx().cancelTimer(retryTimer);
        ctx.vertx().cancelTimer(failbackTimer);
        followed.values().forEach(f -> f.subs.values().forEach(sub -> ctx.vertx().cancelTimer(sub.refreshTimer)));
    }

    private void openChannel() {
        if (stopped) {
            return;
        }
        XsiChannel c = newChannel(order.get(at));
        if (c == null) {
            return;
        }
        channel = c;
        channelsOpened++;
        c.open().onFailure(e -> {
            if (channel == c) {
                channelLost(e instanceof Failure f ? f : Failure.retriable("XSI", e.getMessage()));
            }
        });
    }

    /** A channel to {@code server} whose news reaches this source only while it is the channel (or the one returning). */
    private XsiChannel newChannel(XsiServer server) {
        Credentials.Secret secret = credentials.resolve(config.credentialRef()).orElse(null);
        if (secret == null) {
            permanent(Failure.permanent("XSI_NO_CREDENTIALS", "no credentials for the Xsi credential reference " + config.credentialRef()));
            return null;
        }
        XsiChannel[] self = new XsiChannel[1];
        self[0] = new XsiChannel(ctx.vertx(), client, config, server, secret, new XsiChannel.Listener() {
            @Override
            public void opened(String channelId, int expires) {
                if (self[0] == returning) {
                    returned(self[0]);
                } else if (self[0] == channel) {
                    channelOpened(channelId, expires);
                }
            }

            @Override
            public void message(XsiMessage message) {
                if (self[0] == channel) {
                    handle(message);
                }
            }

            @Override
            public void refused(XsiMessage.Refused refused) {
                ctx.metrics().malformed(CHANNEL_METRIC);
                LOG.warn("xsi event refused, the channel goes on [why={}, acknowledged={}]", refused.reason(), refused.eventId() != null);
            }

            @Override
            public void lost(Failure why) {
                if (self[0] == channel) {
                    channelLost(why);
                } else if (self[0] == returning) {
                    returning = null;
                    LOG.info("xsi preferred server still not usable [server={}, why={}]", server.uri(), why.getMessage());
                    scheduleFailback();
                }
            }
        });
        return self[0];
    }

    private void channelOpened(String channelId, int expires) {
        LOG.info("xsi channel open [channel={}, server={}, expires={}s, queues={}]", channelId, channel.server().uri(), expires, followed.size());
        channelUp = true;
        attempt = 0;
        followed.values().forEach(this::subscribeAll);
        scheduleFailback();
    }

    /** While the channel is on a less preferred server, the most preferred one is tried again every {@code failback}. */
    private void scheduleFailback() {
        ctx.vertx().cancelTimer(failbackTimer);
        if (stopped || !channelUp || config.failback().isZero() || channel.server().priority() <= order.get(0).priority()) {
            return;
        }
        failbackTimer = ctx.vertx().setTimer(config.failback().toMillis(), id -> {
            if (stopped || !channelUp || returning != null) {
                return;
            }
            XsiServer preferred = XsiServer.order(config.servers(), random).get(0);
            XsiChannel c = newChannel(preferred);
            if (c == null) {
                return;
            }
            returning = c;
            c.open().onFailure(e -> {
                if (returning == c) {
                    returning = null;
                    scheduleFailback();
                }
            });
        });
    }

    /** The preferred server answers again: its channel replaces the current one (made before the old is closed), and every queue is subscribed there. */
    private void returned(XsiChannel c) {
        XsiChannel old = channel;
        returning = null;
        channel = c;
        channelsOpened++;
        order = XsiServer.order(config.servers(), random);
        at = Math.max(0, order.indexOf(c.server()));
        LOG.info("xsi channel back on the preferred server [server={}, from={}]", c.server().uri(), old.server().uri());
        followed.values().forEach(f -> f.subs.values().forEach(sub -> {
            ctx.vertx().cancelTimer(sub.refreshTimer);
            sub.id = null;
        }));
        old.close();
        channelOpened(c.id(), config.channelExpires());
    }

    private void channelLost(Failure why) {
        channelUp = false;
        ctx.vertx().cancelTimer(failbackTimer);
        followed.values().forEach(f -> f.subs.values().forEach(sub -> {
            ctx.vertx().cancelTimer(sub.refreshTimer);
            sub.id = null; // subscribed again on the next channel, which resyncs the queue
        }));
        if (stopped) {
            return;
        }
        if (!why.retriable()) {
            permanent(why);
            return;
        }
        XsiServer was = order.get(at);
        if (++at < order.size()) {
            // the next server of the set at once; the whole list failing backs off before the next round
            LOG.warn("xsi channel lost, opening one on the next server [why={}, lost={}, next={}]", why.getMessage(), was.uri(), order.get(at).uri());
            retryTimer = ctx.vertx().setTimer(1, id -> openChannel());
            return;
        }
        order = XsiServer.order(config.servers(), random);
        at = 0;
        long delay = backoff.delay(attempt++).toMillis();
        LOG.warn("xsi channel lost, opening a new one [why={}, server={}, in={}ms]", why.getMessage(), order.get(0).uri(), delay);
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

    private void subscribeAll(Followed f) {
        f.subs.values().forEach(sub -> {
            ctx.vertx().cancelTimer(sub.refreshTimer);
            subscribe(f, sub);
        });
    }

    private void subscribe(Followed f, Sub sub) {
        XsiChannel on = channel;
        on.subscribe(f.callCenter, sub.eventPackage).onSuccess(answer -> {
            if (channel != on || followed.get(f.queueId) != f) {
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
            } else if (channel == on && channelUp && followed.get(f.queueId) == f) {
                sub.refreshTimer = ctx.vertx().setTimer(Math.max(1, backoff.delay(0).toMillis()), id -> subscribe(f, sub));
            }
        });
    }

    private void refresh(Followed f, Sub sub, XsiChannel on) {
        if (channel != on || sub.id == null) {
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
