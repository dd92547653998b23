package io.ctistream.push;

import io.ctistream.push.Jwt.Principal;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket client: authenticates, subscribes to topics within its scope, receives the full
 * current value of each and then every change. Everything for a session runs on its connection's
 * context; a malformed or forbidden frame gets an error frame and the connection stays.
 */
final class Session {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    /** A client that does not answer our close frame within this is cut (Vert.x's own closing timeout is off: see PushServer). */
    static final long CLOSE_GRACE_MILLIS = 2_000;
    /** An error message names what the client sent; cut, so that an error frame stays small whatever came in. */
    static final int MAX_MESSAGE_CHARS = 512;
    static final int MAX_IDEMPOTENCY_KEY_CHARS = 128;
    private long authTimer = -1;

    private final ServerWebSocket ws;
    private final io.vertx.core.http.HttpConnection connection;
    private final Context context;
    private final Vertx vertx;
    private final PushConfig config;
    private final Jwt jwt;
    private final StateView view;
    private final Clock clock;
    private final CommandTracker commands;
    private final Connections connections;
    private final EventStreams events;
    private final Jwks jwks;
    private final PushMetrics metrics;
    private final Subscribers subscribers;
    private final java.util.Map<String, EventStreams.Stream> streams = new java.util.HashMap<>();
    private final Set<String> topics = new LinkedHashSet<>();
    /** Newest value per topic while the client's write queue is full: memory bounded by the subscriptions. */
    private final java.util.LinkedHashMap<String, StateView.Entry> conflated = new java.util.LinkedHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
    private int replacedWhileFull;
    private long queueFullSince;
    private long fullSince;
    private long commandWindowStart;
    private int commandsInWindow;
    private Principal principal;
    private boolean closing;
    /** Whether reading this client's requests waits until its write queue drains (answers count against it too). */
    private boolean inputPaused;
    private long expiryTimer = -1;
    private boolean stopped;
    /** Whether the engine is judged not working (EngineWatch), as last told to this client. */
    private boolean engineSilent;
    private java.util.function.BooleanSupplier engineSilentNow = () -> false;
    private long heartbeatTimer = -1;

    Session(ServerWebSocket ws, io.vertx.core.http.HttpConnection connection, Context context, Vertx vertx, PushConfig config, Jwt jwt, StateView view, CommandTracker commands,
            Connections connections, EventStreams events, Jwks jwks, PushMetrics metrics, Subscribers subscribers, Clock clock) {
        this.metrics = metrics;
        this.subscribers = subscribers;
        this.connections = connections;
        this.events = events;
        this.jwks = jwks;
        this.ws = ws;
        this.connection = connection;
        this.context = context;
        this.vertx = vertx;
        this.config = config;
        this.jwt = jwt;
        this.view = view;
        this.commands = commands;
        this.clock = clock;
    }

    void start() {
        ws.setWriteQueueMaxSize(config.writeQueueBytes());
        ws.drainHandler(v -> drain());
        ws.frameHandler(new InboundMessages(config.maxMessageBytes(), new InboundMessages.Sink() {
            @Override
            public void text(String text) {
                onText(text);
            }

            @Override
            public void binary() {
                error(null, ErrorCode.BAD_FRAME, "only JSON text frames are understood");
            }

            @Override
            public void refuse(CloseCode code, String detail) {
                // once per connection: the connection ends here
                LOG.info("closing a connection: it sent {} [code={}, subject={}]", detail, code.code, principal == null ? null : principal.subject());
                close(code);
            }
        }));
        // a single frame beyond the limit is refused by the WebSocket decoder itself (close 1009), reported here
        ws.exceptionHandler(e -> {
            if (e instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException) {
                LOG.info("closing a connection that broke the WebSocket protocol: {}", e.getMessage());
            } else {
                LOG.debug("websocket failed: {}", e.toString());
            }
        });
        long authDeadline = config.limits().authDeadline().toMillis();
        authTimer = vertx.setTimer(authDeadline, t -> {
            if (principal == null && !stopped) {
                error(null, ErrorCode.NOT_AUTHENTICATED, "no valid token within " + authDeadline + " ms of connecting");
                close(CloseCode.NOT_AUTHENTICATED);
            }
        });
        heartbeatTimer = vertx.setPeriodic(config.heartbeat().toMillis(), id -> {
            if (ws.isClosed()) {
                return;
            }
            // behind: state frames conflated, or the write queue full of anything (event frames, pongs) for too long
            boolean full = ws.writeQueueFull();
            if (full && queueFullSince == 0) {
                queueFullSince = clock.millis();
            } else if (!full) {
                queueFullSince = 0;
            }
            long limit = config.stuckLimit().toMillis();
            if (!conflated.isEmpty() && clock.millis() - fullSince > limit || queueFullSince > 0 && clock.millis() - queueFullSince > limit) {
                LOG.info("closing a client that stayed too slow [subject={}, pending={}]", principal == null ? null : principal.subject(),
                        conflated.size());
                conflated.clear();
                close(CloseCode.TOO_SLOW);
            } else if (!ws.writeQueueFull()) {
                send(new JsonObject().put("type", "heartbeat").put("at", clock.instant().toString()));
            }
        });
    }

