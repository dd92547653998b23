package io.ctistream.connector.broadworks.xsi;

import io.ctistream.connector.broadworks.Credentials;
import io.ctistream.connector.broadworks.codec.XsiEventsCodec;
import io.ctistream.connector.broadworks.codec.XsiMessage;
import io.ctistream.connector.broadworks.codec.XsiStream;
import io.ctistream.connector.core.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Xsi-Events streaming channel (protocols/broadworks.md section 5): {@code POST .../channel}
 * whose chunked response stays open and carries the events, read by {@link XsiStream} as they
 * arrive; a heartbeat every {@code heartbeatInterval}; the channel refreshed at 80 % of its grant;
 * every event but ChannelTerminatedEvent acknowledged. Heartbeats, acknowledgements, refreshes and
 * subscriptions go to the server that holds the channel (its address is cached from the channel's
 * connection, the host name kept for the Host header and TLS), with the channel's cookies. A channel
 * ends once: {@code lost} is told why, and whether retrying can help. Runs on the caller's context.
 */
final class XsiChannel {
    static final String CHANNEL = "/com.broadsoft.async/com.broadsoft.xsi-events/v2.0/channel";
    static final String EVENTS = "/com.broadsoft.xsi-events/v2.0";
    private static final Logger LOG = LoggerFactory.getLogger(XsiChannel.class);

    /** What the channel tells its owner. */
    interface Listener {
        void opened(String channelId, int expires);

        void message(XsiMessage message);

        void refused(XsiMessage.Refused refused);

        void lost(Failure why);
    }

    private final Vertx vertx;
    private final HttpClientAgent client;
    private final XsiConfig config;
    private final XsiServer server;
    private final String authorization;
    private final Listener listener;
    private final XsiStream stream;
    private SocketAddress holder;
    private final List<String> cookies = new ArrayList<>();
    private HttpClientResponse response;
    private String channelId;
    private long heartbeatTimer = -1;
    private long refreshTimer = -1;
    private boolean ended;
    private int heartbeatsSent;

