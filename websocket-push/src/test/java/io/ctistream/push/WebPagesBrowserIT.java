package io.ctistream.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentSnapshot;
import io.ctistream.events.AgentState;
import io.ctistream.events.CategoryCounts;
import io.ctistream.events.CommandResult;
import io.ctistream.events.CommandStatus;
import io.ctistream.events.DailyCounters;
import io.ctistream.events.Freshness;
import io.ctistream.events.LinkState;
import io.ctistream.events.LogOn;
import io.ctistream.events.QueueSeverity;
import io.ctistream.events.QueueSnapshot;
import io.ctistream.events.SetState;
import io.ctistream.events.TeamSnapshot;
import io.ctistream.events.WallboardCategory;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The wallboard and the agent panel in a real headless Chromium against a running pusher whose
 * state topics the test feeds: a change appears on the wallboard (row and team tile), data the
 * pusher cannot vouch for is greyed out, and the agent panel's buttons issue commands whose
 * outcome the person sees. A stand-in connector answers the commands (and moves the agent's
 * state, as a connector and the engine would). Screenshots go to {@code target/screenshots/}.
 */
@ExtendWith(CtiKafkaExtension.class)
class WebPagesBrowserIT {
    private static final String SECRET = "web-pages-it-secret-long-enough-00001";
    private static final String T = "web";
    private static final Jwt JWT = new Jwt(SECRET, 0);
    private static Vertx vertx;
    private static StateView view;
    private static CommandRelay relay;
    private static PushServer server;
    private static KafkaProducer<String, SpecificRecord> producer;
    private static ConnectorStandIn connector;
    private static Browser browser;
    private static final Map<String, Long> versions = new ConcurrentHashMap<>();

    @BeforeAll
    static void setUp(TestKafka kafka) throws Exception {
        Assumptions.assumeTrue(Browser.find().isPresent(), "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Plan(4, 2, (short) 1)).ensureAll();
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), CtiSerdes.<SpecificRecord>valueSerializer(kafka.registryUrl()));
        agent("ann", "Ann Agent", AgentState.READY, null, Freshness.LIVE);
        agent("bob", "Bob Builder", AgentState.NOT_READY, "0012", Freshness.LIVE);
        agent("cid", "Cid Caller", AgentState.LOGGED_OUT, null, Freshness.LIVE);
        team(1, 1, 1);
        queue(1, 12, 10, 1);
        vertx = Vertx.vertx();
        view = new StateView(kafka.bootstrapServers(), kafka.registryUrl()).start();
        view.loaded().get(60, TimeUnit.SECONDS);
        relay = new CommandRelay(kafka.bootstrapServers(), kafka.registryUrl(), "web-it").start();
        relay.ready().get(60, TimeUnit.SECONDS);
        connector = new ConnectorStandIn(kafka.bootstrapServers(), kafka.registryUrl());
        server = PushServer.start(vertx, PushConfig.defaults("127.0.0.1", 0, SECRET), view, relay).await(30, TimeUnit.SECONDS);
        browser = Browser.start();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
            connector.close();
            relay.close();
            view.close();
            producer.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void wallboardShowsAChangeAndGreysOutWhatItCannotVouchFor() throws Exception {
        browser.open("http://127.0.0.1:" + server.port() + "/#token=" + token("supervisor", null, List.of(T + "/red")));
        awaitPage(() -> "live".equals(browser.attribute("#connection", "data-state")), "the wallboard connects");
        awaitPage(() -> "AUX".equals(browser.attribute("tr[data-agent='web/bob']", "data-category")), "bob is shown AUX");
        assertThat(browser.text("tr[data-agent='web/bob'] [data-field='name']")).contains("Bob Builder");
        assertThat(browser.text("section[data-team='web/red'] [data-count='AVAIL'] b")).isEqualTo("1");
        awaitPage(() -> "12".equals(browser.text("tr[data-queue='web/sales'] [data-field='offered']")), "the queue row shows its figures");

        agent("bob", "Bob Builder", AgentState.READY, null, Freshness.LIVE);
        team(2, 0, 1);
        awaitPage(() -> "AVAIL".equals(browser.attribute("tr[data-agent='web/bob']", "data-category")), "bob turns AVAIL");
        awaitPage(() -> "2".equals(browser.text("section[data-team='web/red'] [data-count='AVAIL'] b")), "the team tile counts 2 AVAIL");
        assertThat(browser.text("section[data-team='web/red'] [data-count='AUX'] b")).isEqualTo("0");

        // the pusher cannot vouch for ann any more (its connector lost the link): greyed out, not shown as live
        agent("ann", "Ann Agent", AgentState.UNKNOWN, null, Freshness.UNKNOWN);
        awaitPage(() -> String.valueOf(browser.attribute("tr[data-agent='web/ann']", "class")).contains("stale"), "ann is greyed out");
        assertThat(String.valueOf(browser.attribute("tr[data-agent='web/bob']", "class"))).doesNotContain("stale");
        browser.screenshot(Path.of("target", "screenshots", "wallboard.png"));

        // the engine stops working: the whole board greys and says why; it comes back when the engine does
        try {
            server.engineStatus(true);
            awaitPage(() -> String.valueOf(browser.attribute("body", "class")).contains("engine-silent")
                    && browser.element("#engine").isDisplayed(), "the board greys while the engine is silent");
            browser.screenshot(Path.of("target", "screenshots", "wallboard-engine-silent.png"));
        } finally {
            server.engineStatus(false);
        }
        awaitPage(() -> !String.valueOf(browser.attribute("body", "class")).contains("engine-silent")
                && !browser.element("#engine").isDisplayed(), "the board is live again");
    }

