package io.ctistream.connector.finesse;

import io.ctistream.connector.core.ConnectorMetrics;
import io.ctistream.connector.core.Failure;
import io.ctistream.connector.finesse.xmpp.XmppSession;
import io.ctistream.connector.finesse.xmpp.XmppSessionListener;
import io.ctistream.connector.finesse.xmpp.XmppSessionOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.net.URI;

/**
 * An agent's {@link Notifications} over the project's XMPP-over-WebSocket session (ADR 011): one
 * WebSocket client shared by every session of the connector, the endpoint on the node in use
 * ({@code wss://host:8445/ws/}, or the configured notification URL), the agent's own JID.
 */
final class XmppNotifications implements Notifications, XmppSessionListener {
    private final XmppSession session;
    private final ConnectorMetrics metrics;
    private Listener listener;
    private boolean established;

    private XmppNotifications(Vertx vertx, WebSocketClient client, XmppSessionOptions options, ConnectorMetrics metrics) {
        this.metrics = metrics;
        this.session = new XmppSession(vertx.getOrCreateContext(), client, options, this);
    }

    /** The factory the adapter uses: one shared WebSocket client for up to {@code maxSessions} agents. */
    static Notifications.Factory factory(Vertx vertx, FinesseConfig config, ConnectorMetrics metrics, int maxSessions) {
        // one client for every session, held here: Vert.x closes a client nobody references any more
        WebSocketClient client = vertx.createWebSocketClient(XmppSessionOptions.clientOptions(maxSessions,
                XmppSessionOptions.DEFAULT_MAX_STANZA_BYTES, FinesseRest.trust(config.tls()), config.tls().verifyHostname()));
        return new Notifications.Factory() {
            @Override
            public Notifications create(URI node, String domain, FinesseCredentials.Secret secret, String resource) {
                URI endpoint = config.notificationEndpoint(node);
                XmppSessionOptions options = XmppSessionOptions.builder(endpoint, domain, secret.loginId(), secret.password(), resource)
                        .pingInterval(config.pingInterval()).build();
                return new XmppNotifications(vertx, client, options, metrics);
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    @Override
    public Future<Void> open(Listener l) {
        this.listener = l;
        return session.connect();
    }

    @Override
    public Future<Void> subscribe(String node) {
        return session.subscribe(node);
    }

    @Override
    public Future<Void> unsubscribe(String node) {
        return session.unsubscribe(node);
    }

    @Override
    public Future<Void> close() {
        // the session unsubscribes what it subscribed before it closes the stream
        return session.close();
    }

    @Override
    public void abort() {
        session.abort();
    }

    // ------------------------------------------------------------------ XmppSessionListener

    @Override
    public void message(XmppSession s, String stanza) {
        if (listener != null) {
            listener.stanza(stanza);
        }
    }

    @Override
    public void established(XmppSession s) {
        established = true;
        if (listener != null) {
            listener.established();
        }
    }

    @Override
    public void lost(XmppSession s, Failure reason) {
        if (listener != null && established) {
            listener.lost(reason.code() + ": " + reason.getMessage(), !reason.retriable());
        }
    }

    @Override
    public void malformed(XmppSession s, String why) {
        metrics.malformed(FinesseAgent.CHANNEL);
    }
}
