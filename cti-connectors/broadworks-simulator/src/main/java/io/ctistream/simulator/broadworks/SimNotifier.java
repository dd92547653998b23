package io.ctistream.simulator.broadworks;

import static io.ctistream.simulator.broadworks.BroadWorksSimulator.DIALOG;
import static io.ctistream.simulator.broadworks.BroadWorksSimulator.FEATURE;
import static io.ctistream.simulator.broadworks.BroadWorksSimulator.HOTELING;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ClientTransaction;
import javax.sip.ResponseEvent;
import javax.sip.TimeoutEvent;
import javax.sip.address.Address;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.EventHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AS as a notifier: writes and sends the NOTIFYs of its subscription dialogs (full state,
 * changes, terminations) and follows their answers, dropping a subscription whose NOTIFY is refused
 * or times out. Runs on the simulator's executor; the answers arrive on the SIP stack's threads
 * and hop onto it.
 */
final class SimNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(SimNotifier.class);

    private final SimAs as;
    private final SimStack sip;
    private final AtomicLong notifiesSent = new AtomicLong();
    private final AtomicLong notifiesAnswered = new AtomicLong();

    SimNotifier(SimAs as, SimStack sip) {
        this.as = as;
        this.sip = sip;
    }

    long notifiesSent() {
        return notifiesSent.get();
    }

    long notifiesAnswered() {
        return notifiesAnswered.get();
    }

    /** The first NOTIFY of a subscription, or the one a refresh asks for: the package's whole state. */
    void sendFullState(SimSubscription s) {
        SimUser u = s.user;
        switch (s.pkg) {
            case HOTELING -> sendNotify(s, Bodies.hoteling(u.guest, null).getBytes(StandardCharsets.UTF_8), Bodies.HOTELING_TYPE, null, null);
            case FEATURE -> sendNotify(s, Bodies.featureFullState(u), "multipart/mixed;boundary=" + Bodies.BOUNDARY, null, null);
            case DIALOG -> sendNotify(s, Bodies.dialogInfo(u, s.dialogVersion++, u.calls).getBytes(StandardCharsets.UTF_8),
                    Bodies.DIALOG_TYPE, null, null);
            default -> throw new IllegalStateException(s.pkg);
        }
    }

    /** An as-feature-event change ({@code xml} in ISO-8859-1) to the user's subscribers. */
    void notifyFeature(SimUser u, String xml) {
        notifySubscribers(u, FEATURE, xml.getBytes(StandardCharsets.ISO_8859_1), Bodies.FEATURE_TYPE);
    }

    /** A hoteling event ({@code xml} in UTF-8) to the user's subscribers. */
    void notifyHoteling(SimUser u, String xml) {
        notifySubscribers(u, HOTELING, xml.getBytes(StandardCharsets.UTF_8), Bodies.HOTELING_TYPE);
    }

    /** A change to every subscriber of the user's package, unless a fault drops it. */
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

    /** The user's calls to every dialog-package subscriber, each with its own next version. */
    void notifyDialogs(SimUser u) {
        for (SimSubscription s : List.copyOf(u.subscriptions)) {
            if (s.pkg.equals(DIALOG)) {
                sendNotify(s, Bodies.dialogInfo(u, s.dialogVersion++, u.calls).getBytes(StandardCharsets.UTF_8),
                        Bodies.DIALOG_TYPE, null, null);
            }
        }
    }

    /** Sends a NOTIFY; {@code terminatedReason} non-null ends the subscription. */
    void sendNotify(SimSubscription s, byte[] body, String contentType, String terminatedReason, Integer retryAfter) {
        if (as.down) {
            return;
        }
        HeaderFactory headers = sip.headers;
        try {
            Address subscriberTo = sip.addresses.createAddress(s.subscriber.getURI());
            ToHeader to = headers.createToHeader(subscriberTo, s.remoteTag);
            FromHeader from = headers.createFromHeader(s.asAddress, s.localTag);
            List<ViaHeader> via = new ArrayList<>();
            via.add(headers.createViaHeader(as.settings.host(), sip.portFor(s.transport), s.transport, null));
            Request notify = sip.messages.createRequest(s.contact, Request.NOTIFY, headers.createCallIdHeader(s.callId),
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
            notify.addHeader(sip.contact(s.transport));
            if (body != null) {
                int slash = contentType.indexOf('/');
                int semi = contentType.indexOf(';');
                String sub = semi < 0 ? contentType.substring(slash + 1) : contentType.substring(slash + 1, semi);
                ContentTypeHeader ct = headers.createContentTypeHeader(contentType.substring(0, slash), sub);
                if (semi > 0) {
                    String[] kv = contentType.substring(semi + 1).split("=", 2);
                    ct.setParameter(kv[0].strip(), kv[1].strip());
                }
                notify.setContent(body, ct);
            }
            ClientTransaction ct = sip.provider.getNewClientTransaction(notify);
            ct.setApplicationData(s.key);
            ct.sendRequest();
            notifiesSent.incrementAndGet();
        } catch (Exception e) {
            LOG.info("simulator could not send a notify, subscription dropped [user={}, package={}]: {}", s.user.user, s.pkg, e.toString());
            as.untrack(s.key);
        }
    }

    /** A subscriber's answer to a NOTIFY (on a SIP stack thread): counted when 2xx, the subscription dropped when 3xx and up. */
    void answered(ResponseEvent event) {
        Response r = event.getResponse();
        if (r.getStatusCode() < 300 && r.getStatusCode() >= 200) {
            notifiesAnswered.incrementAndGet();
        }
        if (r.getStatusCode() >= 300 && event.getClientTransaction() != null) {
            Object key = event.getClientTransaction().getApplicationData();
            as.exec.execute(() -> {
                SimSubscription s = as.untrack(String.valueOf(key));
                if (s != null) {
                    LOG.info("subscriber refused a notify with {}, subscription dropped [user={}, package={}]",
                            r.getStatusCode(), s.user.user, s.pkg);
                }
            });
        }
    }

    /** A NOTIFY nobody answered (on a SIP stack thread): its subscription is dropped. */
    void timedOut(TimeoutEvent event) {
        if (event.getClientTransaction() != null) {
            Object key = event.getClientTransaction().getApplicationData();
            as.exec.execute(() -> {
                if (as.untrack(String.valueOf(key)) != null) {
                    LOG.info("a notify timed out, subscription dropped");
                }
            });
        }
    }
}
