package io.ctistream.connector.finesse.xmpp;

import io.ctistream.connector.core.Failure;

/**
 * XEP-0199 pings from an established session: one every {@code pingInterval}, each answered within
 * {@code pingTimeout} or counted missed; {@code maxMissedPings} missed in a row and the session is
 * lost (retriable {@code XMPP_PING_TIMEOUT}). Any answer, an error included, proves the server
 * alive. This is what notices a server that hangs with the TCP connection still open; a server that
 * dies closes the connection and is noticed at once.
 */
final class Keepalive {
    private final XmppSession session;
    private long timer = -1;
    private int missed;
    private volatile long answered;

    Keepalive(XmppSession session) {
        this.session = session;
    }

    void start() {
        long every = session.options().pingInterval().toMillis();
        missed = 0;
        timer = session.vertx().setPeriodic(every, every, t -> ping());
    }

    void stop() {
        if (timer >= 0) {
            session.vertx().cancelTimer(timer);
            timer = -1;
        }
    }

    long answered() {
        return answered;
    }

    private void ping() {
        if (session.state() != XmppSession.State.ESTABLISHED) {
            return;
        }
        session.ping().onComplete(ar -> {
            if (session.state() != XmppSession.State.ESTABLISHED) {
                return;
            }
            boolean timedOut = ar.failed() && ar.cause() instanceof Failure f && "XMPP_IQ_TIMEOUT".equals(f.code());
            if (!timedOut) {
                missed = 0;
                answered++;
                return;
            }
            missed++;
            int max = session.options().maxMissedPings();
            if (missed >= max) {
                session.fail(XmppErrors.retriable("XMPP_PING_TIMEOUT", missed + " pings in a row unanswered within "
                        + session.options().pingTimeout().toMillis() + " ms"));
            }
        });
    }
}