    /**
     * Closes with a code, and cuts the connection when the client has not answered the close frame
     * within {@link #CLOSE_GRACE_MILLIS} (a client that does not read cannot read the close frame
     * either). A connection that cannot take a frame now is cut at once instead: its close frame
     * would wait in Vert.x's own queue, and when the cut later failed it, Vert.x started its closing
     * timeout on a connection already closed, which 5 s on completed a promise already done — a WARN
     * with a stack trace about 7 s after every 4008 (issue #19 (7)).
     */
    private void close(CloseCode code) {
        if (closing) {
            return;
        }
        closing = true;
        metrics.closed(code);
        if (!writable()) {
            cut(); // nothing more reaches this client, the close frame neither
            return;
        }
        ws.close(code.code, code.reason);
        vertx.setTimer(CLOSE_GRACE_MILLIS, t -> {
            if (!stopped) {
                cut();
            }
        });
    }

    /** Whether a frame written now goes to the socket rather than into a queue in front of it. */
    private boolean writable() {
        if (ws instanceof io.vertx.core.http.impl.websocket.WebSocketImplBase<?> impl) {
            return impl.channelHandlerContext().channel().isWritable() && !ws.writeQueueFull();
        }
        return !ws.writeQueueFull();
    }

    /**
     * Drops the TCP connection without a closing handshake. Vert.x (5.1) closes a WebSocket, and an
     * HTTP connection carrying one, by sending a close frame and waiting for the echo, and its
     * closing timeout only starts once that frame is written — which never happens while a client
     * that does not read keeps the write queue full. So the channel is closed directly (Vert.x
     * internal API, checked by {@code PushIT.aClientStuckPastTheLimitIsClosed}).
     */
    private void cut() {
        if (ws instanceof io.vertx.core.http.impl.websocket.WebSocketImplBase<?> impl) {
            // below the pipeline: Vert.x's own handler turns a channel close into the same graceful handshake
            io.netty.channel.Channel channel = impl.channelHandlerContext().channel();
            channel.unsafe().close(channel.voidPromise());
        } else {
            connection.close();
        }
    }

    void stop() {
        stopped = true;
        vertx.cancelTimer(heartbeatTimer);
        vertx.cancelTimer(expiryTimer);
        vertx.cancelTimer(authTimer);
        // commands in flight stay with the tracker: their results wait there for a retry from a new connection
        streams.values().forEach(EventStreams.Stream::close);
        streams.clear();
        topics.forEach(t -> subscribers.remove(t, this));
        if (principal != null) {
            connections.release(principal);
        }
    }

    /**
     * A change from the state view, handed over on this connection's event loop by its {@link Fanout};
     * {@code exact}: this session follows the change's own topic (known from {@link Subscribers}, not
     * looked up again in {@link #topics}: for 1,000 wallboards that look-up was a fifth of the loop, ADR 028),
     * else the wildcard of its kind.
     */
    void changed(Frame frame, boolean exact) {
        StateView.Entry entry = frame.entry();
        if (principal == null || stopped || ws.isClosed()) {
            return; // a change queued for a connection that closed meanwhile
        }
        if (exact) {
            if (principal.role() == Jwt.Role.SUPERVISOR && entry.topic().startsWith("agent/") && entry.data() != null
                    && !mayRead("agent", entry.key(), entry)) {
                unfollow(entry.topic()); // the agent moved out of this supervisor's teams
                conflated.remove(entry.topic());
                error(null, ErrorCode.FORBIDDEN, entry.topic() + " left this token's teams; it is unsubscribed");
                EventStreams.Stream log = streams.remove("events/" + entry.topic());
                if (log != null) {
                    log.close();
                    error(null, ErrorCode.FORBIDDEN, "events/" + entry.topic() + " left this token's teams; it is unsubscribed");
                }
                return;
            }
            sendLive(frame);
        } else {
            String kind = entry.topic().substring(0, entry.topic().indexOf('/'));
            if (topics.contains(kind + "/*") && Scopes.canRead(principal, kind, entry.key(), entry)) {
                sendLive(frame);
            }
        }
    }

