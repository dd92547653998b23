package io.ctistream.webhooks;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.ctistream.events.WebhookSecret;
import io.ctistream.events.WebhookSubscription;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A tiny CRM for the demo: an HTTP server that receives ctistream's webhooks at {@code /webhooks},
 * verifies their Standard Webhooks signature (401 when it does not verify), ignores a delivery it
 * has seen (by {@code webhook-id}), keeps the last screen pops ({@code io.ctistream.call.offered})
 * and shows them on {@code /}, a page that refreshes itself; {@code /screen-pops.json} has the same.
 * Everything runs on its event loop; it holds at most {@code keep} screen pops.
 */
public final class DemoCrm {
    public static final String PATH = "/webhooks";
    private static final int MAX_BODY = 256 * 1024;
    private static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final JsonFormat FORMAT = new JsonFormat();

    /** One screen pop as the CRM shows it. */
    public record ScreenPop(String eventId, String time, String agentId, String callId, String callerNumber, String callerName,
                            String queueId, String platform) {
        JsonObject toJson() {
            return new JsonObject().put("eventId", eventId).put("time", time).put("agentId", agentId).put("callId", callId)
                    .put("callerNumber", callerNumber).put("callerName", callerName).put("queueId", queueId).put("platform", platform);
        }
    }

    /** The subscription's secret; null until {@link #trust} (every delivery is refused with 401 until then). */
    private volatile String secret;
    private final int keep;
    private final ArrayDeque<ScreenPop> pops = new ArrayDeque<>();
    private final Set<String> seen = new LinkedHashSet<>();
    private HttpServer server;
    private String host;
    private int received;
    private int rejected;

    private DemoCrm(String secret, int keep) {
        if (secret != null) {
            WebhookSigner.key(secret); // fails now, not at the first delivery
        }
        this.secret = secret;
        this.keep = keep;
    }

    /**
     * Listens on {@code host:port} (0 = any free port).
     *
     * @param secret the subscription's {@code whsec_} secret
     * @param keep   how many screen pops to show
     */
    public static Future<DemoCrm> start(Vertx vertx, String host, int port, String secret, int keep) {
        DemoCrm crm = new DemoCrm(secret, keep);
        crm.host = host;
        return vertx.createHttpServer().requestHandler(crm::handle).listen(port, host).map(s -> {
            crm.server = s;
            return crm;
        });
    }

    /**
     * Listens on {@code host:port} without a secret yet: for a subscription made after the CRM is up
     * (its URL needs the port, its secret comes from the admin API's answer). Until {@link #trust}
     * every delivery is refused with 401, which the webhooks service retries.
     */
    public static Future<DemoCrm> start(Vertx vertx, String host, int port, int keep) {
        return start(vertx, host, port, null, keep);
    }

    /** Verifies deliveries with {@code secret} from now on (a subscription's {@code whsec_} secret, as the admin API answered it). */
    public void trust(String secret) {
        WebhookSigner.key(secret);
        this.secret = secret;
    }

    public int port() {
        return server.actualPort();
    }

    /** Where the subscription POSTs. */
    public String webhookUrl() {
        return "http://" + host + ":" + port() + PATH;
    }

    /** The screen-pop page. */
    public String pageUrl() {
        return "http://" + host + ":" + port() + "/";
    }

    /**
     * The subscription that sends this CRM the call events of {@code agents} (tenant-qualified ids);
     * the caller writes it to {@code cti.webhook-subscriptions} under its id.
     */
    public WebhookSubscription subscription(String tenant, String localId, List<String> agents, Instant now) {
        return WebhookSubscription.newBuilder()
                .setTenant(tenant)
                .setSubscriptionId(tenant + "/" + localId)
                .setUrl(webhookUrl())
                .setDescription("the demo CRM's screen pops")
                .setSecrets(List.of(WebhookSecret.newBuilder().setSecret(secret).setCreatedAt(now).setExpiresAt(null).build()))
                .setEventTypes(List.of(CrmEventType.CALL_OFFERED.type(), CrmEventType.CALL_ANSWERED.type(), CrmEventType.CALL_ENDED.type()))
                .setTeams(List.of())
                .setQueues(List.of())
                .setAgents(List.copyOf(agents))
                .setEnabled(true)
                .setCreatedAt(now)
                .setUpdatedAt(now)
                .build();
    }

