package io.ctistream.simulator.broadworks.xsi;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel.Call;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel.Change;
import io.ctistream.simulator.support.SimulatorLoop;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private static final String NS = "http://schema.broadsoft.com/xsi";
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

    private static final class Channel {
        String id;
        String channelSet;
        HttpServerResponse response;
        HttpConnection connection;
        long expiryTimer = -1;
        long heartbeatTimer = -1;
        final List<byte[]> pending = new ArrayList<>();
        boolean open = true;
    }

    private record Subscription(String id, String channelSet, String target, String applicationId, AtomicInteger sequence) {
    }

    private final Settings settings;
    private final Vertx vertx;
    private final SimulatorLoop loop;
    private final HttpServer server;
    private final XsiQueueModel model;
    private final Map<String, Channel> channels = new LinkedHashMap<>();
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

    public int openChannels() {
        return loop.call(() -> (int) channels.values().stream().filter(c -> c.open).count());
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
            for (Channel c : List.copyOf(channels.values())) {
                close(c);
                c.connection.close();
            }
        });
    }

    /** Ends every channel with a ChannelTerminatedEvent carrying this reason. */
    public void terminateChannels(String reason) {
        loop.exec(() -> {
            for (Channel c : List.copyOf(channels.values())) {
                terminate(c, reason);
            }
        });
    }

    /** Sends an ACDSubscriptionResyncEvent to every subscription to this call center. */
    public void resync(String callCenter) {
        loop.exec(() -> subscriptions.values().stream().filter(s -> s.target().equals(callCenter)).toList()
                .forEach(s -> sendQueueState(s, true)));
    }

    /** Writes these bytes on every open channel, as they are. */
    public void sendRaw(String raw) {
        loop.exec(() -> channels.values().forEach(c -> write(c, raw.getBytes(StandardCharsets.UTF_8))));
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
                req.response().setStatusCode(400).end(error(e.getMessage()));
            }
        });
    }

    private void route(HttpServerRequest req, String path, byte[] body) {
        HttpMethod m = req.method();
        if (m == HttpMethod.POST && path.equals(CHANNEL_PATH)) {
            if (refuseChannels) {
                req.response().setStatusCode(503).end(error("service unavailable"));
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
            Channel c = channels.get(segment(path, EVENTS + "/channel/", "/heartbeat"));
            if (c == null) {
                req.response().setStatusCode(404).end(error("no such channel"));
                return;
            }
            heartbeats.incrementAndGet();
            armHeartbeat(c);
            req.response().end();
            write(c, ("<ChannelHeartBeat xmlns=\"" + NS + "\"/>").getBytes(StandardCharsets.UTF_8));
        } else if (m == HttpMethod.PUT && path.startsWith(EVENTS + "/channel/")) {
            Channel c = channels.get(path.substring((EVENTS + "/channel/").length()));
            if (c == null) {
                req.response().setStatusCode(404).end(error("no such channel"));
                return;
            }
            int expires = grant(SafeXml.text(SafeXml.parse(body), "expires"));
            channelRefreshes.incrementAndGet();
            armExpiry(c, expires);
            req.response().end(doc("<Channel xmlns=\"" + NS + "\"><channelId>" + c.id + "</channelId><expires>" + expires + "</expires></Channel>"));
        } else if (m == HttpMethod.DELETE && path.startsWith(EVENTS + "/channel/")) {
            Channel c = channels.get(path.substring((EVENTS + "/channel/").length()));
            if (c != null) {
                close(c);
                c.response.end();
            }
            req.response().end();
        } else if (m == HttpMethod.POST && path.startsWith(EVENTS + "/user/")) {
            subscribe(req, path.substring((EVENTS + "/user/").length()), SafeXml.parse(body));
        } else if ((m == HttpMethod.PUT || m == HttpMethod.DELETE) && path.startsWith(EVENTS + "/subscription/")) {
            String id = path.substring((EVENTS + "/subscription/").length());
            if (!subscriptions.containsKey(id)) {
                req.response().setStatusCode(404).end(error("no such subscription"));
                return;
            }
            if (m == HttpMethod.DELETE) {
                subscriptions.remove(id);
                req.response().end();
            } else {
                int expires = grant(SafeXml.text(SafeXml.parse(body), "expires"));
                req.response().end(doc("<Subscription xmlns=\"" + NS + "\"><subscriptionId>" + id + "</subscriptionId><expires>" + expires
                        + "</expires></Subscription>"));
            }
        } else {
            req.response().setStatusCode(404).end(error("no such resource"));
        }
    }

    private void openChannel(HttpServerRequest req, Element body) {
        Channel c = new Channel();
        c.id = "ch-" + (++ids);
        c.channelSet = SafeXml.text(body, "channelSetId");
        c.response = req.response();
        c.connection = req.connection();
        int expires = grant(SafeXml.text(body, "expires"));
        channels.put(c.id, c);
        channelsOpened.incrementAndGet();
        c.response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "application/xml; charset=UTF-8")
                .putHeader("Set-Cookie", "JSESSIONID=" + c.id + "; Path=/");
        req.connection().closeHandler(v -> close(c));
        write(c, ("<Channel xmlns=\"" + NS + "\"><channelId>" + c.id + "</channelId><channelSetId>" + SafeXml.escape(String.valueOf(c.channelSet))
                + "</channelSetId><priority>1</priority><weight>50</weight><expires>" + expires + "</expires></Channel>").getBytes(StandardCharsets.UTF_8));
        armExpiry(c, expires);
        armHeartbeat(c);
    }

    private void subscribe(HttpServerRequest req, String target, Element body) {
        String event = SafeXml.text(body, "event");
        if (!QUEUE_PACKAGE.equals(event)) {
            req.response().setStatusCode(400).end(error("event package not supported here: " + event));
            return;
        }
        if (!model.knows(target)) {
            req.response().setStatusCode(404).end(error("no such call center"));
            return;
        }
        String set = SafeXml.text(body, "channelSetId");
        // one subscription per channel set, target and package: a new one replaces the old one (assumed, not from a trace)
        subscriptions.values().removeIf(s -> s.target().equals(target) && String.valueOf(s.channelSet()).equals(String.valueOf(set)));
        Subscription s = new Subscription("sub-" + (++ids), set, target, SafeXml.text(body, "applicationId"), new AtomicInteger());
        subscriptions.put(s.id(), s);
        subscribed.incrementAndGet();
        int expires = grant(SafeXml.text(body, "expires"));
        req.response().end(doc("<Subscription xmlns=\"" + NS + "\"><subscriptionId>" + s.id() + "</subscriptionId><expires>" + expires
                + "</expires></Subscription>"));
        sendQueueState(s, false);
    }

    // ---- events

    private void queueChanged(Change change, Call call, int position) {
        String type = switch (change) {
            case ADDED -> "ACDCallAddedEvent";
            case OFFERED_TO_AGENT -> "ACDCallOfferedToAgentEvent";
            case ANSWERED_BY_AGENT -> "ACDCallAnsweredByAgentEvent";
            case ABANDONED -> "ACDCallAbandonedEvent";
        };
        String data = entry(call) + (change == Change.ADDED ? "<xsi:position>" + position + "</xsi:position>" : "");
        subscriptions.values().stream().filter(s -> s.target().equals(call.callCenter())).toList().forEach(s -> sendEvent(s, type, data));
    }

    private void sendQueueState(Subscription s, boolean resync) {
        StringBuilder entries = new StringBuilder();
        for (Call c : model.waiting(s.target())) {
            entries.append(entry(c));
        }
        String data = entries.length() == 0 ? "" : "<xsi:queueEntries>" + entries + "</xsi:queueEntries>";
        sendEvent(s, resync ? "ACDSubscriptionResyncEvent" : "ACDSubscriptionEvent", data);
    }

    private void sendEvent(Subscription s, String type, String data) {
        Channel c = channelOf(s.channelSet());
        if (c == null) {
            return; // no channel in the set: the event is lost, as it is on a server whose client went away
        }
        String id = "sim-ev-" + (++ids);
        sent.add(id);
        write(c, ("<xsi:Event xmlns:xsi=\"" + NS + "\" xmlns:xsi1=\"http://www.w3.org/2001/XMLSchema-instance\" xsi1:type=\"xsi:SubscriptionEvent\">"
                + "<xsi:eventID>" + id + "</xsi:eventID><xsi:sequenceNumber>" + s.sequence().incrementAndGet() + "</xsi:sequenceNumber>"
                + "<xsi:userId>" + SafeXml.escape(settings.user()) + "</xsi:userId><xsi:externalApplicationId>" + SafeXml.escape(String.valueOf(s.applicationId()))
                + "</xsi:externalApplicationId><xsi:subscriptionId>" + s.id() + "</xsi:subscriptionId><xsi:channelId>" + c.id + "</xsi:channelId>"
                + "<xsi:targetId>" + SafeXml.escape(s.target()) + "</xsi:targetId><xsi:eventData xsi1:type=\"xsi:" + type + "\">" + data
                + "</xsi:eventData></xsi:Event>").getBytes(StandardCharsets.UTF_8));
    }

    private static String entry(Call c) {
        return "<xsi:queueEntry><xsi:callId>" + c.callId() + "</xsi:callId><xsi:extTrackingId>" + c.extTrackingId() + "</xsi:extTrackingId>"
                + "<xsi:remoteParty><xsi:address countryCode=\"1\">tel:" + SafeXml.escape(c.caller()) + "</xsi:address><xsi:callType>Network</xsi:callType>"
                + "</xsi:remoteParty><xsi:addTime>" + c.addTime() + "</xsi:addTime>"
                + (c.removeTime() == null ? "" : "<xsi:removeTime>" + c.removeTime() + "</xsi:removeTime>")
                + "<xsi:acdName>" + SafeXml.escape(c.callCenter()) + "</xsi:acdName><xsi:acdNumber>" + SafeXml.escape(c.callCenter()) + "</xsi:acdNumber>"
                + (c.answeringUser() == null ? "" : "<xsi:answeringUserId>" + SafeXml.escape(c.answeringUser()) + "</xsi:answeringUserId>")
                + "</xsi:queueEntry>";
    }

    /** The channel set's newest open channel. */
    private Channel channelOf(String channelSet) {
        Channel found = null;
        for (Channel c : channels.values()) {
            if (c.open && String.valueOf(c.channelSet).equals(String.valueOf(channelSet))) {
                found = c;
            }
        }
        return found;
    }

    private void terminate(Channel c, String reason) {
        if (!c.open) {
            return;
        }
        write(c, ("<xsi:Event xmlns:xsi=\"" + NS + "\" xmlns:xsi1=\"http://www.w3.org/2001/XMLSchema-instance\" xsi1:type=\"xsi:ChannelTerminatedEvent\">"
                + "<xsi:channelId>" + c.id + "</xsi:channelId><xsi:reason>" + SafeXml.escape(reason) + "</xsi:reason></xsi:Event>")
                .getBytes(StandardCharsets.UTF_8));
        flush(c);
        close(c);
        c.response.end();
    }

    /** Queues a document for the channel; the turn's documents go out together (several in one chunk) unless cut into chunks. */
    private void write(Channel c, byte[] document) {
        if (!c.open) {
            return;
        }
        if (c.pending.isEmpty()) {
            loop.run(() -> flush(c));
        }
        c.pending.add(document);
    }

    private void flush(Channel c) {
        if (!c.open || c.pending.isEmpty()) {
            c.pending.clear();
            return;
        }
        Buffer all = Buffer.buffer();
        for (byte[] d : c.pending) {
            all.appendString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").appendBytes(d).appendString("\n");
        }
        c.pending.clear();
        int size = chunkBytes;
        if (size <= 0) {
            c.response.write(all);
        } else {
            for (int at = 0; at < all.length(); at += size) {
                c.response.write(all.getBuffer(at, Math.min(all.length(), at + size)));
            }
        }
    }

    private void armHeartbeat(Channel c) {
        loop.cancel(c.heartbeatTimer);
        c.heartbeatTimer = loop.later(settings.eventTimeoutSeconds() * 1000L, () -> {
            LOG.info("xsi-events simulator: no heartbeat, channel torn down [{}]", c.id);
            close(c);
            c.connection.close();
        });
    }

    private void armExpiry(Channel c, int expires) {
        loop.cancel(c.expiryTimer);
        c.expiryTimer = loop.later(expires * 1000L, () -> terminate(c, "Expired")); // the reason's wording is assumed
    }

    private void close(Channel c) {
        c.open = false;
        loop.cancel(c.heartbeatTimer);
        loop.cancel(c.expiryTimer);
        channels.remove(c.id);
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

    private static String doc(String xml) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml;
    }

    private static String error(String summary) {
        return doc("<ErrorInfo xmlns=\"" + NS + "\"><summary>" + SafeXml.escape(summary) + "</summary></ErrorInfo>");
    }
}
