package io.ctistream.launcher;

import io.ctistream.settings.ConfigSource;
import io.ctistream.events.AgentProfile;
import io.ctistream.push.Jwt;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-machine run as one object: embedded broker and registry, the engine, the pusher, and
 * in demo mode the roster, the BroadWorks simulator and the connector with a live ACD day.
 * {@code ctistream all|demo} starts one; the end-to-end tests start one in-process.
 */
public final class AllInOne implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AllInOne.class);

    private final Deque<AutoCloseable> running;
    private final Vertx vertx;
    private final EmbeddedStack stack;
    private final PushService push;
    private final PushSettings pushSettings;
    private final DemoContactCenter demo;
    private final List<String> teams;

    private AllInOne(Deque<AutoCloseable> running, Vertx vertx, EmbeddedStack stack, PushService push, PushSettings pushSettings, DemoContactCenter demo,
                     List<String> teams) {
        this.running = running;
        this.vertx = vertx;
        this.stack = stack;
        this.push = push;
        this.pushSettings = pushSettings;
        this.demo = demo;
        this.teams = teams;
    }

    public static AllInOne start(ConfigSource source, boolean withDemo) throws Exception {
        EmbeddedConfig config = EmbeddedConfig.from(source);
        long started = System.nanoTime();
        Deque<AutoCloseable> running = new ArrayDeque<>();
        try {
            EmbeddedStack stack = EmbeddedStack.start(config);
            running.push(stack);
            ProcessMetrics metrics = new ProcessMetrics();
            Vertx vertx = Vertx.vertx();
            running.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
            List<String> teams = List.of();
            DemoContactCenter demo = null;
            List<AgentProfile> roster = null;
            if (withDemo) {
                roster = DemoRoster.build(config.demoAgents(), config.demoTeams(), config.demoQueues());
                DemoRoster.publish(roster, stack.bootstrapServers(), stack.registryUrl());
                teams = DemoRoster.teamIds(config.demoTeams());
                LOG.info("demo roster: [{}] agents in [{}] teams of tenant [{}] written to [cti.agents]", roster.size(), teams.size(), DemoRoster.TENANT);
            }
            EngineSettings engineSettings = EngineSettings.embedded(source, stack.bootstrapServers(), stack.registryUrl(), config.dataDir());
            EngineService engine = EngineService.start(vertx, engineSettings);
            running.push(engine);
            PushSettings pushSettings = PushSettings.embedded(source, stack.bootstrapServers(), stack.registryUrl(), config.dataDir());
            PushService push = PushService.start(vertx, pushSettings, metrics);
            running.push(push);
            if (withDemo) {
                demo = DemoContactCenter.start(vertx, roster, stack.bootstrapServers(), stack.registryUrl(), metrics, config.demoCallsPerMinute(),
                        source.nonNegativeInt("CTISTREAM_DEMO_SEED", 7));
                running.push(demo);
            }
            LOG.info("ctistream ready after [{} ms]: kafka [{}], schema registry [{}], engine [{}], push [http://{}:{}/], data [{}]{}",
                    (System.nanoTime() - started) / 1_000_000, stack.bootstrapServers(), stack.registryUrl(), engine.url(engineSettings),
                    pushSettings.push().host(), push.port(), config.dataDir(), stack.reusedData() ? " (reused from an earlier run)" : "");
            return new AllInOne(running, vertx, stack, push, pushSettings, demo, teams);
        } catch (Exception | Error e) {
            closeAll(running);
            throw e;
        }
    }

    public int pushPort() {
        return push.port();
    }

    public Vertx vertx() {
        return vertx;
    }

    public DemoContactCenter demo() {
        return demo;
    }

    EmbeddedStack stack() {
        return stack;
    }

    public String bootstrapServers() {
        return stack.bootstrapServers();
    }

    public String registryUrl() {
        return stack.registryUrl();
    }

    /** A token signed with this run's secret (the demo links, tests). */
    public String token(String subject, String role, String agentId, List<String> teams, Duration valid) {
        return new Jwt(pushSettings.push().jwtSecret(), 0).sign(new JsonObject().put("sub", subject).put("tenant", DemoRoster.TENANT).put("role", role)
                .put("agentId", agentId).put("teams", new JsonArray(teams)).put("exp", Instant.now().plus(valid).getEpochSecond()));
    }

    /**
     * Entry points with tokens (valid 12 h, for this data directory's secret): the wallboard for a
     * supervisor of every demo team (an admin of the tenant without the demo) and an agent panel.
     * Tokens sit in the URL fragment, which browsers never send to the server.
     */
    String links() {
        if (pushSettings.push().jwtSecret() == null) {
            return "";
        }
        String base = "http://localhost:" + push.port();
        Duration valid = Duration.ofHours(12);
        StringBuilder out = new StringBuilder("\n  wallboard:   ").append(base).append("/\n");
        if (teams.isEmpty()) {
            out.append("  admin:       ").append(base).append("/#token=").append(token("admin", "admin", null, List.of(), valid)).append('\n');
        } else {
            out.append("  supervisor:  ").append(base).append("/#token=").append(token("supervisor", "supervisor", null, teams, valid)).append('\n');
            String agent = DemoRoster.TENANT + "/agent001";
            out.append("  agent:       ").append(base).append("/agent#token=").append(token(agent, "agent", agent, List.of(), valid))
                    .append("\n               (agent001 hot-desks: log on with guest address acd-agent001@").append(DemoRoster.DOMAIN).append(")\n");
        }
        return out.toString();
    }

    @Override
    public void close() {
        closeAll(running);
    }

    static void closeAll(Deque<AutoCloseable> running) {
        while (!running.isEmpty()) {
            AutoCloseable c = running.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("could not stop [{}] cleanly: {}", c.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