    /**
     * Writes {@link #subscription} to {@code cti.webhook-subscriptions} (on a worker, waiting for the
     * acknowledgement): what the demo does instead of an operator's admin API call.
     */
    public Future<WebhookSubscription> register(Vertx vertx, String bootstrapServers, String registryUrl, String tenant, String localId,
                                                List<String> agents) {
        WebhookSubscription s = subscription(tenant, localId, agents, Instant.now());
        return vertx.executeBlocking(() -> {
            try (RecordWriter writer = new RecordWriter(bootstrapServers, registryUrl, "demo-crm")) {
                writer.sendAndWait(io.ctistream.schemas.CtiTopics.WEBHOOK_SUBSCRIPTIONS.topicName(), s.getSubscriptionId(), s);
            }
            return s;
        }, false);
    }

    /** The screen pops held, newest first (call it on the CRM's event loop, or accept a racy copy). */
    public synchronized List<ScreenPop> screenPops() {
        return new ArrayList<>(pops);
    }

    /** Deliveries whose signature did not verify. */
    public synchronized int rejected() {
        return rejected;
    }

    /** Deliveries accepted (duplicates included). */
    public synchronized int received() {
        return received;
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void handle(HttpServerRequest req) {
        if (req.method().name().equals("POST") && PATH.equals(req.path())) {
            Buffer body = Buffer.buffer();
            req.handler(chunk -> {
                if (body.length() + chunk.length() > MAX_BODY) {
                    req.response().setStatusCode(413).end();
                    req.connection().close();
                } else {
                    body.appendBuffer(chunk);
                }
            });
            req.endHandler(v -> {
                if (!req.response().ended()) {
                    receive(req, body.getBytes());
                }
            });
        } else if (req.method().name().equals("GET") && "/screen-pops.json".equals(req.path())) {
            JsonArray list = new JsonArray();
            screenPops().forEach(p -> list.add(p.toJson()));
            req.response().putHeader("content-type", "application/json").end(list.encode());
        } else if (req.method().name().equals("GET") && "/".equals(req.path())) {
            req.response().putHeader("content-type", "text/html; charset=utf-8").end(page());
        } else {
            req.response().setStatusCode(404).end();
        }
    }

    private synchronized void receive(HttpServerRequest req, byte[] body) {
        String id = req.getHeader(WebhookSigner.ID);
        String trusted = secret;
        boolean valid = trusted != null && WebhookSigner.verify(List.of(trusted), id, req.getHeader(WebhookSigner.TIMESTAMP), body,
                req.getHeader(WebhookSigner.SIGNATURE), Instant.now(), TOLERANCE);
        if (!valid) {
            rejected++;
            req.response().setStatusCode(401).end();
            return;
        }
        received++;
        if (seen.add(id)) {
            if (seen.size() > 10_000) {
                seen.remove(seen.iterator().next());
            }
            try {
                CloudEvent e = FORMAT.deserialize(body);
                if (CrmEventType.CALL_OFFERED.type().equals(e.getType()) && e.getData() != null) {
                    JsonObject d = new JsonObject(Buffer.buffer(e.getData().toBytes()));
                    pops.addFirst(new ScreenPop(e.getId(), String.valueOf(e.getTime()), d.getString("agentId"), d.getString("callId"),
                            d.getString("callerNumber"), d.getString("callerName"), d.getString("queueId"),
                            d.getJsonObject("platform", new JsonObject()).getString("name")));
                    while (pops.size() > keep) {
                        pops.removeLast();
                    }
                }
            } catch (RuntimeException e) {
                req.response().setStatusCode(400).end();
                return;
            }
        }
        req.response().setStatusCode(204).end();
    }

    private synchronized String page() {
        StringBuilder rows = new StringBuilder();
        for (ScreenPop p : pops) {
            rows.append("<tr><td>").append(esc(p.time())).append("</td><td>").append(esc(p.agentId())).append("</td><td><b>")
                    .append(esc(p.callerNumber())).append("</b> ").append(esc(p.callerName())).append("</td><td>")
                    .append(esc(p.queueId())).append("</td><td>").append(esc(p.callId())).append("</td><td>").append(esc(p.platform()))
                    .append("</td></tr>\n");
        }
        return "<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">"
                + "<title>Demo CRM: screen pops</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}th{background:#eee}</style></head><body>"
                + "<h1>Demo CRM</h1><p>Screen pops received from ctistream's signed webhooks (newest first; " + received
                + " deliveries verified, " + rejected + " refused).</p><table><tr><th>time</th><th>agent</th><th>caller</th>"
                + "<th>queue</th><th>call</th><th>platform</th></tr>\n" + rows + "</table></body></html>";
    }

    private static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
