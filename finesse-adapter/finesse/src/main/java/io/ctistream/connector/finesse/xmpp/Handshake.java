package io.ctistream.connector.finesse.xmpp;

import io.ctistream.connector.finesse.xmpp.XmppStreamCodec.Features;
import io.ctistream.connector.finesse.xmpp.XmppStreamCodec.SaslFailure;
import io.vertx.core.Future;

/**
 * From an open socket to a bound resource: {@code <open/>}, features, SASL PLAIN, the stream
 * restart RFC 6120 §6.4.6 asks for (a new {@code <open/>}, RFC 7395 §3.5), features again, bind,
 * the legacy session when the server insists on it. Then the session sends presence.
 */
final class Handshake {
    private enum Step { OPEN, FEATURES, SASL, OPEN_AGAIN, FEATURES_AGAIN, BINDING, DONE }

    private final XmppSession session;
    private Step step = Step.OPEN;

    Handshake(XmppSession session) {
        this.session = session;
    }

    void begin() {
        step = Step.OPEN;
        session.write(XmppFrames.open(session.options().domain()));
    }

    void opened() {
        if (step == Step.OPEN) {
            step = Step.FEATURES;
        } else if (step == Step.OPEN_AGAIN) {
            step = Step.FEATURES_AGAIN;
        }
    }

    void features(Features features) {
        if (step == Step.FEATURES) {
            authenticate(features);
        } else if (step == Step.FEATURES_AGAIN) {
            bind(features);
        }
    }

    void saslSucceeded() {
        if (step == Step.SASL) {
            step = Step.OPEN_AGAIN;
            session.write(XmppFrames.open(session.options().domain()));
        }
    }

    void saslFailed(SaslFailure failure) {
        if (step == Step.SASL) {
            session.fail(XmppErrors.sasl(failure.condition(), failure.text()));
        }
    }

    private void authenticate(Features features) {
        if (features.startTlsRequired()) {
            session.fail(XmppErrors.permanent("XMPP_STARTTLS_REQUIRED", "the server requires STARTTLS inside the websocket; use wss://"));
            return;
        }
        if (!features.mechanisms().contains("PLAIN")) {
            session.fail(XmppErrors.permanent("XMPP_SASL_NO_PLAIN", "the server does not offer SASL PLAIN, only " + features.mechanisms()));
            return;
        }
        step = Step.SASL;
        session.authenticating();
        XmppSessionOptions o = session.options();
        session.writeSecret(XmppFrames.authPlain(o.loginId(), o.password()));
    }

    private void bind(Features features) {
        if (!features.bind()) {
            session.fail(XmppErrors.permanent("XMPP_NO_BIND", "the server offers no resource binding"));
            return;
        }
        step = Step.BINDING;
        session.binding();
        XmppSessionOptions o = session.options();
        IqTracker iqs = session.iqs();
        String id = iqs.nextId();
        session.write(XmppFrames.bind(id, o.resource()));
        iqs.await(id, o.iqTimeout(), "resource bind").compose(iq -> {
            session.bound(iq.boundJid() != null ? iq.boundJid() : o.loginId() + "@" + o.domain() + "/" + o.resource());
            if (!features.sessionRequired()) {
                return Future.succeededFuture();
            }
            String sid = iqs.nextId();
            session.write(XmppFrames.session(sid));
            return iqs.await(sid, o.iqTimeout(), "session establishment").mapEmpty();
        }).onSuccess(v -> {
            step = Step.DONE;
            session.establish();
        }).onFailure(t -> session.fail(XmppErrors.of(t)));
    }
}
