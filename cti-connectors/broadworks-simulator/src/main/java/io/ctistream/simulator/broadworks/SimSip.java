package io.ctistream.simulator.broadworks;

import static io.ctistream.simulator.broadworks.BroadWorksSimulator.DIALOG;
import static io.ctistream.simulator.broadworks.BroadWorksSimulator.FEATURE;
import static io.ctistream.simulator.broadworks.BroadWorksSimulator.HOTELING;

import io.ctistream.sip.DigestAuth;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipListener;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.EventHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AS as a SIP server: the JAIN-SIP listener. Answers OPTIONS, and SUBSCRIBEs to the three
 * packages (Digest challenge, 423 and reduced Expires grants, refreshes, unsubscribes, command
 * bodies handed to {@link SimCommands}), opens and ends the subscription dialogs, and lets them
 * expire. Requests arrive on the SIP stack's threads and are handled on the simulator's executor;
 * answers to the AS's own NOTIFYs go to {@link SimNotifier}.
 */
final class SimSip implements SipListener {
    private static final Logger LOG = LoggerFactory.getLogger(SimSip.class);

    private final SimAs as;
    private final SimStack sip;
    private final SimNotifier notifier;
    private final SimCommands commands;
    private final SimFaults faults;
    private final Map<String, String> nonces = new ConcurrentHashMap<>();
    private final AtomicLong subscribesReceived = new AtomicLong();
    private final AtomicInteger optionsReceived = new AtomicInteger();

    SimSip(SimAs as, SimStack sip, SimNotifier notifier, SimCommands commands, SimFaults faults) {
        this.as = as;
        this.sip = sip;
        this.notifier = notifier;
        this.commands = commands;
        this.faults = faults;
    }

    long subscribesReceived() {
        return subscribesReceived.get();
    }

