package io.ctistream.connector.broadworks;

import io.ctistream.connector.core.Backoff;
import io.ctistream.connector.core.Failure;
import io.ctistream.sip.DigestAuth;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.address.Address;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.MinExpiresHeader;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SIP subscription of one agent to one event package, kept alive per RFC 6665: refreshed at
 * ~80 % of the granted expiry (from the 200 OK and every Subscription-State) with jitter; 423 retried
 * with Min-Expires; 401/407 answered once with Digest; 481 and transport loss re-create it out of
 * dialog with backoff; {@code terminated} handled by its reason. All on the connector's context.
 */
final class Subscription implements SipLayer.NotifyTarget {
    private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

    enum State { IDLE, SUBSCRIBING, ACTIVE, LOST, FAILED, CLOSED }

    /** What the subscription tells its agent session. */
    interface Owner {
        void linkChanged(Subscription s);

        void notified(Subscription s, String contentType, byte[] body, long receivedNanos);
    }

    final String pkg;
    final String accept;
    private final String aor;
    private final SipLayer sip;
    private final Vertx vertx;
    private final BroadWorksConfig config;
    private final Owner owner;
    private final Credentials.Secret secret;
    private volatile State state = State.IDLE;
    private String callId;
    private String localTag;
    private String remoteTag;
    private URI remoteTarget;
    private List<Address> routeSet = List.of();
    private long cseq;
    /** The highest NOTIFY CSeq seen in this dialog: the stack may hand NOTIFYs over out of order. */
    private long lastNotifyCseq = -1;
    private int expires;
    /** What the AS granted at the last 2xx (0 before any): commands in the dialog ask for it, not for more (issue #19). */
    private int granted;
    private long refreshTimer = -1;
    /** When the refresh timer fires ({@link System#nanoTime}), while it is set. */
    private long refreshDueAt;
    private long retryTimer = -1;
    private int failures;
    /** Set while a re-read waits for the pacer: why. */
    private String rereadReason;
    private final Backoff retries;
    private String answeredNonce;
    private String reason;
    /** Lost because the AS stopped answering: nothing is retried until {@link #open()}. */
    private boolean suspended;

    Subscription(String pkg, String accept, String aor, SipLayer sip, Vertx vertx, BroadWorksConfig config, Owner owner,
                 Credentials.Secret secret) {
        this.pkg = pkg;
        this.accept = accept;
        this.aor = aor;
        this.sip = sip;
        this.vertx = vertx;
        this.config = config;
        this.owner = owner;
        this.secret = secret;
        this.expires = config.requestedExpires();
        this.retries = Backoff.of(config.retryBase(), config.retryMax());
    }

    State state() {
        return state;
    }

    boolean active() {
        return state == State.ACTIVE;
    }

    /** Why the subscription is LOST or FAILED (a SIP code or a termination reason). */
    String reason() {
        return reason;
    }

    /** A new subscription, out of dialog; the AS answers with a full-state NOTIFY. */
    void open() {
        if (state == State.CLOSED) {
            return;
        }
        cancelTimers();
        suspended = false;
        if (callId != null) {
            sip.unregister(callId);
        }
        callId = sip.newCallId();
        granted = 0;
        localTag = hex(6);
        lastNotifyCseq = -1;
        remoteTag = null;
        remoteTarget = null;
        routeSet = List.of();
        cseq = 0;
        answeredNonce = null;
        sip.register(callId, this);
        if (state != State.LOST) {
            state = State.SUBSCRIBING;
        }
        subscribe(null, null, expires, null);
    }

    /** Sends a command document inside the dialog; completes when the AS accepted it (2xx). */
    Future<Void> command(byte[] body, String contentType) {
        if (state != State.ACTIVE) {
            return Future.failedFuture(Failure.retriable("LINK_DOWN", "the " + pkg + " subscription is not active"));
        }
        Promise<Void> done = Promise.promise();
        subscribe(body, contentType, granted > 0 ? granted : expires, done);
        return done.future();
    }

