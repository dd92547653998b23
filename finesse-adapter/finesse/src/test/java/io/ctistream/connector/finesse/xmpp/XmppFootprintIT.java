package io.ctistream.connector.finesse.xmpp;

import static io.ctistream.connector.finesse.xmpp.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.simulator.finesse.testing.ProsodyServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what a session costs (ADR 011): N sessions (200, or {@code -Dxmpp.footprint.sessions})
 * to a real Prosody on one Vert.x context, all subscribed to one node and all receiving one item.
 * Asserts no thread per session and at most 64 KiB of retained heap per session; writes the
 * figures to {@code target/xmpp-footprint.txt}.
 */
@Timeout(300)
class XmppFootprintIT {
    private static final Logger LOG = LoggerFactory.getLogger(XmppFootprintIT.class);
    static final int SESSIONS = Integer.getInteger("xmpp.footprint.sessions", 200);
    static final String NODE = "/finesse/api/Team/5005/Users";
    /** Handshakes in flight at once. */
    static final int DIALLING = 50;

    static ProsodyServer prosody;
    static Vertx vertx;

    @BeforeAll
    static void start() {
        // one account per agent, as on Finesse (sessions of one account would each get every other one's presence)
        java.util.Map<String, String> agents = new java.util.HashMap<>();
        for (int i = 0; i <= SESSIONS; i++) {
            agents.put(agent(i), "footprint-pw-" + i);
        }
        prosody = ProsodyServer.create("fin-a.example.com").registerMany(agents).start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            join(vertx.close());
        }
        if (prosody != null) {
            prosody.close();
        }
    }

    /** Verifies that sessions cost no thread each and at most 64 KiB of heap each, all live at once. */
    @Test
    void sessionsCostNoThreadAndLittleHeap() throws Exception {
        // GIVEN one client, one context, one warm session (classes loaded, event loop started), a node
        WebSocketClient client = vertx.createWebSocketClient(XmppSessionOptions.clientOptions(SESSIONS + 10, XmppSessionOptions.DEFAULT_MAX_STANZA_BYTES));
        Context context = vertx.getOrCreateContext();
        AtomicInteger received = new AtomicInteger();
        XmppSessionListener listener = (s, stanza) -> received.incrementAndGet();
        XmppSession warm = new XmppSession(context, client, options(0), listener);
        join(warm.connect());
        try (SmackPublisher publisher = new SmackPublisher(prosody)) {
            publisher.node(NODE);
            join(warm.subscribe(NODE));
            publisher.publishUpdate(NODE, "warm", "<Update/>");
            await().atMost(Duration.ofSeconds(5)).until(() -> received.get() == 1);
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            long heapBefore = settledHeap();
            long directBefore = direct();

            // WHEN N more sessions connect and subscribe
            long t0 = System.nanoTime();
            List<XmppSession> sessions = new ArrayList<>();
            for (int i = 1; i <= SESSIONS; i++) {
                sessions.add(new XmppSession(context, client, options(i), listener));
            }
            join(rampUp(sessions, DIALLING), 240);
            long connectMs = (System.nanoTime() - t0) / 1_000_000;
            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
            long heapAfter = settledHeap();
            long directAfter = direct();

            // THEN one item reaches every session
            publisher.publishUpdate(NODE, "all", "<Update><event>PUT</event></Update>");
            await().atMost(Duration.ofSeconds(30)).until(() -> received.get() == 1 + SESSIONS + 1);

            long perSession = (heapAfter - heapBefore) / SESSIONS;
            String report = String.format("sessions=%d (" + DIALLING + " dialling at a time) connect+subscribe=%d ms threads before=%d after=%d heap retained=%d bytes (%.1f KiB/session)"
                    + " direct buffers before=%d after=%d bytes%n", SESSIONS, connectMs, threadsBefore, threadsAfter, heapAfter - heapBefore,
                    perSession / 1024.0, directBefore, directAfter);
            LOG.info("xmpp footprint [{}]", report.strip());
            Files.writeString(Path.of("target", "xmpp-footprint.txt"), report, StandardCharsets.UTF_8);
            assertThat(threadsAfter).as("threads do not grow with sessions").isLessThanOrEqualTo(threadsBefore + 2);
            assertThat(perSession).as("retained heap per session").isLessThanOrEqualTo(64 * 1024);
            assertThat(sessions).allSatisfy(s -> assertThat(s.state()).isEqualTo(XmppSession.State.ESTABLISHED));

            join(Future.all(sessions.stream().map(XmppSession::close).toList()), 60);
        }
    }

    /**
     * Connects and subscribes every session, at most {@code window} handshakes at a time: 2,000
     * at once overwhelm a single Prosody (connections closed mid-handshake), and would overwhelm
     * Finesse after a fail-over too, so the connector must ramp up the same way.
     */
    private static Future<Void> rampUp(List<XmppSession> sessions, int window) {
        java.util.Iterator<XmppSession> next = sessions.iterator();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < window; lane++) {
            lanes.add(lane(next));
        }
        return Future.all(lanes).mapEmpty();
    }

    private static Future<Void> lane(java.util.Iterator<XmppSession> next) {
        XmppSession s;
        synchronized (next) {
            if (!next.hasNext()) {
                return Future.succeededFuture();
            }
            s = next.next();
        }
        return s.connect().compose(v -> s.subscribe(NODE)).compose(v -> lane(next));
    }

    private static XmppSessionOptions options(int i) {
        return XmppSessionOptions.builder(prosody.websocketUri(), prosody.domain(), agent(i), "footprint-pw-" + i, "ctistream-fp")
                .connectTimeout(Duration.ofSeconds(60)).iqTimeout(Duration.ofSeconds(30)).build();
    }

    private static String agent(int i) {
        return Integer.toString(10_000 + i);
    }

    /** Heap in use after full collections, once it stops shrinking. */
    private static long settledHeap() {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(last - used) < 64 * 1024) {
                return used;
            }
            last = used;
        }
        return last;
    }

    private static long direct() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream().filter(b -> b.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }
}
