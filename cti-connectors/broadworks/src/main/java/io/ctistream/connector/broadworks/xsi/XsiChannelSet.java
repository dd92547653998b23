package io.ctistream.connector.broadworks.xsi;

import io.ctistream.connector.broadworks.Credentials;
import io.ctistream.connector.broadworks.codec.XsiMessage;
import io.ctistream.connector.core.Backoff;
import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.Failure;
import io.ctistream.connector.core.TrustStores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's one Xsi-Events channel across the servers of its channel set (ADR 022): opened on
 * the most preferred server that answers ({@link XsiServer#order}); when it is lost the next server
 * is tried at once, and when the whole list failed core's {@link Backoff} waits and a new order is
 * drawn; 401/403 are permanent (an alarm, no retry). While on a less preferred server, every
 * {@code failback} a channel is opened on the preferred one and, once open, replaces the current
 * one (made before break). Only the current channel's events reach the owner. The HTTP client trusts
 * the configured trust store (or the JVM's), never everything, and verifies host names unless told
 * not to. Runs on the caller's context.
 */
final class XsiChannelSet {
    private static final Logger LOG = LoggerFactory.getLogger(XsiChannelSet.class);

    /** What the channel set tells the queue source. */
    interface Owner {
        /** A channel is open (a new one, or the preferred server's that replaced the old): subscribe every queue on it. */
        void opened(XsiChannel channel);

        /** An event of the current channel (acknowledged already). */
        void message(XsiMessage message);

        /** The current channel is gone; another follows unless the failure was permanent. */
        void down();
    }

    private final Vertx vertx;
    private final XsiConfig config;
    private final Credentials credentials;
    private final Random random;
    private final ConnectorMetrics metrics;
    private final Owner owner;
    private final Backoff backoff;
    private HttpClientAgent client;
    private XsiChannel channel;
    /** A channel opened on a more preferred server while {@link #channel} carries on; it replaces it once open. */
    private XsiChannel returning;
    private List<XsiServer> order;
    private int at;
    private int attempt;
    private long retryTimer = -1;
    private long failbackTimer = -1;
    private boolean up;
    private boolean stopped;
    private boolean refusedForGood;
    private int channelsOpened;

    XsiChannelSet(Vertx vertx, XsiConfig config, Credentials credentials, Random random, ConnectorMetrics metrics, Owner owner) {
        this.vertx = vertx;
        this.config = config;
        this.credentials = credentials;
        this.random = random;
        this.metrics = metrics;
        this.owner = owner;
        this.backoff = Backoff.of(config.retryBase(), config.retryMax());
    }

    /** Builds the HTTP client (failing on a trust store whose password is missing) and opens the first channel. */
    Future<Void> start() {
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int) config.requestTimeout().toMillis())
                .setVerifyHost(config.verifyHost()).setTrustAll(false);
        if (config.trustStore() != null) {
            String password = config.trustStoreCredentialRef() == null ? null
                    : credentials.resolve(config.trustStoreCredentialRef()).map(Credentials.Secret::sipPassword).orElse(null);
            if (config.trustStoreCredentialRef() != null && password == null) {
                return Future.failedFuture(new IllegalArgumentException("no password for the Xsi trust store under the credential reference "
                        + config.trustStoreCredentialRef()));
            }
            options.setTrustOptions(TrustStores.of(config.trustStore(), password));
        }
        if (config.anyTls() && !config.verifyHost()) {
            LOG.warn("xsi host name verification is off: anyone between here and the Xsi server can read the queue events");
        }
        client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(8));
        order = XsiServer.order(config.servers(), random);
        at = 0;
        open();
        return Future.succeededFuture();
    }

    /** The current channel (open or being opened), or null before the first. */
    XsiChannel current() {
        return channel;
    }

    boolean up() {
        return up;
    }

    /** The server the channel is on now, or null while there is none. */
    XsiServer server() {
        return up ? channel.server() : null;
    }

    int channelsOpened() {
        return channelsOpened;
    }

    boolean refusedForGood() {
        return refusedForGood;
    }

    /** Ends on purpose: the current channel closed on the server (DELETE), the client closed. */
    Future<Void> close() {
        stop();
        Future<Void> closed = channel == null ? Future.succeededFuture() : channel.close();
        return closed.eventually(() -> client == null ? Future.succeededFuture() : client.close());
    }

    /** Drops every connection at once, as a crash would. */
    void abort() {
        stop();
        if (channel != null) {
            channel.abort();
        }
        if (client != null) {
            client.close();
        }
    }

    private void stop() {
        stopped = true;
        vertx.cancelTimer(retryTimer);
        vertx.cancelTimer(failbackTimer);
        if (returning != null) {
            returning.abort();
            returning = null;
        }
    }

    private void open() {
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
                lost(e instanceof Failure f ? f : Failure.retriable("XSI", e.getMessage()));
            }
        });
    }

    /** A channel to {@code server} whose news reaches the owner only while it is the channel (or the one returning). */
    private XsiChannel newChannel(XsiServer server) {
        Credentials.Secret secret = credentials.resolve(config.credentialRef()).orElse(null);
        if (secret == null) {
            permanent(Failure.permanent("XSI_NO_CREDENTIALS", "no credentials for the Xsi credential reference " + config.credentialRef()));
            return null;
        }
        XsiChannel[] self = new XsiChannel[1];
        self[0] = new XsiChannel(vertx, client, config, server, secret, new XsiChannel.Listener() {
            @Override
            public void opened(String channelId, int expires) {
                if (self[0] == returning) {
                    returned(self[0]);
                } else if (self[0] == channel) {
                    LOG.info("xsi channel open [channel={}, server={}, expires={}s]", channelId, server.uri(), expires);
                    channelUp();
                }
            }

            @Override
            public void message(XsiMessage message) {
                if (self[0] == channel) {
                    owner.message(message);
                }
            }

            @Override
            public void refused(XsiMessage.Refused refused) {
                metrics.malformed(XsiQueueSource.CHANNEL_METRIC);
                LOG.warn("xsi event refused, the channel goes on [why={}, acknowledged={}]", refused.reason(), refused.eventId() != null);
            }

            @Override
            public void lost(Failure why) {
                if (self[0] == channel) {
                    XsiChannelSet.this.lost(why);
                } else if (self[0] == returning) {
                    returning = null;
                    LOG.info("xsi preferred server still not usable [server={}, why={}]", server.uri(), why.getMessage());
                    scheduleFailback();
                }
            }
        });
        return self[0];
    }

    private void channelUp() {
        up = true;
        attempt = 0;
        owner.opened(channel);
        scheduleFailback();
    }

    /** While the channel is on a less preferred server, the most preferred one is tried again every {@code failback}. */
    private void scheduleFailback() {
        vertx.cancelTimer(failbackTimer);
        if (stopped || !up || config.failback().isZero() || channel.server().priority() <= order.get(0).priority()) {
            return;
        }
        failbackTimer = vertx.setTimer(config.failback().toMillis(), id -> {
            if (stopped || !up || returning != null) {
                return;
            }
            XsiChannel c = newChannel(XsiServer.order(config.servers(), random).get(0));
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

    /** The preferred server answers again: its channel replaces the current one, which is closed after. */
    private void returned(XsiChannel c) {
        XsiChannel old = channel;
        returning = null;
        channel = c;
        channelsOpened++;
        order = XsiServer.order(config.servers(), random);
        at = Math.max(0, order.indexOf(c.server()));
        LOG.info("xsi channel back on the preferred server [server={}, from={}]", c.server().uri(), old.server().uri());
        old.close();
        channelUp();
    }

    private void lost(Failure why) {
        up = false;
        vertx.cancelTimer(failbackTimer);
        owner.down();
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
            retryTimer = vertx.setTimer(1, id -> open());
            return;
        }
        order = XsiServer.order(config.servers(), random);
        at = 0;
        long delay = backoff.delay(attempt++).toMillis();
        LOG.warn("xsi channel lost, opening a new one [why={}, server={}, in={}ms]", why.getMessage(), order.get(0).uri(), delay);
        retryTimer = vertx.setTimer(Math.max(1, delay), id -> open());
    }

    private void permanent(Failure why) {
        refusedForGood = true;
        metrics.alarm("xsi_channel_refused");
        LOG.error("xsi channel refused for good, not retrying [code={}, why={}]", why.code(), why.getMessage());
    }
}
