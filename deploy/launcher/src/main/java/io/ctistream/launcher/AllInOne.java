package io.ctistream.launcher;

import io.ctistream.admin.AdminApi;
import io.ctistream.admin.AdminSettings;
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
 * The single-machine run as one object: embedded broker and registry, the engine, the pusher, the
 * admin API and the CRM webhooks service, and in demo mode the roster, the simulated platforms with
 * their connectors and a live ACD day, and the demo CRM subscribed to agent001's calls.
 * {@code ctistream all|demo} starts one; the end-to-end tests start one in-process.
 */
public final class AllInOne implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AllInOne.class);

    private final Deque<AutoCloseable> running;
    private final Vertx vertx;
    private final EmbeddedStack stack;
    private final PushService push;
    private final PushSettings pushSettings;
    private final AdminApi admin;
    private final AdminSettings adminSettings;
    private final WebhooksService webhooks;
    private final DemoContactCenter demo;
    private final DemoCrmService crm;
    private final List<String> teams;
    private final String tenant;

    private AllInOne(Deque<AutoCloseable> running, Vertx vertx, EmbeddedStack stack, PushService push, PushSettings pushSettings, AdminApi admin,
                     AdminSettings adminSettings, WebhooksService webhooks, DemoContactCenter demo, DemoCrmService crm, List<String> teams,
                     String tenant) {
        this.running = running;
        this.vertx = vertx;
        this.stack = stack;
        this.push = push;
        this.pushSettings = pushSettings;
        this.admin = admin;
        this.adminSettings = adminSettings;
        this.webhooks = webhooks;
        this.demo = demo;
        this.crm = crm;
        this.teams = teams;
        this.tenant = tenant;
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
            AdminSettings adminSettings = AdminService.embedded(source, pushSettings.push().jwtSecret(), withDemo);
            AdminApi admin = AdminService.start(vertx, adminSettings, stack.bootstrapServers(), stack.registryUrl(), metrics);
            running.push(admin);
            WebhooksService webhooks = WebhooksService.start(vertx, WebhooksService.embedded(source, stack.bootstrapServers(), stack.registryUrl(),
                    withDemo), metrics, null);
            running.push(webhooks);
            // the demo's tenant is its roster's; CTISTREAM_TENANT names the operator's tenant for 'all' (docs/adr/018)
            String tenant = withDemo ? DemoRoster.TENANT : config.tenant();
            if (withDemo && !DemoRoster.TENANT.equals(config.tenant())) {
                LOG.warn("{} is [{}], but the demo's roster is tenant [{}]: the demo's links are for [{}]", EmbeddedConfig.TENANT, config.tenant(),
                        DemoRoster.TENANT, DemoRoster.TENANT);
            }
            DemoCrmService crm = null;
            if (withDemo) {
                // the roster's teams and queues, and the CRM's subscription before the first call: as an operator would, through the admin API
                AdminClient adminClient = new AdminClient("http://127.0.0.1:" + admin.port(),
                        adminToken(adminSettings, DemoRoster.TENANT, Duration.ofMinutes(5)));
                DemoProvisioning.teamsAndQueues(adminClient, teams, DemoRoster.queues(config.demoTeams(), config.demoQueues()));
                crm = DemoCrmService.start(vertx, config.demoCrmPort(), adminClient);
                running.push(crm);
                demo = DemoContactCenter.start(vertx, roster, stack.bootstrapServers(), stack.registryUrl(), metrics, config.demoCallsPerMinute(),
                        source.nonNegativeInt(EmbeddedConfig.DEMO_SEED, 7), source.positiveInt(EmbeddedConfig.DEMO_PACE, 1));
                running.push(demo);
            }
            LOG.info("ctistream ready after [{} ms]: kafka [{}], schema registry [{}], engine [{}], push [http://{}:{}/], admin [http://{}:{}/api/v1], "
                            + "webhooks [{} subscriptions], data [{}]{}",
                    (System.nanoTime() - started) / 1_000_000, stack.bootstrapServers(), stack.registryUrl(), engine.url(engineSettings),
                    pushSettings.push().host(), push.port(), adminSettings.host(), admin.port(), webhooks.health().subscriptions().size(), config.dataDir(),
                    stack.reusedData() ? " (reused from an earlier run)" : "");
            return new AllInOne(running, vertx, stack, push, pushSettings, admin, adminSettings, webhooks, demo, crm, teams, tenant);
        } catch (Exception | Error e) {
            closeAll(running);
            throw e;
        }
    }

    public int pushPort() {
        return push.port();
    }

    public int adminPort() {
        return admin.port();
    }

    /** The demo CRM's port, or -1 outside the demo. */
    public int demoCrmPort() {
        return crm == null ? -1 : crm.port();
    }

    /** The tenant of this run's links: the demo's, or {@code CTISTREAM_TENANT} for 'all'. */
    public String tenant() {
        return tenant;
    }

    /** The webhooks service's state (its subscriptions, their lag and last error). */
    public io.ctistream.webhooks.WebhookHealth webhooksHealth() {
        return webhooks.health();
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

    /** A token of this run's tenant signed with this run's push secret (the links, tests). */
    public String token(String subject, String role, String agentId, List<String> teams, Duration valid) {
        return sign(pushSettings.push().jwtSecret(), tenant, subject, role, agentId, teams, valid);
    }

    /** An admin API token of this run's tenant, signed with the admin service's secret; null where it verifies RS256 tokens only. */
    public String adminToken(Duration valid) {
        return adminToken(adminSettings, tenant, valid);
    }

    private static String adminToken(AdminSettings settings, String tenant, Duration valid) {
        return settings.jwtSecret() == null ? null : sign(settings.jwtSecret(), tenant, "admin", "admin", null, List.of(), valid);
    }

    private static String sign(String secret, String tenant, String subject, String role, String agentId, List<String> teams, Duration valid) {
        return new Jwt(secret, 0).sign(new JsonObject().put("sub", subject).put("tenant", tenant).put("role", role)
                .put("agentId", agentId).put("teams", new JsonArray(teams)).put("exp", Instant.now().plus(valid).getEpochSecond()));
    }

    /**
     * Entry points with tokens (valid 12 h, for this data directory's secret), a working wallboard
     * first: for a supervisor of every demo team (an admin of the tenant without the demo), then an
     * agent panel; the admin API with an admin token of the tenant; in the demo, the demo CRM's
     * screen pops. Tokens sit in the URL fragment, which browsers never send to the server.
     */
    String links() {
        if (pushSettings.push().jwtSecret() == null) {
            return "";
        }
        String base = "http://localhost:" + push.port();
        Duration valid = Duration.ofHours(12);
        StringBuilder out = new StringBuilder("\n");
        if (teams.isEmpty()) {
            out.append("  wallboard:   ").append(base).append("/#token=").append(token("admin", "admin", null, List.of(), valid))
                    .append("\n               (as an admin of tenant ").append(tenant).append(", ").append(EmbeddedConfig.TENANT).append(")\n");
        } else {
            out.append("  wallboard:   ").append(base).append("/#token=").append(token("supervisor", "supervisor", null, teams, valid))
                    .append("\n               (as a supervisor of every demo team)\n");
            String agent = DemoRoster.TENANT + "/agent001";
            out.append("  agent:       ").append(base).append("/agent#token=").append(token(agent, "agent", agent, List.of(), valid))
                    .append("\n               (agent001 hot-desks: log on with guest address acd-agent001@").append(DemoRoster.DOMAIN).append(")\n");
        }
        String adminBase = "http://localhost:" + admin.port() + "/api/v1";
        out.append("  admin API:   ").append(adminBase).append("/tenants/").append(tenant).append("/agents   (OpenAPI: ").append(adminBase)
                .append("/openapi.json)\n");
        String adminToken = adminToken(valid);
        if (adminToken != null) {
            out.append("  admin token: ").append(adminToken).append("\n               (tenant ").append(tenant)
                    .append(", 12 h; send it as Authorization: Bearer <token>)\n");
        }
        if (crm != null) {
            out.append("  demo CRM:    ").append(crm.pageUrl().replace("127.0.0.1", "localhost"))
                    .append("   (screen pops of agent001's calls, by signed webhook)\n");
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