    private void onText(String text) {
        if (longerThan(text, config.maxFrameBytes())) {
            error(null, ErrorCode.FRAME_TOO_LARGE, "frames are limited to " + config.maxFrameBytes() + " bytes");
            return;
        }
        JsonObject frame;
        try {
            frame = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            error(null, ErrorCode.BAD_JSON, "a frame must be one JSON object");
            return;
        }
        String op = frame.getString("op");
        String id = frame.getValue("id") == null ? null : String.valueOf(frame.getValue("id"));
        if (op == null) {
            error(id, ErrorCode.BAD_FRAME, "a frame needs an op");
            return;
        }
        try {
            dispatch(op, id, frame);
        } catch (ClassCastException e) {
            error(id, ErrorCode.BAD_FRAME, "a field of this " + op + " frame has the wrong type");
        }
    }

    private void dispatch(String op, String id, JsonObject frame) {
        switch (op) {
            case "auth" -> auth(id, frame.getValue("token") instanceof String t ? t : null, true);
            case "ping" -> send(new JsonObject().put("type", "pong").put("id", id).put("at", clock.instant().toString()));
            case "subscribe", "unsubscribe", "command" -> {
                if (principal == null) {
                    error(id, ErrorCode.NOT_AUTHENTICATED, "send {\"op\":\"auth\",\"token\":...} first");
                } else if (op.equals("subscribe")) {
                    subscribe(id, frame);
                } else if (op.equals("unsubscribe")) {
                    unsubscribe(id, frame);
                } else {
                    command(id, frame);
                }
            }
            default -> error(id, ErrorCode.UNKNOWN_OP, "unknown op '" + op + "'");
        }
    }

    /** A bearer token from the upgrade request's {@code Authorization} header: the same as a first auth frame. */
    void authFromHeader(String token) {
        context.runOnContext(v -> auth(null, token, true));
    }

    private void auth(String id, String token, boolean mayRefreshKeys) {
        if (stopped) {
            return; // the connection closed while the key set was being fetched
        }
        Principal p;
        try {
            p = jwt.verify(token, clock.instant());
        } catch (Jwt.Refused e) {
            if (e.code().equals("UNKNOWN_KEY") && mayRefreshKeys && jwks != null) {
                // perhaps the identity provider rotated its keys: look once more, then decide
                jwks.refresh().whenComplete((v, x) -> context.runOnContext(y -> auth(id, token, false)));
                return;
            }
            error(id, e.code().equals("TOKEN_EXPIRED") ? ErrorCode.TOKEN_EXPIRED : ErrorCode.BAD_TOKEN, e.getMessage());
            return;
        }
        if (principal != null && (!principal.subject().equals(p.subject()) || !principal.tenant().equals(p.tenant()))) {
            error(id, ErrorCode.FORBIDDEN, "a replacement token must be for the same subject and tenant");
            return;
        }
        boolean replacement = principal != null;
        if (!replacement && !connections.acquire(p)) {
            error(id, ErrorCode.TOO_MANY_CONNECTIONS, "this user already holds " + config.maxConnectionsPerPrincipal()
                    + " connections to this service; close one first");
            close(CloseCode.TOO_MANY_CONNECTIONS);
            return;
        }
        principal = p;
        if (replacement) {
            dropWhatIsNoLongerInScope(id);
        }
        scheduleExpiry(p.expiresAt());
        send(new JsonObject().put("type", "welcome").put("id", id).put("subject", p.subject()).put("tenant", p.tenant())
                .put("role", p.role().name().toLowerCase()).put("agentId", p.agentId()).put("teams", new JsonArray(p.teams().stream().sorted().toList()))
                .put("expiresAt", p.expiresAt().toString()).put("replaced", replacement)
                .put("heartbeatMillis", config.heartbeat().toMillis()).put("protocol", 1)
                .put("engine", (engineSilent = engineSilentNow.getAsBoolean()) ? "SILENT" : "LIVE"));
    }