    /** The AS stopped answering: LOST now, and nothing is refreshed or retried until {@link #open()}. */
    void suspend(String why) {
        if (state == State.CLOSED || state == State.FAILED) {
            return;
        }
        suspended = true;
        markLost(why);
    }

    boolean suspended() {
        return suspended;
    }

    /**
     * Reads the full state again in a new dialog, whatever the old one does meanwhile (a resync after
     * a Kafka loss): when the pacer reaches it ({@link #openQueued()}), the link goes LOST and a new
     * dialog is opened, even if the old one sent a NOTIFY in between. Paced, so a resync of many
     * agents neither storms the AS nor floods the sink with link events.
     */
    void reread(String why) {
        if (state == State.CLOSED || state == State.FAILED) {
            return;
        }
        rereadReason = why;
    }

    /**
     * Opens a subscription that waited in the pacer's queue, unless it no longer needs it: opened
     * meanwhile, or its old dialog spoke again after the AS came back. A pending re-read always opens anew.
     */
    void openQueued() {
        if (rereadReason != null) {
            String why = rereadReason;
            rereadReason = null;
            suspend(why);
            open(); // a new dialog; the old one's NOTIFYs are answered and ignored
            return;
        }
        if (state == State.IDLE || suspended) {
            open();
        }
    }

    /** Ends the subscription (Expires: 0) and forgets it; a final NOTIFY is answered and ignored. */
    void close() {
        boolean wasLive = state == State.ACTIVE || state == State.SUBSCRIBING;
        state = State.CLOSED;
        cancelTimers();
        if (callId != null && wasLive && remoteTag != null) {
            try {
                sip.send(request(null, null, 0, null)).onComplete(ar -> { });
            } catch (Exception e) {
                LOG.debug("unsubscribe not sent [aor={}, package={}]", aor, pkg, e);
            }
        }
        if (callId != null) {
            sip.unregister(callId);
        }
    }

    /** Forgets the subscription without telling the AS (a crashed process). */
    void abandon() {
        state = State.CLOSED;
        cancelTimers();
        if (callId != null) {
            sip.unregister(callId);
        }
    }

    private void subscribe(byte[] body, String contentType, int exp, Promise<Void> commandDone) {
        Request req;
        try {
            req = request(body, contentType, exp, null);
        } catch (Exception e) {
            fail(Failure.permanent("SIP_BUILD", "cannot build a SUBSCRIBE for " + aor + ": " + e.getMessage()), commandDone);
            return;
        }
        send(req, body, contentType, exp, commandDone, false);
    }

    private void send(Request req, byte[] body, String contentType, int exp, Promise<Void> commandDone, boolean authRetry) {
        String sentCallId = callId;
        sip.send(req).onComplete(ar -> {
            if (!sentCallId.equals(callId) || state == State.CLOSED) {
                if (commandDone != null) {
                    commandDone.tryFail(Failure.retriable("SUBSCRIPTION_RESET", "the subscription was re-created meanwhile"));
                }
                return;
            }
            if (suspended) {
                // sent before the AS went away: whatever came back, the subscription is made anew when it answers again
                if (commandDone != null) {
                    commandDone.tryFail(Failure.retriable("LINK_DOWN", "the AS does not answer"));
                }
                return;
            }
            if (ar.failed()) {
                Failure f = ar.cause() instanceof Failure ff ? ff : Failure.retriable("SIP_TRANSPORT", ar.cause().getMessage());
                if (commandDone != null) {
                    commandDone.tryFail(f);
                }
                lost(f.code());
                return;
            }
            onResponse(ar.result(), body, contentType, exp, commandDone, authRetry);
        });
    }