    /**
     * Verifies the queue table live (issue #17): a queue fills up (calls waiting, the oldest wait
     * ticking, coloured by the queue's own threshold and by the platform's severity where it sent
     * one, the platform's expected wait and agents) and drains (back to none waiting, abandons,
     * short abandons and the service level as the engine published them).
     */
    @Test
    void wallboardSeesAQueueFillUpAndDrain() throws Exception {
        String support = T + "/support";
        String row = "tr[data-queue='" + support + "'] ";
        queue(QueueSnapshot.newBuilder().setQueueId(support).setCallsInQueue(0).setOfferedToday(4).setAnsweredToday(4).setServiceLevelPercent(100.0));
        browser.open("http://127.0.0.1:" + server.port() + "/#token=" + token("wallboard", null, List.of()));
        awaitPage(() -> "0".equals(browser.text(row + "[data-field='inQueue']")), "the queue shows none waiting");
        assertThat(browser.text(row + "[data-field='oldestWait']")).isEqualTo("—");
        assertThat(browser.text(row + "[data-field='agents']")).isEqualTo("—");

        // one call waits 12 s: past half the 20 s threshold, the queue's own rule warns; the wait ticks on
        Instant now = Instant.now();
        queue(QueueSnapshot.newBuilder().setQueueId(support).setCallsInQueue(1).setOldestWaitingSince(now.minusSeconds(12)).setOfferedToday(5)
                .setAnsweredToday(4).setServiceLevelPercent(100.0));
        awaitPage(() -> "1".equals(browser.text(row + "[data-field='inQueue']")), "one call waits");
        awaitPage(() -> "WARNING".equals(browser.attribute(row + "[data-field='oldestWait']", "data-severity")), "the oldest wait warns");
        String first = browser.text(row + "[data-field='oldestWait']");
        assertThat(first).matches("00:[1-5]\\d");
        awaitPage(() -> !first.equals(browser.text(row + "[data-field='oldestWait']")), "the oldest wait ticks");

        // it fills up: three wait, the oldest past the threshold; the platform judges the count CRITICAL and gives its figures
        queue(QueueSnapshot.newBuilder().setQueueId(support).setCallsInQueue(3).setOldestWaitingSince(now.minusSeconds(40)).setOfferedToday(7)
                .setAnsweredToday(4).setServiceLevelPercent(100.0).setExpectedWaitMillis(45_000L).setStaffedAgents(4).setIdleAgents(0)
                .setUnavailableAgents(1).setSeverities(Map.of("callsInQueue", QueueSeverity.CRITICAL)).setPlatformFiguresAt(now));
        awaitPage(() -> "3".equals(browser.text(row + "[data-field='inQueue']")), "three calls wait");
        assertThat(browser.attribute(row + "[data-field='inQueue']", "data-severity")).as("the platform's verdict").isEqualTo("CRITICAL");
        awaitPage(() -> "CRITICAL".equals(browser.attribute(row + "[data-field='oldestWait']", "data-severity")), "the oldest wait is past the threshold");
        assertThat(String.valueOf(browser.attribute(row.trim(), "class"))).contains("breach");
        assertThat(browser.text(row + "[data-field='expectedWait']")).isEqualTo("00:45");
        assertThat(browser.text(row + "[data-field='agents']")).isEqualTo("0 / 4");
        assertThat(browser.script("return getComputedStyle(document.querySelector(\"" + row + "[data-field='inQueue']\")).backgroundColor"))
                .as("a critical figure is painted as such").isNotEqualTo(browser.script(
                        "return getComputedStyle(document.querySelector(\"" + row + "[data-field='offered']\")).backgroundColor"));
        browser.screenshot(Path.of("target", "screenshots", "wallboard-queue-full.png"));

        // it drains: one answered late, one abandoned, one hung up within the grace period; the platform's verdict is NORMAL again
        queue(QueueSnapshot.newBuilder().setQueueId(support).setCallsInQueue(0).setOfferedToday(7).setAnsweredToday(5).setAbandonedToday(1)
                .setShortAbandonedToday(1).setServiceLevelPercent(4 * 100.0 / 6).setAverageSpeedOfAnswerMillis(14_000L).setExpectedWaitMillis(0L)
                .setStaffedAgents(4).setIdleAgents(2).setUnavailableAgents(1).setSeverities(Map.of("callsInQueue", QueueSeverity.NORMAL))
                .setPlatformFiguresAt(now.plusSeconds(30)));
        awaitPage(() -> "0".equals(browser.text(row + "[data-field='inQueue']")), "the queue drains");
        assertThat(browser.text(row + "[data-field='oldestWait']")).isEqualTo("—");
        assertThat(browser.attribute(row + "[data-field='oldestWait']", "data-severity")).isNull();
        assertThat(String.valueOf(browser.attribute(row.trim(), "class"))).doesNotContain("breach");
        assertThat(browser.attribute(row + "[data-field='inQueue']", "data-severity")).isEqualTo("NORMAL");
        assertThat(browser.text(row + "[data-field='abandoned']")).isEqualTo("1");
        assertThat(browser.text(row + "[data-field='shortAbandoned']")).isEqualTo("1");
        assertThat(browser.text(row + "[data-field='sl']")).isEqualTo("67%");
        assertThat(browser.text(row + "[data-field='asa']")).isEqualTo("00:14");
        assertThat(browser.text(row + "[data-field='agents']")).isEqualTo("2 / 4");
        browser.screenshot(Path.of("target", "screenshots", "wallboard-queue-drained.png"));
    }

