package io.ctistream.launcher;

import io.ctistream.push.CommandRelay;
import io.ctistream.push.EngineWatch;
import io.ctistream.push.EventStreams;
import io.ctistream.push.PushServer;
import io.ctistream.push.StateView;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** The push service (state view, command relay, event streams, HTTP/WebSocket server) as one unit the launcher starts and stops. */
final class PushService implements AutoCloseable {
    private final StateView view;
    private final CommandRelay relay;
    private final PushServer server;
    private final EngineWatch engineWatch;

    private PushService(StateView view, CommandRelay relay, PushServer server, EngineWatch engineWatch) {
        this.view = view;
        this.relay = relay;
        this.server = server;
        this.engineWatch = engineWatch;
    }

    static PushService start(Vertx vertx, PushSettings settings, ProcessMetrics metrics) throws Exception {
        io.prometheus.metrics.model.registry.PrometheusRegistry registry = metrics.registry();
        StateView view = new StateView(settings.bootstrapServers(), settings.registryUrl()).start();
        CommandRelay relay = null;
        try {
            relay = new CommandRelay(settings.bootstrapServers(), settings.registryUrl(), "push-" + settings.instanceId()).start();
            EventStreams events = new EventStreams(settings.bootstrapServers(), settings.registryUrl(), settings.push().maxEventStreams());
            PushServer server;
            try {
                server = PushServer.start(vertx, settings.push(), view, relay, events, registry).await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the push service could not listen on [" + settings.push().host() + ":" + settings.push().port() + "]: "
                        + e.getMessage(), e);
            }
            relay.ready().get(60, TimeUnit.SECONDS);
            view.loaded().get(120, TimeUnit.SECONDS);
            EngineWatch watch = settings.engineGroup() == null ? null
                    : EngineWatch.start(settings.bootstrapServers(), settings.engineGroup(), settings.engineLiveness(), server::engineStatus);
            return new PushService(view, relay, server, watch);
        } catch (Exception e) {
            if (relay != null) {
                relay.close();
            }
            view.close();
            throw e;
        }
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (engineWatch != null) {
            engineWatch.close();
        }
        server.close();
        relay.close();
        view.close();
    }
}