    private void onResponse(Response r, byte[] body, String contentType, int exp, Promise<Void> commandDone, boolean authRetry) {
        int code = r.getStatusCode();
        if (code >= 200 && code < 300) {
            ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
            if (remoteTag == null) {
                remoteTag = to.getTag();
            }
            ContactHeader contact = (ContactHeader) r.getHeader(ContactHeader.NAME);
            if (remoteTarget == null && contact != null) {
                remoteTarget = contact.getAddress().getURI();
            }
            if (routeSet.isEmpty()) {
                List<Address> rr = new ArrayList<>();
                r.getHeaders(RecordRouteHeader.NAME).forEachRemaining(h -> rr.add(0, ((RecordRouteHeader) h).getAddress()));
                routeSet = rr;
            }
            ExpiresHeader e = r.getExpires();
            int grantedNow = e != null ? e.getExpires() : exp;
            if (exp > 0) {
                granted = grantedNow;
                scheduleRefresh(grantedNow);
            }
            if (commandDone != null) {
                commandDone.tryComplete();
            }
            return;
        }
        if ((code == 401 || code == 407) && secret != null && secret.sipPassword() != null) {
            String nonce = challengeNonce(r);
            if (nonce != null && !nonce.equals(answeredNonce)) {
                answeredNonce = nonce;
                try {
                    Request retry = request(body, contentType, exp, r);
                    send(retry, body, contentType, exp, commandDone, true);
                    return;
                } catch (Exception ex) {
                    LOG.warn("could not answer a digest challenge [aor={}, package={}]", aor, pkg, ex);
                }
            }
            Failure f = SipErrors.classify(code, r.getReasonPhrase());
            if (commandDone != null) {
                commandDone.tryFail(f);
            }
            failed(f.code());
            return;
        }
        if (code == 423) {
            MinExpiresHeader min = (MinExpiresHeader) r.getHeader(MinExpiresHeader.NAME);
            if (min != null && min.getExpires() > exp) {
                expires = min.getExpires();
                LOG.info("AS wants a longer subscription [aor={}, package={}, minExpires={}]", aor, pkg, expires);
                subscribe(body, contentType, expires, commandDone);
                return;
            }
        }
        Failure f = SipErrors.classify(code, r.getReasonPhrase());
        if (commandDone != null) {
            // a command refused by SIP: the subscription itself may still stand
            commandDone.tryFail(f);
            if (code == 481) {
                lost("SIP_481");
            }
            return;
        }
        if (f.retriable()) {
            lost(f.code());
        } else {
            failed(f.code());
        }
    }

    @Override
    public void onNotify(Request notify, long receivedNanos) {
        if (state == State.CLOSED) {
            return;
        }
        long notifyCseq = ((javax.sip.header.CSeqHeader) notify.getHeader(javax.sip.header.CSeqHeader.NAME)).getSeqNumber();
        if (notifyCseq <= lastNotifyCseq) {
            // an older NOTIFY overtaken by a newer one (UDP, a thread pool): what it says is already superseded
            LOG.debug("stale notify ignored [aor={}, package={}, cseq={}, last={}]", aor, pkg, notifyCseq, lastNotifyCseq);
            return;
        }
        lastNotifyCseq = notifyCseq;
        FromHeader from = (FromHeader) notify.getHeader(FromHeader.NAME);
        if (remoteTag == null) {
            remoteTag = from.getTag();
        }
        ContactHeader contact = (ContactHeader) notify.getHeader(ContactHeader.NAME);
        if (remoteTarget == null && contact != null) {
            remoteTarget = contact.getAddress().getURI();
        }
        SubscriptionStateHeader ss = (SubscriptionStateHeader) notify.getHeader(SubscriptionStateHeader.NAME);
        String subState = ss == null ? "active" : ss.getState().toLowerCase(Locale.ROOT);
        byte[] body = notify.getRawContent();
        if (subState.equals("terminated")) {
            terminated(ss.getReasonCode(), ss.getRetryAfter());
            return;
        }
        if (ss != null && ss.getExpires() > 0) {
            keepOrScheduleRefresh(ss.getExpires());
        }
        boolean activated = state != State.ACTIVE;
        if (activated) {
            state = State.ACTIVE;
            suspended = false; // the AS speaks in this dialog again
            failures = 0;
            reason = null;
        }
        if (body != null && body.length > 0) {
            owner.notified(this, SipLayer.contentType(notify), body, receivedNanos);
        }
        if (activated) {
            // told after the first body is applied: a link that reads ACTIVE has told its full state (ADR 009)
            owner.linkChanged(this);
        }
    }