    int optionsReceived() {
        return optionsReceived.get();
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        boolean options = Request.OPTIONS.equals(request.getMethod());
        if (options) {
            optionsReceived.incrementAndGet();
        }
        if (as.down || options && faults.ignoresOptions()) {
            return; // unanswered: the peer retransmits, then times out
        }
        ServerTransaction st = event.getServerTransaction();
        try {
            if (st == null) {
                st = sip.provider.getNewServerTransaction(request);
            }
        } catch (Exception e) {
            LOG.debug("no server transaction for a {} (a retransmission?)", request.getMethod());
            return;
        }
        ServerTransaction tx = st;
        Duration delay = faults.slowAnswers();
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
        if (as.exec.isShutdown()) {
            return; // closing: the peer will retransmit or time out, as with a stopped AS
        }
        try {
            if (delay.isZero()) {
                as.exec.execute(work);
            } else {
                as.exec.schedule(work, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            LOG.debug("simulator is closing; a {} is not answered", request.getMethod());
        }
    }

    private void onSubscribe(Request request, ServerTransaction tx) throws Exception {
        subscribesReceived.incrementAndGet();
        if (faults.takeReject503()) {
            Response r = sip.messages.createResponse(Response.SERVICE_UNAVAILABLE, request);
            r.addHeader(sip.headers.createRetryAfterHeader(1));
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
        SimSubscription existing = to.getTag() == null ? null : as.subscriptions.get(callId + ";" + to.getTag());
        // in a dialog the request goes to our Contact, which names no user: the dialog does
        String userPart = existing != null ? existing.user.user : ((SipURI) request.getRequestURI()).getUser();
        SimUser u = userPart == null ? null : as.users.get(userPart);
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
                as.untrack(s.key);
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
        if (requested != 0 && requested < as.settings.minExpires()) {
            intervalTooBrief(tx, request);
            return;
        }
        if (requested == 0) {
            respond(tx, request, Response.OK);
            return;
        }
        int granted = Math.min(requested, as.settings.maxExpires());
        String transport = ((ViaHeader) request.getHeader(ViaHeader.NAME)).getTransport().toLowerCase(Locale.ROOT);
        ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
        URI contactUri = contact != null ? contact.getAddress().getURI() : from.getAddress().getURI();
        SimSubscription s = new SimSubscription(u, pkg, eventHeader.getEventId(), callId, SimAs.hex(6), from.getTag(),
                sip.addresses.createAddress(to.getAddress().getURI()), from.getAddress(), contactUri, transport);
        s.expiresAt = System.currentTimeMillis() + granted * 1000L;
        as.track(s);
        ok(tx, request, s, granted);
        notifier.sendFullState(s);
    }

    /** A SUBSCRIBE in an existing dialog: an unsubscribe, a refresh (full state again), or a command in its body. */
    private void inDialog(SimSubscription s, Request request, ServerTransaction tx, int requested, byte[] body) throws Exception {
        if (requested == 0) {
            as.untrack(s.key);
            ok(tx, request, s, 0);
            notifier.sendNotify(s, null, null, "timeout", null);
            return;
        }
        if (requested < as.settings.minExpires()) {
            intervalTooBrief(tx, request);
            return;
        }
        int granted = Math.min(requested, as.settings.maxExpires());
        if (body == null) {
            s.expiresAt = System.currentTimeMillis() + granted * 1000L;
            ok(tx, request, s, granted);
            notifier.sendFullState(s);
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
        commands.apply(s, doc, requested);
    }

    /** Ends, with a terminated;reason=timeout NOTIFY, every subscription its subscriber did not refresh in time. */
    void expire() {
        long now = System.currentTimeMillis();
        for (SimSubscription s : List.copyOf(as.subscriptions.values())) {
            if (s.expiresAt <= now) {
                as.untrack(s.key);
                notifier.sendNotify(s, null, null, "timeout", null);
            }
        }
    }

    // ---------------------------------------------------------------- Digest

    /** The request carries a response to a nonce this AS issued (each nonce serves once) that matches the user's password. */
    private boolean authorized(Request request, SimUser u) {
        AuthorizationHeader auth = (AuthorizationHeader) request.getHeader(AuthorizationHeader.NAME);
        if (auth == null || auth.getNonce() == null || nonces.remove(auth.getNonce()) == null) {
            return false;
        }
        String expected = DigestAuth.response(u.user, as.settings.realm(), u.digestPassword, request.getMethod(),
                auth.getURI().toString(), auth.getNonce(), auth.getQop(),
                auth.getNonceCount() <= 0 ? null : String.format("%08x", auth.getNonceCount()), auth.getCNonce());
        return expected.equalsIgnoreCase(auth.getResponse()) && u.user.equals(auth.getUsername());
    }

    private void challenge(ServerTransaction tx, Request request) throws Exception {
        String nonce = SimAs.hex(12);
        nonces.put(nonce, nonce);
        Response r = sip.messages.createResponse(Response.UNAUTHORIZED, request);
        WWWAuthenticateHeader h = sip.headers.createWWWAuthenticateHeader("Digest");
        h.setRealm(as.settings.realm());
        h.setNonce(nonce);
        h.setAlgorithm("MD5");
        h.setQop("auth");
        r.addHeader(h);
        tx.sendResponse(r);
    }

    // ---------------------------------------------------------------- answers

    private void ok(ServerTransaction tx, Request request, SimSubscription s, int granted) throws Exception {
        Response r = sip.messages.createResponse(Response.OK, request);
        ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(s.localTag);
        r.addHeader(sip.headers.createExpiresHeader(granted));
        r.addHeader(sip.contact(s.transport));
        tx.sendResponse(r);
    }

    private void intervalTooBrief(ServerTransaction tx, Request request) throws Exception {
        Response r = sip.messages.createResponse(Response.INTERVAL_TOO_BRIEF, request);
        r.addHeader(sip.headers.createMinExpiresHeader(as.settings.minExpires()));
        tx.sendResponse(r);
    }

    private void respond(ServerTransaction tx, Request request, int status) {
        try {
            Response r = sip.messages.createResponse(status, request);
            ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
            if (to.getTag() == null && status >= 200) {
                to.setTag(SimAs.hex(4));
            }
            tx.sendResponse(r);
        } catch (Exception e) {
            LOG.debug("could not answer {}", status, e);
        }
    }

    // ---------------------------------------------------------------- the rest of the listener

    @Override
    public void processResponse(ResponseEvent event) {
        notifier.answered(event);
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        notifier.timedOut(event);
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
}