    private void scheduleExpiry(Instant expiresAt) {
        vertx.cancelTimer(expiryTimer);
        long left = Math.max(1, expiresAt.toEpochMilli() - clock.millis());
        long warnIn = Math.max(1, left - 30_000);
        long leeway = config.jwtLeeway().toMillis();
        expiryTimer = vertx.setTimer(warnIn, w -> {
            error(null, ErrorCode.TOKEN_EXPIRING, "the token expires at " + expiresAt + "; send a new one with op auth");
            // the same tolerance as when the token was accepted: a token accepted inside it is not cut at once
            expiryTimer = vertx.setTimer(Math.max(1, expiresAt.toEpochMilli() + leeway - clock.millis()), x -> {
                error(null, ErrorCode.TOKEN_EXPIRED, "the token expired at " + expiresAt);
                close(CloseCode.TOKEN_EXPIRED);
            });
        });
    }

    /**
     * A replacement token may carry less (another role, fewer teams): what it may no longer read is
     * unsubscribed, with an error frame naming it.
     */
    private void dropWhatIsNoLongerInScope(String id) {
        Refusals dropped = new Refusals();
        for (String topic : java.util.List.copyOf(topics)) {
            int slash = topic.indexOf('/');
            String kind = topic.substring(0, slash);
            String key = topic.substring(slash + 1);
            if (!mayFollow(kind, key, topic)) {
                unfollow(topic);
                conflated.remove(topic);
                dropped.add(topic, ErrorCode.FORBIDDEN, "the new token may not read " + topic + "; it is unsubscribed");
            }
        }
        for (String topic : java.util.List.copyOf(streams.keySet())) {
            String agentId = topic.substring("events/agent/".length());
            if (!mayRead("agent", agentId, view.get("agent/" + agentId))) {
                streams.remove(topic).close();
                dropped.add(topic, ErrorCode.FORBIDDEN, "the new token may not read " + topic + "; it is unsubscribed");
            }
        }
        error(id, dropped);
    }

    private void subscribe(String id, JsonObject frame) {
        JsonArray wanted = frame.getJsonArray("topics");
        JsonObject resume = frame.getValue("resume") == null ? new JsonObject() : frame.getJsonObject("resume");
        if (tooMany(id, "topics", wanted, config.limits().maxArrayItems()) || tooMany(id, "resume", resume, config.limits().maxResumeEntries())) {
            return;
        }
        for (String k : resume.fieldNames()) {
            if (!(resume.getValue(k) instanceof Number)) {
                error(id, ErrorCode.BAD_FRAME, "resume maps each topic to the last version (or offset) seen, a number; '" + Refusals.cut(k) + "' is not");
                return;
            }
        }
        if (wanted == null || wanted.isEmpty()) {
            error(id, ErrorCode.BAD_FRAME, "subscribe needs a non-empty topics array");
            return;
        }
        JsonArray accepted = new JsonArray();
        Refusals refused = new Refusals();
        int[] removedBudget = {config.maxSubscriptions()}; // a resume map cannot make this subscribe send more than that
        for (Object t : wanted) {
            String topic = String.valueOf(t);
            int slash = topic.indexOf('/');
            String kind = slash < 0 ? "" : topic.substring(0, slash);
            String key = slash < 0 ? "" : topic.substring(slash + 1);
            if (kind.equals("events")) {
                if (subscribeEvents(id, topic, key, resume, refused)) {
                    accepted.add(topic);
                }
                continue;
            }
            if (!Topics.isStateTopic(kind, key)) {
                refused.add(topic, ErrorCode.BAD_TOPIC, "topics are agent/{tenant}/{id}, team/{tenant}/{id}, queue/{tenant}/{id}, team/*, queue/* "
                        + "or events/agent/{tenant}/{id}, not '" + Refusals.cut(topic) + "'");
                continue;
            }
            if (!mayFollow(kind, key, topic)) {
                refused.add(topic, ErrorCode.FORBIDDEN, "this token may not read " + Refusals.cut(topic));
                continue;
            }
            if (noRoomFor(topic, refused)) {
                continue;
            }
            follow(topic);
            accepted.add(topic);
            // read after following: a change stored in between is either in this read or on its way to this session
            if (key.equals("*")) {
                sendWildcardSnapshot(kind, resume, wanted, removedBudget);
            } else {
                sendSnapshot(topic, key, kind, resume.getLong(topic), removedBudget);
            }
        }
        error(id, refused);
        send(new JsonObject().put("type", "subscribed").put("id", id).put("topics", accepted));
    }

