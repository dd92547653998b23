package io.ctistream.launcher;

import io.ctistream.engine.AgentStateEngine;
import io.ctistream.engine.EngineHttp;
import io.ctistream.engine.ValueSerdes;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The agent-state engine with its read API, as one unit the launcher starts and stops. */
final class EngineService implements AutoCloseable {
    private final AgentStateEngine engine;
    private final EngineHttp http;

    private EngineService(AgentStateEngine engine, EngineHttp http) {
        this.engine = engine;
        this.http = http;
    }

    static EngineService start(Vertx vertx, EngineSettings settings) throws Exception {
        AgentStateEngine engine = AgentStateEngine.start(settings.engine(), ValueSerdes.registry(settings.engine().registryUrl()),
                settings.applicationServer(), settings.staticMemberId());
        EngineHttp http;
        try {
            http = EngineHttp.start(vertx, engine, settings.httpHost(), settings.httpPort())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            engine.close();
            throw new IllegalStateException("the engine's read api could not listen on [" + settings.httpHost() + ":" + settings.httpPort()
                    + "]: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        try {
            engine.awaitRunning(Duration.ofMinutes(2));
        } catch (Exception e) {
            http.close();
            engine.close();
            throw e;
        }
        return new EngineService(engine, http);
    }

    String url(EngineSettings settings) {
        return "http://" + ("0.0.0.0".equals(settings.httpHost()) ? settings.advertisedHost() : settings.httpHost()) + ":" + http.port();
    }

    @Override
    public void close() {
        http.close();
        engine.close();
    }
}
