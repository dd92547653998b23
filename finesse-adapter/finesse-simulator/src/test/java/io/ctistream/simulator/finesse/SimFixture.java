package io.ctistream.simulator.finesse;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulator with a small UCCE team for the tests: agents 1234 (extension 1001) and 1235 (1002)
 * and supervisor 1236 in team 5005 "Sales", queue 10 served by both agents, short timings, and a
 * clock the test moves. Also the Vert.x instance the test's XMPP clients run on.
 */
final class SimFixture implements AutoCloseable {
    static final String PASSWORD = "secret";
    static final String USER_NODE = "/finesse/api/User/1234";
    static final String DIALOGS_NODE = "/finesse/api/User/1234/Dialogs";
    final MutableClock clock = new MutableClock(Instant.parse("2024-03-01T17:58:21.123Z"));
    final FinesseSimulator sim;
    final Vertx vertx = Vertx.vertx();
    final Rest restA;
    final Rest restB;
    private final List<XmppTestClient> clients = new ArrayList<>();

    SimFixture() {
        this(s -> s);
    }

    SimFixture(java.util.function.UnaryOperator<FinesseSimulator.Settings> tune) {
        FinesseSimulator.Settings s = FinesseSimulator.Settings.loopback().withClock(clock)
                .withTimings(Duration.ofMillis(10), Duration.ZERO, Duration.ofSeconds(60), Duration.ofMillis(300), Duration.ofMillis(200));
        sim = FinesseSimulator.start(tune.apply(s));
        sim.addUser(UserSpec.agent("1234", PASSWORD, "1001", "5005", "Sales"));
        sim.addUser(UserSpec.agent("1235", PASSWORD, "1002", "5005", "Sales"));
        sim.addUser(UserSpec.agent("1236", PASSWORD, "1003", "5005", "Sales").asSupervisor());
        sim.addQueue(new QueueSpec("10", "Sales", List.of("1234", "1235")));
        restA = new Rest(sim.restUrl(FinesseSimulator.Side.A));
        restB = new Rest(sim.restUrl(FinesseSimulator.Side.B));
    }

    /** An XMPP session of the user on a side's built-in server, signed in, bound and present. */
    /**
     * A session signed in and present: returns once the server counts a present session of the user
     * (a notification published before its presence is processed would miss it).
     */
    XmppTestClient xmpp(String user, FinesseSimulator.Side side) {
        XmppTestClient c = XmppTestClient.signIn(vertx, sim.wsUrl(side), sim.xmppDomain(side), user, PASSWORD, "test-" + clients.size());
        clients.add(c);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> sim.xmppSessions(side, user) >= 1);
        return c;
    }

    XmppTestClient xmpp(String user) {
        return xmpp(user, FinesseSimulator.Side.A);
    }

    int putState(String user, String body, String requestId) {
        return restA.put("/finesse/api/User/" + user, user, PASSWORD, body, requestId).statusCode();
    }

    int dialogAction(String user, String dialogId, String action, String extension, String requestId) {
        return restA.put("/finesse/api/Dialog/" + dialogId, user, PASSWORD, "<Dialog><targetMediaAddress>" + extension
                + "</targetMediaAddress><requestedAction>" + action + "</requestedAction></Dialog>", requestId).statusCode();
    }

    @Override
    public void close() {
        clients.forEach(XmppTestClient::close);
        sim.close();
        vertx.close();
    }
}