    /** True (and the client told, once) when an array or map of a request holds more than {@code max} items: the request is refused whole. */
    private boolean tooMany(String id, String field, Object items, int max) {
        int size = items instanceof JsonArray a ? a.size() : items instanceof JsonObject o ? o.size() : 0;
        if (size <= max) {
            return false;
        }
        error(id, ErrorCode.TOO_MANY_ITEMS, field + " holds " + size + " items; at most " + max + " per request");
        return true;
    }

    /** Whether this token may follow a topic: {@code team/*} and {@code queue/*} for all but agents, else what it may read. */
    private boolean mayFollow(String kind, String key, String topic) {
        return key.equals("*") ? !kind.equals("agent") && principal.role() != Jwt.Role.AGENT : mayRead(kind, key, view.get(topic));
    }

    /** One topic's current value unless {@code known} shows the client has it; a key it had that is gone is reported removed. */
    private void sendSnapshot(String topic, String key, String kind, Long known, int[] removedBudget) {
        StateView.Entry current = view.get(topic);
        if (current != null && (known == null || current.version() > known)) {
            sendState(current);
        } else if (known != null) {
            reportRemoved(topic, key, kind, removedBudget);
        }
    }

    /** Every readable key of a kind the client does not have at its version, and the keys it had that are gone. */
    private void sendWildcardSnapshot(String kind, JsonObject resume, JsonArray wanted, int[] removedBudget) {
        for (StateView.Entry e : view.entries(kind, principal.tenant())) {
            Long known = resume.getLong(e.topic());
            if (Scopes.canRead(principal, kind, e.key(), e) && (known == null || e.version() > known)) {
                sendState(e);
            }
        }
        String prefix = kind + "/";
        for (String seen : resume.fieldNames()) {
            // a key also named on its own in this subscribe is answered there
            if (seen.startsWith(prefix) && !seen.equals(prefix + "*") && !wanted.contains(seen)) {
                reportRemoved(seen, seen.substring(prefix.length()), kind, removedBudget);
            }
        }
    }

