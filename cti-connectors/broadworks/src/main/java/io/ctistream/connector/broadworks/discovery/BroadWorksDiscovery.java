package io.ctistream.connector.broadworks.discovery;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.broadworks.Credentials;
import io.ctistream.connector.core.runtime.AgentDiscovery;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.TrustOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lists the agents of BroadWorks call centers for {@code ctistream roster discover broadworks}
 * (issue #18, ADR 020): {@code GET /com.broadsoft.xsi-actions/v2.0/user/<supervisor>/directories/Agents?callCenter=<id>}
 * for each configured call center, with HTTP Basic as the supervisor (the user of the credential
 * reference). Each agent becomes one discovered agent: its Xsi user id (the roster's BroadWorks
 * user address), its name, the call center as its platform team, the credential reference
 * {@code bw/<userId>} it will need, and its {@code number} and {@code extension} when Xsi gives them.
 * An agent of several call centers is listed once, with the first of them as its team.
 *
 * <p>Failures: 401 and 403 are never retried (a wrong password retried locks the account out, and
 * a user who is not the supervisor stays one); 404 names the call center; a 5xx or no answer is
 * tried once more; an answer that is not an agent list, or longer than the limit, fails the whole
 * discovery with the reason. The password is sent only in the Authorization header, never in a
 * message. Nothing is written anywhere: the result is what a person reviews as a roster diff.
 */
public final class BroadWorksDiscovery implements AgentDiscovery {
    public static final String ACTIONS = "/com.broadsoft.xsi-actions/v2.0";
    /** The credential reference a discovered agent is given: its entry in the credentials file, filled in by the operator. */
    public static final String CREDENTIAL_PREFIX = "bw/";
    /** The longest agent list read: some 5,000 agents. */
    public static final int DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
    private static final int ATTEMPTS = 2;

    /**
     * @param server the Xsi-Actions server, {@code http(s)://host[:port]}
     * @param callCenters the call centers' user ids, in the order their agents take their team
     * @param credentialRef the reference of the supervisor's sign-in, named in messages (never the secret)
     * @param secret that sign-in: {@code sipUser} is the Xsi user id, {@code sipPassword} its password
     * @param verifyHost check the server's name against its certificate (https)
     * @param trust the certificates trusted, or null for the JVM's
     * @param maxBytes the longest answer read
     */
    public record Settings(URI server, List<String> callCenters, String credentialRef, Credentials.Secret secret, boolean verifyHost,
                           TrustOptions trust, int maxBytes) {
        public Settings {
            if (server == null || server.getHost() == null || !("http".equals(server.getScheme()) || "https".equals(server.getScheme()))) {
                throw new IllegalArgumentException("the Xsi-Actions server must be http(s)://host[:port], got " + server);
            }
            if (callCenters == null || callCenters.isEmpty()) {
                throw new IllegalArgumentException("no BroadWorks call center to list");
            }
            if (secret == null || secret.sipUser() == null || secret.sipPassword() == null) {
                throw new IllegalArgumentException("the credential reference [" + credentialRef + "] has no sipUser and sipPassword");
            }
            callCenters = List.copyOf(callCenters);
        }

        @Override
        public String toString() {
            return "Settings[server=" + server + ", callCenters=" + callCenters + ", credentialRef=" + credentialRef + "]"; // no secret
        }
    }

    private final Settings settings;

    public BroadWorksDiscovery(Settings settings) {
        this.settings = settings;
    }

    @Override
    public List<Agent> discover(Duration timeout) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpClientOptions options = new HttpClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                    .setVerifyHost(settings.verifyHost());
            if (settings.trust() != null) {
                options.setTrustOptions(settings.trust());
            }
            HttpClientAgent client = vertx.createHttpClient(options);
            Map<String, Agent> agents = new LinkedHashMap<>();
            for (String callCenter : settings.callCenters()) {
                for (XsiAgentsCodec.Entry e : list(client, callCenter, timeout)) {
                    Map<String, String> attributes = new LinkedHashMap<>();
                    if (e.extension() != null) {
                        attributes.put("extension", e.extension());
                    }
                    if (e.number() != null) {
                        attributes.put("number", e.number());
                    }
                    agents.putIfAbsent(e.userId(), new Agent(e.userId(), e.displayName(), callCenter, null, CREDENTIAL_PREFIX + e.userId(),
                            attributes));
                }
            }
            return List.copyOf(agents.values());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** The path asked for one call center, its user ids encoded. */
    static String path(String supervisor, String callCenter) {
        return ACTIONS + "/user/" + encode(supervisor) + "/directories/Agents?callCenter=" + encode(callCenter);
    }

    private List<XsiAgentsCodec.Entry> list(HttpClientAgent client, String callCenter, Duration timeout) throws Exception {
        String what = "Xsi-Actions agent list of call center [" + callCenter + "] on " + settings.server().getHost();
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Answer a;
            try {
                a = get(client, path(settings.secret().sipUser(), callCenter), timeout).toCompletionStage().toCompletableFuture()
                        .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                if (cause instanceof TooLarge t) {
                    throw new IllegalStateException(what + ": the answer is longer than " + t.limit + " bytes; not read");
                }
                failures.add("no answer (" + (cause == null || cause.getMessage() == null ? "within " + timeout : cause.getMessage()) + ")");
                continue; // a server in trouble may answer the second time
            }
            if (a.status == 200) {
                try {
                    return XsiAgentsCodec.agents(a.body, settings.maxBytes());
                } catch (MalformedBodyException e) {
                    throw new IllegalStateException(what + ": the answer is not an agent list (" + e.getMessage() + ")");
                }
            }
            XsiAgentsCodec.ErrorInfo info = XsiAgentsCodec.error(a.body);
            String why = a.status + (info == null || info.summary() == null ? "" : ": " + info.summary());
            if (a.status == 401 || a.status == 403) {
                throw new IllegalStateException("Xsi refused the sign-in of credential [" + settings.credentialRef() + "] for the "
                        + what + " (" + why + "); not retried, BroadWorks locks accounts out. Its sipUser must be a supervisor of the "
                        + "call center, with its Xsi password");
            }
            if (a.status == 404) {
                throw new IllegalStateException("BroadWorks has no call center [" + callCenter + "] for supervisor ["
                        + settings.secret().sipUser() + "] (" + why + ")");
            }
            failures.add("answered " + why);
            if (a.status < 500) {
                break; // another 4xx would be answered the same
            }
        }
        throw new IllegalStateException("no " + what + ": " + String.join("; ", failures));
    }

    private record Answer(int status, byte[] body) {
    }

    /** The body was longer than the limit: the read stopped there and the connection was closed. */
    private static final class TooLarge extends RuntimeException {
        final int limit;

        TooLarge(int limit) {
            super("longer than " + limit + " bytes", null, false, false);
            this.limit = limit;
        }
    }

    private Future<Answer> get(HttpClientAgent client, String path, Duration timeout) {
        boolean tls = "https".equals(settings.server().getScheme());
        int port = settings.server().getPort() > 0 ? settings.server().getPort() : tls ? 443 : 80;
        String basic = settings.secret().sipUser() + ":" + settings.secret().sipPassword();
        RequestOptions req = new RequestOptions().setMethod(HttpMethod.GET).setHost(settings.server().getHost()).setPort(port).setSsl(tls)
                .setURI(path).setIdleTimeout(timeout.toMillis()).putHeader(HttpHeaders.ACCEPT, "application/xml") // not setTimeout: ADR 036
                .putHeader(HttpHeaders.AUTHORIZATION, "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        // read inside the callback that sends, never chained after it: see FinesseRest.send
        return client.request(req).compose(r -> r.send().compose(this::read));
    }

    /** Reads the body up to the limit; a longer one (declared or streamed) is cut off and the connection reset. */
    private Future<Answer> read(HttpClientResponse resp) {
        int limit = settings.maxBytes();
        Promise<Answer> done = Promise.promise();
        String declared = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && declared.chars().allMatch(Character::isDigit) && declared.length() < 19 && Long.parseLong(declared) > limit) {
            resp.request().reset();
            return Future.failedFuture(new TooLarge(limit));
        }
        Buffer body = Buffer.buffer();
        resp.handler(chunk -> {
            if (body.length() + chunk.length() > limit) {
                done.tryFail(new TooLarge(limit));
                resp.request().reset();
                return;
            }
            body.appendBuffer(chunk);
        });
        resp.exceptionHandler(done::tryFail);
        resp.endHandler(v -> done.tryComplete(new Answer(resp.statusCode(), body.getBytes())));
        return done.future();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The call centers of a comma-separated setting, in order, each once. */
    public static List<String> callCenters(String value) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : value.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return List.copyOf(out);
    }
}