    @Test
    void agentPanelIssuesCommandsAndShowsTheirOutcome() throws Exception {
        browser.open("http://127.0.0.1:" + server.port() + "/agent#token=" + token("agent", T + "/cid", List.of()));
        awaitPage(() -> "LOGGED_OUT".equals(browser.attribute("#state", "data-state")), "cid is shown logged out");

        browser.click("#logon");
        awaitPage(() -> "NOT_READY".equals(browser.attribute("#state", "data-state")), "log on moves cid to NOT_READY");
        awaitPage(() -> "COMPLETED".equals(browser.attribute("#message", "data-status")), "the log-on outcome is shown");

        browser.click("#ready");
        awaitPage(() -> "READY".equals(browser.attribute("#state", "data-state")), "READY");

        browser.script("const s = document.getElementById('reason'); s.value = '0012'; s.dispatchEvent(new Event('change'));");
        browser.click("#notready");
        awaitPage(() -> "NOT_READY".equals(browser.attribute("#state", "data-state")), "NOT READY");
        AgentCommand notReady = connector.seen.stream().filter(c -> c.getCommand() instanceof SetState s && s.getState() == AgentState.NOT_READY)
                .reduce((a, b) -> b).orElseThrow();
        assertThat(((SetState) notReady.getCommand()).getReasonCode()).isEqualTo("0012");
        assertThat(notReady.getPrincipal().getSubject()).isEqualTo("user-agent");

        // the stand-in refuses wrap-up outside a call, as BroadWorks does: the person reads why
        browser.click("#wrapup");
        awaitPage(() -> "REJECTED".equals(browser.attribute("#message", "data-status")), "the rejection is shown");
        assertThat(browser.text("#message")).contains("no call to wrap up");
        assertThat(browser.attribute("#state", "data-state")).isEqualTo("NOT_READY");
        browser.screenshot(Path.of("target", "screenshots", "agent-panel.png"));
    }

