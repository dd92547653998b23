package io.ctistream.connector.finesse.xmpp;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.finesse.xmpp.XmppStreamCodec.Close;
import io.ctistream.connector.finesse.xmpp.XmppStreamCodec.Features;
import io.ctistream.connector.finesse.xmpp.XmppStreamCodec.Inbound;
import io.ctistream.connector.finesse.xmpp.XmppStreamCodec.Iq;
import io.ctistream.connector.finesse.xmpp.XmppStreamCodec.Open;
import io.ctistream.connector.finesse.xmpp.XmppStreamCodec.SaslFailure;
import io.ctistream.connector.finesse.xmpp.XmppStreamCodec.SaslSuccess;
import io.ctistream.connector.finesse.xmpp.XmppStreamCodec.StreamError;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a session's inbound stanzas go. {@code <message>} is passed on as text without parsing
 * (the Finesse codec parses it once); {@code <presence>} is ignored; everything else is read with
 * {@link XmppStreamCodec} and routed to the handshake, the IQ tracker or the session. Whatever
 * cannot be read is counted and dropped: a bad stanza never ends a session.
 */
final class Inbox implements FrameAssembler.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(XmppSession.class);

    private final XmppSession session;
    private final XmppSessionListener listener;
    private final Handshake handshake;
    private volatile long malformed;
    private volatile long messages;

    Inbox(XmppSession session, XmppSessionListener listener, Handshake handshake) {
        this.session = session;
        this.listener = listener;
        this.handshake = handshake;
    }

    long malformed() {
        return malformed;
    }

    long messages() {
        return messages;
    }

    @Override
    public void stanza(Buffer bytes) {
        if (LOG.isTraceEnabled()) {
            LOG.trace("xmpp in [session={}, frame={}]", session, bytes.toString(StandardCharsets.UTF_8));
        }
        String root = Stanzas.rootName(bytes);
        if ("message".equals(root)) {
            deliver(bytes.toString(StandardCharsets.UTF_8));
            return;
        }
        if ("presence".equals(root) || "".equals(root)) {
            return; // presence (our own, echoed) is not needed; a blank frame is a keepalive at most
        }
        Inbound in;
        try {
            in = XmppStreamCodec.decode(bytes.getBytes(), session.options().maxStanzaBytes());
        } catch (MalformedBodyException e) {
            dropped(e.getMessage());
            return;
        }
        try {
            route(in);
        } catch (RuntimeException e) {
            dropped("cannot handle " + in + ": " + e);
        }
    }

    @Override
    public void dropped(String why) {
        malformed++;
        LOG.debug("xmpp stanza dropped [session={}, why={}]", session, why);
        session.tell(() -> listener.malformed(session, why));
    }

    private void route(Inbound in) {
        if (in instanceof Open) {
            handshake.opened();
        } else if (in instanceof Features f) {
            handshake.features(f);
        } else if (in instanceof SaslSuccess) {
            handshake.saslSucceeded();
        } else if (in instanceof SaslFailure f) {
            handshake.saslFailed(f);
        } else if (in instanceof Iq iq) {
            iq(iq);
        } else if (in instanceof StreamError e) {
            session.fail(XmppErrors.stream(e.condition(), e.text()));
        } else if (in instanceof Close c) {
            session.serverClosed(c);
        } else {
            LOG.debug("xmpp stanza ignored [session={}, stanza={}]", session, in);
        }
    }

    /** RFC 6120 §8.4: a get or set is always answered; a ping with a result, the rest with service-unavailable. */
    private void iq(Iq iq) {
        if (iq.request()) {
            session.write(iq.ping() ? XmppFrames.result(iq.id(), iq.from()) : XmppFrames.serviceUnavailable(iq.id(), iq.from()));
        } else if (!session.iqs().answer(iq)) {
            LOG.debug("xmpp iq answer nobody waits for [session={}, id={}]", session, iq.id());
        }
    }

    private void deliver(String stanza) {
        XmppSession.State state = session.state();
        if (state != XmppSession.State.ESTABLISHED && state != XmppSession.State.CLOSING) {
            LOG.debug("xmpp message before the session was established, dropped [session={}]", session);
            return;
        }
        messages++;
        session.tell(() -> listener.message(session, stanza));
    }
}
