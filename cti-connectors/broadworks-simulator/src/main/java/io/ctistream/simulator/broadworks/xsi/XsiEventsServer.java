package io.ctistream.simulator.broadworks.xsi;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel.Call;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel.Change;
import io.ctistream.simulator.support.SimulatorLoop;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyStoreOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * A BroadWorks Xsi-Events server (protocols/broadworks.md section 5) over real HTTP, for the Call
 * Center Queue package: streaming channels (chunked, the first document is the {@code Channel}),
 * heartbeats answered on the channel, channel refresh, a channel torn down when heartbeats stop,
 * subscriptions per call center answered by an {@code ACDSubscriptionEvent}, every event recorded
 * until its {@code EventResponse} arrives, and the {@link XsiQueueModel}'s calls as ACD events.
 * Faults: a channel dropped mid-stream, {@code ChannelTerminatedEvent}, a resync, raw bytes, and
 * documents cut into chunks of a given size. Everything runs on one loop; public methods hop there.
 * Writes and reads its own XML: it shares no code with the connector.
 *
 * <p>Also (ADR 022): the Call Center Monitoring package, a {@code CallCenterMonitoringEvent} per
 * subscription at once and then at most every {@link #monitoringInterval} and only when its figures
 * changed, from the model's queue and agents; a second Xsi server of the same cluster
 * ({@link #alongside}: its own port, channels and subscriptions, the same call centers) and
 * {@link #kill} for a server that dies; https with a key store.
 */
public final class XsiEventsServer implements AutoCloseable {
    public static final String CHANNEL_PATH = "/com.broadsoft.async/com.broadsoft.xsi-events/v2.0/channel";
    public static final String EVENTS = "/com.broadsoft.xsi-events/v2.0";
    public static final String QUEUE_PACKAGE = "Call Center Queue";
    public static final String MONITORING_PACKAGE = "Call Center Monitoring";
    private static final Logger LOG = LoggerFactory.getLogger(XsiEventsServer.class);

    /**
     * @param maxExpires the longest channel or subscription granted (seconds)
     * @param eventTimeoutSeconds a channel without a heartbeat for this long is torn down
     */
    public record Settings(String host, int port, String user, String password, int maxExpires, int eventTimeoutSeconds, long seed,
                           XsiQueueModel.Plan plan, String keyStore, String keyStorePassword) {
        public Settings(String host, int port, String user, String password, int maxExpires, int eventTimeoutSeconds, long seed,
                        XsiQueueModel.Plan plan) {
            this(host, port, user, password, maxExpires, eventTimeoutSeconds, seed, plan, null, null);
        }

        public static Settings loopback(String user, String password) {
            return new Settings("127.0.0.1", 0, user, password, 3600, 30, 17, XsiQueueModel.Plan.fast());
        }

        public Settings with(int maxExpires, int eventTimeoutSeconds, XsiQueueModel.Plan plan) {
            return new Settings(host, port, user, password, maxExpires, eventTimeoutSeconds, seed, plan, keyStore, keyStorePassword);
        }

        /** https with this PKCS#12 key store (the server's certificate and key). */
        public Settings withTls(String keyStore, String keyStorePassword) {
            return new Settings(host, port, user, password, maxExpires, eventTimeoutSeconds, seed, plan, keyStore, keyStorePassword);
        }

        @Override
        public String toString() {
            return "Settings[host=" + host + ", port=" + port + ", user=" + user + ", maxExpires=" + maxExpires + ", tls=" + (keyStore != null)
                    + "]"; // no password
        }
    }

    private record Subscription(String id, String channelSet, String target, String eventPackage, String applicationId, AtomicInteger sequence) {
    }

    /** What the servers of one cluster share: the loop, the call centers, and the answered calls' figures. */
    private static final class Cluster {
        final Vertx vertx;
        final SimulatorLoop loop;
        final List<XsiEventsServer> servers = new CopyOnWriteArrayList<>();
        final Map<String, long[]> answered = new LinkedHashMap<>(); // call center: {answered calls, their total wait in ms}
        XsiQueueModel model;
        XsiEventsServer primary;
        volatile boolean closed;

        Cluster() throws Exception {
            vertx = Vertx.vertx();
            loop = new SimulatorLoop(vertx, "xsi-events simulator");
        }
    }

    private final Settings settings;
    private final Cluster cluster;
    private final Vertx vertx;
    private final SimulatorLoop loop;
    private final HttpServer server;
    private final XsiQueueModel model;
    private final Map<String, String> lastMonitoring = new LinkedHashMap<>(); // subscription id: the status last sent
    private final Map<String, Long> lastMonitoringAt = new LinkedHashMap<>();
    private volatile long monitoringMillis = 2_000;
    private long monitoringTimer = -1;
    private volatile boolean killed;
    private final Map<String, XsiSimChannel> channels = new LinkedHashMap<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<String> acked = new CopyOnWriteArrayList<>();
    private final List<String> monitoringSent = new CopyOnWriteArrayList<>();
    private final AtomicInteger heartbeats = new AtomicInteger();
    private final AtomicInteger channelsOpened = new AtomicInteger();
    private final AtomicInteger channelRefreshes = new AtomicInteger();
    private final AtomicInteger subscribed = new AtomicInteger();
    private int ids;
    private volatile int chunkBytes;
    private volatile boolean refuseChannels;

    private XsiEventsServer(Settings settings, Cluster shared) throws Exception {
        this.settings = settings;
        this.cluster = shared == null ? new Cluster() : shared;
        if (shared == null) {
            cluster.primary = this;
        }
        this.vertx = cluster.vertx;
        this.loop = cluster.loop;
        if (cluster.model == null) {
            XsiQueueModel.Timers timers = new XsiQueueModel.Timers() {
                public long now() {
                    return System.currentTimeMillis();
                }

                public long later(long millis, Runnable r) {
                    return loop.later(millis, r);
                }

                public void cancel(long timer) {
                    loop.cancel(timer);
                }
            };
            Cluster c = cluster;
            cluster.model = new XsiQueueModel(timers, settings.plan(), settings.seed(), (change, call, position) -> {
                if (change == Change.ANSWERED_BY_AGENT && call.removeTime() != null) {
                    long[] a = c.answered.computeIfAbsent(call.callCenter(), k -> new long[2]);
                    a[0]++;
                    a[1] += call.removeTime() - call.addTime();
                }
                c.servers.forEach(s -> s.queueChanged(change, call, position));
            });
        }
        this.model = cluster.model;
        HttpServerOptions options = new HttpServerOptions();
        if (settings.keyStore() != null) {
            options.setSsl(true).setKeyCertOptions(new KeyStoreOptions().setType("PKCS12").setPath(settings.keyStore())
                    .setPassword(settings.keyStorePassword()));
        }
        // created and bound on the loop, so that every request is handled on the loop's thread
        this.server = loop.call(() -> vertx.createHttpServer(options).requestHandler(this::handle));
        loop.call(() -> server.listen(settings.port(), settings.host())).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        loop.exec(() -> monitoringTimer = loop.every(250, this::publishMonitoring));
        cluster.servers.add(this);
        LOG.info("xsi-events simulator listening [{}:{}, tls={}]", settings.host(), server.actualPort(), settings.keyStore() != null);
    }

    public static XsiEventsServer start(Settings settings) {
        try {
            return new XsiEventsServer(settings, null);
        } catch (Exception e) {
            throw new IllegalStateException("the xsi-events simulator did not start", e);
        }
    }

    /**
     * A second Xsi server of this one's cluster: its own address, channels and subscriptions (a channel
     * set's subscriptions live on the server that took them), the same call centers and calls. Its
     * user, password, expiry and heartbeat timeout come from {@code settings}; the queue plan is this one's.
     */
    public XsiEventsServer alongside(Settings settings) {
        try {
            return new XsiEventsServer(settings, cluster);
        } catch (Exception e) {
            throw new IllegalStateException("the second xsi-events simulator did not start", e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return (settings.keyStore() != null ? "https://" : "http://") + settings.host() + ":" + port();
    }

    // ---- the call center, as a test or the demo drives it

    public void addCallCenter(String callCenter) {
        loop.exec(() -> model.addCallCenter(callCenter));
    }

    public void agentReady(String callCenter, String agent) {
        loop.exec(() -> model.agentReady(callCenter, agent));
    }

    public void agentNotReady(String callCenter, String agent) {
        loop.exec(() -> model.agentNotReady(callCenter, agent));
    }

    public String callArrives(String callCenter, String caller) {
        return loop.call(() -> model.callArrives(callCenter, caller));
    }

    public String callArrives(String callCenter, String caller, long patienceMillis) {
        return loop.call(() -> model.callArrives(callCenter, caller, patienceMillis));
    }

    public List<Call> waiting(String callCenter) {
        return loop.call(() -> model.waiting(callCenter));
    }

    // ---- what happened

    /** Ids of the events sent, in order (ChannelTerminatedEvent has none). */
    public List<String> sentEventIds() {
        return List.copyOf(sent);
    }

    /** Ids of the events the client acknowledged, in the order the responses came. */
    public List<String> acknowledged() {
        return List.copyOf(acked);
    }

    public int heartbeats() {
        return heartbeats.get();
    }

    public int channelsOpened() {
        return channelsOpened.get();
    }

    public int channelRefreshes() {
        return channelRefreshes.get();
    }

    public int subscriptionsMade() {
        return subscribed.get();
    }

    /** The channel sets subscribed to a call center now. */
    public Set<String> subscribers(String callCenter) {
        return loop.call(() -> subscriptions.values().stream().filter(s -> s.target().equals(callCenter))
                .map(s -> String.valueOf(s.channelSet())).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
    }

    public int openChannels() {
        return loop.call(() -> (int) channels.values().stream().filter(XsiSimChannel::open).count());
    }

    // ---- faults

    /** Each document goes out in chunks of this many bytes (0: each turn's documents in one chunk). */
    public void chunkBytes(int bytes) {
        chunkBytes = bytes;
    }

    /** While true, a new channel is answered 503 (a server in trouble); channels already open stay. */
    public void refuseChannels(boolean refuse) {
        refuseChannels = refuse;
    }

    /** Drops every channel's TCP connection mid-stream, without a ChannelTerminatedEvent, as a failed server would. */
    public void dropChannels() {
        loop.exec(() -> {
            List.copyOf(channels.values()).forEach(XsiSimChannel::drop);
        });
    }

    /** Ends every channel with a ChannelTerminatedEvent carrying this reason. */
    public void terminateChannels(String reason) {
        loop.exec(() -> {
            List.copyOf(channels.values()).forEach(c -> c.terminate(reason));
        });
    }

    /** Sends an ACDSubscriptionResyncEvent to every Call Center Queue subscription to this call center. */
    public void resync(String callCenter) {
        loop.exec(() -> subscriptions.values().stream().filter(s -> s.target().equals(callCenter) && s.eventPackage().equals(QUEUE_PACKAGE))
                .toList().forEach(s -> sendQueueState(s, true)));
    }

    /** A CallCenterMonitoringEvent goes out at most this often per subscription, and only when its figures changed. */
    public void monitoringInterval(java.time.Duration every) {
        monitoringMillis = every.toMillis();
    }

    /** Ids of the CallCenterMonitoringEvents sent, in order. */
    public List<String> monitoringEventIds() {
        return List.copyOf(monitoringSent);
    }

    /**
     * Dies as a crashed server would: every channel's connection dropped without a word, the port
     * closed; its subscriptions are gone with it. The other servers of the cluster go on.
     */
    public void kill() {
        if (killed) {
            return;
        }
        killed = true;
        loop.call(() -> {
            cluster.servers.remove(this);
            loop.cancel(monitoringTimer);
            List.copyOf(channels.values()).forEach(XsiSimChannel::drop);
            subscriptions.clear();
            return server.close();
        }).toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        LOG.info("xsi-events simulator killed [{}:{}]", settings.host(), settings.port());
    }

    /** Writes these bytes on every open channel, as they are. */
    public void sendRaw(String raw) {
        loop.exec(() -> channels.values().forEach(c -> c.write(raw)));
    }

    /** Closes this server; the first server of a cluster closes the whole cluster (its loop and every server). */
    @Override
    public void close() {
        if (cluster.primary != this) {
            if (!killed && !cluster.closed) {
                kill();
            }
            return;
        }
        cluster.closed = true;
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("xsi-events simulator did not close cleanly [{}]", e.toString());
        }
    }

    // ---- HTTP

    private void handle(HttpServerRequest req) {
        if (!authorised(req)) {
            req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"BroadWorks\"").end();
            return;
        }
        String path = req.path();
        req.body().onSuccess(body -> {
            try {
                route(req, path, body.getBytes());
            } catch (MalformedBodyException e) {
                req.response().setStatusCode(400).end(XsiDocuments.error(e.getMessage()));
            }
        });
    }

    private void route(HttpServerRequest req, String path, byte[] body) {
        HttpMethod m = req.method();
        if (m == HttpMethod.POST && path.equals(CHANNEL_PATH)) {
            if (refuseChannels || killed) {
                req.response().setStatusCode(503).end(XsiDocuments.error("service unavailable"));
                return;
            }
            openChannel(req, SafeXml.parse(body));
        } else if (m == HttpMethod.POST && path.equals(EVENTS + "/channel/eventresponse")) {
            String id = SafeXml.text(SafeXml.parse(body), "eventID");
            if (id != null) {
                acked.add(id);
            }
            req.response().end();
        } else if (m == HttpMethod.PUT && path.startsWith(EVENTS + "/channel/") && path.endsWith("/heartbeat")) {
            XsiSimChannel c = channels.get(segment(path, EVENTS + "/channel/", "/heartbeat"));
            if (c == null) {
                req.response().setStatusCode(404).end(XsiDocuments.error("no such channel"));
                return;
            }
            heartbeats.incrementAndGet();
            c.heartbeat();
            req.response().end();
            c.write(XsiDocuments.heartBeat());
        } else if (m == HttpMethod.PUT && path.startsWith(EVENTS + "/channel/")) {
            XsiSimChannel c = channels.get(path.substring((EVENTS + "/channel/").length()));
            if (c == null) {
                req.response().setStatusCode(404).end(XsiDocuments.error("no such channel"));
                return;
            }
            int expires = grant(SafeXml.text(SafeXml.parse(body), "expires"));
            channelRefreshes.incrementAndGet();
            c.expiresIn(expires);
            req.response().end(XsiDocuments.doc(XsiDocuments.channel(c.id, c.channelSet, expires)));
        } else if (m == HttpMethod.DELETE && path.startsWith(EVENTS + "/channel/")) {
            XsiSimChannel c = channels.get(path.substring((EVENTS + "/channel/").length()));
            if (c != null) {
                c.end();
            }
            req.response().end();
        } else if (m == HttpMethod.POST && path.startsWith(EVENTS + "/user/")) {
            subscribe(req, path.substring((EVENTS + "/user/").length()), SafeXml.parse(body));
        } else if ((m == HttpMethod.PUT || m == HttpMethod.DELETE) && path.startsWith(EVENTS + "/subscription/")) {
            String id = path.substring((EVENTS + "/subscription/").length());
            if (!subscriptions.containsKey(id)) {
                req.response().setStatusCode(404).end(XsiDocuments.error("no such subscription"));
                return;
            }
            if (m == HttpMethod.DELETE) {
                subscriptions.remove(id);
                req.response().end();
            } else {
                int expires = grant(SafeXml.text(SafeXml.parse(body), "expires"));
                req.response().end(XsiDocuments.subscription(id, expires));
            }
        } else {
            req.response().setStatusCode(404).end(XsiDocuments.error("no such resource"));
        }
    }

    private void openChannel(HttpServerRequest req, Element body) {
        int expires = grant(SafeXml.text(body, "expires"));
        XsiSimChannel c = new XsiSimChannel(loop, "ch-" + (++ids), SafeXml.text(body, "channelSetId"), req.response(), req.connection(),
                settings.eventTimeoutSeconds(), () -> chunkBytes, gone -> channels.remove(gone.id));
        channels.put(c.id, c);
        channelsOpened.incrementAndGet();
        req.response().setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "application/xml; charset=UTF-8")
                .putHeader("Set-Cookie", "JSESSIONID=" + c.id + "; Path=/");
        req.connection().closeHandler(v -> c.closed());
        c.write(XsiDocuments.channel(c.id, c.channelSet, expires));
        c.expiresIn(expires);
        c.heartbeat();
    }

    private void subscribe(HttpServerRequest req, String target, Element body) {
        String event = SafeXml.text(body, "event");
        if (!QUEUE_PACKAGE.equals(event) && !MONITORING_PACKAGE.equals(event)) {
            req.response().setStatusCode(400).end(XsiDocuments.error("event package not supported here: " + event));
            return;
        }
        if (!model.knows(target)) {
            req.response().setStatusCode(404).end(XsiDocuments.error("no such call center"));
            return;
        }
        String set = SafeXml.text(body, "channelSetId");
        // one subscription per channel set, target and package: a new one replaces the old one (assumed, not from a trace)
        subscriptions.values().removeIf(s -> s.target().equals(target) && s.eventPackage().equals(event)
                && String.valueOf(s.channelSet()).equals(String.valueOf(set)));
        Subscription s = new Subscription("sub-" + (++ids), set, target, event, SafeXml.text(body, "applicationId"), new AtomicInteger());
        subscriptions.put(s.id(), s);
        if (event.equals(QUEUE_PACKAGE)) {
            subscribed.incrementAndGet();
        }
        int expires = grant(SafeXml.text(body, "expires"));
        req.response().end(XsiDocuments.subscription(s.id(), expires));
        if (event.equals(QUEUE_PACKAGE)) {
            sendQueueState(s, false);
        } else {
            sendMonitoring(s); // the figures now, then as they change
        }
    }

    // ---- events

    private void queueChanged(Change change, Call call, int position) {
        String type = switch (change) {
            case ADDED -> "ACDCallAddedEvent";
            case OFFERED_TO_AGENT -> "ACDCallOfferedToAgentEvent";
            case ANSWERED_BY_AGENT -> "ACDCallAnsweredByAgentEvent";
            case ABANDONED -> "ACDCallAbandonedEvent";
            case OVERFLOWED -> "ACDCallOverflowedEvent";
        };
        String data = XsiDocuments.entry(call) + (change == Change.ADDED ? "<xsi:position>" + position + "</xsi:position>" : "");
        subscriptions.values().stream().filter(s -> s.target().equals(call.callCenter()) && s.eventPackage().equals(QUEUE_PACKAGE)).toList()
                .forEach(s -> sendEvent(s, type, data));
    }

    /** Each monitoring subscription whose figures changed and whose last event is older than the interval gets the new ones. */
    private void publishMonitoring() {
        long now = System.currentTimeMillis();
        for (Subscription s : List.copyOf(subscriptions.values())) {
            if (s.eventPackage().equals(MONITORING_PACKAGE) && now - lastMonitoringAt.getOrDefault(s.id(), 0L) >= monitoringMillis
                    && !monitoringStatus(s.target(), now).equals(lastMonitoring.get(s.id()))) {
                sendMonitoring(s);
            }
        }
    }

    private void sendMonitoring(Subscription s) {
        long now = System.currentTimeMillis();
        String status = monitoringStatus(s.target(), now);
        if (sendEvent(s, "CallCenterMonitoringEvent", status) != null) {
            lastMonitoring.put(s.id(), status);
            lastMonitoringAt.put(s.id(), now);
        }
    }

    /**
     * The call center's figures as the Monitoring package gives them (seconds; severities 0/1/2 against
     * the simulator's own thresholds: a wait over 20 s is a warning, over 60 s critical; 3 calls
     * waiting a warning, 6 critical). Expected wait: the calls ahead times the talk time, shared by
     * the agents not unavailable.
     */
    private String monitoringStatus(String callCenter, long now) {
        List<Call> waiting = model.waiting(callCenter);
        XsiQueueModel.Staffing staff = model.staffing(callCenter);
        long longest = waiting.isEmpty() ? 0 : (now - waiting.get(0).addTime()) / 1000;
        long[] a = cluster.answered.getOrDefault(callCenter, new long[2]);
        long asa = a[0] == 0 ? 0 : a[1] / a[0] / 1000;
        long aht = a[0] == 0 ? 0 : model.plan().talkMillis() / 1000;
        long working = Math.max(1, staff.staffed() - staff.unavailable());
        long ewt = (waiting.size() + 1) * (model.plan().talkMillis() / 1000) / working;
        return XsiDocuments.monitoringStatus(aht, 0, ewt, ewt > 60 ? 1 : 0, asa, asa > 20 ? 1 : 0, longest, longest > 60 ? 2 : longest > 20 ? 1 : 0,
                waiting.size(), waiting.size() >= 6 ? 2 : waiting.size() >= 3 ? 1 : 0, staff.staffed(), staff.staffed(), staff.idle(),
                staff.unavailable());
    }

    private void sendQueueState(Subscription s, boolean resync) {
        StringBuilder entries = new StringBuilder();
        for (Call c : model.waiting(s.target())) {
            entries.append(XsiDocuments.entry(c));
        }
        String data = entries.length() == 0 ? "" : "<xsi:queueEntries>" + entries + "</xsi:queueEntries>";
        sendEvent(s, resync ? "ACDSubscriptionResyncEvent" : "ACDSubscriptionEvent", data);
    }

    /** Sends an event on the set's channel; its id, or null when the set has no channel. */
    private String sendEvent(Subscription s, String type, String data) {
        XsiSimChannel c = channelOf(s.channelSet());
        if (c == null) {
            return null; // no channel in the set: the event is lost, as it is on a server whose client went away
        }
        String id = "sim-ev-" + port() + "-" + (++ids);
        sent.add(id);
        if (type.equals("CallCenterMonitoringEvent")) {
            monitoringSent.add(id);
        }
        c.write(XsiDocuments.event(id, s.sequence().incrementAndGet(), settings.user(), s.applicationId(), s.id(), c.id, s.target(), type, data));
        return id;
    }

    /** The channel set's newest open channel. */
    private XsiSimChannel channelOf(String channelSet) {
        XsiSimChannel found = null;
        for (XsiSimChannel c : channels.values()) {
            if (c.open() && String.valueOf(c.channelSet).equals(String.valueOf(channelSet))) {
                found = c;
            }
        }
        return found;
    }

    private int grant(String asked) {
        int want;
        try {
            want = asked == null ? settings.maxExpires() : Integer.parseInt(asked);
        } catch (NumberFormatException e) {
            throw new MalformedBodyException("expires is not a number");
        }
        return Math.max(1, Math.min(want, settings.maxExpires()));
    }

    private boolean authorised(HttpServerRequest req) {
        String h = req.getHeader(HttpHeaders.AUTHORIZATION);
        String expected = "Basic " + Base64.getEncoder().encodeToString((settings.user() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8));
        return expected.equals(h);
    }

    private static String segment(String path, String prefix, String suffix) {
        return path.substring(prefix.length(), path.length() - suffix.length());
    }


}