    /**
     * A state change for an agent: validated, authorized (an agent its own agent, a supervisor its
     * teams' agents, an admin its tenant's), published with the principal and a deadline; the result
     * comes back as a {@code result} frame to this connection only. No answer by the deadline (no
     * connector serves the agent) is answered TIMED_OUT here.
     */
    private void command(String id, JsonObject frame) {
        long now = clock.millis();
        if (now - commandWindowStart >= 1000) {
            commandWindowStart = now;
            commandsInWindow = 0;
        }
        if (++commandsInWindow > config.commandsPerSecond()) {
            error(id, ErrorCode.RATE_LIMITED, "at most " + config.commandsPerSecond() + " commands per second per connection");
            return;
        }
        String agentId = frame.getValue("agentId") != null ? frame.getString("agentId")
                : principal.role() == Jwt.Role.AGENT ? principal.agentId() : null;
        if (agentId == null) {
            error(id, ErrorCode.BAD_COMMAND, "a command names its agentId");
            return;
        }
        String key = frame.getString("idempotencyKey");
        if (key != null && (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_CHARS)) {
            error(id, ErrorCode.BAD_COMMAND, "an idempotencyKey has 1 to " + MAX_IDEMPOTENCY_KEY_CHARS + " characters");
            return;
        }
        Object payload;
        try {
            payload = Commands.payload(frame.getJsonObject("command"));
        } catch (Commands.Invalid e) {
            error(id, ErrorCode.BAD_COMMAND, e.getMessage());
            return;
        } catch (ClassCastException e) {
            error(id, ErrorCode.BAD_COMMAND, "a field of the command has the wrong type");
            return;
        }
        if (!Scopes.canCommand(principal, agentId, view.get("agent/" + agentId))) {
            error(id, ErrorCode.FORBIDDEN, "this token may not change the state of " + Refusals.cut(agentId));
            return;
        }
        long timeout = Math.min(Math.max(frame.getValue("timeoutMillis") == null ? 10_000L : frame.getLong("timeoutMillis"), 500L), 60_000L);
        Principal issuer = principal;
        CommandTracker.Issue issue = commands.issue(issuer, key, agentId + "\u0000" + frame.getJsonObject("command").encode(), timeout, commandId -> {
            Instant issued = clock.instant();
            return io.ctistream.events.AgentCommand.newBuilder().setCommandId(commandId).setTenant(issuer.tenant()).setAgentId(agentId)
                    .setPrincipal(io.ctistream.events.Principal.newBuilder().setSubject(issuer.subject())
                            .setRole(io.ctistream.events.Role.valueOf(issuer.role().name())).build())
                    .setIssuedAt(issued).setDeadline(issued.plusMillis(timeout)).setCommand(payload).build();
        });
        if (issue.refusal() != null) {
            error(id, issue.refusal(), issue.message());
            return;
        }
        CommandTracker.Tracked tracked = issue.tracked();
        // accepted first, then the result: both on this connection's context, in that order
        tracked.accepted().whenComplete((v, e) -> context.runOnContext(x -> {
            if (e != null) {
                error(id, ErrorCode.UNAVAILABLE, "the command could not be queued; try again");
                return;
            }
            send(new JsonObject().put("type", "accepted").put("id", id).put("commandId", tracked.commandId()).put("repeated", issue.repeat()));
            tracked.result().thenAccept(r -> context.runOnContext(y -> {
                if (!stopped) {
                    metrics.command(r.status());
                    send(new JsonObject().put("type", "result").put("id", id).put("commandId", r.commandId()).put("status", r.status())
                            .put("code", r.code()).put("message", r.message()));
                }
            }));
        }));
    }

    /**
     * {@code events/agent/{id}}: the agent's event log from just after the offset in {@code resume}
     * (or only new events), as {@code event} frames. Scoped like the agent's state.
     */
    private boolean subscribeEvents(String id, String topic, String key, JsonObject resume, Refusals refused) {
        if (!key.startsWith("agent/") || !Topics.isStateTopic("agent", key.substring("agent/".length())) || key.endsWith("/*")) {
            refused.add(topic, ErrorCode.BAD_TOPIC, "event topics are events/agent/{tenant}/{id}, not '" + Refusals.cut(topic) + "'");
            return false;
        }
        String agentId = key.substring("agent/".length());
        if (!mayRead("agent", agentId, view.get("agent/" + agentId))) {
            refused.add(topic, ErrorCode.FORBIDDEN, "this token may not read " + Refusals.cut(topic));
            return false;
        }
        if (!view.isKnownAgent(agentId)) {
            // no stream (and no consumer) for an agent the roster does not know (issue #19 (2))
            refused.add(topic, ErrorCode.UNKNOWN_AGENT, "no agent " + Refusals.cut(agentId) + " in the roster");
            return false;
        }
        if (noRoomFor(topic, refused)) {
            return false;
        }
        if (events == null) {
            refused.add(topic, ErrorCode.UNAVAILABLE, "this service serves no event streams");
            return false;
        }
        EventStreams.Stream previous = streams.remove(topic);
        if (previous != null) {
            previous.close(); // a new subscribe moves where the stream starts
        }
        Long after = resume.getLong(topic);
        EventStreams.Stream[] self = new EventStreams.Stream[1];
        EventStreams.Opened opened = events.open(principal, agentId, after, new EventStreams.Listener() {
            @Override
            public void events(java.util.List<EventStreams.Event> batch) {
                context.runOnContext(v -> {
                    if (streams.get(topic) != self[0]) {
                        return;
                    }
                    for (EventStreams.Event e : batch) {
                        send(new JsonObject().put("type", "event").put("topic", topic).put("key", agentId).put("offset", e.offset()).put("data", e.data()));
                    }
                    if (ws.writeQueueFull()) {
                        self[0].pause(true); // the log is the buffer; resumed on drain
                    }
                });
            }

            @Override
            public void trimmed(long earliest) {
                context.runOnContext(v -> error(id, ErrorCode.EVENTS_TRIMMED, "events after offset " + after + " are no longer kept; "
                        + "the stream starts at the oldest kept event, offset " + earliest));
            }
        });
        if (opened.stream() == null) {
            refused.add(topic, opened.refusal(), opened.message());
            return false;
        }
        self[0] = opened.stream();
        streams.put(topic, opened.stream());
        return true;
    }