    XsiChannel(Vertx vertx, HttpClientAgent client, XsiConfig config, XsiServer server, Credentials.Secret secret, Listener listener) {
        this.vertx = vertx;
        this.client = client;
        this.config = config;
        this.server = server;
        String basic = secret.sipUser() + ":" + (secret.sipPassword() == null ? "" : secret.sipPassword());
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8));
        this.listener = listener;
        this.stream = new XsiStream(config.maxEventBytes());
    }

    /** Opens the channel: succeeds when the server answered 200 and the stream is being read (the Channel document follows). */
    Future<Void> open() {
        // no overall timeout on the stream: it must stay open; an idle timeout of three heartbeats notices a server gone silent
        RequestOptions req = options(HttpMethod.POST, CHANNEL, false).setIdleTimeout(config.heartbeatInterval().toMillis() * 3);
        return client.request(req)
                .compose(r -> r.send(Buffer.buffer(XsiEventsCodec.channel(config.channelSetId(), server.priority(), server.weight(),
                        config.channelExpires()))))
                .recover(e -> Future.failedFuture(Failure.retriable("XSI_UNREACHABLE", "the Xsi server did not answer: " + e.getMessage())))
                .compose(resp -> {
                    if (resp.statusCode() != 200) {
                        return resp.body().transform(b -> Future.failedFuture(XsiErrors.classify(resp.statusCode(), "channel")));
                    }
                    response = resp;
                    holder = resp.request().connection().remoteAddress();
                    for (String c : resp.headers().getAll("Set-Cookie")) {
                        int semi = c.indexOf(';');
                        cookies.add(semi < 0 ? c : c.substring(0, semi));
                    }
                    resp.handler(this::chunk);
                    resp.exceptionHandler(e -> end(Failure.retriable("XSI_CHANNEL_BROKEN", "the channel broke: " + e.getMessage())));
                    resp.endHandler(v -> end(Failure.retriable("XSI_CHANNEL_ENDED", "the server ended the channel")));
                    LOG.info("xsi channel answered [server={}, holder={}]", server.host(), holder);
                    return Future.<Void>succeededFuture();
                });
    }

    String id() {
        return channelId;
    }

    XsiServer server() {
        return server;
    }

    int heartbeatsSent() {
        return heartbeatsSent;
    }

    private void chunk(Buffer b) {
        if (ended) {
            return;
        }
        for (XsiMessage m : stream.feed(b.getBytes())) {
            if (ended) {
                return;
            }
            dispatch(m);
        }
    }

    private void dispatch(XsiMessage m) {
        if (m instanceof XsiMessage.ChannelOpened c) {
            channelId = c.channelId();
            int granted = c.expires() == null ? config.channelExpires() : c.expires();
            heartbeatTimer = vertx.setPeriodic(config.heartbeatInterval().toMillis(), id -> heartbeat());
            scheduleRefresh(granted);
            listener.opened(channelId, granted);
            return;
        }
        if (m instanceof XsiMessage.ChannelTerminated t) {
            // no response to this one (section 5)
            end(Failure.retriable("XSI_CHANNEL_TERMINATED", "the server terminated the channel: " + t.reason()));
            return;
        }
        String ack = m.eventIdToAcknowledge();
        if (ack != null) {
            acknowledge(ack);
        }
        if (m instanceof XsiMessage.Refused r) {
            listener.refused(r);
        } else if (!(m instanceof XsiMessage.HeartBeat)) {
            listener.message(m);
        }
    }

    private void acknowledge(String eventId) {
        send(HttpMethod.POST, EVENTS + "/channel/eventresponse", XsiEventsCodec.eventResponse(eventId))
                .onFailure(e -> LOG.warn("xsi event not acknowledged [event={}, why={}]", eventId, e.getMessage()));
    }

    private void heartbeat() {
        if (ended || channelId == null) {
            return;
        }
        heartbeatsSent++;
        send(HttpMethod.PUT, EVENTS + "/channel/" + channelId + "/heartbeat", null).onFailure(e -> {
            // a channel the server no longer knows, or a holder that does not answer, is a lost channel
            end(e instanceof Failure f ? f : Failure.retriable("XSI_HEARTBEAT", "heartbeat failed: " + e.getMessage()));
        });
    }

    private void scheduleRefresh(int grantedSeconds) {
        long in = Math.max(1_000, grantedSeconds * 800L);
        refreshTimer = vertx.setTimer(in, id -> send(HttpMethod.PUT, EVENTS + "/channel/" + channelId,
                XsiEventsCodec.channelRefresh(config.channelExpires()))
                .onSuccess(b -> {
                    // the answer is the Channel with the new grant; without one, what was asked
                    XsiMessage answer = XsiEventsCodec.decode(b, config.maxEventBytes());
                    int granted = answer instanceof XsiMessage.ChannelOpened c && c.expires() != null ? c.expires() : config.channelExpires();
                    LOG.debug("xsi channel refreshed [channel={}, expires={}s]", channelId, granted);
                    scheduleRefresh(granted);
                })
                .onFailure(e -> end(e instanceof Failure f ? f : Failure.retriable("XSI_REFRESH", "channel refresh failed: " + e.getMessage()))));
    }

    /** Subscribes the channel set to a package of one target (a call center's user id); the answer's id and grant. */
    Future<XsiEventsCodec.SubscriptionAnswer> subscribe(String target, String eventPackage) {
        return send(HttpMethod.POST, EVENTS + "/user/" + target,
                XsiEventsCodec.subscription(eventPackage, config.subscriptionExpires(), config.channelSetId(), config.applicationId()))
                .map(XsiEventsCodec::subscriptionAnswer);
    }

    Future<Void> refreshSubscription(String subscriptionId) {
        return send(HttpMethod.PUT, EVENTS + "/subscription/" + subscriptionId, XsiEventsCodec.subscriptionRefresh(config.subscriptionExpires()))
                .mapEmpty();
    }

    Future<Void> unsubscribe(String subscriptionId) {
        return send(HttpMethod.DELETE, EVENTS + "/subscription/" + subscriptionId, null).mapEmpty();
    }

    /** Ends the channel on purpose: tells the server, stops the timers; {@code lost} is not called. */
    Future<Void> close() {
        if (ended) {
            return Future.succeededFuture();
        }
        String id = channelId;
        stop();
        Future<Void> told = id == null ? Future.succeededFuture() : send(HttpMethod.DELETE, EVENTS + "/channel/" + id, null).<Void>mapEmpty()
                .otherwise((Void) null);
        return told.andThen(v -> resetStream());
    }

    /** Drops the channel's connection at once, as a crash would. */
    void abort() {
        stop();
        resetStream();
    }

    private void resetStream() {
        if (response != null) {
            response.request().connection().close();
        }
    }

    private void end(Failure why) {
        if (ended) {
            return;
        }
        stop();
        resetStream();
        listener.lost(why);
    }

    private void stop() {
        ended = true;
        vertx.cancelTimer(heartbeatTimer);
        vertx.cancelTimer(refreshTimer);
    }

    /** A request to the channel's holder; succeeds with the body of a 2xx, fails with a classified {@link Failure}. */
    private Future<byte[]> send(HttpMethod method, String path, byte[] body) {
        RequestOptions req = options(method, path, true);
        return client.request(req)
                .compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body)))
                .recover(e -> Future.failedFuture(Failure.retriable("XSI_UNREACHABLE", method + " " + path + ": " + e.getMessage())))
                .compose(resp -> resp.body().compose(b -> resp.statusCode() / 100 == 2 ? Future.succeededFuture(b.getBytes())
                        : Future.failedFuture(XsiErrors.classify(resp.statusCode(), method + " " + path))));
    }

    private RequestOptions options(HttpMethod method, String path, boolean toHolder) {
        RequestOptions req = new RequestOptions().setMethod(method).setHost(server.host()).setPort(server.port())
                .setSsl(server.tls()).setURI(path).setIdleTimeout(config.requestTimeout().toMillis()) // never setTimeout: ADR 036
                .putHeader(HttpHeaders.AUTHORIZATION, authorization).putHeader(HttpHeaders.CONTENT_TYPE, "application/xml; charset=UTF-8");
        if (toHolder && holder != null) {
            req.setServer(holder); // the node that holds the channel, whatever the name resolves to now
        }
        if (!cookies.isEmpty()) {
            req.putHeader(HttpHeaders.COOKIE, String.join("; ", cookies));
        }
        return req;
    }
}
