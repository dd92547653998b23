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
import io.vertx.core.http.HttpServerRequest;
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
 */
public final class XsiEventsServer implements AutoCloseable {
    public static final String CHANNEL_PATH = "/com.broadsoft.async/com.broadsoft.xsi-events/v2.0/channel";
    public static final String EVENTS = "/com.broadsoft.xsi-events/v2.0";
    public static final String QUEUE_PACKAGE = "Call Center Queue";
    private static final Logger LOG = LoggerFactory.getLogger(XsiEventsServer.class);

    /**
     * @param maxExpires the longest channel or subscription granted (seconds)
     * @param eventTimeoutSeconds a channel without a heartbeat for this long is torn down
     */
    public record Settings(String host, int port, String user, String password, int maxExpires, int eventTimeoutSeconds, long seed,
                           XsiQueueModel.Plan plan) {
        public static Settings loopback(String user, String password) {
            return new Settings("127.0.0.1", 0, user, password, 3600, 30, 17, XsiQueueModel.Plan.fast());
        }

        public Settings with(int maxExpires, int eventTimeoutSeconds, XsiQueueModel.Plan plan) {
            return new Settings(host, port, user, password, maxExpires, eventTimeoutSeconds, seed, plan);
        }

        @Override
        public String toString() {
            return "Settings[host=" + host + ", port=" + port + ", user=" + user + ", maxExpires=" + maxExpires + "]"; // no password
        }
    }

    private record Subscription(String id, String channelSet, String target, String applicationId, AtomicInteger sequence) {
    }

    private final Settings settings;
    private final Vertx vertx;
    private final SimulatorLoop loop;
    private final HttpServer server;
    private final XsiQueueModel model;
    private final Map<String, XsiSimChannel> channels = new LinkedHashMap<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<String> acked = new CopyOnWriteArrayList<>();
    private final AtomicInteger heartbeats = new AtomicInteger();
    private final AtomicInteger channelsOpened = new AtomicInteger();
    private final AtomicInteger channelRefreshes = new AtomicInteger();
    private final AtomicInteger subscribed = new AtomicInteger();
    private int ids;
    private volatile int chunkBytes;
    private volatile boolean refuseChannels;

    private XsiEventsServer(Settings settings) throws Exception {
        this.settings = settings;
        this.vertx = Vertx.vertx();
        this.loop = new SimulatorLoop(vertx, "xsi-events simulator");
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
        this.model = new XsiQueueModel(timers, settings.plan(), settings.seed(), this::queueChanged);
        // created and bound on the loop, so that every request is handled on the loop's thread
        this.server = loop.call(() -> vertx.createHttpServer().requestHandler(this::handle));
        loop.call(() -> server.listen(settings.port(), settings.host())).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        LOG.info("xsi-events simulator listening [{}:{}]", settings.host(), server.actualPort());
    }

    public static XsiEventsServer start(Settings settings) {
        try {
            return new XsiEventsServer(settings);
        } catch (Exception e) {
            throw new IllegalStateException("the xsi-events simulator did not start", e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return "http://" + settings.host() + ":" + port();
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

    /** Sends an ACDSubscriptionResyncEvent to every subscription to this call center. */
    public void resync(String callCenter) {
        loop.exec(() -> subscriptions.values().stream().filter(s -> s.target().equals(callCenter)).toList()
                .forEach(s -> sendQueueState(s, true)));
    }

    /** Writes these bytes on every open channel, as they are. */
    public void sendRaw(String raw) {
        loop.exec(() -> channels.values().forEach(c -> c.write(raw)));
    }

    @Override
    public void close() {
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
            if (refuseChannels) {
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
        if (!QUEUE_PACKAGE.equals(event)) {
            req.response().setStatusCode(400).end(XsiDocuments.error("event package not supported here: " + event));
            return;
        }
        if (!model.knows(target)) {
            req.response().setStatusCode(404).end(XsiDocuments.error("no such call center"));
            return;
        }
        String set = SafeXml.text(body, "channelSetId");
        // one subscription per channel set, target and package: a new one replaces the old one (assumed, not from a trace)
        subscriptions.values().removeIf(s -> s.target().equals(target) && String.valueOf(s.channelSet()).equals(String.valueOf(set)));
        Subscription s = new Subscription("sub-" + (++ids), set, target, SafeXml.text(body, "applicationId"), new AtomicInteger());
        subscriptions.put(s.id(), s);
        subscribed.incrementAndGet();
        int expires = grant(SafeXml.text(body, "expires"));
        req.response().end(XsiDocuments.subscription(s.id(), expires));
        sendQueueState(s, false);
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
        subscriptions.values().stream().filter(s -> s.target().equals(call.callCenter())).toList().forEach(s -> sendEvent(s, type, data));
    }

    private void sendQueueState(Subscription s, boolean resync) {
        StringBuilder entries = new StringBuilder();
        for (Call c : model.waiting(s.target())) {
            entries.append(XsiDocuments.entry(c));
        }
        String data = entries.length() == 0 ? "" : "<xsi:queueEntries>" + entries + "</xsi:queueEntries>";
        sendEvent(s, resync ? "ACDSubscriptionResyncEvent" : "ACDSubscriptionEvent", data);
    }

    private void sendEvent(Subscription s, String type, String data) {
        XsiSimChannel c = channelOf(s.channelSet());
        if (c == null) {
            return; // no channel in the set: the event is lost, as it is on a server whose client went away
        }
        String id = "sim-ev-" + (++ids);
        sent.add(id);
        c.write(XsiDocuments.event(id, s.sequence().incrementAndGet(), settings.user(), s.applicationId(), s.id(), c.id, s.target(), type, data));
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