    /**
     * Scopes, plus: a supervisor may follow an agent of its teams that has no state yet (a new
     * roster entry), found in its teams' member lists.
     */
    private boolean mayRead(String kind, String key, StateView.Entry current) {
        if (Scopes.canRead(principal, kind, key, current)) {
            return true;
        }
        if (kind.equals("agent") && current == null && principal.role() == Jwt.Role.SUPERVISOR) {
            for (String team : principal.teams()) {
                StateView.Entry t = view.get("team/" + team);
                if (t != null && t.data() != null && t.data().getJsonArray("members", new JsonArray()).contains(key)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void unsubscribe(String id, JsonObject frame) {
        JsonArray gone = frame.getValue("topics") == null ? new JsonArray() : frame.getJsonArray("topics");
        if (tooMany(id, "topics", gone, config.limits().maxArrayItems())) {
            return;
        }
        gone.forEach(t -> {
            unfollow(String.valueOf(t));
            EventStreams.Stream s = streams.remove(String.valueOf(t));
            if (s != null) {
                s.close();
            }
        });
        send(new JsonObject().put("type", "unsubscribed").put("id", id).put("topics", gone));
    }

    /** True (and the refusal noted) when following one more topic would pass the limit; one already followed costs nothing. */
    private boolean noRoomFor(String topic, Refusals refused) {
        if (topics.contains(topic) || streams.containsKey(topic) || topics.size() + streams.size() < config.maxSubscriptions()) {
            return false;
        }
        refused.add(topic, ErrorCode.TOO_MANY_SUBSCRIPTIONS, "a connection follows at most " + config.maxSubscriptions() + " topics");
        return true;
    }

    private void follow(String topic) {
        if (topics.add(topic)) {
            subscribers.add(topic, this);
        }
    }

    private void unfollow(String topic) {
        if (topics.remove(topic)) {
            subscribers.remove(topic, this);
        }
    }

    /**
     * A change as it happens: the frame encoded once for the whole event loop written now (and its
     * end-to-end lag recorded), or the value conflated while this client is behind.
     */
    private void sendLive(Frame frame) {
        if (!conflated.isEmpty() || ws.writeQueueFull()) {
            sendState(frame.entry());
            return;
        }
        Long lag = frame.lagMillis();
        if (lag != null) {
            metrics.lag(lag);
        }
        metrics.stateFrame();
        sendBytes(frame.live());
    }

    /** State frames wait, newest value per topic, while the client does not keep up. */
    /** Where this session reads whether the engine works (set before {@link #start()}). */
    void engine(java.util.function.BooleanSupplier silentNow) {
        engineSilentNow = silentNow;
    }

    /** The engine fell silent or works again: an authenticated client is told at once (the newest verdict), later ones in their welcome. */
    void engineChanged() {
        context.runOnContext(v -> {
            boolean silent = engineSilentNow.getAsBoolean();
            if (engineSilent == silent || principal == null) {
                return;
            }
            engineSilent = silent;
            if (!stopped) {
                send(new JsonObject().put("type", "engine").put("state", silent ? "SILENT" : "LIVE").put("at", clock.instant().toString()));
            }
        });
    }

    /** Whether {@code text} takes more than {@code maxBytes} bytes in UTF-8 (as on the wire), without encoding it. */
    static boolean longerThan(String text, int maxBytes) {
        if (text.length() > maxBytes) {
            return true;
        }
        if ((long) text.length() * 3 <= maxBytes) {
            return false;
        }
        long bytes = 0;
        for (int i = 0; i < text.length() && bytes <= maxBytes; i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3; // a surrogate pair: 4
        }
        return bytes > maxBytes;
    }

    /**
     * Tells the client a key it had is gone (deleted while it was away), if the key is absent from a
     * fully loaded view (a view still loading would call keys removed it has not read yet) and the
     * token may read it; each report spends one of the subscribe's budget.
     */
    private void reportRemoved(String topic, String key, String kind, int[] budget) {
        if (budget[0] <= 0 || !view.loaded().isDone() || view.get(topic) != null || !Scopes.canRead(principal, kind, key, null)) {
            return;
        }
        budget[0]--;
        sendState(new StateView.Entry(topic, key, Long.MAX_VALUE, null));
    }

    private void sendState(StateView.Entry e) {
        if (!conflated.isEmpty() || ws.writeQueueFull()) {
            if (conflated.isEmpty()) {
                fullSince = clock.millis();
            }
            if (conflated.put(e.topic(), e) != null) {
                replacedWhileFull++;
            }
            return;
        }
        writeState(e);
    }

    private void drain() {
        if (stopped || ws.isClosed()) {
            return;
        }
        streams.values().forEach(s -> s.pause(false));
        if (inputPaused) {
            inputPaused = false;
            ws.resume();
        }
        if (conflated.isEmpty()) {
            return;
        }
        if (replacedWhileFull > 0) {
            metrics.conflated();
            send(new JsonObject().put("type", "conflated").put("skipped", replacedWhileFull)
                    .put("message", "updates were merged to the newest value per topic while this client fell behind"));
            replacedWhileFull = 0;
        }
        var it = conflated.values().iterator();
        while (it.hasNext() && !ws.writeQueueFull()) {
            StateView.Entry e = it.next();
            it.remove();
            writeState(e);
        }
    }

    /** Frames held back for this client now (a bound: one per subscribed topic). */
    int pending() {
        return conflated.size();
    }

    /** A value sent on subscribe, on resume or after a backlog: its frame as of now, without a lag. */
    private void writeState(StateView.Entry e) {
        metrics.stateFrame();
        sendText(Frame.text(e, clock.millis(), null));
    }

    private void error(String id, ErrorCode code, String message) {
        metrics.error(code.name());
        send(new JsonObject().put("type", "error").put("id", id).put("code", code.name()).put("message", cut(message)));
    }

    /** One error frame for every item of a request that was refused (issue #19 (1)); nothing when none was. */
    private void error(String id, Refusals refusals) {
        if (!refusals.isEmpty()) {
            metrics.error(refusals.code().name());
            send(refusals.into(new JsonObject().put("type", "error").put("id", id).put("code", refusals.code().name())));
        }
    }

    private static String cut(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS) + "…";
    }

    private void sendText(String frame) {
        if (!ws.isClosed()) {
            written(frame.length(), ws.writeTextMessage(frame));
        }
    }

    /**
     * A text frame already in UTF-8, shared with the other sessions of this event loop (ADR 028):
     * wrapped, not copied (Vert.x's {@code writeTextMessage} would encode the string again for every
     * session; its frame type taking a buffer is internal API, as in {@link #cut()}).
     */
    private void sendBytes(byte[] utf8) {
        if (ws.isClosed()) {
            return;
        }
        if (utf8.length > config.maxMessageBytes()) {
            sendText(new String(utf8, java.nio.charset.StandardCharsets.UTF_8)); // Vert.x splits it into frames within the limit
            return;
        }
        written(utf8.length, ws.writeFrame(new io.vertx.core.http.impl.websocket.WebSocketFrameImpl(io.vertx.core.http.WebSocketFrameType.TEXT,
                io.netty.buffer.Unpooled.wrappedBuffer(utf8), true)));
    }

    /** Counts a frame handed to the socket until it is written, and stops reading a client whose write queue filled. */
    private void written(long size, io.vertx.core.Future<Void> write) {
        queuedBytes.addAndGet(size);
        write.onComplete(v -> queuedBytes.addAndGet(-size), e -> {
            queuedBytes.addAndGet(-size);
            LOG.debug("frame not written: {}", e.toString());
        });
        if (!inputPaused && ws.writeQueueFull()) {
            // answers count against the write queue like state frames: a client that does not read
            // what it asked for is not read either, until it catches up (or is cut when stuck)
            inputPaused = true;
            ws.pause();
        }
    }

    private void send(JsonObject frame) {
        sendText(frame.encode());
    }

    /** Characters handed to the socket and not yet written out (about the bytes this connection holds). */
    long queuedBytes() {
        return queuedBytes.get();
    }
}