    private static void awaitPage(java.util.concurrent.Callable<Boolean> condition, String what) {
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String body = String.valueOf(browser.script("return document.body ? document.body.innerText : '(no body)'"));
            throw new AssertionError("page never showed: " + what + "\npage text:\n" + body + "\nconsole: " + browser.console(), e);
        }
    }

    static String token(String role, String agentId, List<String> teams) {
        return JWT.sign(new JsonObject().put("sub", "user-" + role).put("tenant", T).put("role", role).put("agentId", agentId)
                .put("teams", new JsonArray(teams)).put("exp", Instant.now().getEpochSecond() + 3600));
    }

    static void agent(String id, String name, AgentState state, String reason, Freshness freshness) throws Exception {
        Instant now = Instant.now();
        String agentId = T + "/" + id;
        AgentSnapshot s = AgentSnapshot.newBuilder().setTenant(T).setAgentId(agentId).setDisplayName(name).setTeamId(T + "/red").setState(state)
                .setCategory(category(state)).setReasonCode(reason).setStateSince(now)
                .setLink(freshness == Freshness.LIVE ? LinkState.ACTIVE : LinkState.LOST).setFreshness(freshness)
                .setToday(DailyCounters.newBuilder().setDay(now.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString()).setCallsHandled(0).setTalkTimeMillis(0).setHoldTimeMillis(0)
                        .setWrapUpTimeMillis(0).setNotReadyTimeMillis(0).build())
                .setVersion(versions.merge(agentId, 1L, Long::sum)).setUpdatedAt(now).build();
        producer.send(new ProducerRecord<>(CtiTopics.AGENT_STATE.topicName(), agentId, s)).get();
    }

    static WallboardCategory category(AgentState s) {
        return switch (s) {
            case READY -> WallboardCategory.AVAIL;
            case NOT_READY -> WallboardCategory.AUX;
            case RESERVED -> WallboardCategory.RING;
            case TALKING, HOLD -> WallboardCategory.ACD;
            case WRAP_UP -> WallboardCategory.ACW;
            case LOGGED_OUT -> WallboardCategory.OFF;
            case UNKNOWN -> WallboardCategory.UNKNOWN;
        };
    }

    static void team(int avail, int aux, int off) throws Exception {
        Instant now = Instant.now();
        TeamSnapshot t = TeamSnapshot.newBuilder().setTenant(T).setTeamId(T + "/red")
                .setCounts(CategoryCounts.newBuilder().setAvail(avail).setRing(0).setAcd(0).setAux(aux).setAcw(0).setOff(off).setUnknown(0).build())
                .setMembers(List.of(T + "/ann", T + "/bob", T + "/cid")).setAvailableAgents(List.of())
                .setVersion(versions.merge("team", 1L, Long::sum)).setUpdatedAt(now).build();
        producer.send(new ProducerRecord<>(CtiTopics.TEAM_STATS.topicName(), t.getTeamId(), t)).get();
    }

    static void queue(long version, int offered, int answered, int abandoned) throws Exception {
        Instant now = Instant.now();
        QueueSnapshot q = QueueSnapshot.newBuilder().setTenant(T).setQueueId(T + "/sales").setCallsInQueue(0).setDay(now.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString())
                .setOfferedToday(offered).setAnsweredToday(answered).setAbandonedToday(abandoned).setAverageHandleTimeMillis(185_000L)
                .setServiceLevelPercent(91.7).setServiceLevelThresholdSeconds(20).setVersion(version).setUpdatedAt(now).build();
        producer.send(new ProducerRecord<>(CtiTopics.QUEUE_STATS.topicName(), q.getQueueId(), q)).get();
    }

    /** Publishes the queue's next snapshot (tenant, day, threshold, version and stamp filled in), as the engine would. */
    static void queue(QueueSnapshot.Builder q) throws Exception {
        Instant now = Instant.now();
        QueueSnapshot s = q.setTenant(T).setDay(now.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString()).setServiceLevelThresholdSeconds(20)
                .setVersion(versions.merge(q.getQueueId(), 1L, Long::sum)).setUpdatedAt(now).build();
        producer.send(new ProducerRecord<>(CtiTopics.QUEUE_STATS.topicName(), s.getQueueId(), s)).get();
    }

    /** Plays connector and engine for the commands: moves the agent's state and answers, or refuses wrap-up outside a call. */
    static final class ConnectorStandIn implements AutoCloseable {
        final List<AgentCommand> seen = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean assigned;

        ConnectorStandIn(String bootstrap, String registry) {
            var consumer = new KafkaConsumer<String, SpecificRecord>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "web-it-connector", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                    new StringDeserializer(), CtiSerdes.<SpecificRecord>valueDeserializer(registry));
            consumer.subscribe(List.of(CtiTopics.AGENT_COMMANDS.topicName()));
            thread = new Thread(() -> {
                try (consumer) {
                    while (running) {
                        var records = consumer.poll(Duration.ofMillis(100));
                        if (!assigned && !consumer.assignment().isEmpty()) {
                            consumer.assignment().forEach(consumer::position); // "latest" resolved now: nothing sent after this is skipped
                            assigned = true;
                        }
                        for (var r : records) {
                            if (r.value() instanceof AgentCommand c && c.getTenant().equals(T)) {
                                seen.add(c);
                                answer(c);
                            }
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "web-it-connector");
            thread.setDaemon(true);
            thread.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> assigned);
        }

        private void answer(AgentCommand c) throws Exception {
            String id = c.getAgentId().substring(T.length() + 1);
            CommandStatus status = CommandStatus.COMPLETED;
            String code = null;
            String message = null;
            if (c.getCommand() instanceof LogOn) {
                agent(id, "Cid Caller", AgentState.NOT_READY, null, Freshness.LIVE);
            } else if (c.getCommand() instanceof SetState s && s.getState() == AgentState.WRAP_UP) {
                status = CommandStatus.REJECTED;
                code = "NOT_IN_CALL";
                message = "there is no call to wrap up";
            } else if (c.getCommand() instanceof SetState s) {
                agent(id, "Cid Caller", s.getState(), s.getReasonCode(), Freshness.LIVE);
            }
            CommandResult result = CommandResult.newBuilder().setCommandId(c.getCommandId()).setTenant(T).setAgentId(c.getAgentId())
                    .setStatus(status).setCode(code).setMessage(message).setCompletedAt(Instant.now()).setConnectorInstance("web-it").build();
            producer.send(new ProducerRecord<>(CtiTopics.COMMAND_RESULTS.topicName(), c.getAgentId(), result)).get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }
}