    private void terminated(String why, int retryAfter) {
        String r = why == null ? "" : why.toLowerCase(Locale.ROOT);
        LOG.info("subscription terminated by the AS [aor={}, package={}, reason={}, retryAfter={}]", aor, pkg, r, retryAfter);
        switch (r) {
            case "rejected", "noresource", "invariant" -> failed("TERMINATED_" + r.toUpperCase(Locale.ROOT));
            case "probation", "giveup" -> {
                markLost("TERMINATED_" + r.toUpperCase(Locale.ROOT));
                long wait = Math.max(retryAfter > 0 ? retryAfter * 1000L : 0, backoff().toMillis());
                retryTimer = vertx.setTimer(wait, id -> open());
            }
            default -> {
                // deactivated, timeout, or no reason: re-subscribe at once (RFC 6665 section 4.1.3)
                markLost("TERMINATED_" + (r.isEmpty() ? "NO_REASON" : r.toUpperCase(Locale.ROOT)));
                open();
            }
        }
    }

    private void lost(String why) {
        if (suspended) {
            return; // a transaction sent before the AS went away: the probe brings the subscription back
        }
        markLost(why);
        Duration wait = backoff();
        LOG.info("subscription lost, re-subscribing [aor={}, package={}, reason={}, in={} ms]", aor, pkg, why, wait.toMillis());
        cancelTimers();
        retryTimer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> open());
    }

    private void markLost(String why) {
        failures++;
        reason = why;
        cancelTimers();
        if (state != State.LOST) {
            state = State.LOST;
            owner.linkChanged(this);
        }
    }

    private void failed(String why) {
        cancelTimers();
        suspended = false; // failed for good: not brought back when the AS answers again
        reason = why;
        state = State.FAILED;
        if (callId != null) {
            sip.unregister(callId);
        }
        LOG.warn("subscription failed for good, not retried [aor={}, package={}, reason={}]", aor, pkg, why);
        owner.linkChanged(this);
    }

    private void fail(Failure f, Promise<Void> commandDone) {
        if (commandDone != null) {
            commandDone.tryFail(f);
        }
        failed(f.code());
    }

    private Duration backoff() {
        return retries.delay(failures - 1);
    }

    /**
     * What a NOTIFY's Subscription-State expires asks of the refresh: it can only bring it earlier.
     * The timer set stays while it fires by the refresh point of what the NOTIFY says is left; set
     * again (from now) only when it would fire later. Setting it again at every NOTIFY, as before,
     * cost a cancel and a new timer per NOTIFY and, worse, moved the refresh later at each one: an
     * agent changing state more often than the refresh interval pushed its refresh towards the
     * expiry, past it once the AS rounds what is left (issue #20,
     * BroadWorksConnectorIT.refreshesBeforeExpiryWhileNotifiesArrive).
     */
    private void keepOrScheduleRefresh(int grantedSeconds) {
        if (refreshTimer != -1) {
            long latestMs = (long) (grantedSeconds * 1000L * config.refreshRatio());
            if ((refreshDueAt - System.nanoTime()) / 1_000_000 <= latestMs) {
                return;
            }
        }
        scheduleRefresh(grantedSeconds);
    }

    private void scheduleRefresh(int grantedSeconds) {
        if (grantedSeconds <= 0 || state == State.CLOSED) {
            return;
        }
        long grantedMs = grantedSeconds * 1000L;
        long at = (long) (grantedMs * config.refreshRatio());
        long jitter = (long) (grantedMs * 0.05);
        long delay = Math.max(500, at - jitter + ThreadLocalRandom.current().nextLong(jitter + 1));
        if (refreshTimer != -1) {
            vertx.cancelTimer(refreshTimer);
        }
        refreshDueAt = System.nanoTime() + delay * 1_000_000;
        refreshTimer = vertx.setTimer(delay, id -> {
            refreshTimer = -1;
            if (state == State.ACTIVE || state == State.SUBSCRIBING) {
                subscribe(null, null, expires, null);
            }
        });
    }

    private void cancelTimers() {
        if (refreshTimer != -1) {
            vertx.cancelTimer(refreshTimer);
            refreshTimer = -1;
        }
        if (retryTimer != -1) {
            vertx.cancelTimer(retryTimer);
            retryTimer = -1;
        }
    }

    private Request request(byte[] body, String contentType, int exp, Response challenge) throws Exception {
        var a = sip.addresses;
        var h = sip.headers;
        Address aorAddress = a.createAddress(aor);
        URI requestUri = remoteTarget != null ? remoteTarget : aorAddress.getURI();
        FromHeader from = h.createFromHeader(aorAddress, localTag);
        ToHeader to = h.createToHeader(a.createAddress(aor), remoteTag);
        CallIdHeader cid = h.createCallIdHeader(callId);
        Request req = sip.messages.createRequest(requestUri, Request.SUBSCRIBE, cid, h.createCSeqHeader(++cseq, Request.SUBSCRIBE),
                from, to, List.of(sip.via()), h.createMaxForwardsHeader(70));
        req.addHeader(h.createContactHeader(sip.contact()));
        req.addHeader(h.createEventHeader(pkg));
        int slash = accept.indexOf('/');
        req.addHeader(h.createAcceptHeader(accept.substring(0, slash), accept.substring(slash + 1)));
        req.addHeader(h.createExpiresHeader(exp));
        req.addHeader(h.createUserAgentHeader(List.of("ctistream")));
        if (remoteTarget == null) {
            Address proxy = sip.outboundRoute();
            if (proxy != null) {
                req.addHeader(h.createRouteHeader(proxy));
            }
        } else {
            for (Address route : routeSet) {
                req.addHeader(h.createRouteHeader(route));
            }
        }
        if (challenge != null) {
            req.addHeader(authorization(challenge, requestUri.toString()));
        }
        if (body != null) {
            int s = contentType.indexOf('/');
            req.setContent(body, h.createContentTypeHeader(contentType.substring(0, s), contentType.substring(s + 1)));
        }
        return req;
    }

    private javax.sip.header.Header authorization(Response challenge, String uri) throws Exception {
        boolean proxy = challenge.getStatusCode() == 407;
        javax.sip.header.Header c = challenge.getHeader(proxy ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME);
        Map<String, String> params = DigestAuth.params(c.toString().substring(c.toString().indexOf(':') + 1));
        String user = secret.sipUser() != null ? secret.sipUser() : userPart(aor);
        String value = DigestAuth.authorization(params, user, secret.sipPassword(), Request.SUBSCRIBE, uri, hex(8));
        String name = proxy ? "Proxy-Authorization" : AuthorizationHeader.NAME;
        return sip.headers.createHeader(name, value);
    }

    private static String challengeNonce(Response r) {
        javax.sip.header.Header c = r.getHeader(r.getStatusCode() == 407 ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME);
        if (c == null) {
            return null;
        }
        return DigestAuth.params(c.toString().substring(c.toString().indexOf(':') + 1)).get("nonce");
    }

    private static String userPart(String aor) {
        String s = aor.startsWith("sip:") ? aor.substring(4) : aor;
        int at = s.indexOf('@');
        return at > 0 ? s.substring(0, at) : s;
    }

    private static String hex(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
