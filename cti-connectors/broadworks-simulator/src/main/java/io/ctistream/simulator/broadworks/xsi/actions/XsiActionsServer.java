package io.ctistream.simulator.broadworks.xsi.actions;

import io.ctistream.codec.SafeXml;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of BroadWorks Xsi-Actions that lists a call center's agents, over real HTTP, for agent
 * discovery (issue #18, ADR 020): {@code GET /com.broadsoft.xsi-actions/v2.0/user/<supervisor>/directories/Agents?callCenter=<id>}
 * answered from the simulator's call centers and their agents. HTTP Basic is checked as BroadWorks
 * does: no or wrong credentials are answered 401 with {@code WWW-Authenticate: Basic realm="BroadWorks"};
 * a signed-in user asking for another user's directory, or for a call center it does not
 * supervise, is answered 403; an unknown call center 404; each refusal carries an
 * {@code ErrorInfo}. The answer shapes are the ones the connector's reader marks as inferred.
 * Faults: 503 for the next requests, a body served instead of the list, a list padded past a size.
 * Writes its own XML: it shares no code with the connector. Its own Vert.x instance and server, so
 * it runs beside {@code XsiEventsServer} or alone.
 */
public final class XsiActionsServer implements AutoCloseable {
    public static final String ACTIONS = "/com.broadsoft.xsi-actions/v2.0";
    private static final String NS = "http://schema.broadsoft.com/xsi";
    private static final Logger LOG = LoggerFactory.getLogger(XsiActionsServer.class);

    /** The supervisor that signs in ({@code user}, {@code password}); it supervises every call center added. */
    public record Settings(String host, int port, String user, String password) {
        public static Settings loopback(String user, String password) {
            return new Settings("127.0.0.1", 0, user, password);
        }

        @Override
        public String toString() {
            return "Settings[host=" + host + ", port=" + port + ", user=" + user + "]"; // no password
        }
    }

    /** An agent of a call center as the simulator lists it; null fields are left out of the answer. */
    public record SimAgent(String userId, String firstName, String lastName, String number, String extension) {
    }

    private final Settings settings;
    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, Map<String, SimAgent>> callCenters = new LinkedHashMap<>();
    private final Map<String, Boolean> supervised = new LinkedHashMap<>();
    private final List<String> requests = new ArrayList<>();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicReference<String> rawBody = new AtomicReference<>();
    private volatile int padTo;

    private XsiActionsServer(Settings settings) throws Exception {
        this.settings = settings;
        this.vertx = Vertx.vertx();
        this.server = vertx.createHttpServer().requestHandler(this::handle);
        server.listen(settings.port(), settings.host()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        LOG.info("xsi-actions simulator listening [{}:{}]", settings.host(), server.actualPort());
    }

    public static XsiActionsServer start(Settings settings) {
        try {
            return new XsiActionsServer(settings);
        } catch (Exception e) {
            throw new IllegalStateException("the xsi-actions simulator did not start", e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return "http://" + settings.host() + ":" + port();
    }

    // ---- the call centers, as a test or the demo sets them up

    /** A call center the supervisor supervises. */
    public synchronized void addCallCenter(String callCenter) {
        callCenters.computeIfAbsent(callCenter, k -> new LinkedHashMap<>());
        supervised.put(callCenter, true);
    }

    /** A call center the supervisor does not supervise: asking for its agents is answered 403. */
    public synchronized void addForeignCallCenter(String callCenter) {
        callCenters.computeIfAbsent(callCenter, k -> new LinkedHashMap<>());
        supervised.put(callCenter, false);
    }

    /** Joins an agent to a call center (added when new), or changes it. */
    public synchronized void addAgent(String callCenter, SimAgent agent) {
        if (!callCenters.containsKey(callCenter)) {
            addCallCenter(callCenter);
        }
        callCenters.get(callCenter).put(agent.userId(), agent);
    }

    public synchronized void removeAgent(String callCenter, String userId) {
        Map<String, SimAgent> agents = callCenters.get(callCenter);
        if (agents != null) {
            agents.remove(userId);
        }
    }

    // ---- what happened

    /** Every request's method and path with its query, in order (for "never retried"). */
    public synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    // ---- faults

    /** Answers the next {@code n} requests 503, as an Xsi server in trouble. */
    public void unavailable(int n) {
        unavailable.set(n);
    }

    /** Answers every agent list with these bytes instead (null: the real list again). */
    public void serveRaw(String body) {
        rawBody.set(body);
    }

    /** Pads every agent list with filler agents until it is at least this many bytes, sent chunked (0: no padding, a Content-Length). */
    public void padTo(int bytes) {
        padTo = bytes;
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("xsi-actions simulator did not close cleanly [{}]", e.toString());
        }
    }

    // ---- HTTP

    private void handle(HttpServerRequest req) {
        synchronized (this) {
            requests.add(req.method() + " " + req.uri());
        }
        if (!authorised(req)) {
            req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"BroadWorks\"").end();
            return;
        }
        if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            error(req, 503, "110003", "Service temporarily unavailable");
            return;
        }
        String path = req.path();
        String prefix = ACTIONS + "/user/";
        String suffix = "/directories/Agents";
        if (req.method() != HttpMethod.GET || !path.startsWith(prefix) || !path.endsWith(suffix) || path.length() <= prefix.length() + suffix.length()) {
            error(req, 404, "4008", "Not found: " + path);
            return;
        }
        String user = URLDecoder.decode(path.substring(prefix.length(), path.length() - suffix.length()), StandardCharsets.UTF_8);
        if (!user.equals(settings.user())) {
            error(req, 403, "4403", "User " + settings.user() + " may not read the directories of " + user);
            return;
        }
        String callCenter = req.getParam("callCenter");
        String body;
        synchronized (this) {
            Map<String, SimAgent> agents = callCenter == null ? null : callCenters.get(callCenter);
            if (agents == null) {
                error(req, 404, "4008", "User not found: " + callCenter);
                return;
            }
            if (!supervised.get(callCenter)) {
                error(req, 403, "4410", "User " + settings.user() + " does not supervise " + callCenter);
                return;
            }
            body = rawBody.get() != null ? rawBody.get() : agents(agents.values());
        }
        req.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/xml; charset=UTF-8");
        if (padTo > 0) { // a padded list goes out chunked, without a Content-Length: the reader must count what it reads
            req.response().setChunked(true);
            int half = body.length() / 2;
            req.response().write(body.substring(0, half));
            req.response().end(body.substring(half));
        } else {
            req.response().end(body);
        }
    }

    private String agents(Iterable<SimAgent> agents) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Agents xmlns=\"").append(NS).append("\"><agentList>");
        for (SimAgent a : agents) {
            b.append("<agentDetails>");
            element(b, "userId", a.userId());
            element(b, "firstName", a.firstName());
            element(b, "lastName", a.lastName());
            element(b, "number", a.number());
            element(b, "extension", a.extension());
            b.append("</agentDetails>");
        }
        for (int i = 0; b.length() < padTo; i++) {
            b.append("<agentDetails><userId>filler-").append(i).append("@as.example</userId><firstName>Filler</firstName></agentDetails>");
        }
        return b.append("</agentList></Agents>").toString();
    }

    private static void element(StringBuilder b, String name, String value) {
        if (value != null) {
            b.append('<').append(name).append('>').append(SafeXml.escape(value)).append("</").append(name).append('>');
        }
    }

    private static void error(HttpServerRequest req, int status, String code, String summary) {
        req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/xml; charset=UTF-8")
                .end("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorInfo xmlns=\"" + NS + "\"><summary>[Error " + code + "] "
                        + SafeXml.escape(summary) + "</summary><summaryEnglish>[Error " + code + "] " + SafeXml.escape(summary)
                        + "</summaryEnglish><errorCode>" + code + "</errorCode></ErrorInfo>");
    }

    private boolean authorised(HttpServerRequest req) {
        String h = req.getHeader(HttpHeaders.AUTHORIZATION);
        String expected = "Basic " + Base64.getEncoder().encodeToString((settings.user() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8));
        return expected.equals(h);
    }
}
