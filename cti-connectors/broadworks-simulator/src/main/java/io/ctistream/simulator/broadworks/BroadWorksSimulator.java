package io.ctistream.simulator.broadworks;

import io.ctistream.simulator.support.AcdPlan;
import io.ctistream.simulator.support.CallCenterDay;
import io.ctistream.sip.DigestAuth;
import io.ctistream.sip.FreePort;
import io.ctistream.sip.SipStacks;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.EventHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SIP notifier that behaves like a BroadWorks Application Server for many users: the
 * {@code x-broadworks-hoteling}, {@code as-feature-event} and {@code dialog} packages over UDP and
 * TCP, Digest challenges, reduced Expires grants and 423, multipart full-state NOTIFYs, the hoteling
 * nonce challenge, SetAgentState / DND / forwarding, calls, and fault injection. All state lives on
 * one executor thread; the public methods hop onto it and wait.
 */
public final class BroadWorksSimulator implements SipListener, AutoCloseable {
    public static final String HOTELING = "x-broadworks-hoteling";
    public static final String FEATURE = "as-feature-event";
    public static final String DIALOG = "dialog";
    private static final Logger LOG = LoggerFactory.getLogger(BroadWorksSimulator.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong STACKS = new AtomicLong();

    /**
     * @param maxExpires the longest subscription granted; longer requests are reduced to it
     * @param minExpires shorter requests get 423 Interval Too Brief with this Min-Expires
     */
    public record Settings(String host, int port, String domain, int maxExpires, int minExpires, String realm, Tls tls) {
        public static Settings loopback(int port) {
            return new Settings("127.0.0.1", port, "as.example", 3600, 60, "BroadWorks", null);
        }

        public Settings withExpires(int max, int min) {
            return new Settings(host, port, domain, max, min, realm, tls);
        }

        /** Also listens for SIP over TLS on {@code tlsPort} (0: a free one), with this certificate (PKCS12) and trust. */
        public Settings withTls(int tlsPort, String keyStore, String trustStore, String password) {
            return new Settings(host, port, domain, maxExpires, minExpires, realm, new Tls(tlsPort, keyStore, trustStore, password));
        }

        Settings withPorts(int port, int tlsPort) {
            return new Settings(host, port, domain, maxExpires, minExpires, realm,
                    tls == null ? null : new Tls(tlsPort, tls.keyStore(), tls.trustStore(), tls.password()));
        }
    }

    /** The simulator's TLS listener: its certificate, what it trusts when it opens connections to deliver NOTIFYs. */
    public record Tls(int port, String keyStore, String trustStore, String password) {
    }

    /**
     * A user provisioned on the AS.
     *
     * @param guestPasswords for a hoteling host: the guests that may sign in and their passwords
     * @param digestPassword the SIP credential; null means SUBSCRIBEs are not challenged
     */
    public record UserSpec(String user, boolean hoteling, Map<String, String> guestPasswords, String digestPassword) {
    }

    private final Settings settings;
    private final SipStack stack;
    private final SipProvider provider;
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final ScheduledExecutorService exec;
    private final Map<String, SimUser> users = new LinkedHashMap<>();
    private final Map<String, SimSubscription> subscriptions = new LinkedHashMap<>();
    private final Map<String, String> nonces = new ConcurrentHashMap<>();
    private final AtomicLong subscribesReceived = new AtomicLong();
    private final AtomicLong notifiesSent = new AtomicLong();
    private final AtomicLong notifiesAnswered = new AtomicLong();
    private int reject503;
    private Duration slowAnswers = Duration.ZERO;
    /** An outage: nothing is answered and nothing is sent (a crashed AS, a cut network). */
    private volatile boolean down;
    private volatile boolean ignoreOptions;
    private final java.util.concurrent.atomic.AtomicInteger optionsReceived = new java.util.concurrent.atomic.AtomicInteger();
    private long callSeq;
    private CallCenterDay<SimUser, SimCall> acd;

    private BroadWorksSimulator(Settings settings) throws Exception {
        this.settings = settings;
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bw-simulator");
            t.setDaemon(true);
            return t;
        });
        Properties extra = new Properties();
        if (settings.tls() != null) {
            extra.setProperty("javax.net.ssl.keyStore", settings.tls().keyStore());
            extra.setProperty("javax.net.ssl.keyStorePassword", settings.tls().password());
            extra.setProperty("javax.net.ssl.keyStoreType", "pkcs12");
            extra.setProperty("javax.net.ssl.trustStore", settings.tls().trustStore());
            extra.setProperty("javax.net.ssl.trustStorePassword", settings.tls().password());
            extra.setProperty("javax.net.ssl.trustStoreType", "pkcs12");
            extra.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
            extra.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.2,TLSv1.3");
        }
        this.stack = SipStacks.create("bw-simulator-" + STACKS.incrementAndGet(), extra);
        javax.sip.SipFactory factory = javax.sip.SipFactory.getInstance();
        this.addresses = factory.createAddressFactory();
        this.headers = factory.createHeaderFactory();
        this.messages = factory.createMessageFactory();
        ListeningPoint udp = stack.createListeningPoint(settings.host(), settings.port(), ListeningPoint.UDP);
        ListeningPoint tcp = stack.createListeningPoint(settings.host(), settings.port(), ListeningPoint.TCP);
        this.provider = stack.createSipProvider(udp);
        provider.addListeningPoint(tcp);
        if (settings.tls() != null) {
            provider.addListeningPoint(stack.createListeningPoint(settings.host(), settings.tls().port(), ListeningPoint.TLS));
        }
        provider.addSipListener(this);
        stack.start();
        exec.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS);
        LOG.info("broadworks simulator listening [host={}, port={}, transports=udp,tcp]", settings.host(), settings.port());
    }

    /** Starts a simulator; port 0 picks a free one. */
    public static BroadWorksSimulator start(Settings settings) {
        try {
            int port = settings.port() == 0 ? FreePort.find(settings.host()) : settings.port();
            int tlsPort = settings.tls() == null ? 0 : settings.tls().port();
            while (settings.tls() != null && (tlsPort == 0 || tlsPort == port)) {
                tlsPort = FreePort.find(settings.host());
            }
            return new BroadWorksSimulator(settings.withPorts(port, tlsPort));
        } catch (Exception e) {
            throw new IllegalStateException("the broadworks simulator did not start: " + e.getMessage(), e);
        }
    }

    public int port() {
        return settings.port();
    }

    /** The TLS port, or 0 without TLS. */
    public int tlsPort() {
        return settings.tls() == null ? 0 : settings.tls().port();
    }

    public String host() {
        return settings.host();
    }

    public String domain() {
        return settings.domain();
    }

    /** The address of a user, e.g. {@code sip:6001@as.example}. */
    public String aor(String user) {
        return "sip:" + user + "@" + settings.domain();
    }

    // ---------------------------------------------------------------- provisioning and observation

    public void addUser(UserSpec spec) {
        call(() -> users.put(spec.user(), new SimUser(spec.user(), settings.domain(), spec.hoteling(),
                spec.guestPasswords() == null ? Map.of() : spec.guestPasswords(), spec.digestPassword())));
    }

    /** Live subscriptions of one user to one package. */
    public int activeSubscriptions(String user, String pkg) {
        return call(() -> (int) subscriptions.values().stream().filter(s -> s.user.user.equals(user) && s.pkg.equals(pkg)).count());
    }

    public int activeSubscriptions() {
        return call(subscriptions::size);
    }

    /** The user's ACD state as the AS holds it: loggedOn, ready, notReady, workingAfterCall, loggedOff. */
    public String agentState(String user) {
        return call(() -> switch (user(user).agentState) {
            case LOGGED_ON -> "loggedOn";
            case READY -> "ready";
            case NOT_READY -> "notReady";
            case WRAP_UP -> "workingAfterCall";
            case LOGGED_OFF -> "loggedOff";
        });
    }

    public String guest(String user) {
        return call(() -> user(user).guest);
    }

    public boolean dnd(String user) {
        return call(() -> user(user).dnd);
    }

    public long subscribesReceived() {
        return subscribesReceived.get();
    }

    /** SUBSCRIBEs (initial, refresh, command, unsubscribe) received for one user. */
    public long subscribesReceived(String user) {
        return call(() -> user(user).subscribes);
    }

    public long notifiesSent() {
        return notifiesSent.get();
    }

    /** NOTIFYs the subscriber answered with a 2xx: equal to {@link #notifiesSent()} once every change sent so far was taken in. */
    public long notifiesAnswered() {
        return notifiesAnswered.get();
    }

    // ---------------------------------------------------------------- the platform acting on its own

    /** A state change made on the AS (a supervisor, the ACD itself): NOTIFYs every subscriber. */
    public void setAgentState(String user, String state, String reason) {
        call(() -> {
            ops.setState(user(user), state, reason);
            return null;
        });
    }

    /** The same state change for many users in one step (load drivers): one NOTIFY per subscriber of each. */
    public void setAgentStates(java.util.Collection<String> names, String state, String reason) {
        call(() -> {
            for (String name : names) {
                ops.setState(user(name), state, reason);
            }
            return null;
        });
    }

    /** Offers a call to the user; {@code calledAddress} is the queue's address for an ACD call. Returns the call id. */
    public String offerCall(String user, String calledAddress, String caller, String callerName) {
        return call(() -> ops.offer(user(user), calledAddress, caller, callerName).callId);
    }

    public void answerCall(String user, String callId) {
        call(() -> {
            SimUser u = user(user);
            ops.answer(u, findCall(u, callId));
            return null;
        });
    }

    public void holdCall(String user, String callId, boolean held) {
        call(() -> {
            SimUser u = user(user);
            ops.hold(u, findCall(u, callId), held);
            return null;
        });
    }

    /** Ends the call; an ACD call puts the agent in wrap-up when {@code wrapUp} is set. */
    public void hangUp(String user, String callId, boolean wrapUp) {
        call(() -> {
            SimUser u = user(user);
            ops.hangUp(u, findCall(u, callId));
            if (wrapUp) {
                ops.setState(u, "workingAfterCall", null);
            }
            return null;
        });
    }

    /** What the ACD mode has done so far. */
    public record AcdStats(long offered, long answered, long wrapUps, long breaks) {
    }

    /** Runs the call center of {@code plan} until {@link #stopAcd()}; {@code seed} makes a run repeatable. */
    public void startAcd(AcdPlan plan, long seed) {
        call(() -> {
            if (acd != null) {
                acd.stop();
            }
            acd = new CallCenterDay<>(plan, floor, exec, seed);
            acd.start();
            return null;
        });
    }

    public void stopAcd() {
        call(() -> {
            if (acd != null) {
                acd.stop();
            }
            return null;
        });
    }

    public AcdStats acdStats() {
        return call(() -> acd == null ? new AcdStats(0, 0, 0, 0) : new AcdStats(acd.offered(), acd.answered(), acd.wrapUps(), acd.breaks()));
    }

    /** What the public methods and the call-center day do on the AS; all on the executor. */
    private interface Operations {
        SimUser user(String name);

        void setState(SimUser u, String state, String reason);

        SimCall offer(SimUser u, String calledAddress, String caller, String callerName);

        void answer(SimUser u, SimCall c);

        void hold(SimUser u, SimCall c, boolean held);

        void hangUp(SimUser u, SimCall c);
    }

    /** The shared call-center day on this AS: its agents are users, its calls dialogs, its activities ACD states. */
    private final CallCenterDay.Floor<SimUser, SimCall> floor = new CallCenterDay.Floor<>() {
        @Override
        public SimUser agent(String name) {
            return ops.user(name);
        }

        @Override
        public String name(SimUser agent) {
            return agent.user;
        }

        @Override
        public CallCenterDay.Activity activity(SimUser agent) {
            return switch (agent.agentState) {
                case READY -> CallCenterDay.Activity.READY;
                case NOT_READY -> CallCenterDay.Activity.NOT_READY;
                case WRAP_UP -> CallCenterDay.Activity.WRAP_UP;
                default -> CallCenterDay.Activity.OTHER;
            };
        }

        @Override
        public boolean busy(SimUser agent) {
            return !agent.calls.isEmpty();
        }

        @Override
        public boolean has(SimUser agent, SimCall call) {
            return agent.calls.contains(call);
        }

        @Override
        public void set(SimUser agent, CallCenterDay.Activity activity, String reason) {
            ops.setState(agent, switch (activity) {
                case READY -> "ready";
                case NOT_READY -> "notReady";
                case WRAP_UP -> "workingAfterCall";
                case OTHER -> "loggedOn";
            }, reason);
        }

        @Override
        public SimCall offer(SimUser agent, String queueAddress, String caller, String callerName) {
            return ops.offer(agent, queueAddress, caller, callerName);
        }

        @Override
        public void answer(SimUser agent, SimCall call) {
            ops.answer(agent, call);
        }

        @Override
        public void hold(SimUser agent, SimCall call, boolean held) {
            ops.hold(agent, call, held);
        }

        @Override
        public void hangUp(SimUser agent, SimCall call) {
            ops.hangUp(agent, call);
        }
    };

    private final Operations ops = new Operations() {
        @Override
        public SimUser user(String name) {
            return BroadWorksSimulator.this.user(name);
        }

        @Override
        public void setState(SimUser u, String state, String reason) {
            applyAgentState(u, state, reason);
            notifySubscribers(u, FEATURE, Bodies.agentState(u).getBytes(StandardCharsets.ISO_8859_1), Bodies.FEATURE_TYPE);
        }

        @Override
        public SimCall offer(SimUser u, String calledAddress, String caller, String callerName) {
            long n = ++callSeq;
            SimCall c = new SimCall("d" + n, "sim-call-" + n + "-" + hex(4), true,
                    calledAddress == null ? u.aor : calledAddress, caller, callerName, SimCall.State.EARLY);
            u.calls.add(c);
            notifyDialogs(u);
            return c;
        }

        @Override
        public void answer(SimUser u, SimCall c) {
            c.state = SimCall.State.CONFIRMED;
            notifyDialogs(u);
        }

        @Override
        public void hold(SimUser u, SimCall c, boolean held) {
            c.held = held;
            notifyDialogs(u);
        }

        @Override
        public void hangUp(SimUser u, SimCall c) {
            c.state = SimCall.State.TERMINATED;
            c.endEvent = "bye";
            notifyDialogs(u);
            u.calls.remove(c);
        }
    };

    // ---------------------------------------------------------------- faults

    /** The next {@code n} NOTIFYs to this user's subscribers are not sent (the state still changes). */
    public void dropNotifies(String user, int n) {
        call(() -> user(user).dropNotifies = n);
    }

    /** The user's next refresh (in-dialog SUBSCRIBE without a body) gets 481 and its subscription is forgotten. */
    public void fail481OnNextRefresh(String user) {
        call(() -> user(user).fail481OnRefresh = true);
    }

    /** Command SUBSCRIBEs for the user are accepted (200) and then ignored: no state change, no NOTIFY. */
    /** The Expires the last command SUBSCRIBE of the user asked for. */
    public int lastCommandExpires(String user) {
        return call(() -> user(user).lastCommandExpires);
    }

    /** Command documents (SetAgentState, SetHoteling, …) the user's subscriptions carried so far, ignored ones included. */
    public int commandsReceived(String user) {
        return call(() -> user(user).commandsReceived);
    }

    public void ignoreCommands(String user, boolean ignore) {
        call(() -> user(user).ignoreCommands = ignore);
    }

    /** The next {@code n} SUBSCRIBEs get 503 Service Unavailable with Retry-After 1. */
    public void reject503(int n) {
        call(() -> reject503 = n);
    }

    /** Answers to SUBSCRIBEs are held back this long. */
    public void slowAnswers(Duration delay) {
        call(() -> slowAnswers = delay);
    }

    /** Ends the user's subscriptions to a package with {@code terminated;reason=...[;retry-after=...]}. */
    public void terminate(String user, String pkg, String reason, Integer retryAfter) {
        call(() -> {
            for (SimSubscription s : List.copyOf(subscriptions.values())) {
                if (s.user.user.equals(user) && s.pkg.equals(pkg)) {
                    untrack(s.key);
                    sendNotify(s, null, null, reason, retryAfter);
                }
            }
            return null;
        });
    }

    /** Sends any body, malformed or hostile, in a NOTIFY to every subscriber of the user's package. */
    public void sendRaw(String user, String pkg, String contentType, byte[] body) {
        call(() -> {
            SimUser u = user(user);
            for (SimSubscription s : List.copyOf(subscriptions.values())) {
                if (s.user == u && s.pkg.equals(pkg)) {
                    sendNotify(s, body, contentType, null, null);
                }
            }
            return null;
        });
    }

    /**
     * An outage (the AS down or the network cut) while {@code on}: no request is answered, no NOTIFY
     * leaves; users' states still change. With {@link #restart()} before it ends, an AS that came back
     * without its subscriptions.
     */
    public void outage(boolean on) {
        down = on;
        LOG.info("simulator outage {}", on ? "begins" : "ends");
    }

    /** OPTIONS are dropped unanswered (an AS or SBC that does not answer them) while {@code on}. */
    public void ignoreOptions(boolean on) {
        ignoreOptions = on;
    }

    /** OPTIONS received (answered or not). */
    public int optionsReceived() {
        return optionsReceived.get();
    }

    /** An AS restart: every subscription is forgotten without a word; users keep their state. */
    public void restart() {
        call(() -> {
            int n = subscriptions.size();
            subscriptions.clear();
            for (SimUser u : users.values()) {
                u.subscriptions.clear();
                u.calls.clear();
                u.pendingNonce = null;
            }
            LOG.info("simulator restarted: {} subscriptions forgotten", n);
            return null;
        });
    }

    @Override
    public void close() {
        exec.shutdownNow();
        stack.stop();
    }

    // ---------------------------------------------------------------- SIP

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        boolean options = Request.OPTIONS.equals(request.getMethod());
        if (options) {
            optionsReceived.incrementAndGet();
        }
        if (down || options && ignoreOptions) {
            return; // unanswered: the peer retransmits, then times out
        }
        ServerTransaction st = event.getServerTransaction();
        try {
            if (st == null) {
                st = provider.getNewServerTransaction(request);
            }
        } catch (Exception e) {
            LOG.debug("no server transaction for a {} (a retransmission?)", request.getMethod());
            return;
        }
        ServerTransaction tx = st;
        Duration delay = slowAnswers;
        Runnable work = () -> {
            try {
                if (Request.SUBSCRIBE.equals(request.getMethod())) {
                    onSubscribe(request, tx);
                } else if (options) {
                    respond(tx, request, Response.OK); // alive
                } else {
                    respond(tx, request, Response.METHOD_NOT_ALLOWED);
                }
            } catch (Exception e) {
                LOG.warn("simulator failed on a {}", request.getMethod(), e);
                respond(tx, request, Response.SERVER_INTERNAL_ERROR);
            }
        };
        if (exec.isShutdown()) {
            return; // closing: the peer will retransmit or time out, as with a stopped AS
        }
        try {
            if (delay.isZero()) {
                exec.execute(work);
            } else {
                exec.schedule(work, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("simulator is closing; a {} is not answered", request.getMethod());
        }
    }

    private void onSubscribe(Request request, ServerTransaction tx) throws Exception {
        subscribesReceived.incrementAndGet();
        if (reject503 > 0) {
            reject503--;
            Response r = messages.createResponse(Response.SERVICE_UNAVAILABLE, request);
            r.addHeader(headers.createRetryAfterHeader(1));
            tx.sendResponse(r);
            return;
        }
        EventHeader eventHeader = (EventHeader) request.getHeader(EventHeader.NAME);
        String pkg = eventHeader == null ? null : eventHeader.getEventType().toLowerCase(Locale.ROOT);
        if (pkg == null || !Set.of(HOTELING, FEATURE, DIALOG).contains(pkg)) {
            respond(tx, request, Response.BAD_EVENT);
            return;
        }
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        SimSubscription existing = to.getTag() == null ? null : subscriptions.get(callId + ";" + to.getTag());
        // in a dialog the request goes to our Contact, which names no user: the dialog does
        String userPart = existing != null ? existing.user.user : ((SipURI) request.getRequestURI()).getUser();
        SimUser u = userPart == null ? null : users.get(userPart);
        if (u == null && to.getTag() == null) {
            respond(tx, request, Response.NOT_FOUND);
            return;
        }
        if (u != null) {
            u.subscribes++;
        }
        ExpiresHeader expiresHeader = request.getExpires();
        int requested = expiresHeader == null ? 3600 : expiresHeader.getExpires();
        byte[] body = request.getRawContent();
        boolean hasBody = body != null && body.length > 0;
        if (to.getTag() != null) {
            SimSubscription s = existing;
            if (s == null) {
                respond(tx, request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
                return;
            }
            if (!hasBody && u.fail481OnRefresh) {
                u.fail481OnRefresh = false;
                untrack(s.key);
                respond(tx, request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
                return;
            }
            inDialog(s, request, tx, requested, hasBody ? body : null);
            return;
        }
        if (u.digestPassword != null && !authorized(request, u)) {
            challenge(tx, request);
            return;
        }
        if (requested != 0 && requested < settings.minExpires()) {
            Response r = messages.createResponse(Response.INTERVAL_TOO_BRIEF, request);
            r.addHeader(headers.createMinExpiresHeader(settings.minExpires()));
            tx.sendResponse(r);
            return;
        }
        if (requested == 0) {
            respond(tx, request, Response.OK);
            return;
        }
        int granted = Math.min(requested, settings.maxExpires());
        String transport = ((ViaHeader) request.getHeader(ViaHeader.NAME)).getTransport().toLowerCase(Locale.ROOT);
        ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
        URI contactUri = contact != null ? contact.getAddress().getURI() : from.getAddress().getURI();
        SimSubscription s = new SimSubscription(u, pkg, eventHeader.getEventId(), callId, hex(6), from.getTag(),
                addresses.createAddress(to.getAddress().getURI()), from.getAddress(), contactUri, transport);
        s.expiresAt = System.currentTimeMillis() + granted * 1000L;
        track(s);
        ok(tx, request, s, granted);
        sendFullState(s);
    }

    private void inDialog(SimSubscription s, Request request, ServerTransaction tx, int requested, byte[] body) throws Exception {
        if (requested == 0) {
            untrack(s.key);
            ok(tx, request, s, 0);
            sendNotify(s, null, null, "timeout", null);
            return;
        }
        if (requested < settings.minExpires()) {
            Response r = messages.createResponse(Response.INTERVAL_TOO_BRIEF, request);
            r.addHeader(headers.createMinExpiresHeader(settings.minExpires()));
            tx.sendResponse(r);
            return;
        }
        int granted = Math.min(requested, settings.maxExpires());
        if (body == null) {
            s.expiresAt = System.currentTimeMillis() + granted * 1000L;
            ok(tx, request, s, granted);
            sendFullState(s);
            return;
        }
        CommandXml.Doc doc;
        try {
            doc = CommandXml.parse(body);
        } catch (IllegalArgumentException e) {
            respond(tx, request, Response.UNSUPPORTED_MEDIA_TYPE);
            return;
        }
        s.expiresAt = System.currentTimeMillis() + granted * 1000L;
        ok(tx, request, s, granted);
        SimUser u = s.user;
        u.commandsReceived++;
        u.lastCommandExpires = requested;
        if (u.ignoreCommands) {
            LOG.info("simulator ignores a command [user={}, command={}]", u.user, doc.root());
            return;
        }
        switch (s.pkg + "/" + doc.root()) {
            case HOTELING + "/SetHoteling" -> setHoteling(u, doc);
            case FEATURE + "/SetAgentState" -> {
                applyAgentState(u, doc.get("requestedAgentState"), doc.get("AgentNotReadyReasonValue"));
                notifySubscribers(u, FEATURE, Bodies.agentState(u).getBytes(StandardCharsets.ISO_8859_1), Bodies.FEATURE_TYPE);
            }
            case FEATURE + "/SetDoNotDisturb" -> {
                u.dnd = Boolean.parseBoolean(doc.get("doNotDisturbOn"));
                notifySubscribers(u, FEATURE, Bodies.dnd(u).getBytes(StandardCharsets.ISO_8859_1), Bodies.FEATURE_TYPE);
            }
            case FEATURE + "/SetForwarding" -> {
                String type = doc.get("forwardingType");
                String rings = doc.get("ringCount");
                u.forwarding.put(type, new SimUser.Forward(Boolean.parseBoolean(doc.get("activateForward")),
                        blankToNull(doc.get("forwardDN")), rings == null || rings.isBlank() ? null : Integer.valueOf(rings)));
                notifySubscribers(u, FEATURE, Bodies.forwarding(u, type).getBytes(StandardCharsets.ISO_8859_1), Bodies.FEATURE_TYPE);
            }
            default -> LOG.info("simulator does not know the command [package={}, root={}]", s.pkg, doc.root());
        }
    }

    private void setHoteling(SimUser u, CommandXml.Doc doc) {
        String guest = blankToNull(doc.get("guestAddress"));
        String nonce = blankToNull(doc.get("nonce"));
        if (guest == null) {
            u.guest = null;
            u.pendingNonce = null;
            notifySubscribers(u, HOTELING, Bodies.hoteling(null, null).getBytes(StandardCharsets.UTF_8), Bodies.HOTELING_TYPE);
            return;
        }
        String password = u.guestPasswords.get(guest);
        if (!u.hoteling || password == null) {
            notifySubscribers(u, HOTELING, Bodies.hoteling(null, null).getBytes(StandardCharsets.UTF_8), Bodies.HOTELING_TYPE);
            return;
        }
        if (nonce == null || !nonce.equals(u.pendingNonce) || !guest.equals(u.pendingGuest)) {
            u.pendingNonce = hex(5);
            u.pendingGuest = guest;
            notifySubscribers(u, HOTELING, Bodies.hoteling(null, u.pendingNonce).getBytes(StandardCharsets.UTF_8), Bodies.HOTELING_TYPE);
            return;
        }
        String expected = DigestAuth.md5(nonce + ":" + password);
        if (!expected.equalsIgnoreCase(doc.get("response"))) {
            // the same nonce again: the client knows the password was refused
            notifySubscribers(u, HOTELING, Bodies.hoteling(null, u.pendingNonce).getBytes(StandardCharsets.UTF_8), Bodies.HOTELING_TYPE);
            return;
        }
        u.guest = guest;
        u.pendingNonce = null;
        notifySubscribers(u, HOTELING, Bodies.hoteling(guest, null).getBytes(StandardCharsets.UTF_8), Bodies.HOTELING_TYPE);
    }

    private void applyAgentState(SimUser u, String requested, String reason) {
        switch (requested == null ? "" : requested) {
            case "loggedOn" -> u.agentState = SimUser.AcdState.LOGGED_ON;
            case "ready" -> u.agentState = SimUser.AcdState.READY;
            case "notReady" -> u.agentState = SimUser.AcdState.NOT_READY;
            case "workingAfterCall" -> u.agentState = SimUser.AcdState.WRAP_UP;
            case "loggedOff" -> u.agentState = SimUser.AcdState.LOGGED_OFF;
            default -> {
                LOG.info("simulator ignores an unknown requestedAgentState [{}]", requested);
                return;
            }
        }
        u.reason = u.agentState == SimUser.AcdState.NOT_READY ? blankToNull(reason) : null;
    }

    private boolean authorized(Request request, SimUser u) {
        AuthorizationHeader auth = (AuthorizationHeader) request.getHeader(AuthorizationHeader.NAME);
        if (auth == null || auth.getNonce() == null || nonces.remove(auth.getNonce()) == null) {
            return false;
        }
        String expected = DigestAuth.response(u.user, settings.realm(), u.digestPassword, request.getMethod(),
                auth.getURI().toString(), auth.getNonce(), auth.getQop(),
                auth.getNonceCount() <= 0 ? null : String.format("%08x", auth.getNonceCount()), auth.getCNonce());
        return expected.equalsIgnoreCase(auth.getResponse()) && u.user.equals(auth.getUsername());
    }

    private void challenge(ServerTransaction tx, Request request) throws Exception {
        String nonce = hex(12);
        nonces.put(nonce, nonce);
        Response r = messages.createResponse(Response.UNAUTHORIZED, request);
        javax.sip.header.WWWAuthenticateHeader h = headers.createWWWAuthenticateHeader("Digest");
        h.setRealm(settings.realm());
        h.setNonce(nonce);
        h.setAlgorithm("MD5");
        h.setQop("auth");
        r.addHeader(h);
        tx.sendResponse(r);
    }

    private void ok(ServerTransaction tx, Request request, SimSubscription s, int granted) throws Exception {
        Response r = messages.createResponse(Response.OK, request);
        ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(s.localTag);
        r.addHeader(headers.createExpiresHeader(granted));
        r.addHeader(contact(s.transport));
        tx.sendResponse(r);
    }

    private void respond(ServerTransaction tx, Request request, int status) {
        try {
            Response r = messages.createResponse(status, request);
            ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
            if (to.getTag() == null && status >= 200) {
                to.setTag(hex(4));
            }
            tx.sendResponse(r);
        } catch (Exception e) {
            LOG.debug("could not answer {}", status, e);
        }
    }

    private int portFor(String transport) {
        return "tls".equalsIgnoreCase(transport) && settings.tls() != null ? settings.tls().port() : settings.port();
    }

    private ContactHeader contact(String transport) throws Exception {
        SipURI uri = addresses.createSipURI(null, settings.host());
        uri.setPort(portFor(transport));
        uri.setTransportParam(transport);
        return headers.createContactHeader(addresses.createAddress(uri));
    }

    private void sendFullState(SimSubscription s) {
        SimUser u = s.user;
        switch (s.pkg) {
            case HOTELING -> sendNotify(s, Bodies.hoteling(u.guest, null).getBytes(StandardCharsets.UTF_8), Bodies.HOTELING_TYPE, null, null);
            case FEATURE -> sendNotify(s, Bodies.featureFullState(u), "multipart/mixed;boundary=" + Bodies.BOUNDARY, null, null);
            case DIALOG -> sendNotify(s, Bodies.dialogInfo(u, s.dialogVersion++, u.calls).getBytes(StandardCharsets.UTF_8),
                    Bodies.DIALOG_TYPE, null, null);
            default -> throw new IllegalStateException(s.pkg);
        }
    }

    private void notifySubscribers(SimUser u, String pkg, byte[] body, String contentType) {
        if (u.dropNotifies > 0) {
            u.dropNotifies--;
            LOG.info("simulator drops a notify [user={}, package={}]", u.user, pkg);
            return;
        }
        for (SimSubscription s : List.copyOf(u.subscriptions)) {
            if (s.pkg.equals(pkg)) {
                sendNotify(s, body, contentType, null, null);
            }
        }
    }

    private void notifyDialogs(SimUser u) {
        for (SimSubscription s : List.copyOf(u.subscriptions)) {
            if (s.pkg.equals(DIALOG)) {
                sendNotify(s, Bodies.dialogInfo(u, s.dialogVersion++, u.calls).getBytes(StandardCharsets.UTF_8),
                        Bodies.DIALOG_TYPE, null, null);
            }
        }
    }

    /** Sends a NOTIFY; {@code terminatedReason} non-null ends the subscription. */
    private void sendNotify(SimSubscription s, byte[] body, String contentType, String terminatedReason, Integer retryAfter) {
        if (down) {
            return;
        }
        try {
            Address subscriberTo = addresses.createAddress(s.subscriber.getURI());
            ToHeader to = headers.createToHeader(subscriberTo, s.remoteTag);
            FromHeader from = headers.createFromHeader(s.asAddress, s.localTag);
            List<ViaHeader> via = new ArrayList<>();
            via.add(headers.createViaHeader(settings.host(), portFor(s.transport), s.transport, null));
            Request notify = messages.createRequest(s.contact, Request.NOTIFY, headers.createCallIdHeader(s.callId),
                    headers.createCSeqHeader(s.cseq++, Request.NOTIFY), from, to, via, headers.createMaxForwardsHeader(70));
            EventHeader ev = headers.createEventHeader(s.pkg);
            if (s.eventId != null) {
                ev.setEventId(s.eventId);
            }
            notify.addHeader(ev);
            SubscriptionStateHeader state;
            if (terminatedReason != null) {
                state = headers.createSubscriptionStateHeader(SubscriptionStateHeader.TERMINATED);
                state.setReasonCode(terminatedReason);
                if (retryAfter != null) {
                    state.setRetryAfter(retryAfter);
                }
            } else {
                state = headers.createSubscriptionStateHeader(SubscriptionStateHeader.ACTIVE);
                state.setExpires(s.remainingSeconds(System.currentTimeMillis()));
            }
            notify.addHeader(state);
            notify.addHeader(contact(s.transport));
            if (body != null) {
                int slash = contentType.indexOf('/');
                int semi = contentType.indexOf(';');
                String sub = semi < 0 ? contentType.substring(slash + 1) : contentType.substring(slash + 1, semi);
                javax.sip.header.ContentTypeHeader ct = headers.createContentTypeHeader(contentType.substring(0, slash), sub);
                if (semi > 0) {
                    String[] kv = contentType.substring(semi + 1).split("=", 2);
                    ct.setParameter(kv[0].strip(), kv[1].strip());
                }
                notify.setContent(body, ct);
            }
            ClientTransaction ct = provider.getNewClientTransaction(notify);
            ct.setApplicationData(s.key);
            ct.sendRequest();
            notifiesSent.incrementAndGet();
        } catch (Exception e) {
            LOG.info("simulator could not send a notify, subscription dropped [user={}, package={}]: {}", s.user.user, s.pkg, e.toString());
            untrack(s.key);
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        Response r = event.getResponse();
        if (r.getStatusCode() < 300 && r.getStatusCode() >= 200) {
            notifiesAnswered.incrementAndGet();
        }
        if (r.getStatusCode() >= 300 && event.getClientTransaction() != null) {
            Object key = event.getClientTransaction().getApplicationData();
            exec.execute(() -> {
                SimSubscription s = untrack(String.valueOf(key));
                if (s != null) {
                    LOG.info("subscriber refused a notify with {}, subscription dropped [user={}, package={}]",
                            r.getStatusCode(), s.user.user, s.pkg);
                }
            });
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        if (event.getClientTransaction() != null) {
            Object key = event.getClientTransaction().getApplicationData();
            exec.execute(() -> {
                if (untrack(String.valueOf(key)) != null) {
                    LOG.info("a notify timed out, subscription dropped");
                }
            });
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        LOG.debug("simulator transport error [{}:{} {}]", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
    }

    private void expire() {
        long now = System.currentTimeMillis();
        for (SimSubscription s : List.copyOf(subscriptions.values())) {
            if (s.expiresAt <= now) {
                untrack(s.key);
                sendNotify(s, null, null, "timeout", null);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private SimUser user(String user) {
        SimUser u = users.get(user);
        if (u == null) {
            throw new IllegalArgumentException("no such simulated user: " + user);
        }
        return u;
    }

    private static SimCall findCall(SimUser u, String callId) {
        return u.calls.stream().filter(c -> c.callId.equals(callId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no call " + callId + " at " + u.user));
    }

    private void track(SimSubscription s) {
        subscriptions.put(s.key, s);
        s.user.subscriptions.add(s);
    }

    private SimSubscription untrack(String key) {
        SimSubscription s = subscriptions.remove(key);
        if (s != null) {
            s.user.subscriptions.remove(s);
        }
        return s;
    }

    private <T> T call(Callable<T> work) {
        try {
            return exec.submit(work).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the simulator did not answer in 10 s", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
